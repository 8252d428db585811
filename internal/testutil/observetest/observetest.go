package observetest

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// Recorder is a Sink that keeps copies of everything it is given.
type Recorder struct {
	Hosts   []observe.Host
	IDs     []RecordedID
	Flows   []RecordedFlow
	Sources []observe.Source
}

// RecordedID is an identity fact with its value and component copied.
type RecordedID struct {
	observe.Identity
	Value, Component string
}

// RecordedFlow is a flow with its operations and addresses copied.
type RecordedFlow struct {
	observe.Flow
	Ops   []observe.OpCount
	Addrs []uint16
}

func (r *Recorder) Host(h *observe.Host) { r.Hosts = append(r.Hosts, *h) }
func (r *Recorder) Identity(id *observe.Identity) {
	r.IDs = append(r.IDs, RecordedID{Identity: *id, Value: string(id.Value), Component: string(id.Component)})
}
func (r *Recorder) Flow(f *observe.Flow) {
	r.Flows = append(r.Flows, RecordedFlow{Flow: *f, Ops: append([]observe.OpCount(nil), f.Ops...), Addrs: append([]uint16(nil), f.Addrs...)})
}
func (r *Recorder) Source(s *observe.Source) { r.Sources = append(r.Sources, *s) }

// Facts returns the identity facts recorded as "ip field=value" strings.
func (r *Recorder) Facts() map[string]bool {
	m := map[string]bool{}
	for _, id := range r.IDs {
		m[id.Subject.IP.String()+" "+id.Field.String()+"="+id.Value] = true
	}
	return m
}

// NopSink counts and drops observations.
type NopSink struct{ Hosts, IDs, Flows int }

func (s *NopSink) Host(*observe.Host)         { s.Hosts++ }
func (s *NopSink) Identity(*observe.Identity) { s.IDs++ }
func (s *NopSink) Flow(*observe.Flow)         { s.Flows++ }
func (s *NopSink) Source(*observe.Source)     {}

// RunCapture runs one capture file through a pipeline into a recorder.
func RunCapture(t testing.TB, path string) *Recorder {
	t.Helper()
	r := &Recorder{}
	p := observe.NewPipeline(r, observe.Config{})
	p.Begin(0, path)
	for _, pk := range testutil.Load(t, path) {
		p.Packet(pk.Data, &pk.Info)
	}
	p.End(capture.Stats{}, nil)
	return r
}

// RunFrames runs raw Ethernet frames through a pipeline, one millisecond apart.
func RunFrames(t testing.TB, frames ...[]byte) *Recorder {
	t.Helper()
	r := &Recorder{}
	p := observe.NewPipeline(r, observe.Config{})
	p.Begin(0, "frames")
	for i, f := range frames {
		ci := capture.CaptureInfo{Number: uint64(i + 1), Timestamp: time.Unix(1700000000, int64(i)*1e6),
			CaptureLength: len(f), Length: len(f), LinkType: 1}
		p.Packet(f, &ci)
	}
	p.End(capture.Stats{}, nil)
	return r
}

// The MAC addresses of the client and the server of Conversation and Exchange.
var (
	MACClient = net.HardwareAddr{0x00, 0x1b, 0x1b, 0x00, 0x00, 0x01}
	MACServer = net.HardwareAddr{0x00, 0x0e, 0x8c, 0x00, 0x00, 0x02}
)

// TCPFrame builds an Ethernet/IPv4/TCP frame.
func TCPFrame(t testing.TB, src, dst netip.AddrPort, srcMAC, dstMAC net.HardwareAddr, seq uint32, syn, ack bool, payload []byte) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: srcMAC, DstMAC: dstMAC, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()), Seq: seq, SYN: syn, ACK: ack, PSH: len(payload) > 0, Window: 8192}
	tcp.SetNetworkLayerForChecksum(ip)
	return serialize(t, eth, ip, tcp, gopacket.Payload(payload))
}

// Conversation builds a TCP conversation: handshake, then each payload in turn from
// the client (even indexes) or the server (odd indexes).
func Conversation(t testing.TB, client, server netip.AddrPort, payloads ...[]byte) [][]byte {
	segs := make([]Segment, len(payloads))
	for i, p := range payloads {
		segs[i] = Segment{FromClient: i%2 == 0, Data: p}
	}
	return Exchange(t, client, server, segs)
}

// Segment is what one side wrote on a connection.
type Segment struct {
	FromClient bool
	Data       []byte
}

