package dhcp

import (
	"errors"
	"net/netip"
)

// Ports of the server and the client.
const (
	ServerPort = 67
	ClientPort = 68
)

// Op codes.
const (
	OpRequest = 1
	OpReply   = 2
)

// MessageType is the value of option 53.
type MessageType uint8

// DHCP message types (RFC 2132 section 9.6, RFC 4388).
const (
	Discover MessageType = 1 + iota
	Offer
	Request
	Decline
	Ack
	Nak
	Release
	Inform
	ForceRenew
	LeaseQuery
	LeaseUnassigned
	LeaseUnknown
	LeaseActive
)

var typeNames = [...]string{"", "discover", "offer", "request", "decline", "ack", "nak", "release", "inform",
	"forcerenew", "leasequery", "leaseunassigned", "leaseunknown", "leaseactive"}

// String returns the type's name, or "unknown".
func (t MessageType) String() string {
	if t != 0 && int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Option codes decoded into Message fields.
const (
	OptPad              = 0
	OptSubnetMask       = 1
	OptRouter           = 3
	OptDNSServers       = 6
	OptHostname         = 12
	OptDomainName       = 15
	OptVendorSpecific   = 43
	OptRequestedIP      = 50
	OptLeaseTime        = 51
	OptOverload         = 52
	OptMessageType      = 53
	OptServerID         = 54
	OptParamRequestList = 55
	OptMaxMessageSize   = 57
	OptVendorClass      = 60
	OptClientID         = 61
	OptUserClass        = 77
	OptClientFQDN       = 81
	OptRelayAgentInfo   = 82
	OptVIVendorClass    = 124
	OptEnd              = 255
)

const (
	fixedLen   = 236 // op .. file
	snameStart = 44
	fileStart  = 108
	cookieLen  = 4
)

var magicCookie = [4]byte{99, 130, 83, 99}

// MaxOptionOrder is how many option codes Message.OptionOrder keeps.
const MaxOptionOrder = 32

var (
	errShort      = errors.New("dhcp: shorter than the 236-byte BOOTP header")
	errOp         = errors.New("dhcp: op is neither request (1) nor reply (2)")
	errHLen       = errors.New("dhcp: hardware address length over 16")
	errOptionLen  = errors.New("dhcp: option runs past the end of its field")
	errFixedLen   = errors.New("dhcp: fixed-size option has the wrong length")
	errFQDN       = errors.New("dhcp: client FQDN option shorter than 3 bytes")
	errFQDNName   = errors.New("dhcp: malformed DNS-encoded client FQDN")
	errVIClass    = errors.New("dhcp: malformed vendor-identifying vendor class")
	errOverloaded = errors.New("dhcp: option overload repeated inside an overloaded field")
)

// Message is one DHCP or BOOTP message.
type Message struct {
	Op     uint8
	HType  uint8 // 1 for Ethernet
	HLen   uint8
	Hops   uint8
	XID    uint32
	Secs   uint16
	Flags  uint16 // 0x8000: broadcast
	CIAddr netip.Addr
	YIAddr netip.Addr // the address a server offers or acknowledges
	SIAddr netip.Addr
	GIAddr netip.Addr // relay agent
	CHAddr []byte     // client hardware address, HLen bytes (aliases the input)
	SName  []byte     // server host name up to its NUL, unless overloaded with options
	File   []byte     // boot file name up to its NUL, unless overloaded with options

	HasCookie bool // a DHCP message (magic cookie present); false for plain BOOTP

	Type           MessageType // option 53, 0 when absent
	Hostname       []byte      // option 12
	VendorClass    []byte      // option 60: "MSFT 5.0", "udhcp 1.36.1", "dhcpcd-9.4.1:Linux-6.1.0:x86_64:GenuineIntel"
	ClientIDType   uint8       // option 61: first byte, 1 for an Ethernet MAC, 255 for IAID and DUID
	ClientID       []byte      // option 61 after its type byte
	HasClientID    bool
	ParamRequests  []byte     // option 55: requested option codes, in the client's order
	RequestedIP    netip.Addr // option 50
	ServerID       netip.Addr // option 54
	SubnetMask     netip.Addr // option 1
	Router         netip.Addr // option 3, the first router
	DomainName     []byte     // option 15
	LeaseTime      uint32     // option 51, seconds
	HasLeaseTime   bool
	MaxMessageSize uint16 // option 57
	VendorSpecific []byte // option 43, raw
	UserClass      []byte // option 77, raw

	HasFQDN      bool
	FQDNFlags    uint8  // option 81 flags; FQDNEncoded tells the name's encoding
	FQDNRaw      []byte // option 81 name, as carried: see FQDN
	HasVIVendor  bool
	VIEnterprise uint32 // option 124: IANA enterprise number of the first vendor class
	VIClass      []byte // option 124: that vendor's class data

	Overload    uint8 // option 52: 1 file, 2 sname, 3 both carry options
	OptionOrder [MaxOptionOrder]uint8
	NumOptions  int // options seen (pad and end excluded); the first MaxOptionOrder are in OptionOrder
}

// FQDNEncoded is the client FQDN flag that says the name is in DNS wire format.
const FQDNEncoded = 0x04

// FQDN writes the client FQDN in dotted form into dst and returns it. A name in DNS wire
// format (no compression in this option) is converted; an ASCII one is copied. It fails
// when dst is too small or the encoding is malformed.
func (m *Message) FQDN(dst []byte) ([]byte, error) {
	if m.FQDNFlags&FQDNEncoded == 0 {
		if len(dst) < len(m.FQDNRaw) {
			return nil, errFQDNName
		}
		return dst[:copy(dst, m.FQDNRaw)], nil
	}
	return wireName(m.FQDNRaw, dst)
}

// Parse decodes one DHCP or BOOTP datagram (the UDP payload) into m, which it resets first.
// Slices in m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	if len(b) < fixedLen {
		return errShort
	}
	m.Op, m.HType, m.HLen, m.Hops = b[0], b[1], b[2], b[3]
	if m.Op != OpRequest && m.Op != OpReply {
		return errOp
	}
	if m.HLen > 16 {
		return errHLen
	}
	m.XID = be32(b[4:])
	m.Secs = be16(b[8:])
	m.Flags = be16(b[10:])
	m.CIAddr = netip.AddrFrom4([4]byte(b[12:16]))
	m.YIAddr = netip.AddrFrom4([4]byte(b[16:20]))
	m.SIAddr = netip.AddrFrom4([4]byte(b[20:24]))
	m.GIAddr = netip.AddrFrom4([4]byte(b[24:28]))
	m.CHAddr = b[28 : 28+int(m.HLen)]
	sname, file := b[snameStart:fileStart], b[fileStart:fixedLen]
	if len(b) < fixedLen+cookieLen || [4]byte(b[fixedLen:]) != magicCookie {
		m.SName, m.File = cstring(sname), cstring(file)
		return nil
	}
	m.HasCookie = true
	if err := m.parseOptions(b[fixedLen+cookieLen:], true); err != nil {
		return err
	}
	// RFC 2131 4.1: with overload, the file field is read next, then sname.
	if m.Overload&1 != 0 {
		if err := m.parseOptions(file, false); err != nil {
			return err
		}
	} else {
		m.File = cstring(file)
	}
	if m.Overload&2 != 0 {
		if err := m.parseOptions(sname, false); err != nil {
			return err
		}
	} else {
		m.SName = cstring(sname)
	}
	return nil
}

