package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Format is a capture file format.
type Format uint8

const (
	FormatPcap Format = iota + 1
	FormatPcapNG
)

func (f Format) String() string {
	switch f {
	case FormatPcap:
		return "pcap"
	case FormatPcapNG:
		return "pcapng"
	}
	return "unknown"
}

// readBufferSize is the read-ahead for capture files: large enough that a file is read
// in few system calls and that a pcap packet of any size a real capture holds (up to
// libpcap's 256 KiB) is handed out from it without a copy, small enough not to matter
// on an edge gateway.
const readBufferSize = 1<<18 + pcapRecordHeaderLen

// File is a Source over a pcap or pcapng file, optionally gzip-compressed.
type File struct {
	name       string
	format     Format
	compressed bool
	closers    []io.Closer

	pcap *pcapReader
	ng   *pcapngReader

	stats Stats
	done  bool
	// Packet times outside [timeMin, timeMax] (Unix seconds) are counted as odd.
	timeMin, timeMax int64
}

// OpenFile opens path for reading as a capture: a regular file, a named pipe or a
// character device (/dev/stdin, a shell's <(tcpdump -w -)). A directory, a block
// device or a socket is refused with an *Error that says what path is, rather than
// read as an empty or garbled capture.
func OpenFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open capture: %w", err)
	}
	what := ""
	switch m := fi.Mode(); {
	case m.IsDir():
		what = "is a directory, not a capture file (give the capture files in it, e.g. " + path + "/*.pcap)"
	case m&os.ModeDevice != 0 && m&os.ModeCharDevice == 0:
		what = "is a block device, not a capture file"
	case m&os.ModeSocket != 0:
		what = "is a socket, not a capture file"
	}
	if what != "" {
		f.Close()
		return nil, &Error{File: path, Kind: ErrNotCapture, Err: errors.New(what)}
	}
	return f, nil
}

// Open opens the capture file at path. The error names the file; it wraps
// ErrNotCapture when the file is neither pcap nor pcapng (or not a file at all, see
// OpenFile).
func Open(path string) (*File, error) {
	f, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	c, err := NewReader(path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	c.closers = append(c.closers, f)
	return c, nil
}

// NewReader reads a capture from r; name is used in errors. Close does not close r.
func NewReader(name string, r io.Reader) (*File, error) {
	c := &File{name: name, timeMin: PlausibleSince.Unix(), timeMax: time.Now().Add(plausibleAhead).Unix()}
	br := bufio.NewReaderSize(r, readBufferSize)
	magic, err := br.Peek(4)
	switch {
	case err == nil:
	case err != io.EOF:
		return nil, c.headerError(ErrNotCapture, fmt.Errorf("read: %w", err))
	case len(magic) == 0:
		return nil, c.headerError(ErrNotCapture, errors.New("file is empty (0 bytes)"))
	default:
		return nil, c.headerError(ErrNotCapture, fmt.Errorf("file shorter than a capture header (%d bytes)", len(magic)))
	}
	if magic[0] == 0x1f && magic[1] == 0x8b { // gzip (RFC 1952)
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, c.headerError(ErrCorrupt, fmt.Errorf("gzip: %w", err))
		}
		c.compressed = true
		c.closers = append(c.closers, zr)
		br = bufio.NewReaderSize(zr, readBufferSize)
		if magic, err = br.Peek(4); err != nil {
			return nil, c.headerError(ErrNotCapture, fmt.Errorf("gzip stream shorter than a capture header: %w", err))
		}
	}
	switch {
	case isPcapMagic(magic):
		c.format = FormatPcap
		c.pcap, err = newPcapReader(br)
	case magic[0] == 0x0a && magic[1] == 0x0d && magic[2] == 0x0d && magic[3] == 0x0a:
		c.format = FormatPcapNG
		// A pcapng file may hold interfaces of different kinds (Ethernet and Linux
		// cooked, say): each packet is decoded by its own interface's link type.
		c.ng, err = newPcapngReader(br)
	default:
		return nil, c.headerError(ErrNotCapture, fmt.Errorf("unknown magic number % x", magic))
	}
	if err != nil {
		return nil, c.headerError(kindOf(err), err)
	}
	return c, nil
}

func isPcapMagic(m []byte) bool {
	switch string(m) {
	case "\xd4\xc3\xb2\xa1", "\xa1\xb2\xc3\xd4", // microseconds, little and big endian
		"\x4d\x3c\xb2\xa1", "\xa1\xb2\x3c\x4d": // nanoseconds
		return true
	}
	return false
}

func (c *File) headerError(kind, err error) error {
	return &Error{File: c.name, Kind: kind, Err: err}
}

func kindOf(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return ErrTruncated
	}
	return ErrCorrupt
}

// ReadPacket returns the next packet. See Source.
func (c *File) ReadPacket() ([]byte, CaptureInfo, error) {
	if c.done {
		return nil, CaptureInfo{}, io.EOF
	}
	var (
		data []byte
		ci   CaptureInfo
		err  error
	)
	if c.pcap != nil {
		data, ci.Timestamp, ci.CaptureLength, ci.Length, err = c.pcap.next()
		ci.LinkType = c.pcap.linkType
	} else {
		data, ci.Timestamp, ci.CaptureLength, ci.Length, ci.InterfaceIndex, ci.LinkType, err = c.ng.next()
	}
	if err != nil {
		c.done = true
		if err == io.EOF {
			return nil, CaptureInfo{}, io.EOF
		}
		c.stats.Anomalies++
		return nil, CaptureInfo{}, &Error{File: c.name, Packet: c.stats.Packets + 1, Offset: c.offset(), Kind: kindOf(err), Err: err}
	}
	c.stats.Packets++
	c.stats.Bytes += uint64(len(data))
	ci.Number = c.stats.Packets
	if !ci.Timestamp.IsZero() {
		if s := ci.Timestamp.Unix(); s < c.timeMin || s > c.timeMax {
			if c.stats.OddTimes == 0 {
				c.stats.FirstOddTime, c.stats.FirstOddAt = ci.Number, ci.Timestamp
			}
			c.stats.OddTimes++
		}
	}
	return data, ci, nil
}

// offset is the byte offset of the record or block the reader is at.
func (c *File) offset() int64 {
	if c.pcap != nil {
		return c.pcap.off
	}
	return c.ng.off
}

// Name is the file name given to Open or NewReader.
func (c *File) Name() string { return c.name }

// Format reports whether the file is pcap or pcapng.
func (c *File) Format() Format { return c.format }

// Compressed reports whether the file was gzip-compressed.
func (c *File) Compressed() bool { return c.compressed }

// Stats reports what has been read so far.
func (c *File) Stats() Stats { return c.stats }

// Close releases the file.
func (c *File) Close() error {
	var errs []error
	for i := len(c.closers) - 1; i >= 0; i-- {
		if err := c.closers[i].Close(); err != nil {
			errs = append(errs, err)
		}
	}
	c.closers = nil
	c.done = true
	return errors.Join(errs...)
}

var _ Source = (*File)(nil)
