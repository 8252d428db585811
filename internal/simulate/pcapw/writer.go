package pcapw

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Format is a capture file format.
type Format uint8

const (
	// Pcap is the classic libpcap format with microsecond timestamps.
	Pcap Format = iota + 1
	// PcapNG is the pcap next generation format (one section, one interface).
	PcapNG
)

// String returns the format's name as the command line spells it.
func (f Format) String() string {
	switch f {
	case Pcap:
		return "pcap"
	case PcapNG:
		return "pcapng"
	}
	return "unknown"
}

// ParseFormat returns the format named s ("pcap" or "pcapng").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "pcap":
		return Pcap, nil
	case "pcapng":
		return PcapNG, nil
	}
	return 0, fmt.Errorf("unknown capture format %q (want pcap or pcapng)", s)
}

// FormatOf returns the format a file name's extension names (.pcap, .cap, .pcapng,
// .ntar), and false when the extension names none.
func FormatOf(path string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pcap", ".cap", ".dmp":
		return Pcap, true
	case ".pcapng", ".ntar", ".scap":
		return PcapNG, true
	}
	return 0, false
}

// LinkTypeEthernet is the only link type the simulator writes.
const LinkTypeEthernet = 1

// Snaplen is the snapshot length recorded in the file header; packets are never cut.
const Snaplen = 65535

// Options describe the capture in its header (pcapng only).
type Options struct {
	// Application names the writer in the section header (shb_userappl).
	Application string
	// Interface names the capture interface (if_name) and Description describes it.
	Interface, Description string
}

// Writer writes one capture. It is not safe for concurrent use.
type Writer struct {
	bw     *bufio.Writer
	format Format
	n      int64
	hdr    [32]byte
	zero   [4]byte
}

// bufferSize is big enough that the system call per buffer costs little next to the work
// of building the packets.
const bufferSize = 1 << 20

// NewWriter writes the file header to w and returns a Writer for the packets.
func NewWriter(w io.Writer, f Format, opts Options) (*Writer, error) {
	pw := &Writer{bw: bufio.NewWriterSize(w, bufferSize), format: f}
	var err error
	switch f {
	case Pcap:
		err = pw.pcapHeader()
	case PcapNG:
		err = pw.pcapngHeader(opts)
	default:
		err = fmt.Errorf("unknown capture format %d", f)
	}
	if err != nil {
		return nil, err
	}
	return pw, nil
}

func (w *Writer) write(b []byte) error {
	n, err := w.bw.Write(b)
	w.n += int64(n)
	return err
}

func (w *Writer) pcapHeader() error {
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], Snaplen)
	binary.LittleEndian.PutUint32(h[20:], LinkTypeEthernet)
	return w.write(h[:])
}

