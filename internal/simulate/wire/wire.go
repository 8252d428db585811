package wire

import (
	"encoding/binary"
	"fmt"
)

// MAC is a 48-bit Ethernet address.
type MAC [6]byte

// String formats m as tshark does (lower case, colon separated).
func (m MAC) String() string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// Broadcast is the Ethernet broadcast address.
var Broadcast = MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// EtherTypes the simulator emits.
const (
	EtherTypeIPv4     = 0x0800
	EtherTypeARP      = 0x0806
	EtherTypeVLAN     = 0x8100
	EtherTypeProfinet = 0x8892
	EtherTypeGOOSE    = 0x88b8
	EtherTypeLLDP     = 0x88cc
)

// IP protocol numbers.
const (
	ProtoTCP = 6
	ProtoUDP = 17
)

// TCP flags.
const (
	FIN = 0x01
	SYN = 0x02
	RST = 0x04
	PSH = 0x08
	ACK = 0x10
)

// minFrame is the shortest Ethernet frame without its FCS; shorter frames are padded
// with zeros as a NIC pads them on the wire.
const minFrame = 60

// Eth is the link header of a frame. VLAN 0 means untagged.
type Eth struct {
	Dst, Src MAC
	VLAN     uint16
	Priority uint8 // 802.1p priority code point, used when VLAN is set
}

// IPv4 holds the fields of an IPv4 header the simulator varies.
type IPv4 struct {
	Src, Dst [4]byte
	ID       uint16
	TTL      uint8
	TOS      uint8
	// DontFragment sets the DF flag, as most stacks do for TCP.
	DontFragment bool
}

// TCP holds the fields of a TCP header the simulator varies. Options must be a whole
// number of 32-bit words (pad with NOPs), at most 40 bytes.
type TCP struct {
	SrcPort, DstPort uint16
	Seq, Ack         uint32
	Flags            uint8
	Window           uint16
	Options          []byte
}

// appendEth appends the Ethernet header (with its 802.1Q tag when e.VLAN is set) for
// etherType and returns the buffer.
func appendEth(b []byte, e *Eth, etherType uint16) []byte {
	b = append(b, e.Dst[:]...)
	b = append(b, e.Src[:]...)
	if e.VLAN != 0 {
		tci := uint16(e.Priority&7)<<13 | e.VLAN&0x0fff
		b = append(b, EtherTypeVLAN>>8, EtherTypeVLAN&0xff, byte(tci>>8), byte(tci))
	}
	return append(b, byte(etherType>>8), byte(etherType))
}

// pad extends the frame that starts at start to the Ethernet minimum.
func pad(b []byte, start int) []byte {
	for len(b)-start < minFrame {
		b = append(b, 0)
	}
	return b
}

// AppendEthernet appends an Ethernet II frame carrying payload with etherType.
func AppendEthernet(b []byte, e *Eth, etherType uint16, payload []byte) []byte {
	start := len(b)
	b = appendEth(b, e, etherType)
	b = append(b, payload...)
	return pad(b, start)
}

// AppendSNAP appends an IEEE 802.3 frame with an LLC/SNAP header (DSAP and SSAP 0xAA,
// UI) carrying payload for the organisation oui and protocol id pid, as CDP uses.
func AppendSNAP(b []byte, e *Eth, oui [3]byte, pid uint16, payload []byte) []byte {
	start := len(b)
	n := 8 + len(payload)
	b = appendEth(b, e, uint16(n))
	b = append(b, 0xaa, 0xaa, 0x03, oui[0], oui[1], oui[2], byte(pid>>8), byte(pid))
	b = append(b, payload...)
	return pad(b, start)
}

// ARP operations.
const (
	ARPRequest = 1
	ARPReply   = 2
)

// AppendARP appends an Ethernet ARP frame for IPv4.
func AppendARP(b []byte, e *Eth, op uint16, sha MAC, spa [4]byte, tha MAC, tpa [4]byte) []byte {
	start := len(b)
	b = appendEth(b, e, EtherTypeARP)
	b = append(b, 0, 1, 0x08, 0x00, 6, 4, byte(op>>8), byte(op))
	b = append(b, sha[:]...)
	b = append(b, spa[:]...)
	b = append(b, tha[:]...)
	b = append(b, tpa[:]...)
	return pad(b, start)
}

