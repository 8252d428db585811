package capture

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// pcapngReader reads pcapng blocks straight out of the file's read buffer, as
// pcapReader does for classic pcap: a block that fits the buffer is parsed and its
// packet handed out where it lies. Only what discovery needs is read: the byte order of
// each section, each interface's link type, snap length and timestamp resolution and
// offset, and the packets of enhanced, simple and (obsolete) packet blocks. Every other
// block is skipped. A block whose lengths do not add up is an error, not a guess.
type pcapngReader struct {
	br     *bufio.Reader
	big    bool // big-endian section
	ifaces []ngInterface
	off    int64  // file offset of the next block, for error messages
	large  []byte // blocks larger than the read buffer
}

// ngInterface is what an interface description block says that packets need.
type ngInterface struct {
	linkType layers.LinkType
	snaplen  uint32
	units    uint64 // timestamp ticks a second
	nsMul    uint64 // nanoseconds a tick when units divides 1e9, else 0
	offset   int64  // seconds added to every timestamp (if_tsoffset)
}

const (
	ngBlockSection   = 0x0A0D0D0A
	ngBlockInterface = 1
	ngBlockPacket    = 2 // obsolete packet block
	ngBlockSimple    = 3
	ngBlockEnhanced  = 6
	ngByteOrderMagic = 0x1A2B3C4D

	ngOptEnd      = 0
	ngOptTSResol  = 9
	ngOptTSOffset = 14

	// maxInterfaces bounds the interfaces of one section; real captures have a handful.
	maxInterfaces = 1 << 16
)

