package testutil

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Frame is one packet to write into a synthetic capture.
type Frame struct {
	Data      []byte
	Time      time.Time
	Interface int // pcapng interface index
	OrigLen   int // 0: len(Data)
}

// Pcap builds a pcap file (nanosecond timestamps) with the given link type and frames.
func Pcap(tb testing.TB, lt layers.LinkType, frames ...Frame) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriterNanos(&buf)
	if err := w.WriteFileHeader(65535, lt); err != nil {
		tb.Fatal(err)
	}
	for _, f := range frames {
		if err := w.WritePacket(ci(f), f.Data); err != nil {
			tb.Fatal(err)
		}
	}
	return buf.Bytes()
}

// PcapNG builds a pcapng file with one interface per link type in lts (nanosecond
// resolution) and the given frames.
func PcapNG(tb testing.TB, lts []layers.LinkType, frames ...Frame) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&buf, pcapgo.NgInterface{Name: "if0", LinkType: lts[0], TimestampResolution: 9, SnapLength: 65535},
		pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Application: "zonewarden tests"}})
	if err != nil {
		tb.Fatal(err)
	}
	for i, lt := range lts[1:] {
		if _, err := w.AddInterface(pcapgo.NgInterface{Name: "if" + string(rune('1'+i)), LinkType: lt, TimestampResolution: 9, SnapLength: 65535}); err != nil {
			tb.Fatal(err)
		}
	}
	for _, f := range frames {
		c := ci(f)
		c.InterfaceIndex = f.Interface
		if err := w.WritePacket(c, f.Data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func ci(f Frame) gopacket.CaptureInfo {
	n := f.OrigLen
	if n == 0 {
		n = len(f.Data)
	}
	return gopacket.CaptureInfo{Timestamp: f.Time, CaptureLength: len(f.Data), Length: n, InterfaceIndex: f.Interface}
}

// WriteTemp writes b to a file in a fresh temporary directory and returns its path.
func WriteTemp(tb testing.TB, name string, b []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// Segment is what one side of a TCP connection sends at once.
type Segment struct {
	FromClient bool
	Data       []byte
}

// TCPSession returns the frames of one TCP connection to port between a client
// (10.20.0.50:49152) and a server (10.20.0.11): the three-way handshake, then each
// segment's data cut into segments of at most 1460 bytes, with running sequence and
// acknowledgement numbers and a microsecond between frames, as tshark dissects them.
func TCPSession(tb testing.TB, port uint16, segs ...Segment) []Frame {
	tb.Helper()
	cli, srv := net.IP{10, 20, 0, 50}, net.IP{10, 20, 0, 11}
	seq := [2]uint32{1000, 5000} // client, server
	var frames []Frame
	emit := func(fromClient, syn, ack bool, data []byte) {
		d, src, dst, sport, dport := 0, cli, srv, layers.TCPPort(49152), layers.TCPPort(port)
		if !fromClient {
			d, src, dst, sport, dport = 1, srv, cli, dport, sport
		}
		tcp := &layers.TCP{SrcPort: sport, DstPort: dport, Seq: seq[d], Ack: seq[1-d], Window: 65535, SYN: syn, ACK: ack, PSH: len(data) > 0}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, src[3]}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, dst[3]},
			EthernetType: layers.EthernetTypeIPv4}
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			tb.Fatal(err)
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			eth, ip, tcp, gopacket.Payload(data)); err != nil {
			tb.Fatal(err)
		}
		seq[d] += uint32(len(data))
		if syn {
			seq[d]++
		}
		frames = append(frames, Frame{Data: bytes.Clone(buf.Bytes()), Time: time.Unix(1700000000, int64(len(frames))*1000)})
	}
	emit(true, true, false, nil)
	emit(false, true, true, nil)
	emit(true, false, true, nil)
	for _, s := range segs {
		for d := s.Data; len(d) > 0; {
			k := min(len(d), 1460)
			emit(s.FromClient, false, true, d[:k])
			d = d[k:]
		}
	}
	return frames
}

// WriteFrames writes the Ethernet frames to a pcap file in a fresh temporary directory,
// a second apart from the Unix epoch on, and returns its path: what tests hand tshark.
func WriteFrames(tb testing.TB, name string, frames ...[]byte) string {
	tb.Helper()
	fs := make([]Frame, len(frames))
	for i, f := range frames {
		fs[i] = Frame{Data: f, Time: time.Unix(int64(i), 0)}
	}
	return WriteTemp(tb, name, Pcap(tb, layers.LinkTypeEthernet, fs...))
}

// Serialize builds a frame from layers with lengths and checksums computed (a TCP or UDP
// layer needs SetNetworkLayerForChecksum called first).
func Serialize(tb testing.TB, ls ...gopacket.SerializableLayer) []byte {
	tb.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		tb.Fatal(err)
	}
	return bytes.Clone(buf.Bytes())
}
