package wire

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

var (
	macA = MAC{0x00, 0x80, 0xf4, 0x11, 0x22, 0x33}
	macB = MAC{0x00, 0x00, 0xbc, 0x3e, 0x1a, 0x10}
	ipA  = [4]byte{10, 20, 2, 10}
	ipB  = [4]byte{10, 20, 11, 10}
)

// decode parses a frame with gopacket, checking every layer decoded.
func decode(t *testing.T, frame []byte) gopacket.Packet {
	t.Helper()
	p := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.Default)
	if el := p.ErrorLayer(); el != nil {
		t.Fatalf("gopacket: %v", el.Error())
	}
	return p
}

// verifyChecksums recomputes the IPv4 and transport checksums with gopacket.
func verifyChecksums(t *testing.T, p gopacket.Packet) {
	t.Helper()
	ip := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if Checksum(ip.Contents, 0) != 0 {
		t.Errorf("IPv4 header checksum %#04x does not verify", ip.Checksum)
	}
	var tl gopacket.Layer
	if l := p.Layer(layers.LayerTypeTCP); l != nil {
		tl = l
	} else {
		tl = p.Layer(layers.LayerTypeUDP)
	}
	seg := append(append([]byte{}, tl.LayerContents()...), tl.LayerPayload()...)
	proto := uint8(ProtoTCP)
	if _, ok := tl.(*layers.UDP); ok {
		proto = ProtoUDP
	}
	h := IPv4{Src: [4]byte(ip.SrcIP.To4()), Dst: [4]byte(ip.DstIP.To4())}
	if Checksum(seg, pseudoSum(&h, proto, len(seg))) != 0 {
		t.Errorf("%s checksum does not verify", tl.LayerType())
	}
}

func TestTCP(t *testing.T) {
	tests := []struct {
		name    string
		vlan    uint16
		opts    []byte
		payload []byte
	}{
		{"syn untagged", 0, []byte{2, 4, 5, 0xb4, 1, 1, 4, 2}, nil},
		{"data tagged", 111, nil, []byte{0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10}},
		{"odd payload", 20, nil, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}},
		{"full segment", 20, nil, make([]byte, 1460)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Eth{Dst: macB, Src: macA, VLAN: tt.vlan}
			ip := IPv4{Src: ipA, Dst: ipB, ID: 77, TTL: 128, DontFragment: true}
			tcp := TCP{SrcPort: 49152, DstPort: 502, Seq: 1000, Ack: 2000, Flags: PSH | ACK, Window: 64240, Options: tt.opts}
			f := AppendTCP(nil, &e, &ip, &tcp, tt.payload)
			if len(f) < minFrame {
				t.Fatalf("frame of %d bytes is shorter than the Ethernet minimum", len(f))
			}
			p := decode(t, f)
			verifyChecksums(t, p)
			if tt.vlan != 0 {
				d := p.Layer(layers.LayerTypeDot1Q).(*layers.Dot1Q)
				if d.VLANIdentifier != tt.vlan {
					t.Errorf("VLAN %d, want %d", d.VLANIdentifier, tt.vlan)
				}
			}
			tl := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
			if tl.Seq != 1000 || tl.Ack != 2000 || !tl.PSH || !tl.ACK || tl.DstPort != 502 {
				t.Errorf("TCP header %+v", tl)
			}
			if string(tl.Payload) != string(tt.payload) {
				t.Errorf("payload %x, want %x", tl.Payload, tt.payload)
			}
		})
	}
}

func TestUDP(t *testing.T) {
	for _, n := range []int{0, 1, 7, 48, 1400} {
		e := Eth{Dst: Broadcast, Src: macA, VLAN: 20}
		ip := IPv4{Src: ipA, Dst: [4]byte{255, 255, 255, 255}, TTL: 64}
		pl := make([]byte, n)
		for i := range pl {
			pl[i] = byte(i * 7)
		}
		p := decode(t, AppendUDP(nil, &e, &ip, 47808, 47808, pl))
		verifyChecksums(t, p)
		if got := p.Layer(layers.LayerTypeUDP).(*layers.UDP).Length; int(got) != 8+n {
			t.Errorf("UDP length %d, want %d", got, 8+n)
		}
	}
}

func TestARP(t *testing.T) {
	e := Eth{Dst: Broadcast, Src: macA, VLAN: 20}
	p := decode(t, AppendARP(nil, &e, ARPRequest, macA, ipA, MAC{}, ipB))
	a := p.Layer(layers.LayerTypeARP).(*layers.ARP)
	if a.Operation != ARPRequest || MAC(a.SourceHwAddress) != macA || [4]byte(a.DstProtAddress) != ipB {
		t.Errorf("ARP %+v", a)
	}
}

func TestSNAP(t *testing.T) {
	e := Eth{Dst: MAC{0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}, Src: macA}
	f := AppendSNAP(nil, &e, [3]byte{0, 0, 0x0c}, 0x2000, []byte{2, 180, 0, 0})
	p := decode(t, f)
	s := p.Layer(layers.LayerTypeSNAP).(*layers.SNAP)
	if s.Type != 0x2000 {
		t.Errorf("SNAP protocol id %#x", s.Type)
	}
	if l := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet); l.Length != 12 {
		t.Errorf("802.3 length %d, want 12", l.Length)
	}
}

func TestChecksumKnown(t *testing.T) {
	// RFC 1071's example words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
	if got := Checksum([]byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}, 0); got != ^uint16(0xddf2) {
		t.Errorf("checksum %#04x, want %#04x", got, ^uint16(0xddf2))
	}
}

func TestAppendAllocs(t *testing.T) {
	buf := make([]byte, 0, 2048)
	e := Eth{Dst: macB, Src: macA, VLAN: 20}
	ip := IPv4{Src: ipA, Dst: ipB}
	tcp := TCP{SrcPort: 1, DstPort: 2, Flags: ACK}
	pl := make([]byte, 200)
	if n := testing.AllocsPerRun(100, func() { buf = AppendTCP(buf[:0], &e, &ip, &tcp, pl) }); n != 0 {
		t.Errorf("AppendTCP allocates %v times", n)
	}
}

func BenchmarkAppendTCP(b *testing.B) {
	buf := make([]byte, 0, 2048)
	e := Eth{Dst: macB, Src: macA, VLAN: 20}
	ip := IPv4{Src: ipA, Dst: ipB}
	tcp := TCP{SrcPort: 1, DstPort: 2, Flags: ACK}
	pl := make([]byte, 200)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendTCP(buf[:0], &e, &ip, &tcp, pl)
	}
}
