package decode_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/decode"
)

func tcpPacket(src, dst string, flags decode.TCPFlags, seq uint32, payload []byte) *decode.Packet {
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	l := decode.LayerIPv4
	if s.Addr().Is6() {
		l = decode.LayerIPv6
	}
	return &decode.Packet{Layers: l | decode.LayerTCP, SrcIP: s.Addr(), DstIP: d.Addr(), SrcPort: s.Port(), DstPort: d.Port(),
		IPProto: decode.ProtoTCP, TCPFlags: flags, Seq: seq, Payload: payload, PayloadLen: len(payload), IPLength: 40 + len(payload)}
}

func udpPacket(src, dst string) *decode.Packet {
	p := tcpPacket(src, dst, 0, 0, []byte{1, 2, 3})
	p.Layers = p.Layers&^decode.LayerTCP | decode.LayerUDP
	p.IPProto = decode.ProtoUDP
	return p
}

func TestFlowKey(t *testing.T) {
	req := tcpPacket("10.0.0.9:50000", "10.0.0.1:502", decode.PSH|decode.ACK, 1, nil)
	resp := tcpPacket("10.0.0.1:502", "10.0.0.9:50000", decode.PSH|decode.ACK, 1, nil)
	k1, d1, ok1 := decode.FlowKeyOf(req)
	k2, d2, ok2 := decode.FlowKeyOf(resp)
	if !ok1 || !ok2 || k1 != k2 || d1 == d2 {
		t.Fatalf("keys %v/%v dirs %v/%v", k1, k2, d1, d2)
	}
	if k1.SrcPort(d1) != 50000 || k1.DstPort(d1) != 502 || k1.Src(d1).String() != "10.0.0.9:50000" || k1.Dst(d1).String() != "10.0.0.1:502" || k1.A().String() != "10.0.0.1:502" {
		t.Errorf("endpoints: src %v dst %v a %v", k1.Src(d1), k1.Dst(d1), k1.A())
	}
	if got := k1.String(); got != "tcp 10.0.0.1:502 <-> 10.0.0.9:50000" {
		t.Errorf("String %q", got)
	}
	// Same addresses and ports over UDP, or over IPv6, are other conversations.
	ku, _, _ := decode.FlowKeyOf(udpPacket("10.0.0.9:50000", "10.0.0.1:502"))
	k6, _, _ := decode.FlowKeyOf(tcpPacket("[::ffff:10.0.0.9]:50000", "[::ffff:10.0.0.1]:502", 0, 0, nil))
	if ku == k1 || k6 == k1 {
		t.Errorf("UDP or IPv6 key equals the TCP/IPv4 key")
	}
	// Same host talking to itself: ports decide the order.
	kl, dl, _ := decode.FlowKeyOf(tcpPacket("127.0.0.1:47785", "127.0.0.1:502", 0, 0, nil))
	if kl.A().Port() != 502 || dl != decode.DirBA {
		t.Errorf("loopback key %v dir %v", kl, dl)
	}
	if _, _, ok := decode.FlowKeyOf(&decode.Packet{Layers: decode.LayerEthernet | decode.LayerARP}); ok {
		t.Error("ARP packet has a flow key")
	}
}

