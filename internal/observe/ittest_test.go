package observe

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Helpers of the IT dissectors' tests: frames around payloads, fixtures of the protocol
// packages, and the facts a recorder got.

// udpFrame builds an Ethernet/IPv4/UDP frame.
func udpFrame(t testing.TB, src, dst netip.AddrPort, srcMAC, dstMAC net.HardwareAddr, payload []byte) []byte {
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

// ethFrame builds an Ethernet II frame of etherType around payload.
func ethFrame(dst, src net.HardwareAddr, etherType uint16, payload []byte) []byte {
	b := append(append(append([]byte{}, dst...), src...), byte(etherType>>8), byte(etherType))
	return append(b, payload...)
}

// llcFrame builds an IEEE 802.3 frame (a length instead of an EtherType) around data,
// padded to the 60-byte minimum as a sender pads it.
func llcFrame(dst, src net.HardwareAddr, data []byte) []byte {
	b := append(append(append([]byte{}, dst...), src...), byte(len(data)>>8), byte(len(data)))
	b = append(b, data...)
	for len(b) < 60 {
		b = append(b, 0)
	}
	return b
}

func mac(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// fixtures reads a protocol package's test data file: "name hex" lines, # comments.
func fixtures(t testing.TB, path string) map[string][]byte {
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
		out[name] = unhex(t, h)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// who names a fact's subject: its IP address when it has one, else its MAC, with the
// component after a slash.
func who(id *recordedID) string {
	s := net.HardwareAddr(id.Subject.MAC[:]).String()
	if id.Subject.IP.IsValid() {
		s = id.Subject.IP.String()
	}
	if id.component != "" {
		s += "/" + id.component
	}
	return s
}

// factList returns the recorded facts as "who field=value (confidence, protocol)".
func factList(r *recorder) []string {
	var out []string
	for i := range r.ids {
		id := &r.ids[i]
		out = append(out, fmt.Sprintf("%s %s=%s (%s, %s)", who(id), id.Field, id.value, id.Confidence, id.App))
	}
	return out
}

// wantFacts checks that every fact in want was recorded, and none in not.
func wantFacts(t *testing.T, r *recorder, want []string, not ...string) {
	t.Helper()
	got := factList(r)
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

// bound reports whether the recorder got mac bound to ip as announced.
func bound(r *recorder, m net.HardwareAddr, ip string) bool {
	for _, h := range r.hosts {
		if h.How == BindAnnounced && net.HardwareAddr(h.MAC[:]).String() == m.String() && h.IP.String() == ip {
			return true
		}
	}
	return false
}

// flowOf returns the single flow of app the recorder got.
func flowOf(t *testing.T, r *recorder, app App) recordedFlow {
	t.Helper()
	var fs []recordedFlow
	for _, f := range r.flows {
		if f.App == app {
			fs = append(fs, f)
		}
	}
	if len(fs) != 1 {
		t.Fatalf("%d %s flows", len(fs), app)
	}
	return fs[0]
}

// opsOf lists a flow's operations as "name=client/server".
func opsOf(f recordedFlow) []string {
	var out []string
	for _, o := range f.ops {
		out = append(out, fmt.Sprintf("%s=%d/%d", f.App.OpName(o.Code), o.Count[0], o.Count[1]))
	}
	return out
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
