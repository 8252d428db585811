package capture_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// modbusRequest is frame 92 of the public modbus_example.pcap: a Modbus/TCP Read
// Device Identification request over IPv4 on Ethernet.
var modbusRequest = mustHex("000000000000000000000000080045000" +
	"03f678840004006d52e7f0000017f000001baa901f6a7524de5b1b4ba3a80180200fe3300000101080aa7c5a9c5a7c5a9c500170000000501" +
	"2b0e0100")

// sll2Frame is a Linux cooked v2 header (protocol IPv4, interface 2, outgoing, Ethernet
// address) in front of the IPv4 packet of modbusRequest.
var sll2Frame = append(mustHex("08000000000000020001040600000000000000000000"[:40]), modbusRequest[14:]...)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func readAll(t testing.TB, c *capture.File) ([]capture.CaptureInfo, [][]byte, error) {
	var cis []capture.CaptureInfo
	var datas [][]byte
	for range 1 << 20 {
		data, ci, err := c.ReadPacket()
		if err != nil {
			return cis, datas, err
		}
		cis = append(cis, ci)
		datas = append(datas, bytes.Clone(data))
	}
	t.Fatal("reader never ended")
	return nil, nil, nil
}

func TestReadSynthetic(t *testing.T) {
	t0 := time.Date(2024, 5, 17, 8, 30, 0, 123456789, time.UTC)
	t1 := t0.Add(1500 * time.Nanosecond)
	pcap := testutil.Pcap(t, layers.LinkTypeEthernet,
		testutil.Frame{Data: modbusRequest, Time: t0},
		testutil.Frame{Data: modbusRequest[:60], Time: t1, OrigLen: len(modbusRequest)})
	ng := testutil.PcapNG(t, []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL2},
		testutil.Frame{Data: modbusRequest, Time: t0, Interface: 0},
		testutil.Frame{Data: sll2Frame, Time: t1, Interface: 1})

	type want struct {
		data  []byte
		ts    time.Time
		orig  int
		iface int
		lt    layers.LinkType
	}
	pcapWant := []want{{modbusRequest, t0, len(modbusRequest), 0, layers.LinkTypeEthernet}, {modbusRequest[:60], t1, len(modbusRequest), 0, layers.LinkTypeEthernet}}
	ngWant := []want{{modbusRequest, t0, len(modbusRequest), 0, layers.LinkTypeEthernet}, {sll2Frame, t1, len(sll2Frame), 1, layers.LinkTypeLinuxSLL2}}
	tests := []struct {
		name       string
		file       []byte
		format     capture.Format
		compressed bool
		want       []want
	}{
		{"pcap", pcap, capture.FormatPcap, false, pcapWant},
		{"pcap.gz", gz(pcap), capture.FormatPcap, true, pcapWant},
		{"pcapng", ng, capture.FormatPcapNG, false, ngWant},
		{"pcapng.gz", gz(ng), capture.FormatPcapNG, true, ngWant},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := testutil.WriteTemp(t, "x."+tc.name, tc.file)
			c, err := capture.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.Format() != tc.format || c.Compressed() != tc.compressed {
				t.Errorf("format %v compressed %v, want %v %v", c.Format(), c.Compressed(), tc.format, tc.compressed)
			}
			cis, datas, err := readAll(t, c)
			if err != io.EOF {
				t.Fatalf("end: %v, want io.EOF", err)
			}
			if len(cis) != len(tc.want) {
				t.Fatalf("read %d packets, want %d", len(cis), len(tc.want))
			}
			for i, w := range tc.want {
				ci := cis[i]
				if ci.Number != uint64(i+1) || !ci.Timestamp.Equal(w.ts) || ci.CaptureLength != len(w.data) ||
					ci.Length != w.orig || ci.InterfaceIndex != w.iface || ci.LinkType != w.lt || !bytes.Equal(datas[i], w.data) {
					t.Errorf("packet %d: got %+v, want %+v", i+1, ci, w)
				}
			}
			if s := c.Stats(); s.Packets != uint64(len(tc.want)) || s.Anomalies != 0 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

func TestNotACapture(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		kind error
	}{
		{"empty", nil, capture.ErrNotCapture},
		{"text", []byte("hello, this is a text file\n"), capture.ErrNotCapture},
		{"gzipped text", gz([]byte("hello, this is a text file\n")), capture.ErrNotCapture},
		{"short", []byte{0xd4, 0xc3}, capture.ErrNotCapture},
		{"pcap header cut", testutil.Pcap(t, layers.LinkTypeEthernet)[:20], capture.ErrTruncated},
		{"bad gzip", []byte{0x1f, 0x8b, 0, 0, 0, 0}, capture.ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := testutil.WriteTemp(t, "notes.txt", tc.body)
			_, err := capture.Open(path)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %v, want %v", err, tc.kind)
			}
			var ce *capture.Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file %s", err, path)
			}
		})
	}
	if _, err := capture.Open(filepath.Join(t.TempDir(), "missing.pcap")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// recordEnds returns the offsets at which each packet record of a capture ends, and
// all offsets where a cut leaves whole records (ends of headers and blocks), for a
// pcap (24-byte header, 16-byte record headers) or a pcapng (block lengths) in little
// endian as the test writers produce them.
func recordEnds(t *testing.T, b []byte, ng bool) (packets, boundaries []int) {
	if !ng {
		boundaries = append(boundaries, 24)
		for off := 24; off+16 <= len(b); {
			off += 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
			packets = append(packets, off)
			boundaries = append(boundaries, off)
		}
		return packets, boundaries
	}
	for off := 0; off+8 <= len(b); {
		typ := binary.LittleEndian.Uint32(b[off:])
		off += int(binary.LittleEndian.Uint32(b[off+4:]))
		if typ == 6 { // enhanced packet block
			packets = append(packets, off)
		}
		boundaries = append(boundaries, off)
	}
	return packets, boundaries
}

func TestTruncatedFile(t *testing.T) {
	frames := []testutil.Frame{{Data: modbusRequest}, {Data: modbusRequest}, {Data: sll2Frame, Interface: 1}}
	for _, ng := range []bool{false, true} {
		var full []byte
		if ng {
			full = testutil.PcapNG(t, []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL2}, frames...)
		} else {
			full = testutil.Pcap(t, layers.LinkTypeEthernet, frames[:2]...)
		}
		ends, boundaries := recordEnds(t, full, ng)
		start := 24
		if ng {
			start = int(binary.LittleEndian.Uint32(full[4:])) // end of the section header block
		}
		for cut := start; cut < len(full); cut++ {
			complete := 0
			atBoundary := false
			for _, e := range ends {
				if e <= cut {
					complete++
				}
			}
			for _, e := range boundaries {
				atBoundary = atBoundary || e == cut
			}
			c, err := capture.NewReader("cut.cap", bytes.NewReader(full[:cut]))
			if err != nil {
				t.Fatalf("ng=%v cut %d: open: %v", ng, cut, err) // the file header is whole
			}
			cis, _, err := readAll(t, c)
			if len(cis) != complete {
				t.Errorf("ng=%v cut %d: read %d packets, want %d", ng, cut, len(cis), complete)
			}
			if atBoundary {
				if err != io.EOF {
					t.Errorf("ng=%v cut %d at record boundary: %v, want io.EOF", ng, cut, err)
				}
				continue
			}
			var ce *capture.Error
			if !errors.As(err, &ce) || !errors.Is(err, capture.ErrTruncated) || ce.Packet != uint64(complete+1) {
				t.Fatalf("ng=%v cut %d: error %v, want truncation at packet %d", ng, cut, err, complete+1)
			}
			if !strings.Contains(err.Error(), "cut.cap: packet "+strconv.Itoa(complete+1)) {
				t.Errorf("error text %q", err)
			}
			// The error says where the record or block that could not be read begins:
			// the last boundary before the cut.
			wantOff := 0
			for _, e := range boundaries {
				if e < cut {
					wantOff = max(wantOff, e)
				}
			}
			if ce.Offset != int64(wantOff) || !strings.Contains(err.Error(), fmt.Sprintf("at byte %d", wantOff)) {
				t.Errorf("ng=%v cut %d: offset %d in %q, want %d", ng, cut, ce.Offset, err, wantOff)
			}
			// (The test frames carry no time, which the writers stamp oddly: only the
			// truncation is looked at here.)
			ws := slices.DeleteFunc(capture.Warnings("cut.cap", c.Stats(), err), func(w capture.Warning) bool { return w.Kind == capture.WarnImplausibleTime })
			switch {
			case complete == 0 && len(ws) != 0:
				t.Errorf("ng=%v cut %d: no packet read, yet warnings %+v (it is an error)", ng, cut, ws)
			case complete > 0 && (len(ws) != 1 || ws[0].Kind != capture.WarnTruncated || ws[0].Packet != uint64(complete+1) || ws[0].Offset != int64(wantOff)):
				t.Errorf("ng=%v cut %d: warnings %+v, want truncation at packet %d, byte %d", ng, cut, ws, complete+1, wantOff)
			}
			if s := c.Stats(); s.Anomalies != 1 {
				t.Errorf("anomalies %d, want 1", s.Anomalies)
			}
			if _, _, err := c.ReadPacket(); err != io.EOF {
				t.Errorf("read after failure: %v, want io.EOF", err)
			}
		}
	}
}

