package capture_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/capture"
)

// ngWriter builds pcapng blocks by hand, in either byte order, so that tests can hold
// what writers rarely produce: big-endian sections, several sections, simple and
// obsolete packet blocks, timestamp resolutions and offsets, blocks to skip.
type ngWriter struct {
	buf bytes.Buffer
	bo  byteOrder
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

func (w *ngWriter) block(typ uint32, body []byte) {
	n := 12 + (len(body)+3)&^3
	var h [8]byte
	w.bo.PutUint32(h[:], typ)
	w.bo.PutUint32(h[4:], uint32(n))
	w.buf.Write(h[:])
	w.buf.Write(body)
	w.buf.Write(make([]byte, n-12-len(body)))
	w.buf.Write(h[4:])
}

func (w *ngWriter) option(b []byte, code uint16, v []byte) []byte {
	b = w.bo.AppendUint16(b, code)
	b = w.bo.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	return append(b, make([]byte, (4-len(v)%4)%4)...)
}

func (w *ngWriter) section(bo byteOrder) {
	w.bo = bo
	b := bo.AppendUint32(nil, 0x1A2B3C4D)
	b = bo.AppendUint16(b, 1)
	b = bo.AppendUint16(b, 0)
	b = bo.AppendUint64(b, ^uint64(0)) // section length unknown
	w.block(0x0A0D0D0A, b)
}

// iface describes an interface; resol < 0 leaves if_tsresol out.
func (w *ngWriter) iface(linkType uint16, snaplen uint32, resol int, offset int64) {
	b := w.bo.AppendUint16(nil, linkType)
	b = w.bo.AppendUint16(b, 0)
	b = w.bo.AppendUint32(b, snaplen)
	b = w.option(b, 2, []byte("eth0")) // if_name, to be skipped
	if resol >= 0 {
		b = w.option(b, 9, []byte{byte(resol)})
	}
	if offset != 0 {
		b = w.option(b, 14, w.bo.AppendUint64(nil, uint64(offset)))
	}
	b = w.option(b, 0, nil)
	w.block(1, b)
}

func (w *ngWriter) enhanced(iface uint32, ticks uint64, data []byte, origLen int, comment string) {
	b := w.bo.AppendUint32(nil, iface)
	b = w.bo.AppendUint32(b, uint32(ticks>>32))
	b = w.bo.AppendUint32(b, uint32(ticks))
	b = w.bo.AppendUint32(b, uint32(len(data)))
	b = w.bo.AppendUint32(b, uint32(origLen))
	b = append(b, data...)
	b = append(b, make([]byte, (4-len(data)%4)%4)...)
	if comment != "" {
		b = w.option(b, 1, []byte(comment))
		b = w.option(b, 0, nil)
	}
	w.block(6, b)
}

func (w *ngWriter) obsolete(iface uint16, ticks uint64, data []byte) {
	b := w.bo.AppendUint16(nil, iface)
	b = w.bo.AppendUint16(b, 0) // drops
	b = w.bo.AppendUint32(b, uint32(ticks>>32))
	b = w.bo.AppendUint32(b, uint32(ticks))
	b = w.bo.AppendUint32(b, uint32(len(data)))
	b = w.bo.AppendUint32(b, uint32(len(data)))
	w.block(2, append(b, data...))
}

func (w *ngWriter) simple(data []byte, origLen int) {
	w.block(3, append(w.bo.AppendUint32(nil, uint32(origLen)), data...))
}

// ngCorner is a capture of two sections that exercises every block and option the
// reader handles. want lists its packets as tshark describes them.
func ngCorner() (file []byte, want []ngPacket) {
	w := &ngWriter{}
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	us := uint64(t0.UnixMicro())
	ns := uint64(t0.UnixNano())
	// Section 1, big endian: microseconds (no option), nanoseconds, 2^-10 s with an
	// offset of an hour, a snap length of 40 on the first interface.
	w.section(binary.BigEndian)
	w.iface(1, 40, -1, 0)
	w.block(4, []byte{0, 0, 0, 0}) // a name resolution block, skipped
	w.iface(1, 0, 9, 0)
	w.iface(113, 0, 0x80|10, -3600)
	w.enhanced(0, us+123456, modbusRequest[:40], len(modbusRequest), "")
	w.enhanced(1, ns+987654321, modbusRequest, len(modbusRequest), "a comment to skip")
	w.enhanced(2, uint64(t0.Unix()+3600)<<10|512, sll2Frame[:len(sll2Frame)-3], len(sll2Frame)-3, "")
	w.simple(modbusRequest[:40], len(modbusRequest)) // cut at interface 0's snap length
	w.obsolete(1, ns+1, modbusRequest)
	// Interface statistics for interface 1, skipped.
	w.block(5, append(append(w.bo.AppendUint32(nil, 1), w.bo.AppendUint64(nil, ns)...), 0, 0, 0, 0))
	// Section 2, little endian: interfaces start again from 0; seconds resolution.
	w.section(binary.LittleEndian)
	w.iface(1, 0, 0, 0)
	w.enhanced(0, uint64(t0.Unix())+5, modbusRequest, len(modbusRequest), "")
	return w.buf.Bytes(), []ngPacket{
		{t0.Add(123456 * time.Microsecond), 40, len(modbusRequest), 0, 1},
		{t0.Add(987654321 * time.Nanosecond), len(modbusRequest), len(modbusRequest), 1, 1},
		{t0.Add(500 * time.Millisecond), len(sll2Frame) - 3, len(sll2Frame) - 3, 2, 113},
		{time.Time{}, 40, len(modbusRequest), 0, 1},
		{t0.Add(time.Nanosecond), len(modbusRequest), len(modbusRequest), 1, 1},
		{t0.Add(5 * time.Second), len(modbusRequest), len(modbusRequest), 0, 1},
	}
}

type ngPacket struct {
	ts             time.Time
	caplen, length int
	iface          int
	linkType       int
}

func TestPcapNGBlocks(t *testing.T) {
	file, want := ngCorner()
	c, err := capture.NewReader("corner.pcapng", bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	cis, data, err := readAll(t, c)
	if err != nil && err.Error() != "EOF" {
		t.Fatalf("read: %v", err)
	}
	if len(cis) != len(want) {
		t.Fatalf("%d packets, want %d", len(cis), len(want))
	}
	for i, ci := range cis {
		w := want[i]
		got := ngPacket{ci.Timestamp, ci.CaptureLength, ci.Length, ci.InterfaceIndex, int(ci.LinkType)}
		if !got.ts.Equal(w.ts) || got.caplen != w.caplen || got.length != w.length || got.iface != w.iface || got.linkType != w.linkType {
			t.Errorf("packet %d: %+v, want %+v", i+1, got, w)
		}
		if len(data[i]) != ci.CaptureLength {
			t.Errorf("packet %d: %d bytes, capture length %d", i+1, len(data[i]), ci.CaptureLength)
		}
	}
}

// TestPcapNGAgainstTshark: tshark reads the hand-built capture and must see the same
// packets, times, lengths and interfaces.
func TestPcapNGAgainstTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	file, want := ngCorner()
	path := filepath.Join(t.TempDir(), "corner.pcapng")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("tshark", "-r", path, "-T", "fields", "-E", "separator=,",
		"-e", "frame.time_epoch", "-e", "frame.cap_len", "-e", "frame.len", "-e", "frame.interface_id").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(want) {
		t.Fatalf("tshark read %d packets, we expect %d:\n%s", len(lines), len(want), out)
	}
	for i, line := range lines {
		w := want[i]
		epoch := "" // a simple packet block has no time
		if !w.ts.IsZero() {
			epoch = fmt.Sprintf("%d.%09d", w.ts.Unix(), w.ts.Nanosecond())
		}
		if exp := fmt.Sprintf("%s,%d,%d,%d", epoch, w.caplen, w.length, w.iface); line != exp {
			t.Errorf("packet %d: tshark %q, we %q", i+1, line, exp)
		}
	}
}

func TestPcapNGCorrupt(t *testing.T) {
	good, _ := ngCorner()
	// Where the blocks start: section header, interface, name resolution, interface,
	// interface, then the first enhanced packet block.
	var starts []int
	for off := 0; len(starts) < 6; off += int(binary.BigEndian.Uint32(good[off+4:])) {
		starts = append(starts, off)
	}
	idb2, epb := starts[3], starts[5]
	edit := func(off int, v uint32) []byte {
		b := bytes.Clone(good)
		binary.BigEndian.PutUint32(b[off:], v)
		return b
	}
	epbLen := binary.BigEndian.Uint32(good[epb+4:])
	// The second interface's if_tsresol value follows its fixed part (16 bytes), its
	// if_name option (8) and the option header (4).
	resol40 := bytes.Clone(good)
	if resol40[idb2+16+8+1] != 9 || resol40[idb2+16+8+4] != 9 {
		t.Fatal("the second interface block is not laid out as this test expects")
	}
	resol40[idb2+16+8+4] = 40
	cases := []struct {
		name string
		file []byte
		kind error
		text string
	}{
		{"trailing length", edit(epb+int(epbLen)-4, epbLen+4), capture.ErrCorrupt, "trailing length"},
		{"length not a multiple of 4", edit(epb+4, epbLen+1), capture.ErrCorrupt, "not a multiple of 4"},
		{"captured length past the block", edit(epb+20, epbLen), capture.ErrCorrupt, "exceeds the block"},
		{"unknown interface", edit(epb+8, 3), capture.ErrCorrupt, "interface 3 is not described"},
		{"short block", edit(epb+4, 8), capture.ErrCorrupt, "shorter than"},
		{"huge block", edit(epb+4, 1<<30), capture.ErrCorrupt, "exceeds"},
		{"block past the end", edit(epb+4, 1<<20), capture.ErrTruncated, "unexpected EOF"},
		{"resolution", resol40, capture.ErrCorrupt, "10^-40"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := capture.NewReader("bad.pcapng", bytes.NewReader(c.file))
			if err != nil {
				t.Fatal(err)
			}
			cis, _, err := readAll(t, r)
			var ce *capture.Error
			if len(cis) != 0 || !errors.As(err, &ce) || !errors.Is(err, c.kind) || ce.Packet != 1 || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("read %d packets, error %v; want %v naming %q at packet 1", len(cis), err, c.kind, c.text)
			}
			if !strings.Contains(err.Error(), "at byte ") {
				t.Errorf("error %q does not say where", err)
			}
		})
	}
	// A version other than 1.0 is refused up front.
	bad := bytes.Clone(good)
	binary.BigEndian.PutUint16(bad[12:], 2)
	if _, err := capture.NewReader("v2.pcapng", bytes.NewReader(bad)); !errors.Is(err, capture.ErrCorrupt) || !strings.Contains(err.Error(), "version 2.0") {
		t.Errorf("version 2.0: %v", err)
	}
}
