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
// read, the number of the packet that could not be read.
type Error struct {
	File   string
	Packet uint64 // 0 when the file header itself is bad
	Kind   error  // ErrNotCapture, ErrTruncated or ErrCorrupt
	Err    error  // what the reader reported
}

func (e *Error) Error() string {
	if e.Packet == 0 {
		return fmt.Sprintf("%s: %v: %v", e.File, e.Kind, e.Err)
	}
	return fmt.Sprintf("%s: packet %d: %v: %v (packets before it were read)", e.File, e.Packet, e.Kind, e.Err)
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
}