// appendIPv4 appends an IPv4 header for a payload of n bytes of protocol proto and
// returns the buffer and the header's offset. The checksum is filled in.
func appendIPv4(b []byte, ip *IPv4, proto uint8, n int) ([]byte, int) {
	off := len(b)
	total := 20 + n
	var flags byte
	if ip.DontFragment {
		flags = 0x40
	}
	ttl := ip.TTL
	if ttl == 0 {
		ttl = 64
	}
	b = append(b, 0x45, ip.TOS, byte(total>>8), byte(total), byte(ip.ID>>8), byte(ip.ID), flags, 0, ttl, proto, 0, 0)
	b = append(b, ip.Src[:]...)
	b = append(b, ip.Dst[:]...)
	cs := Checksum(b[off:off+20], 0)
	b[off+10], b[off+11] = byte(cs>>8), byte(cs)
	return b, off
}

// pseudoSum is the ones' complement sum of the IPv4 pseudo header.
func pseudoSum(ip *IPv4, proto uint8, n int) uint32 {
	s := uint32(ip.Src[0])<<8 | uint32(ip.Src[1])
	s += uint32(ip.Src[2])<<8 | uint32(ip.Src[3])
	s += uint32(ip.Dst[0])<<8 | uint32(ip.Dst[1])
	s += uint32(ip.Dst[2])<<8 | uint32(ip.Dst[3])
	s += uint32(proto) + uint32(n)
	return s
}

// MaxPayload is the largest payload AppendTCP and AppendUDP accept: what fits an IPv4
// datagram without fragmentation on a 1500-byte MTU is the caller's concern; this bound
// only keeps the length fields valid.
const MaxPayload = 65535 - 20 - 60

// AppendTCP appends a frame carrying one TCP segment with payload.
func AppendTCP(b []byte, e *Eth, ip *IPv4, t *TCP, payload []byte) []byte {
	if len(payload) > MaxPayload || len(t.Options) > 40 || len(t.Options)%4 != 0 {
		panic("wire: TCP segment too long or options not word aligned")
	}
	start := len(b)
	b = appendEth(b, e, EtherTypeIPv4)
	hl := 20 + len(t.Options)
	n := hl + len(payload)
	b, _ = appendIPv4(b, ip, ProtoTCP, n)
	off := len(b)
	b = binary.BigEndian.AppendUint16(b, t.SrcPort)
	b = binary.BigEndian.AppendUint16(b, t.DstPort)
	b = binary.BigEndian.AppendUint32(b, t.Seq)
	b = binary.BigEndian.AppendUint32(b, t.Ack)
	b = append(b, byte(hl/4)<<4, t.Flags, byte(t.Window>>8), byte(t.Window), 0, 0, 0, 0)
	b = append(b, t.Options...)
	b = append(b, payload...)
	cs := Checksum(b[off:], pseudoSum(ip, ProtoTCP, n))
	b[off+16], b[off+17] = byte(cs>>8), byte(cs)
	return pad(b, start)
}

// AppendUDP appends a frame carrying one UDP datagram with payload.
func AppendUDP(b []byte, e *Eth, ip *IPv4, srcPort, dstPort uint16, payload []byte) []byte {
	if len(payload) > MaxPayload {
		panic("wire: UDP payload too long")
	}
	start := len(b)
	b = appendEth(b, e, EtherTypeIPv4)
	n := 8 + len(payload)
	b, _ = appendIPv4(b, ip, ProtoUDP, n)
	off := len(b)
	b = append(b, byte(srcPort>>8), byte(srcPort), byte(dstPort>>8), byte(dstPort), byte(n>>8), byte(n), 0, 0)
	b = append(b, payload...)
	cs := Checksum(b[off:], pseudoSum(ip, ProtoUDP, n))
	if cs == 0 {
		cs = 0xffff // zero means "no checksum" in UDP
	}
	b[off+6], b[off+7] = byte(cs>>8), byte(cs)
	return pad(b, start)
}

// Checksum returns the Internet checksum (RFC 1071) of data, starting from the partial
// sum initial (a pseudo header's sum, or 0).
func Checksum(data []byte, initial uint32) uint16 {
	s := uint64(initial)
	for len(data) >= 8 {
		v := binary.BigEndian.Uint64(data)
		s += v >> 32
		s += v & 0xffffffff
		data = data[8:]
	}
	for len(data) >= 2 {
		s += uint64(data[0])<<8 | uint64(data[1])
		data = data[2:]
	}
	if len(data) == 1 {
		s += uint64(data[0]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}
