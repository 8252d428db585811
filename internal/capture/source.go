package capture

import (
	"errors"
	"fmt"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// CaptureInfo describes one packet handed out by a Source.
type CaptureInfo struct {
	// Number is the packet's 1-based position in its source, as Wireshark numbers
	// frames, so a person can find the packet with "frame.number == N".
	Number uint64
	// Timestamp is when the packet was captured, at the source's resolution (up to
	// nanoseconds).
	Timestamp time.Time
	// CaptureLength is how many bytes of the packet were recorded; Length is how long
	// the packet was on the wire. CaptureLength < Length when a snap length cut it.
	CaptureLength int
	Length        int
	// InterfaceIndex is the capture interface (pcapng interface id; 0 for pcap).
	InterfaceIndex int
	// LinkType says how to decode the packet's first bytes.
	LinkType layers.LinkType
}

// Source yields packets one at a time. ReadPacket's data is only valid until the next
// call: sources reuse one buffer so that reading allocates nothing per packet. At the
// end of the packets ReadPacket returns io.EOF. A source that cannot go on (damaged
// file) returns an *Error once and io.EOF afterwards.
type Source interface {
	ReadPacket() (data []byte, ci CaptureInfo, err error)
	Close() error
}

// Errors that classify an *Error; test with errors.Is.
var (
	// ErrNotCapture: the input is neither pcap nor pcapng (after gzip, if compressed).
	ErrNotCapture = errors.New("not a pcap or pcapng capture")
	// ErrTruncated: the file ends in the middle of a packet or block.
	ErrTruncated = errors.New("capture file is truncated")
	// ErrCorrupt: a header or block of the file is malformed.
	ErrCorrupt = errors.New("capture file is corrupt")
)

// Error is a failure to read a capture, naming the file and, once packets were being
// read, the number of the packet that could not be read and where its record or block
// begins.
type Error struct {
	File   string
	Packet uint64 // 0 when the file header itself is bad
	// Offset is the byte offset, in the file (after gzip decompression, for a
	// compressed file), of the record or block that could not be read; meaningful when
	// Packet > 0.
	Offset int64
	Kind   error // ErrNotCapture, ErrTruncated or ErrCorrupt
	Err    error // what the reader reported
}

func (e *Error) Error() string {
	switch e.Packet {
	case 0:
		return fmt.Sprintf("%s: %v: %v", e.File, e.Kind, e.Err)
	case 1:
		return fmt.Sprintf("%s: packet 1: %v: %v (no packet could be read)", e.File, e.Kind, e.Err)
	}
	return fmt.Sprintf("%s: packet %d: %v: %v (the %d packets before it were read)", e.File, e.Packet, e.Kind, e.Err, e.Packet-1)
}

// Unwrap lets errors.Is match both the kind and the underlying error.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

// Stats counts what a source has read.
type Stats struct {
	Packets uint64 // packets handed out
	Bytes   uint64 // captured bytes handed out
	// Anomalies counts read failures that ended the source early (truncated file,
	// corrupt block). A file read to its proper end has none.
	Anomalies uint64
	// OddTimes counts the packets stamped with an implausible time: before
	// PlausibleSince, or more than a day after the file was opened (a capture made on
	// a machine whose clock was never set starts in 1970). FirstOddTime is the number
	// of the first of them (0 when none), FirstOddAt its time. Packets without a
	// timestamp (pcapng simple packet blocks) are not counted.
	OddTimes     uint64
	FirstOddTime uint64
	FirstOddAt   time.Time // that packet's time
}

// PlausibleSince is the earliest packet time taken for real: captures of Ethernet
// networks made before it are unlikely, and a clock that was never set (1970) or a
// timestamp field that holds something else gives times before it.
var PlausibleSince = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// plausibleAhead is how far past the moment a file is opened a packet time may lie
// (clocks of capture points and of the reading machine differ a little).
const plausibleAhead = 24 * time.Hour
