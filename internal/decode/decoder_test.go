package decode_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/decode"
)

type wantPacket struct {
	err        error
	layers     decode.Layer
	srcMAC     string
	etherType  uint16
	vlans      []uint16
	src, dst   string // addr:port, or addr for non-TCP/UDP
	proto      uint8
	flags      decode.TCPFlags
	seq, ack   uint32
	payload    string // hex
	payloadLen int
	truncated  bool
	fragment   bool
	fragOffset uint16
	icmpType   uint8
	arp        string // "op sender>target"
}

func describe(p *decode.Packet) wantPacket {
	w := wantPacket{layers: p.Layers, etherType: p.EtherType, proto: p.IPProto, flags: p.TCPFlags, seq: p.Seq, ack: p.Ack,
		payload: hex.EncodeToString(p.Payload), payloadLen: p.PayloadLen, truncated: p.Truncated, fragment: p.Fragment,
		fragOffset: p.FragmentOffset, icmpType: p.ICMPType}
	if p.SrcMAC != [6]byte{} {
		w.srcMAC = fmt.Sprintf("% x", p.SrcMAC)
	}
	w.vlans = slices.Clone(p.VLANs[:p.NumVLANs])
	if p.SrcIP.IsValid() {
		if p.Layers&(decode.LayerTCP|decode.LayerUDP) != 0 {
			w.src = netip.AddrPortFrom(p.SrcIP, p.SrcPort).String()
			w.dst = netip.AddrPortFrom(p.DstIP, p.DstPort).String()
		} else {
			w.src, w.dst = p.SrcIP.String(), p.DstIP.String()
		}
	}
	if p.Layers.Has(decode.LayerARP) {
		w.arp = fmt.Sprintf("%d %s>%s", p.ARP.Operation, p.ARP.SenderIP, p.ARP.TargetIP)
	}
	return w
}