func (m *Message) parseOptions(p []byte, main bool) error {
	for len(p) > 0 {
		code := p[0]
		if code == OptEnd {
			return nil
		}
		if code == OptPad {
			p = p[1:]
			continue
		}
		if len(p) < 2 || len(p) < 2+int(p[1]) {
			return errOptionLen
		}
		v := p[2 : 2+int(p[1])]
		p = p[2+int(p[1]):]
		if m.NumOptions < MaxOptionOrder {
			m.OptionOrder[m.NumOptions] = code
		}
		m.NumOptions++
		if err := m.option(code, v, main); err != nil {
			return err
		}
	}
	return nil // a missing end option is common enough in the wild to accept
}

func (m *Message) option(code uint8, v []byte, main bool) error {
	switch code {
	case OptMessageType:
		if len(v) != 1 {
			return errFixedLen
		}
		m.Type = MessageType(v[0])
	case OptHostname:
		m.Hostname = v
	case OptVendorClass:
		m.VendorClass = v
	case OptClientID:
		if len(v) < 1 {
			return errFixedLen
		}
		m.HasClientID, m.ClientIDType, m.ClientID = true, v[0], v[1:]
	case OptParamRequestList:
		m.ParamRequests = v
	case OptRequestedIP, OptServerID, OptSubnetMask:
		if len(v) != 4 {
			return errFixedLen
		}
		a := netip.AddrFrom4([4]byte(v))
		switch code {
		case OptRequestedIP:
			m.RequestedIP = a
		case OptServerID:
			m.ServerID = a
		default:
			m.SubnetMask = a
		}
	case OptRouter:
		if len(v) < 4 || len(v)%4 != 0 {
			return errFixedLen
		}
		m.Router = netip.AddrFrom4([4]byte(v))
	case OptDomainName:
		m.DomainName = v
	case OptLeaseTime:
		if len(v) != 4 {
			return errFixedLen
		}
		m.HasLeaseTime, m.LeaseTime = true, be32(v)
	case OptMaxMessageSize:
		if len(v) != 2 {
			return errFixedLen
		}
		m.MaxMessageSize = be16(v)
	case OptVendorSpecific:
		m.VendorSpecific = v
	case OptUserClass:
		m.UserClass = v
	case OptClientFQDN:
		if len(v) < 3 {
			return errFQDN
		}
		m.HasFQDN, m.FQDNFlags, m.FQDNRaw = true, v[0], v[3:]
	case OptVIVendorClass:
		// enterprise number (4), data length (1), data; possibly repeated
		if len(v) < 5 || len(v) < 5+int(v[4]) {
			return errVIClass
		}
		m.HasVIVendor, m.VIEnterprise, m.VIClass = true, be32(v), v[5:5+int(v[4])]
	case OptOverload:
		if len(v) != 1 {
			return errFixedLen
		}
		if !main {
			return errOverloaded
		}
		m.Overload = v[0] & 3
	}
	return nil
}

// cstring returns b up to its first NUL.
func cstring(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