// Exchange builds a TCP connection's frames: the handshake, then each segment from its
// side with the sequence numbers running on.
func Exchange(t testing.TB, client, server netip.AddrPort, segs []Segment) [][]byte {
	cseq, sseq := uint32(1000), uint32(5000)
	frames := [][]byte{
		TCPFrame(t, client, server, MACClient, MACServer, cseq, true, false, nil),
		TCPFrame(t, server, client, MACServer, MACClient, sseq, true, true, nil),
	}
	cseq++
	sseq++
	for _, s := range segs {
		if s.FromClient {
			frames = append(frames, TCPFrame(t, client, server, MACClient, MACServer, cseq, false, true, s.Data))
			cseq += uint32(len(s.Data))
		} else {
			frames = append(frames, TCPFrame(t, server, client, MACServer, MACClient, sseq, false, true, s.Data))
			sseq += uint32(len(s.Data))
		}
	}
	return frames
}

// Unhex decodes hex digits, spaces allowed between them.
func Unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// UDPFrame builds an Ethernet/IPv4/UDP frame (IPv6 when the addresses are).
func UDPFrame(t testing.TB, src, dst netip.AddrPort, srcMAC, dstMAC net.HardwareAddr, payload []byte) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: srcMAC, DstMAC: dstMAC, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
	if src.Addr().Is6() {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP, SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
		udp := &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
		udp.SetNetworkLayerForChecksum(ip6)
		return serialize(t, eth, ip6, udp, gopacket.Payload(payload))
	}
	udp := &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
	udp.SetNetworkLayerForChecksum(ip)
	return serialize(t, eth, ip, udp, gopacket.Payload(payload))
}

func serialize(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// EthFrame builds an Ethernet II frame of etherType around payload.
func EthFrame(dst, src net.HardwareAddr, etherType uint16, payload []byte) []byte {
	b := append(append(append([]byte{}, dst...), src...), byte(etherType>>8), byte(etherType))
	return append(b, payload...)
}

// LLCFrame builds an IEEE 802.3 frame (a length instead of an EtherType) around data,
// padded to the 60-byte minimum as a sender pads it.
func LLCFrame(dst, src net.HardwareAddr, data []byte) []byte {
	b := append(append(append([]byte{}, dst...), src...), byte(len(data)>>8), byte(len(data)))
	b = append(b, data...)
	for len(b) < 60 {
		b = append(b, 0)
	}
	return b
}

// MAC parses a MAC address, panicking on a bad one.
func MAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Fixtures reads a protocol package's test data file: "name hex" lines, # comments.
func Fixtures(t testing.TB, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, h, _ := strings.Cut(line, " ")
		out[name] = Unhex(t, h)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Who names a fact's subject: its IP address when it has one, else its MAC, with the
// component after a slash.
func Who(id *RecordedID) string {
	s := net.HardwareAddr(id.Subject.MAC[:]).String()
	if id.Subject.IP.IsValid() {
		s = id.Subject.IP.String()
	}
	if id.Component != "" {
		s += "/" + id.Component
	}
	return s
}

// FactList returns the recorded facts as "who field=value (confidence, protocol)".
func FactList(r *Recorder) []string {
	var out []string
	for i := range r.IDs {
		id := &r.IDs[i]
		out = append(out, fmt.Sprintf("%s %s=%s (%s, %s)", Who(id), id.Field, id.Value, id.Confidence, id.App))
	}
	return out
}

// WantFacts checks that every fact in want was recorded, and none in not.
func WantFacts(t *testing.T, r *Recorder, want []string, not ...string) {
	t.Helper()
	got := FactList(r)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing fact %q", w)
		}
	}
	for _, n := range not {
		for _, g := range got {
			if strings.HasPrefix(g, n) {
				t.Errorf("unexpected fact %q", g)
			}
		}
	}
	if t.Failed() {
		t.Logf("facts:\n  %s", strings.Join(got, "\n  "))
	}
}

// Bound reports whether the recorder got mac bound to ip as announced.
func Bound(r *Recorder, m net.HardwareAddr, ip string) bool {
	for _, h := range r.Hosts {
		if h.How == observe.BindAnnounced && net.HardwareAddr(h.MAC[:]).String() == m.String() && h.IP.String() == ip {
			return true
		}
	}
	return false
}

// FlowOf returns the single flow of app the recorder got.
func FlowOf(t *testing.T, r *Recorder, app observe.App) RecordedFlow {
	t.Helper()
	var fs []RecordedFlow
	for _, f := range r.Flows {
		if f.App == app {
			fs = append(fs, f)
		}
	}
	if len(fs) != 1 {
		t.Fatalf("%d %s flows", len(fs), app)
	}
	return fs[0]
}

// OpsOf lists a flow's operations as "name=client/server".
func OpsOf(f RecordedFlow) []string {
	var out []string
	for _, o := range f.Ops {
		out = append(out, fmt.Sprintf("%s=%d/%d", f.App.OpName(o.Code), o.Count[0], o.Count[1]))
	}
	return out
}

// BE16 and BE32 are v in big-endian bytes.
func BE16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func BE32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// Join concatenates byte slices.
func Join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