// appendOption appends a pcapng option (code, length, value padded to 32 bits).
func appendOption(b []byte, code uint16, v []byte) []byte {
	b = binary.LittleEndian.AppendUint16(b, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// block frames body as a pcapng block of type typ.
func block(typ uint32, body []byte) []byte {
	n := uint32(12 + len(body))
	b := binary.LittleEndian.AppendUint32(nil, typ)
	b = binary.LittleEndian.AppendUint32(b, n)
	b = append(b, body...)
	return binary.LittleEndian.AppendUint32(b, n)
}

// maxOption bounds a header option's text; longer text is cut.
const maxOption = 1024

func clip(s string) []byte {
	if len(s) > maxOption {
		s = s[:maxOption]
	}
	return []byte(s)
}

func (w *Writer) pcapngHeader(opts Options) error {
	// Section header: byte-order magic, version 1.0, section length unknown (-1).
	shb := binary.LittleEndian.AppendUint32(nil, 0x1a2b3c4d)
	shb = binary.LittleEndian.AppendUint16(shb, 1)
	shb = binary.LittleEndian.AppendUint16(shb, 0)
	shb = binary.LittleEndian.AppendUint64(shb, ^uint64(0))
	if opts.Application != "" {
		shb = appendOption(shb, 4, clip(opts.Application)) // shb_userappl
		shb = appendOption(shb, 0, nil)
	}
	// Interface description: Ethernet, snaplen, microsecond timestamps (the default).
	idb := binary.LittleEndian.AppendUint16(nil, LinkTypeEthernet)
	idb = binary.LittleEndian.AppendUint16(idb, 0)
	idb = binary.LittleEndian.AppendUint32(idb, Snaplen)
	if opts.Interface != "" || opts.Description != "" {
		if opts.Interface != "" {
			idb = appendOption(idb, 2, clip(opts.Interface)) // if_name
		}
		if opts.Description != "" {
			idb = appendOption(idb, 3, clip(opts.Description)) // if_description
		}
		idb = appendOption(idb, 0, nil)
	}
	if err := w.write(block(0x0a0d0d0a, shb)); err != nil {
		return err
	}
	return w.write(block(1, idb))
}

// WritePacket writes one frame captured at ts nanoseconds since the Unix epoch.
func (w *Writer) WritePacket(ts int64, data []byte) error {
	return w.WritePacketComment(ts, data, "")
}

// WritePacketComment writes one frame with a comment (opt_comment); the classic pcap
// format has nowhere to put a comment and drops it.
func (w *Writer) WritePacketComment(ts int64, data []byte, comment string) error {
	if len(data) > Snaplen {
		return fmt.Errorf("packet of %d bytes exceeds the snapshot length %d", len(data), Snaplen)
	}
	us := uint64(ts / 1000)
	n := uint32(len(data))
	h := w.hdr[:]
	if w.format == Pcap {
		binary.LittleEndian.PutUint32(h[0:], uint32(us/1_000_000))
		binary.LittleEndian.PutUint32(h[4:], uint32(us%1_000_000))
		binary.LittleEndian.PutUint32(h[8:], n)
		binary.LittleEndian.PutUint32(h[12:], n)
		if err := w.write(h[:16]); err != nil {
			return err
		}
		return w.write(data)
	}
	padded := (n + 3) &^ 3
	var optLen uint32
	if comment != "" {
		if len(comment) > maxOption {
			comment = comment[:maxOption]
		}
		optLen = 4 + (uint32(len(comment))+3)&^3 + 4 // the option, then opt_endofopt
	}
	total := 32 + padded + optLen
	binary.LittleEndian.PutUint32(h[0:], 6) // enhanced packet block
	binary.LittleEndian.PutUint32(h[4:], total)
	binary.LittleEndian.PutUint32(h[8:], 0) // interface 0
	binary.LittleEndian.PutUint32(h[12:], uint32(us>>32))
	binary.LittleEndian.PutUint32(h[16:], uint32(us))
	binary.LittleEndian.PutUint32(h[20:], n)
	binary.LittleEndian.PutUint32(h[24:], n)
	if err := w.write(h[:28]); err != nil {
		return err
	}
	if err := w.write(data); err != nil {
		return err
	}
	if err := w.write(w.zero[:padded-n]); err != nil {
		return err
	}
	if comment != "" {
		var o [4]byte
		binary.LittleEndian.PutUint16(o[0:], 1) // opt_comment
		binary.LittleEndian.PutUint16(o[2:], uint16(len(comment)))
		if err := w.write(o[:]); err != nil {
			return err
		}
		if _, err := w.bw.WriteString(comment); err != nil {
			return err
		}
		w.n += int64(len(comment))
		if err := w.write(w.zero[:(4-len(comment)%4)%4]); err != nil {
			return err
		}
		if err := w.write(w.zero[:4]); err != nil { // opt_endofopt
			return err
		}
	}
	binary.LittleEndian.PutUint32(h[0:], total)
	return w.write(h[:4])
}

// Written returns the number of bytes written so far, headers included (some may still
// be in the buffer).
func (w *Writer) Written() int64 { return w.n }

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.bw.Flush() }