func newPcapngReader(br *bufio.Reader) (*pcapngReader, error) {
	r := &pcapngReader{br: br}
	if err := r.section(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *pcapngReader) u16(b []byte) uint16 {
	if r.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *pcapngReader) u32(b []byte) uint32 {
	if r.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *pcapngReader) u64(b []byte) uint64 {
	if r.big {
		return binary.BigEndian.Uint64(b)
	}
	return binary.LittleEndian.Uint64(b)
}

// errorf says which block, where, went wrong; format may wrap an error with %w.
func (r *pcapngReader) errorf(typ uint32, format string, args ...any) error {
	return fmt.Errorf("pcapng %s at byte %d: "+format, append([]any{ngBlockName(typ), r.off}, args...)...)
}

func ngBlockName(typ uint32) string {
	switch typ {
	case ngBlockSection:
		return "section header block"
	case ngBlockInterface:
		return "interface description block"
	case ngBlockPacket:
		return "packet block"
	case ngBlockSimple:
		return "simple packet block"
	case ngBlockEnhanced:
		return "enhanced packet block"
	}
	return fmt.Sprintf("block of type %#x", typ)
}

// section reads a section header block: its byte order, version and length. The
// interfaces of the previous section are forgotten.
func (r *pcapngReader) section() error {
	h, err := r.br.Peek(12)
	if err != nil {
		return r.errorf(ngBlockSection, "%w", noEOF(err))
	}
	switch {
	case binary.BigEndian.Uint32(h[8:]) == ngByteOrderMagic:
		r.big = true
	case binary.LittleEndian.Uint32(h[8:]) == ngByteOrderMagic:
		r.big = false
	default:
		return r.errorf(ngBlockSection, "byte-order magic % x is neither 1a2b3c4d nor 4d3c2b1a", h[8:12])
	}
	b, err := r.block(ngBlockSection, 28)
	if err != nil {
		return err
	}
	// Version 1.0; libpcap and Wireshark also accept the 1.2 some old writers put.
	if major, minor := r.u16(b[12:]), r.u16(b[14:]); major != 1 || minor != 0 && minor != 2 {
		return r.errorf(ngBlockSection, "unsupported version %d.%d (1.0 expected)", major, minor)
	}
	r.ifaces = r.ifaces[:0]
	return nil
}

// block returns the whole block at the read position, of type typ and at least "least"
// bytes, after checking that its leading and trailing lengths agree, and moves past it.
// The bytes are valid until the next read.
func (r *pcapngReader) block(typ uint32, least int) ([]byte, error) {
	h, err := r.br.Peek(8)
	if err != nil {
		return nil, r.errorf(typ, "%w", noEOF(err))
	}
	n := int(r.u32(h[4:]))
	switch {
	case n < least:
		return nil, r.errorf(typ, "length %d is shorter than the %d bytes such a block needs", n, least)
	case n%4 != 0:
		return nil, r.errorf(typ, "length %d is not a multiple of 4", n)
	case n > maxCaptureLength:
		return nil, r.errorf(typ, "length %d exceeds the %d bytes a block may have here", n, maxCaptureLength)
	}
	var b []byte
	if n <= r.br.Size() {
		if b, err = r.br.Peek(n); err != nil {
			return nil, r.errorf(typ, "%w", noEOF(err))
		}
		r.br.Discard(n) // the bytes stay where they are until the next read
	} else {
		// Grow by chunks, so that a hostile length costs only as much memory as the
		// file has bytes.
		r.large = r.large[:0]
		for len(r.large) < n {
			k := min(n-len(r.large), largeReadChunk)
			r.large = append(r.large, make([]byte, k)...)
			if _, err := io.ReadFull(r.br, r.large[len(r.large)-k:]); err != nil {
				return nil, r.errorf(typ, "%w", noEOF(err))
			}
		}
		b = r.large
	}
	if t := int(r.u32(b[n-4:])); t != n {
		return nil, r.errorf(typ, "trailing length %d differs from the leading %d", t, n)
	}
	r.off += int64(n)
	return b, nil
}

// skip moves past a block nothing is read from, checking its lengths when it fits the
// read buffer.
func (r *pcapngReader) skip(typ uint32, n int) error {
	if n <= r.br.Size() {
		_, err := r.block(typ, 12)
		return err
	}
	if n%4 != 0 {
		return r.errorf(typ, "length %d is not a multiple of 4", n)
	}
	if _, err := r.br.Discard(n); err != nil {
		return r.errorf(typ, "%w", noEOF(err))
	}
	r.off += int64(n)
	return nil
}

// interfaceBlock reads an interface description block.
func (r *pcapngReader) interfaceBlock() error {
	b, err := r.block(ngBlockInterface, 20)
	if err != nil {
		return err
	}
	if len(r.ifaces) == maxInterfaces {
		return r.errorf(ngBlockInterface, "more than %d interfaces in one section", maxInterfaces)
	}
	in := ngInterface{linkType: layers.LinkType(r.u16(b[8:])), snaplen: r.u32(b[12:]), units: 1e6, nsMul: 1e3}
	for opts := b[16 : len(b)-4]; len(opts) >= 4; {
		code, n := r.u16(opts), int(r.u16(opts[2:]))
		if code == ngOptEnd || 4+n > len(opts) {
			break
		}
		v := opts[4 : 4+n]
		switch {
		case code == ngOptTSResol && n >= 1:
			if err := in.setResolution(v[0]); err != nil {
				return r.errorf(ngBlockInterface, "%v", err)
			}
		case code == ngOptTSOffset && n >= 8:
			in.offset = int64(r.u64(v))
		}
		opts = opts[min(len(opts), 4+(n+3)&^3):] // blocks are whole words, so this is the option's end
	}
	r.ifaces = append(r.ifaces, in)
	return nil
}

// setResolution applies if_tsresol: a negative power of 10, or of 2 when the top bit is
// set.
func (in *ngInterface) setResolution(v byte) error {
	exp := uint(v & 0x7f)
	switch {
	case v&0x80 != 0 && exp > 63:
		return fmt.Errorf("timestamp resolution 2^-%d is finer than supported (2^-63)", exp)
	case v&0x80 != 0:
		in.units = 1 << exp
	case exp > 19:
		return fmt.Errorf("timestamp resolution 10^-%d is finer than supported (10^-19)", exp)
	default:
		in.units = 1
		for range exp {
			in.units *= 10
		}
	}
	in.nsMul = 0
	if 1e9%in.units == 0 {
		in.nsMul = 1e9 / in.units
	}
	return nil
}

// timestamp converts a packet's timestamp ticks to a time.
func (in *ngInterface) timestamp(ticks uint64) time.Time {
	sec, frac := ticks/in.units, ticks%in.units
	var ns uint64
	if in.nsMul != 0 {
		ns = frac * in.nsMul
	} else {
		// frac < units, so frac·1e9/units < 1e9 and the quotient fits.
		hi, lo := bits.Mul64(frac, 1e9)
		ns, _ = bits.Div64(hi, lo, in.units)
	}
	return time.Unix(int64(sec)+in.offset, int64(ns)).UTC()
}

// next returns the next packet (valid until the next call) and what its block says of
// it. io.EOF at a clean end of the file.
func (r *pcapngReader) next() (data []byte, ts time.Time, caplen, length, iface int, lt layers.LinkType, err error) {
	for {
		h, err := r.br.Peek(8)
		if err != nil {
			if err == io.EOF && len(h) == 0 {
				return nil, ts, 0, 0, 0, 0, io.EOF
			}
			return nil, ts, 0, 0, 0, 0, fmt.Errorf("pcapng block header at byte %d: %w", r.off, noEOF(err))
		}
		typ := r.u32(h)
		switch typ {
		case ngBlockEnhanced, ngBlockPacket:
			b, err := r.block(typ, 32)
			if err != nil {
				return nil, ts, 0, 0, 0, 0, err
			}
			if typ == ngBlockEnhanced {
				iface = int(r.u32(b[8:]))
			} else {
				iface = int(r.u16(b[8:]))
			}
			if iface >= len(r.ifaces) {
				return nil, ts, 0, 0, 0, 0, r.errorf(typ, "interface %d is not described in this section (%d are)", iface, len(r.ifaces))
			}
			in := &r.ifaces[iface]
			caplen, length = int(r.u32(b[20:])), int(r.u32(b[24:]))
			if caplen > len(b)-32 {
				return nil, ts, 0, 0, 0, 0, r.errorf(typ, "captured length %d exceeds the block's %d bytes of data", caplen, len(b)-32)
			}
			ts = in.timestamp(uint64(r.u32(b[12:]))<<32 | uint64(r.u32(b[16:])))
			return b[28 : 28+caplen], ts, caplen, length, iface, in.linkType, nil
		case ngBlockSimple:
			b, err := r.block(typ, 16)
			if err != nil {
				return nil, ts, 0, 0, 0, 0, err
			}
			if len(r.ifaces) == 0 {
				return nil, ts, 0, 0, 0, 0, r.errorf(typ, "no interface is described before it")
			}
			in := &r.ifaces[0]
			length = int(r.u32(b[8:]))
			caplen = length // what was kept is the first interface's snap length at most
			if in.snaplen != 0 {
				caplen = min(caplen, int(in.snaplen))
			}
			if caplen > len(b)-16 {
				return nil, ts, 0, 0, 0, 0, r.errorf(typ, "packet of %d bytes exceeds the block's %d bytes of data", caplen, len(b)-16)
			}
			// A simple packet block has no timestamp.
			return b[12 : 12+caplen], time.Time{}, caplen, length, 0, in.linkType, nil
		case ngBlockInterface:
			err = r.interfaceBlock()
		case ngBlockSection:
			err = r.section()
		default:
			err = r.skip(typ, int(r.u32(h[4:])))
		}
		if err != nil {
			return nil, ts, 0, 0, 0, 0, err
		}
	}
}
