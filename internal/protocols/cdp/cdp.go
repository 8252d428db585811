package cdp

import (
	"errors"
	"net/netip"
)

// Multicast is the destination MAC address of CDP frames.
var Multicast = [6]byte{0x01, 0x00, 0x0C, 0xCC, 0xCC, 0xCC}

// llcSNAP is the 802.2 LLC header (DSAP, SSAP, UI) and SNAP header (Cisco OUI, CDP
// protocol id) that precede every CDP payload.
var llcSNAP = [8]byte{0xAA, 0xAA, 0x03, 0x00, 0x00, 0x0C, 0x20, 0x00}

// FromLLC returns the CDP payload of an 802.3 frame's data (what follows the length
// field) when its LLC/SNAP header names CDP.
func FromLLC(b []byte) ([]byte, bool) {
	if len(b) < len(llcSNAP) || [8]byte(b) != llcSNAP {
		return nil, false
	}
	return b[len(llcSNAP):], true
}

// TLV types.
const (
	TLVDeviceID      = 0x0001
	TLVAddresses     = 0x0002
	TLVPortID        = 0x0003
	TLVCapabilities  = 0x0004
	TLVSoftware      = 0x0005
	TLVPlatform      = 0x0006
	TLVVTPDomain     = 0x0009
	TLVNativeVLAN    = 0x000A
	TLVDuplex        = 0x000B
	TLVSystemName    = 0x0014
	TLVSystemOID     = 0x0015
	TLVMgmtAddresses = 0x0016
	TLVLocation      = 0x0017
)

// Capability bits.
const (
	CapRouter      uint32 = 0x001
	CapTransBridge uint32 = 0x002
	CapSRBridge    uint32 = 0x004
	CapSwitch      uint32 = 0x008
	CapHost        uint32 = 0x010
	CapIGMP        uint32 = 0x020
	CapRepeater    uint32 = 0x040
	CapPhone       uint32 = 0x080
	CapRemote      uint32 = 0x100
	CapCVTA        uint32 = 0x200
	CapMACRelay    uint32 = 0x400
)

var capNames = [...]string{"router", "transparent_bridge", "source_route_bridge", "switch", "host", "igmp",
	"repeater", "phone", "remotely_managed", "cvta", "two_port_mac_relay"}

// CapabilityName returns the name of capability bit i (0..10), or "".
func CapabilityName(i int) string {
	if i >= 0 && i < len(capNames) {
		return capNames[i]
	}
	return ""
}

// MaxAddrs is how many addresses each address list of a Message keeps.
const MaxAddrs = 4

// maxListed bounds the count an address TLV may claim: each entry takes at least 5 bytes
// and a TLV at most 65535.
const maxListed = 65535 / 5

var (
	errShort     = errors.New("cdp: shorter than the 4-byte header")
	errVersion   = errors.New("cdp: version is neither 1 nor 2")
	errTLVHeader = errors.New("cdp: TLV header truncated")
	errTLVLength = errors.New("cdp: TLV length shorter than its header or past the end")
	errAddresses = errors.New("cdp: malformed address list")
	errFixedLen  = errors.New("cdp: fixed-size TLV has the wrong length")
)

// Addresses is one address list (the Addresses or Management Addresses TLV).
type Addresses struct {
	Addrs   [MaxAddrs]netip.Addr // IPv4 and IPv6 addresses, in order
	N       int
	Other   int // entries of other protocols (CLNS, DECnet, ...)
	Dropped int // IP entries past MaxAddrs
}

func (a *Addresses) add(ip netip.Addr) {
	if a.N == MaxAddrs {
		a.Dropped++
		return
	}
	a.Addrs[a.N] = ip
	a.N++
}

// Message is one CDP packet.
type Message struct {
	Version    uint8
	TTL        uint8 // seconds
	Checksum   uint16
	ChecksumOK bool

	DeviceID        []byte
	PortID          []byte // the sender's interface, "GigabitEthernet1/0/3"
	SoftwareVersion []byte
	Platform        []byte // "cisco IE-4000-8GT4G-E"
	VTPDomain       []byte
	SystemName      []byte
	SystemOID       []byte // raw value of the system object id TLV
	Location        []byte // location TLV value after its 1-byte type

	HasCapabilities bool
	Capabilities    uint32
	HasNativeVLAN   bool
	NativeVLAN      uint16
	HasDuplex       bool
	FullDuplex      bool

	Addresses     Addresses
	MgmtAddresses Addresses

	TLVs int // TLVs seen, decoded or not
}