func TestTableOriginator(t *testing.T) {
	// 44818 is EtherNet/IP's server port over TCP and UDP, 2222 its I/O port over UDP:
	// a pipeline names its registered protocols' ports like this.
	enip := func(proto uint8, port uint16) bool {
		return port < 1024 || port == 44818 || proto == decode.ProtoUDP && port == 2222
	}
	tests := []struct {
		name    string
		server  func(uint8, uint16) bool
		packets []*decode.Packet
		orig    string
		by      decode.OrigBasis
	}{
		{"SYN", nil, []*decode.Packet{tcpPacket("10.0.0.9:50000", "10.0.0.1:502", decode.SYN, 100, nil)}, "10.0.0.9:50000", decode.OrigHandshake},
		{"SYN-ACK seen first", nil, []*decode.Packet{tcpPacket("10.0.0.1:502", "10.0.0.9:50000", decode.SYN|decode.ACK, 100, nil)}, "10.0.0.9:50000", decode.OrigHandshake},
		{"mid-session, server speaks first", nil, []*decode.Packet{tcpPacket("10.0.0.1:502", "10.0.0.9:50000", decode.PSH|decode.ACK, 100, []byte{1})}, "10.0.0.9:50000", decode.OrigServerPort},
		{"mid-session, client speaks first", nil, []*decode.Packet{tcpPacket("10.0.0.9:50000", "10.0.0.1:502", decode.PSH|decode.ACK, 100, []byte{1})}, "10.0.0.9:50000", decode.OrigServerPort},
		{"mid-session, no server port", nil, []*decode.Packet{tcpPacket("10.0.0.1:44818", "10.0.0.9:50000", decode.PSH|decode.ACK, 100, []byte{1})}, "10.0.0.1:44818", decode.OrigFirstPacket},
		{"mid-session, registered server port", enip, []*decode.Packet{tcpPacket("10.0.0.1:44818", "10.0.0.9:50000", decode.PSH|decode.ACK, 100, []byte{1})}, "10.0.0.9:50000", decode.OrigServerPort},
		{"server ports on both sides", enip, []*decode.Packet{tcpPacket("10.0.0.1:44818", "10.0.0.9:502", decode.PSH|decode.ACK, 100, []byte{1})}, "10.0.0.1:44818", decode.OrigFirstPacket},
		{"SYN-ACK after a mid-session packet", enip, []*decode.Packet{
			tcpPacket("10.0.0.9:50000", "10.0.0.1:50001", decode.ACK, 100, nil),
			tcpPacket("10.0.0.9:50000", "10.0.0.1:50001", decode.SYN|decode.ACK, 100, nil)}, "10.0.0.1:50001", decode.OrigHandshake},
		{"UDP", nil, []*decode.Packet{udpPacket("10.0.0.1:2222", "10.0.0.9:2222")}, "10.0.0.1:2222", decode.OrigFirstPacket},
		{"UDP answer from a registered port", enip, []*decode.Packet{udpPacket("10.0.0.1:44818", "10.0.0.9:61000")}, "10.0.0.9:61000", decode.OrigServerPort},
		{"UDP port registered for TCP only", enip, []*decode.Packet{tcpPacket("10.0.0.1:2222", "10.0.0.9:61000", decode.PSH|decode.ACK, 100, []byte{1})}, "10.0.0.1:2222", decode.OrigFirstPacket},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab := decode.NewTable(decode.Config{IsServerPort: tc.server})
			f, dir, created := tab.Lookup(tc.packets[0], 1)
			if f == nil || !created {
				t.Fatal("no flow created")
			}
			if f.Packets[dir] != 1 || f.IPBytes[dir] != uint64(tc.packets[0].IPLength) {
				t.Errorf("counters %v %v", f.Packets, f.IPBytes)
			}
			for _, p := range tc.packets[1:] {
				tab.Lookup(p, 2)
			}
			if got := f.Key.Src(f.Orig).String(); got != tc.orig || f.OrigBy != tc.by {
				t.Errorf("originator %s by %v, want %s by %v", got, f.OrigBy, tc.orig, tc.by)
			}
		})
	}
}

// TestFlowOrient holds Orient to the order of evidence: weaker evidence never overrides
// stronger, and evidence of one kind decides once.
func TestFlowOrient(t *testing.T) {
	tab := decode.NewTable(decode.Config{})
	f, dir, _ := tab.Lookup(tcpPacket("10.0.0.1:40000", "10.0.0.9:50000", decode.PSH|decode.ACK, 100, []byte{1}), 1)
	if f.Orig != dir || f.OrigBy != decode.OrigFirstPacket {
		t.Fatalf("orig %v by %v", f.Orig, f.OrigBy)
	}
	if !f.Orient(dir.Reverse(), decode.OrigPayload) || f.Orig != dir.Reverse() || f.OrigBy != decode.OrigPayload {
		t.Errorf("payload evidence did not re-orient: %v by %v", f.Orig, f.OrigBy)
	}
	if f.Orient(dir, decode.OrigPayload) || f.Orig != dir.Reverse() {
		t.Errorf("second payload evidence re-oriented the flow")
	}
	if f.Orient(dir.Reverse(), decode.OrigHandshake) || f.OrigBy != decode.OrigHandshake {
		t.Errorf("handshake agreeing: changed or basis %v", f.OrigBy)
	}
	if f.Orient(dir, decode.OrigServerPort) || f.Orig != dir.Reverse() {
		t.Errorf("a server port overrode the handshake")
	}
	// The SYN of a new connection on the same addresses and ports decides again.
	tab.Lookup(tcpPacket("10.0.0.1:40000", "10.0.0.9:50000", decode.SYN, 200, nil), 2)
	if f.Orig != dir {
		t.Errorf("a new SYN did not decide: orig %v", f.Orig)
	}
}

