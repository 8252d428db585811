package capture_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/capture/capturetest"
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
	pcap := capturetest.Pcap(t, layers.LinkTypeEthernet,
		capturetest.Frame{Data: modbusRequest, Time: t0},
		capturetest.Frame{Data: modbusRequest[:60], Time: t1, OrigLen: len(modbusRequest)})
	ng := capturetest.PcapNG(t, []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL2},
		capturetest.Frame{Data: modbusRequest, Time: t0, Interface: 0},
		capturetest.Frame{Data: sll2Frame, Time: t1, Interface: 1})

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
			path := capturetest.WriteTemp(t, "x."+tc.name, tc.file)
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
		{"pcap header cut", capturetest.Pcap(t, layers.LinkTypeEthernet)[:20], capture.ErrTruncated},
		{"bad gzip", []byte{0x1f, 0x8b, 0, 0, 0, 0}, capture.ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := capturetest.WriteTemp(t, "notes.txt", tc.body)
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
	frames := []capturetest.Frame{{Data: modbusRequest}, {Data: modbusRequest}, {Data: sll2Frame, Interface: 1}}
	for _, ng := range []bool{false, true} {
		var full []byte
		if ng {
			full = capturetest.PcapNG(t, []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL2}, frames...)
		} else {
			full = capturetest.Pcap(t, layers.LinkTypeEthernet, frames[:2]...)
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
	ng := capturetest.PcapNG(t, []layers.LinkType{layers.LinkTypeEthernet}, capturetest.Frame{Data: modbusRequest}, capturetest.Frame{Data: modbusRequest})
	ends, _ := recordEnds(t, ng, true)
	badIface := bytes.Clone(ng)
	binary.LittleEndian.PutUint32(badIface[ends[0]+8:], 7)

	// A pcap record that claims 3 GiB.
	pcap := capturetest.Pcap(t, layers.LinkTypeEthernet, capturetest.Frame{Data: modbusRequest}, capturetest.Frame{Data: modbusRequest})
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
	frames := make([]capturetest.Frame, 2000)
	for i := range frames {
		frames[i] = capturetest.Frame{Data: modbusRequest, Time: time.Unix(1700000000, int64(i))}
	}
	for name, b := range map[string][]byte{
		"pcap":   capturetest.Pcap(t, layers.LinkTypeEthernet, frames...),
		"pcapng": capturetest.PcapNG(t, []layers.LinkType{layers.LinkTypeEthernet}, frames...),
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
	frames := make([]capturetest.Frame, 10000)
	for i := range frames {
		frames[i] = capturetest.Frame{Data: modbusRequest, Time: time.Unix(1700000000, int64(i))}
	}
	for name, file := range map[string][]byte{
		"pcap":   capturetest.Pcap(b, layers.LinkTypeEthernet, frames...),
		"pcapng": capturetest.PcapNG(b, []layers.LinkType{layers.LinkTypeEthernet}, frames...),
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