// Parse decodes one CDP packet (the payload after the SNAP header) into m, which it resets
// first. Slices in m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	if len(b) < 4 {
		return errShort
	}
	m.Version, m.TTL, m.Checksum = b[0], b[1], be16(b[2:])
	if m.Version != 1 && m.Version != 2 {
		return errVersion
	}
	m.ChecksumOK = checksum(b) == 0
	p := b[4:]
	for len(p) > 0 {
		if len(p) < 4 {
			return errTLVHeader
		}
		typ, n := be16(p), int(be16(p[2:]))
		if n < 4 || n > len(p) {
			return errTLVLength
		}
		v := p[4:n]
		p = p[n:]
		m.TLVs++
		switch typ {
		case TLVDeviceID:
			m.DeviceID = v
		case TLVAddresses:
			if err := parseAddresses(v, &m.Addresses); err != nil {
				return err
			}
		case TLVMgmtAddresses:
			if err := parseAddresses(v, &m.MgmtAddresses); err != nil {
				return err
			}
		case TLVPortID:
			m.PortID = v
		case TLVCapabilities:
			if len(v) != 4 {
				return errFixedLen
			}
			m.HasCapabilities, m.Capabilities = true, be32(v)
		case TLVSoftware:
			m.SoftwareVersion = v
		case TLVPlatform:
			m.Platform = v
		case TLVVTPDomain:
			m.VTPDomain = v
		case TLVNativeVLAN:
			if len(v) != 2 {
				return errFixedLen
			}
			m.HasNativeVLAN, m.NativeVLAN = true, be16(v)
		case TLVDuplex:
			if len(v) != 1 {
				return errFixedLen
			}
			m.HasDuplex, m.FullDuplex = true, v[0] != 0
		case TLVSystemName:
			m.SystemName = v
		case TLVSystemOID:
			m.SystemOID = v
		case TLVLocation:
			if len(v) > 0 {
				m.Location = v[1:]
			}
		}
	}
	return nil
}

// Protocol identifiers of address entries: NLPID 0xCC for IPv4, and an 802.2 header with
// EtherType 0x86DD for IPv6.
var snapIPv6 = [8]byte{0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00, 0x86, 0xDD}

func parseAddresses(v []byte, out *Addresses) error {
	if len(v) < 4 {
		return errAddresses
	}
	count := be32(v)
	if count > maxListed {
		return errAddresses
	}
	v = v[4:]
	for i := uint32(0); i < count; i++ {
		// protocol type (1), protocol length (1), protocol, address length (2), address
		if len(v) < 2 {
			return errAddresses
		}
		ptype, plen := v[0], int(v[1])
		if len(v) < 2+plen+2 {
			return errAddresses
		}
		proto := v[2 : 2+plen]
		alen := int(be16(v[2+plen:]))
		v = v[2+plen+2:]
		if len(v) < alen {
			return errAddresses
		}
		addr := v[:alen]
		v = v[alen:]
		switch {
		case ptype == 1 && plen == 1 && proto[0] == 0xCC && alen == 4:
			out.add(netip.AddrFrom4([4]byte(addr)))
		case ptype == 2 && plen == 8 && [8]byte(proto) == snapIPv6 && alen == 16:
			out.add(netip.AddrFrom16([16]byte(addr)))
		default:
			out.Other++
		}
	}
	return nil
}

// checksum returns the one's complement sum of b folded to 16 bits and complemented, as
// the IP checksum, so that a packet with a correct checksum field sums to 0. For an odd
// length, Cisco's code adds the trailing byte as a signed 16-bit word and loses one in the
// carry when it is negative; senders compensate, so the check must repeat the quirk: a
// last byte below 0x80 counts as itself, one above as 0xFFxx minus one. (Wireshark checks
// the same way, and the tests hold this against it.)
func checksum(b []byte) uint16 {
	var sum uint32
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)&1 != 0 {
		last := uint32(b[len(b)-1])
		if last&0x80 != 0 {
			last = 0xFF00 | last - 1
		}
		sum += last
	}
	for sum>>16 != 0 {
		sum = sum&0xFFFF + sum>>16
	}
	return ^uint16(sum)
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
