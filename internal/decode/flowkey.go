package decode

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Dir is the direction of a packet within its flow: DirAB when it travels from the
// key's endpoint A to endpoint B, DirBA for the reverse.
type Dir uint8

const (
	DirAB Dir = 0
	DirBA Dir = 1
)

// Reverse returns the other direction.
func (d Dir) Reverse() Dir { return d ^ 1 }

// FlowKey identifies a conversation by its 5-tuple regardless of direction: the two
// endpoints are stored in a canonical order (A is the lower address, then the lower
// port), so both directions of a conversation give the same key. It is comparable and
// usable as a map key without allocating.
type FlowKey struct {
	addrA, addrB [16]byte
	portA, portB uint16
	proto        uint8
	is4          bool
}

// FlowKeyOf returns the key of p's conversation and the direction p travels in it.
// ok is false when p has no IP layer. Packets of other IP protocols than TCP and UDP
// get ports 0.
func FlowKeyOf(p *Packet) (k FlowKey, dir Dir, ok bool) {
	if p.Layers&(LayerIPv4|LayerIPv6) == 0 {
		return FlowKey{}, 0, false
	}
	src, dst := p.SrcIP.As16(), p.DstIP.As16()
	sp, dp := p.SrcPort, p.DstPort
	k.proto = p.IPProto
	k.is4 = p.Layers&LayerIPv4 != 0
	if lessEndpoint(&dst, dp, &src, sp) {
		k.addrA, k.portA, k.addrB, k.portB = dst, dp, src, sp
		return k, DirBA, true
	}
	k.addrA, k.portA, k.addrB, k.portB = src, sp, dst, dp
	return k, DirAB, true
}

func lessEndpoint(a *[16]byte, ap uint16, b *[16]byte, bp uint16) bool {
	ah, bh := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])
	if ah != bh {
		return ah < bh
	}
	al, bl := binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:])
	if al != bl {
		return al < bl
	}
	return ap < bp
}

func (k FlowKey) addr(a [16]byte) netip.Addr {
	ad := netip.AddrFrom16(a)
	if k.is4 {
		return ad.Unmap()
	}
	return ad
}

// A returns endpoint A (the canonical first endpoint).
func (k FlowKey) A() netip.AddrPort { return netip.AddrPortFrom(k.addr(k.addrA), k.portA) }

// B returns endpoint B.
func (k FlowKey) B() netip.AddrPort { return netip.AddrPortFrom(k.addr(k.addrB), k.portB) }

// Src returns the sending endpoint of a packet travelling in direction d.
func (k FlowKey) Src(d Dir) netip.AddrPort {
	if d == DirAB {
		return k.A()
	}
	return k.B()
}

// Dst returns the receiving endpoint of a packet travelling in direction d.
func (k FlowKey) Dst(d Dir) netip.AddrPort { return k.Src(d.Reverse()) }

// SrcPort returns the sending port of a packet travelling in direction d; cheaper
// than Src when only the port matters.
func (k FlowKey) SrcPort(d Dir) uint16 {
	if d == DirAB {
		return k.portA
	}
	return k.portB
}

// DstPort returns the receiving port of a packet travelling in direction d.
func (k FlowKey) DstPort(d Dir) uint16 { return k.SrcPort(d.Reverse()) }

// Proto returns the IP protocol number.
func (k FlowKey) Proto() uint8 { return k.proto }

// String formats the key for people, as "tcp 10.0.0.1:1234 <-> 10.0.0.2:502".
func (k FlowKey) String() string {
	name := fmt.Sprintf("ip-proto-%d", k.proto)
	switch k.proto {
	case ProtoTCP:
		name = "tcp"
	case ProtoUDP:
		name = "udp"
	case ProtoICMP:
		name = "icmp"
	case ProtoICMPv6:
		name = "icmp6"
	}
	return fmt.Sprintf("%s %s <-> %s", name, k.A(), k.B())
}
