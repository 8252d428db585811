package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// pcapReader reads classic pcap records straight out of the file's read buffer: a
// packet that fits the buffer is handed out where it lies, without the two copies and
// the second buffer a general reader puts between the file and the caller. That is
// half of what reading costs, and reading is all that the goroutine which spreads one
// large file over the cores does.
type pcapReader struct {
	br       *bufio.Reader
	big      bool // big-endian headers
	nanos    bool // nanosecond timestamps
	snaplen  uint32
	linkType layers.LinkType
	large    []byte // packets larger than the read buffer
	off      int64  // file offset of the next record, for error messages
	have     int    // bytes of the record the file holds, when it ends inside one (else -1)
}

const (
	pcapFileHeaderLen   = 24
	pcapRecordHeaderLen = 16
	// minMaxCaptureLength is the capture length accepted whatever the file's snap length
	// says: libpcap's largest snap length (as pcapgo accepts it too).
	minMaxCaptureLength = 262144
	// maxCaptureLength bounds a record whatever its file's snap length claims.
	maxCaptureLength = 64 << 20
	// largeReadChunk is how much a packet larger than the read buffer grows its buffer
	// at a time, so that a hostile length costs only as much memory as the file has bytes.
	largeReadChunk = 1 << 20
)

var (
	errPcapVersion = errors.New("unsupported pcap major version")
)

func newPcapReader(br *bufio.Reader) (*pcapReader, error) {
	h, err := br.Peek(pcapFileHeaderLen)
	if err != nil {
		return nil, fmt.Errorf("pcap file header: %w", noEOF(err))
	}
	r := &pcapReader{br: br}
	switch string(h[:4]) {
	case "\xd4\xc3\xb2\xa1":
	case "\xa1\xb2\xc3\xd4":
		r.big = true
	case "\x4d\x3c\xb2\xa1":
		r.nanos = true
	case "\xa1\xb2\x3c\x4d":
		r.big, r.nanos = true, true
	default:
		return nil, fmt.Errorf("unknown pcap magic % x", h[:4])
	}
	if v := r.u16(h[4:]); v != 2 {
		return nil, fmt.Errorf("%w %d", errPcapVersion, v)
	}
	r.snaplen = r.u32(h[16:])
	// The top bits of the link type field carry whether frames end in an FCS and its
	// length (pcap file format, "LinkType and additional information").
	r.linkType = layers.LinkType(r.u32(h[20:]) & 0x0fffffff)
	br.Discard(pcapFileHeaderLen)
	r.off = pcapFileHeaderLen
	return r, nil
}

func (r *pcapReader) u16(b []byte) uint16 {
	if r.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *pcapReader) u32(b []byte) uint32 {
	if r.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *pcapReader) maxCaptureLength() int {
	return int(min(max(r.snaplen, minMaxCaptureLength), maxCaptureLength))
}

// next returns the next record's packet bytes (valid until the next call), its
// timestamp and lengths. io.EOF at a clean end; an error wrapping io.ErrUnexpectedEOF
// when the file ends inside a record. Errors say at which byte the record begins.
func (r *pcapReader) next() (data []byte, ts time.Time, caplen, length int, err error) {
	data, ts, caplen, length, err = r.record()
	if err != nil && err != io.EOF {
		return nil, ts, caplen, length, r.recordError(caplen, err)
	}
	return data, ts, caplen, length, err
}

// recordError says where the record that could not be read begins and, for a file that
// ends inside it, how much of it is there.
func (r *pcapReader) recordError(caplen int, err error) error {
	switch {
	case !errors.Is(err, io.ErrUnexpectedEOF) || r.have < 0:
	case r.have < pcapRecordHeaderLen:
		return fmt.Errorf("pcap record at byte %d: the file ends %d bytes into its %d-byte header: %w", r.off, r.have, pcapRecordHeaderLen, err)
	default:
		return fmt.Errorf("pcap record at byte %d: the file ends %d bytes into its %d bytes of packet data: %w", r.off, r.have-pcapRecordHeaderLen, caplen, err)
	}
	return fmt.Errorf("pcap record at byte %d: %w", r.off, err)
}

func (r *pcapReader) record() (data []byte, ts time.Time, caplen, length int, err error) {
	r.have = -1
	h, err := r.br.Peek(pcapRecordHeaderLen)
	if err != nil {
		if err == io.EOF && len(h) == 0 {
			return nil, time.Time{}, 0, 0, io.EOF
		}
		if err == io.EOF {
			r.have = len(h)
		}
		return nil, time.Time{}, 0, 0, noEOF(err)
	}
	sec, frac := r.u32(h), r.u32(h[4:])
	caplen, length = int(r.u32(h[8:])), int(r.u32(h[12:]))
	if !r.nanos {
		frac *= 1000
	}
	ts = time.Unix(int64(sec), int64(frac)).UTC()
	if caplen > r.maxCaptureLength() {
		return nil, ts, caplen, length, fmt.Errorf("capture length exceeds snap length: %d > %d", caplen, r.snaplen)
	}
	if caplen > length {
		return nil, ts, caplen, length, fmt.Errorf("capture length exceeds original packet length: %d > %d", caplen, length)
	}
	if n := pcapRecordHeaderLen + caplen; n <= r.br.Size() {
		b, err := r.br.Peek(n)
		if err != nil {
			if err == io.EOF {
				r.have = len(b)
			}
			return nil, ts, caplen, length, noEOF(err)
		}
		r.br.Discard(n) // the bytes stay where they are until the next read
		r.off += int64(n)
		return b[pcapRecordHeaderLen:], ts, caplen, length, nil
	}
	r.br.Discard(pcapRecordHeaderLen)
	r.large = r.large[:0]
	for len(r.large) < caplen {
		k := min(caplen-len(r.large), largeReadChunk)
		r.large = append(r.large, make([]byte, k)...)
		if n, err := io.ReadFull(r.br, r.large[len(r.large)-k:]); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				r.have = pcapRecordHeaderLen + len(r.large) - k + n
			}
			return nil, ts, caplen, length, noEOF(err)
		}
	}
	r.off += int64(pcapRecordHeaderLen + caplen)
	return r.large, ts, caplen, length, nil
}

// noEOF turns an end of file inside a header or record into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