func TestTableBoundAndExpiry(t *testing.T) {
	var evicted []string
	tab := decode.NewTable(decode.Config{MaxFlows: 2, IdleTimeout: time.Minute, OnEvict: func(f *decode.Flow) {
		evicted = append(evicted, f.Key.String())
	}})
	sec := int64(time.Second)
	a := udpPacket("10.0.0.1:1000", "10.0.0.2:2222")
	b := udpPacket("10.0.0.1:1001", "10.0.0.2:2222")
	c := udpPacket("10.0.0.1:1002", "10.0.0.2:2222")
	if f, _, _ := tab.Lookup(a, 0); f == nil {
		t.Fatal("a not tracked")
	}
	fb, _, _ := tab.Lookup(b, 30*sec)
	if f, _, _ := tab.Lookup(c, 40*sec); f != nil {
		t.Fatal("third flow tracked in a table of two")
	}
	if s := tab.Stats(); s.TableFull != 1 || tab.Len() != 2 {
		t.Fatalf("stats %+v len %d", s, tab.Len())
	}
	// At 70 s, a (last seen at 0) is idle for more than a minute: it makes room for c.
	fc, _, created := tab.Lookup(c, 70*sec)
	if fc == nil || !created || len(evicted) != 1 || evicted[0] != "udp 10.0.0.1:1000 <-> 10.0.0.2:2222" {
		t.Fatalf("c %v created %v evicted %v", fc, created, evicted)
	}
	if got, _, _ := tab.Lookup(b, 71*sec); got != fb || got.Packets[0] != 2 {
		t.Errorf("flow b moved or lost its counters: %p %p", got, fb)
	}
	tab.Flush()
	if tab.Len() != 0 || len(evicted) != 3 || tab.Stats().Evicted != 3 {
		t.Errorf("after flush: len %d evicted %v", tab.Len(), evicted)
	}
}

// TestTableManyFlows checks that *Flow stays valid while the table grows and
// that the bound holds under a flood of new conversations.
func TestTableManyFlows(t *testing.T) {
	tab := decode.NewTable(decode.Config{MaxFlows: 5000})
	var first *decode.Flow
	var d decode.Decoder
	var p decode.Packet
	frame := append([]byte(nil), frameIO...)
	for i := range 20000 {
		frame[28], frame[29] = byte(i>>8), byte(i) // vary the source address
		if err := d.Decode(layers.LinkTypeEthernet, frame, &p); err != nil {
			t.Fatal(err)
		}
		f, _, _ := tab.Lookup(&p, int64(i))
		if i == 0 {
			first = f
		}
	}
	if tab.Len() != 5000 || tab.Stats().TableFull != 15000 || first.Packets[0]+first.Packets[1] != 1 {
		t.Errorf("len %d stats %+v first %+v", tab.Len(), tab.Stats(), first.Packets)
	}
}

// The previous packet's flow is remembered; once that flow is evicted and its slot
// given to another conversation, a packet of the old one must not land in the new one.
func TestTableLastFlowAfterEviction(t *testing.T) {
	tab := decode.NewTable(decode.Config{MaxFlows: 1, IdleTimeout: time.Minute})
	sec := int64(time.Second)
	a := udpPacket("10.0.0.1:1000", "10.0.0.2:2222")
	b := udpPacket("10.0.0.1:1001", "10.0.0.2:2222")
	fa, _, _ := tab.Lookup(a, 0)
	if again, _, created := tab.Lookup(a, sec); again != fa || created {
		t.Fatal("the same flow's next packet made a new flow")
	}
	tab.Flush() // a's slot is free; the table remembers a as its last flow no more
	fb, _, created := tab.Lookup(b, 2*sec)
	if !created || fb.Key.String() != "udp 10.0.0.1:1001 <-> 10.0.0.2:2222" {
		t.Fatalf("b: created %v key %s", created, fb.Key)
	}
	tab.Flush()
	fa2, _, created := tab.Lookup(a, 3*sec)
	if !created || fa2.Key.String() != "udp 10.0.0.1:1000 <-> 10.0.0.2:2222" || fa2.Packets[0]+fa2.Packets[1] != 1 {
		t.Fatalf("a after b: created %v key %s packets %v", created, fa2.Key, fa2.Packets)
	}
	// Evicted while it was the last flow, then its key seen again before any other.
	tab.Flush()
	if _, _, created := tab.Lookup(a, 4*sec); !created {
		t.Fatal("a packet of an evicted flow was counted in the evicted flow")
	}
}

// TestTableIdleSplitIndependentOfOtherFlows: whether a conversation that paused for
// longer than the idle timeout is counted as one flow or two must not depend on the
// other flows in the table (when the sweep last ran): the same packets of one
// conversation, alone or beside another, give the same flows. Workers each hold a
// table, so this is what makes one worker and two give the same inventory.
func TestTableIdleSplitIndependentOfOtherFlows(t *testing.T) {
	const idle = time.Minute
	a := udpPacket("10.0.0.9:500", "10.0.0.1:500")
	b := udpPacket("10.0.0.7:40000", "10.0.0.1:161")
	for _, beside := range []bool{false, true} {
		ended := 0
		tab := decode.NewTable(decode.Config{IdleTimeout: idle, OnEvict: func(*decode.Flow) { ended++ }})
		tab.Lookup(a, 0)
		if beside {
			tab.Lookup(b, int64(idle)-1) // the sweep runs here; a is not idle yet
		}
		// a again, just past the timeout and too soon for another sweep.
		if _, _, created := tab.Lookup(a, int64(idle)+1); !created {
			t.Errorf("beside another flow %v: a packet after %v idle continued the flow", beside, idle+1)
		}
		if ended != 1 {
			t.Errorf("beside another flow %v: %d flows ended, want the first of a", beside, ended)
		}
	}
}