func TestCorruptFile(t *testing.T) {
	// An enhanced packet block that names interface 7 when the section has one.
	ng := testutil.PcapNG(t, []layers.LinkType{layers.LinkTypeEthernet}, testutil.Frame{Data: modbusRequest}, testutil.Frame{Data: modbusRequest})
	ends, _ := recordEnds(t, ng, true)
	badIface := bytes.Clone(ng)
	binary.LittleEndian.PutUint32(badIface[ends[0]+8:], 7)

	// A pcap record that claims 3 GiB.
	pcap := testutil.Pcap(t, layers.LinkTypeEthernet, testutil.Frame{Data: modbusRequest}, testutil.Frame{Data: modbusRequest})
	huge := bytes.Clone(pcap)
	off := 24 + 16 + len(modbusRequest)
	binary.LittleEndian.PutUint32(huge[off+8:], 3<<30)
	binary.LittleEndian.PutUint32(huge[off+12:], 3<<30)

	for name, b := range map[string][]byte{"bad interface": badIface, "huge record": huge} {
		t.Run(name, func(t *testing.T) {
			c, err := capture.NewReader(name, bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			cis, _, err := readAll(t, c)
			var ce *capture.Error
			if len(cis) != 1 || !errors.As(err, &ce) || !errors.Is(err, capture.ErrCorrupt) || ce.Packet != 2 {
				t.Fatalf("read %d packets, error %v; want 1 packet then corruption at packet 2", len(cis), err)
			}
		})
	}
}

func TestReadPacketAllocatesNothing(t *testing.T) {
	frames := make([]testutil.Frame, 2000)
	for i := range frames {
		frames[i] = testutil.Frame{Data: modbusRequest, Time: time.Unix(1700000000, int64(i))}
	}
	for name, b := range map[string][]byte{
		"pcap":   testutil.Pcap(t, layers.LinkTypeEthernet, frames...),
		"pcapng": testutil.PcapNG(t, []layers.LinkType{layers.LinkTypeEthernet}, frames...),
	} {
		c, err := capture.NewReader(name, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		c.ReadPacket() // first read sizes the buffer
		allocs := testing.AllocsPerRun(1000, func() {
			if _, _, err := c.ReadPacket(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %.1f allocations per packet, want 0", name, allocs)
		}
	}
}

// BenchmarkRead reads one packet per op from an in-memory pcap and pcapng file.
func BenchmarkRead(b *testing.B) {
	frames := make([]testutil.Frame, 10000)
	for i := range frames {
		frames[i] = testutil.Frame{Data: modbusRequest, Time: time.Unix(1700000000, int64(i))}
	}
	for name, file := range map[string][]byte{
		"pcap":   testutil.Pcap(b, layers.LinkTypeEthernet, frames...),
		"pcapng": testutil.PcapNG(b, []layers.LinkType{layers.LinkTypeEthernet}, frames...),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(modbusRequest)))
			var c *capture.File
			for i := 0; i < b.N; i++ {
				if i%len(frames) == 0 {
					b.StopTimer()
					c, _ = capture.NewReader("bench", bytes.NewReader(file))
					b.StartTimer()
				}
				if _, _, err := c.ReadPacket(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTruncatedPublicCapture: a real capture cut in the middle of a record is read up
// to the cut, and the warning names the file, the packet it ends in and the byte where
// that packet's record begins.
func TestTruncatedPublicCapture(t *testing.T) {
	for _, rel := range []string{"modbus/modbus_example.pcap", "iec104/read.pcapng"} {
		t.Run(rel, func(t *testing.T) {
			full, err := os.ReadFile(testutil.Path(t, rel))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "cut-"+filepath.Base(rel))
			if err := os.WriteFile(path, full[:len(full)*2/3], 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := capture.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			cis, _, err := readAll(t, c)
			var ce *capture.Error
			if !errors.As(err, &ce) || !errors.Is(err, capture.ErrTruncated) || len(cis) == 0 || ce.Packet != uint64(len(cis)+1) {
				t.Fatalf("read %d packets, error %v; want a truncation after some packets", len(cis), err)
			}
			if ce.Offset <= 0 || ce.Offset >= int64(len(full)*2/3) {
				t.Errorf("offset %d outside the cut file's %d bytes", ce.Offset, len(full)*2/3)
			}
			ws := capture.Warnings(path, c.Stats(), err)
			if len(ws) != 1 || ws[0].Kind != capture.WarnTruncated || ws[0].Packet != ce.Packet || ws[0].Offset != ce.Offset {
				t.Fatalf("warnings %+v", ws)
			}
			for _, want := range []string{path, fmt.Sprintf("packet %d", ce.Packet), fmt.Sprintf("at byte %d", ce.Offset), fmt.Sprintf("the %d packets before it were read", len(cis))} {
				if !strings.Contains(ws[0].Detail, want) {
					t.Errorf("warning %q does not say %q", ws[0].Detail, want)
				}
			}
		})
	}
}

// TestNotAFile: a directory given as a capture is reported as a directory, an empty
// file as empty, not as "shorter than a capture header".
func TestNotAFile(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pcap")
	os.WriteFile(empty, nil, 0o644)
	short := filepath.Join(dir, "short.pcap")
	os.WriteFile(short, []byte{0xd4, 0xc3}, 0o644)
	for _, tc := range []struct {
		path, want string
	}{
		{dir, "is a directory"},
		{empty, "file is empty (0 bytes)"},
		{short, "file shorter than a capture header (2 bytes)"},
	} {
		_, err := capture.Open(tc.path)
		var ce *capture.Error
		if !errors.As(err, &ce) || !errors.Is(err, capture.ErrNotCapture) || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming it and saying %q", tc.path, err, tc.want)
		}
		if f, err := capture.OpenFile(tc.path); (err == nil) != (tc.path != dir) {
			t.Errorf("OpenFile(%s): %v", tc.path, err)
		} else if f != nil {
			f.Close()
		}
	}
	// A named pipe is read as a stream (a shell's <(tcpdump -w -)).
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	pcap := testutil.Pcap(t, layers.LinkTypeEthernet, testutil.Frame{Data: modbusRequest, Time: time.Unix(1595660608, 0)})
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.Write(pcap)
			f.Close()
		}
	}()
	c, err := capture.Open(fifo)
	if err != nil {
		t.Fatalf("named pipe: %v", err)
	}
	defer c.Close()
	if cis, _, err := readAll(t, c); len(cis) != 1 || err != io.EOF {
		t.Errorf("named pipe: %d packets, %v", len(cis), err)
	}
}

// TestImplausibleTimes: packets stamped in 1970 or in the future are counted, the
// first named; plausible ones and missing timestamps are not.
func TestImplausibleTimes(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name  string
		times []time.Time
		odd   uint64
		first uint64
	}{
		{"real", []time.Time{time.Date(2008, 10, 23, 23, 29, 8, 0, time.UTC), now}, 0, 0},
		{"unset clock", []time.Time{time.Date(2020, 7, 25, 7, 3, 28, 0, time.UTC), time.Unix(5, 0), time.Unix(6, 0)}, 2, 2},
		{"future", []time.Time{now.Add(72 * time.Hour)}, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var frames []testutil.Frame
			for _, ts := range tc.times {
				frames = append(frames, testutil.Frame{Data: modbusRequest, Time: ts})
			}
			c, err := capture.NewReader("t.pcap", bytes.NewReader(testutil.Pcap(t, layers.LinkTypeEthernet, frames...)))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = readAll(t, c)
			st := c.Stats()
			if err != io.EOF || st.OddTimes != tc.odd || st.FirstOddTime != tc.first {
				t.Fatalf("%v; %d odd times, first %d; want %d, first %d", err, st.OddTimes, st.FirstOddTime, tc.odd, tc.first)
			}
			ws := capture.Warnings("t.pcap", st, nil)
			if tc.odd == 0 {
				if len(ws) != 0 {
					t.Errorf("warnings %+v", ws)
				}
				return
			}
			if len(ws) != 1 || ws[0].Kind != capture.WarnImplausibleTime || ws[0].Packet != tc.first || ws[0].Count != tc.odd ||
				!strings.Contains(ws[0].Detail, fmt.Sprintf("t.pcap: %d packets", tc.odd)) || !strings.Contains(ws[0].Detail, fmt.Sprintf("packet %d stamped", tc.first)) {
				t.Errorf("warnings %+v", ws)
			}
		})
	}
}