func TestDecode(t *testing.T) {
	eth4tcp := decode.LayerEthernet | decode.LayerIPv4 | decode.LayerTCP
	modbusPayload := "00170000000501" + "2b0e0100"

	// QinQ: an 802.1ad service tag (VLAN 100) in front of frameVLAN's 802.1Q tag.
	qinq := cat(frameVLAN[:12], h("88a80064"), frameVLAN[12:])
	// IPv4 fragments made from frameIO: first fragment (more-fragments flag) and a
	// later one (offset 1480 bytes).
	firstFrag := slices.Clone(frameIO)
	firstFrag[20] = 0x20
	laterFrag := slices.Clone(frameIO)
	laterFrag[20], laterFrag[21] = 0x00, 185
	// IPv6 with a hop-by-hop options header (8 bytes of padding) before TCP.
	v6hbh := cat(frameNull6[:8], h("0028"), h("00"), frameNull6[11:44], h("0600010400000000"), frameNull6[44:])
	// ICMP echo request from 10.1.1.167 to 10.1.1.164.
	icmp := cat(frameModbus[:14], h("4500001c00010000400100000a0101a70a0101a4"), h("0800f7ff00000000"))
	// SLL2 in front of frameModbus's IPv4 packet: protocol IPv4, interface 2,
	// ARPHRD_ETHER, outgoing, a 6-byte address.
	sll2 := cat(h("0800 0000 00000002 0001 04 06 0a0b0c0d0e0f 0000"), frameModbus[14:])

	tests := []struct {
		name string
		lt   layers.LinkType
		data []byte
		want wantPacket
	}{
		{"ethernet ipv4 tcp", layers.LinkTypeEthernet, frameModbus, wantPacket{layers: eth4tcp, etherType: 0x0800,
			src: "127.0.0.1:47785", dst: "127.0.0.1:502", proto: 6, flags: decode.PSH | decode.ACK, seq: 2807188965, ack: 2981411386,
			payload: modbusPayload, payloadLen: 11}},
		{"ethernet padding is not payload", layers.LinkTypeEthernet, cat(frameModbus, make([]byte, 6)), wantPacket{layers: eth4tcp,
			etherType: 0x0800, src: "127.0.0.1:47785", dst: "127.0.0.1:502", proto: 6, flags: decode.PSH | decode.ACK,
			seq: 2807188965, ack: 2981411386, payload: modbusPayload, payloadLen: 11}},
		{"802.1Q", layers.LinkTypeEthernet, frameVLAN, wantPacket{layers: eth4tcp | decode.LayerVLAN, srcMAC: "00 50 56 ba 1b fe",
			etherType: 0x0800, vlans: []uint16{90}, src: "10.100.90.51:37844", dst: "10.100.40.11:44818", proto: 6,
			flags: decode.PSH | decode.ACK, seq: 0x565085d4, ack: 0x79d5ff98, payload: hex.EncodeToString(frameVLAN[58:]), payloadLen: 52}},
		{"QinQ", layers.LinkTypeEthernet, qinq, wantPacket{layers: eth4tcp | decode.LayerVLAN, srcMAC: "00 50 56 ba 1b fe",
			etherType: 0x0800, vlans: []uint16{100, 90}, src: "10.100.90.51:37844", dst: "10.100.40.11:44818", proto: 6,
			flags: decode.PSH | decode.ACK, seq: 0x565085d4, ack: 0x79d5ff98, payload: hex.EncodeToString(frameVLAN[58:]), payloadLen: 52}},
		{"ARP", layers.LinkTypeEthernet, frameARP, wantPacket{layers: decode.LayerEthernet | decode.LayerARP, srcMAC: "00 0c 29 f7 85 99",
			etherType: 0x0806, arp: "1 192.168.10.24>192.168.10.21"}},
		{"802.3 STP", layers.LinkTypeEthernet, frameSTP, wantPacket{layers: decode.LayerEthernet, srcMAC: "00 1e f6 73 59 81",
			payload: hex.EncodeToString(frameSTP[14:]), payloadLen: len(frameSTP) - 14}},
		{"linux SLL", layers.LinkTypeLinuxSLL, frameSLL, wantPacket{layers: decode.LayerLinuxSLL | decode.LayerIPv4 | decode.LayerTCP,
			srcMAC: "ac 64 17 46 0d 51", etherType: 0x0800, src: "192.168.0.1:102", dst: "192.168.0.3:49154", proto: 6,
			flags: decode.ACK, seq: 0x5229b932, ack: 0x37ad2ee0, payload: "", payloadLen: 0}},
		{"linux SLL2", layers.LinkTypeLinuxSLL2, sll2, wantPacket{layers: decode.LayerLinuxSLL | decode.LayerIPv4 | decode.LayerTCP,
			srcMAC: "0a 0b 0c 0d 0e 0f", etherType: 0x0800, src: "127.0.0.1:47785", dst: "127.0.0.1:502", proto: 6,
			flags: decode.PSH | decode.ACK, seq: 2807188965, ack: 2981411386, payload: modbusPayload, payloadLen: 11}},
		{"BSD loopback IPv4", layers.LinkTypeNull, frameNull, wantPacket{layers: decode.LayerLoopback | decode.LayerIPv4 | decode.LayerTCP,
			etherType: 0x0800, src: "127.0.0.1:50882", dst: "127.0.0.1:2404", proto: 6, flags: decode.PSH | decode.ACK,
			seq: 0xd6c65cc9, ack: 0x39f95d57, payload: "680407000000", payloadLen: 6}},
		{"BSD loopback IPv6", layers.LinkTypeNull, frameNull6, wantPacket{layers: decode.LayerLoopback | decode.LayerIPv6 | decode.LayerTCP,
			etherType: 0x86dd, src: "[::1]:4840", dst: "[::1]:63501", proto: 6, flags: decode.ACK, seq: 0x0d3f7512, ack: 0x0db3ff40,
			payload: "", payloadLen: 0}},
		{"IPv6 hop-by-hop", layers.LinkTypeNull, v6hbh, wantPacket{layers: decode.LayerLoopback | decode.LayerIPv6 | decode.LayerTCP,
			etherType: 0x86dd, src: "[::1]:4840", dst: "[::1]:63501", proto: 6, flags: decode.ACK, seq: 0x0d3f7512, ack: 0x0db3ff40,
			payload: "", payloadLen: 0}},
		{"raw IPv4", layers.LinkTypeRaw, frameModbus[14:], wantPacket{layers: decode.LayerIPv4 | decode.LayerTCP, etherType: 0x0800,
			src: "127.0.0.1:47785", dst: "127.0.0.1:502", proto: 6, flags: decode.PSH | decode.ACK, seq: 2807188965, ack: 2981411386,
			payload: modbusPayload, payloadLen: 11}},
		{"link type IPv4", layers.LinkTypeIPv4, frameModbus[14:], wantPacket{layers: decode.LayerIPv4 | decode.LayerTCP,
			src: "127.0.0.1:47785", dst: "127.0.0.1:502", proto: 6, flags: decode.PSH | decode.ACK, seq: 2807188965, ack: 2981411386,
			payload: modbusPayload, payloadLen: 11}},
		{"UDP", layers.LinkTypeEthernet, frameIO, wantPacket{layers: decode.LayerEthernet | decode.LayerIPv4 | decode.LayerUDP,
			srcMAC: "34 c0 f9 fe 65 6b", etherType: 0x0800, src: "192.168.1.24:2222", dst: "192.168.1.22:2222", proto: 17,
			payload: hex.EncodeToString(frameIO[42:]), payloadLen: 24}},
		{"first IPv4 fragment", layers.LinkTypeEthernet, firstFrag, wantPacket{layers: decode.LayerEthernet | decode.LayerIPv4 | decode.LayerUDP,
			srcMAC: "34 c0 f9 fe 65 6b", etherType: 0x0800, src: "192.168.1.24:2222", dst: "192.168.1.22:2222", proto: 17,
			payload: hex.EncodeToString(frameIO[42:]), payloadLen: 24, fragment: true}},
		{"later IPv4 fragment", layers.LinkTypeEthernet, laterFrag, wantPacket{layers: decode.LayerEthernet | decode.LayerIPv4,
			srcMAC: "34 c0 f9 fe 65 6b", etherType: 0x0800, src: "192.168.1.24", dst: "192.168.1.22", proto: 17,
			payload: hex.EncodeToString(frameIO[34:]), payloadLen: 32, fragment: true, fragOffset: 1480}},
		{"ICMP", layers.LinkTypeEthernet, icmp, wantPacket{layers: decode.LayerEthernet | decode.LayerIPv4 | decode.LayerICMP,
			etherType: 0x0800, src: "10.1.1.167", dst: "10.1.1.164", proto: 1, icmpType: 8, payload: "00000000", payloadLen: 4}},
		{"snap length cuts the payload", layers.LinkTypeEthernet, frameModbus[:70], wantPacket{layers: eth4tcp, etherType: 0x0800,
			src: "127.0.0.1:47785", dst: "127.0.0.1:502", proto: 6, flags: decode.PSH | decode.ACK, seq: 2807188965, ack: 2981411386,
			payload: "00170000", payloadLen: 11, truncated: true}},

		{"cut inside Ethernet", layers.LinkTypeEthernet, frameModbus[:10], wantPacket{err: decode.ErrTruncated}},
		{"cut inside TCP", layers.LinkTypeEthernet, frameModbus[:44], wantPacket{err: decode.ErrTruncated,
			layers: decode.LayerEthernet | decode.LayerIPv4, etherType: 0x0800, src: "127.0.0.1", dst: "127.0.0.1", proto: 6, truncated: true}},
		{"cut inside VLAN tag", layers.LinkTypeEthernet, frameVLAN[:16], wantPacket{err: decode.ErrTruncated, layers: decode.LayerEthernet,
			srcMAC: "00 50 56 ba 1b fe"}},
		{"IPv4 header length 16", layers.LinkTypeRaw, cat(h("44"), frameModbus[15:]), wantPacket{err: decode.ErrMalformed}},
		{"UDP length below 8", layers.LinkTypeEthernet, cat(frameIO[:38], h("0004"), frameIO[40:]), wantPacket{err: decode.ErrMalformed,
			layers: decode.LayerEthernet | decode.LayerIPv4, srcMAC: "34 c0 f9 fe 65 6b", etherType: 0x0800, src: "192.168.1.24",
			dst: "192.168.1.22", proto: 17}},
		{"raw IP version 5", layers.LinkTypeRaw, h("50000000"), wantPacket{err: decode.ErrMalformed}},
		{"unsupported link type", layers.LinkTypeIEEE802_11, frameModbus, wantPacket{err: decode.ErrUnsupportedLinkType}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d decode.Decoder
			var p decode.Packet
			err := d.Decode(tc.lt, tc.data, &p)
			got := describe(&p)
			got.err = err
			if tc.want.err != nil && tc.want.layers == 0 {
				if err != tc.want.err {
					t.Fatalf("error %v, want %v", err, tc.want.err)
				}
				return
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestDecodeReusesPacket checks that nothing of a previous packet survives in the
// reused Packet.
func TestDecodeReusesPacket(t *testing.T) {
	var d decode.Decoder
	var p, fresh decode.Packet
	d.Decode(layers.LinkTypeEthernet, frameVLAN, &p)
	d.Decode(layers.LinkTypeEthernet, frameARP, &p)
	d.Decode(layers.LinkTypeEthernet, frameARP, &fresh)
	if fmt.Sprintf("%+v", describe(&p)) != fmt.Sprintf("%+v", describe(&fresh)) || !bytes.Equal(p.Payload, fresh.Payload) {
		t.Errorf("reused packet differs from fresh one")
	}
}

func TestDecodeAllocatesNothing(t *testing.T) {
	var d decode.Decoder
	var p decode.Packet
	frames := [][]byte{frameModbus, frameVLAN, frameARP, frameSTP, frameIO, frameNull6}
	allocs := testing.AllocsPerRun(200, func() {
		for _, f := range frames {
			d.Decode(layers.LinkTypeEthernet, f, &p)
		}
		d.Decode(layers.LinkTypeLinuxSLL, frameSLL, &p)
		d.Decode(layers.LinkTypeNull, frameNull6, &p)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per round, want 0", allocs)
	}
}

func BenchmarkDecodeModbusFrame(b *testing.B) {
	var d decode.Decoder
	var p decode.Packet
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(layers.LinkTypeEthernet, frameModbus, &p)
	}
}
