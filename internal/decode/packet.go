package decode

import (
	"net/netip"
	"strings"
)

// Layer is a set of the layers a Packet holds.
type Layer uint16

const (
	LayerEthernet Layer = 1 << iota
	LayerLinuxSLL       // Linux cooked capture, v1 or v2
	LayerLoopback       // BSD loopback (DLT_NULL, DLT_LOOP)
	LayerVLAN           // at least one 802.1Q / 802.1ad tag
	LayerARP
	LayerIPv4
	LayerIPv6
	LayerTCP
	LayerUDP
	LayerICMP // ICMP or ICMPv6
)

// Has reports whether all layers in l are present.
func (s Layer) Has(l Layer) bool { return s&l == l }

// TCPFlags are the flag bits of a TCP header.
type TCPFlags uint8

const (
	FIN TCPFlags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

// String spells the flags like tshark's tcp.flags.str without the dots, "SA" etc.
func (f TCPFlags) String() string {
	var b strings.Builder
	for i, c := range "FSRPAUEC" {
		if f&(1<<i) != 0 {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// IP protocol numbers the decoder knows.
const (
	ProtoICMP   uint8 = 1
	ProtoTCP    uint8 = 6
	ProtoUDP    uint8 = 17
	ProtoICMPv6 uint8 = 58
)

// EtherTypes the decoder knows.
const (
	EtherTypeIPv4  uint16 = 0x0800
	EtherTypeARP   uint16 = 0x0806
	EtherTypeVLAN  uint16 = 0x8100 // 802.1Q customer tag
	EtherTypeQinQ  uint16 = 0x88a8 // 802.1ad service tag
	EtherTypeQinQ1 uint16 = 0x9100 // pre-standard service tag still seen in the field
	EtherTypeIPv6  uint16 = 0x86dd
)

// MaxVLANs is how many VLAN tags a Packet records (outermost first). Deeper stacks are
// decoded through but not recorded.
const MaxVLANs = 2

// ARP holds an Ethernet/IPv4 ARP message.
type ARP struct {
	Operation uint16 // 1 request, 2 reply
	SenderMAC [6]byte
	SenderIP  netip.Addr
	TargetMAC [6]byte
	TargetIP  netip.Addr
}

// Packet is one decoded packet. Decoder.Decode overwrites all of it; Payload aliases
// the bytes given to Decode.
type Packet struct {
	Layers Layer

	// Link layer. DstMAC is zero for Linux cooked captures, which record only the
	// source; both are zero for loopback and raw IP.
	SrcMAC, DstMAC [6]byte
	// EtherType is the type of what follows the link layer and any VLAN tags; 0 for
	// IEEE 802.3 frames (length field, LLC payload such as STP).
	EtherType uint16
	VLANs     [MaxVLANs]uint16 // VLAN ids, outermost first
	NumVLANs  uint8

	ARP ARP

	// Network layer.
	SrcIP, DstIP netip.Addr
	IPProto      uint8 // transport protocol (after IPv6 extension headers)
	TTL          uint8 // IPv4 TTL or IPv6 hop limit
	IPLength     int   // length of the IP packet as its header says
	// Fragment marks a piece of a fragmented datagram (fragments are counted, not
	// reassembled). A non-first fragment has no transport header.
	Fragment       bool
	FragmentOffset uint16 // in bytes

	// Transport layer.
	SrcPort, DstPort uint16
	TCPFlags         TCPFlags
	Seq, Ack         uint32
	Window           uint16
	ICMPType         uint8
	ICMPCode         uint8

	// Payload is what follows the innermost decoded header: the TCP or UDP payload, an
	// IP payload of another protocol, or the frame payload for other EtherTypes.
	Payload []byte
	// PayloadLen is the payload's length as the headers announce it. It exceeds
	// len(Payload) when the capture's snap length cut the packet (Truncated).
	PayloadLen int
	Truncated  bool
}

// IsTCP reports whether the packet has a TCP header.
func (p *Packet) IsTCP() bool { return p.Layers&LayerTCP != 0 }

// IsUDP reports whether the packet has a UDP header.
func (p *Packet) IsUDP() bool { return p.Layers&LayerUDP != 0 }
