package capture

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kinds of Warning.
const (
	// WarnTruncated: the file ends inside a packet's record or block (a capture cut
	// short by a full disk, a killed tcpdump, a copy still being written).
	WarnTruncated = "truncated"
	// WarnCorrupt: a record or block is malformed; what follows it was not read.
	WarnCorrupt = "corrupt"
	// WarnReadError: reading failed for another reason (an I/O error).
	WarnReadError = "read_error"
	// WarnImplausibleTime: packets are stamped before PlausibleSince or after the
	// run, so the capture's times are not real dates.
	WarnImplausibleTime = "implausible_time"
)

// Warning is a reason to doubt that a capture was read whole or that its packet times
// are real, found in a file of which packets were read. (A file of which no packet
// could be read is an error, not a warning.)
type Warning struct {
	Kind   string // WarnTruncated, WarnCorrupt, WarnReadError or WarnImplausibleTime
	File   string
	Packet uint64 // the first packet not read; for WarnImplausibleTime the first oddly stamped
	// Offset is the byte offset of the record or block of Packet that could not be read
	// (truncated, corrupt), in the file after gzip decompression; -1 when unknown.
	Offset int64
	// Count is, for WarnImplausibleTime, how many packets carry such times.
	Count  uint64
	Detail string // a sentence for people, naming the file and the packet
}

// Warnings lists what is doubtful about a capture file that was read: st are its
// reader's counts and readErr the error that ended the read early (nil at its proper
// end). An interruption (a cancelled context) is not the file's fault and gives no
// warning; nor does a read that handed out no packet, which the caller reports as an
// error.
func Warnings(file string, st Stats, readErr error) []Warning {
	var out []Warning
	if readErr != nil && st.Packets > 0 && !errors.Is(readErr, context.Canceled) && !errors.Is(readErr, context.DeadlineExceeded) {
		w := Warning{Kind: WarnReadError, File: file, Packet: st.Packets + 1, Offset: -1}
		what, cause := "could not be read past", error(readErr)
		var ce *Error
		if errors.As(readErr, &ce) {
			w.Offset, cause = ce.Offset, ce.Err
			switch {
			case errors.Is(ce.Kind, ErrTruncated):
				w.Kind, what = WarnTruncated, "is truncated: it ends inside"
			case errors.Is(ce.Kind, ErrCorrupt):
				w.Kind, what = WarnCorrupt, "is corrupt from"
			}
		}
		w.Detail = fmt.Sprintf("%s %s packet %d (%v); the %d packets before it were read, what follows is missing from the results",
			file, what, w.Packet, cause, st.Packets)
		out = append(out, w)
	}
	if st.OddTimes > 0 {
		out = append(out, Warning{Kind: WarnImplausibleTime, File: file, Packet: st.FirstOddTime, Offset: -1, Count: st.OddTimes,
			Detail: fmt.Sprintf("%s: %d packets carry implausible timestamps (before %d or in the future), the first is packet %d stamped %s; "+
				"the capture point's clock was probably not set, so first and last seen times are not real dates",
				file, st.OddTimes, PlausibleSince.Year(), st.FirstOddTime, st.FirstOddAt.UTC().Format(time.RFC3339))})
	}
	return out
}
