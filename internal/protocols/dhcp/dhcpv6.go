package dhcp

import (
	"errors"
	"net/netip"
)

// Ports of DHCPv6 clients and servers (relay agents listen on the server port).
const (
	V6ClientPort = 546
	V6ServerPort = 547
)

// DHCPv6 message types (RFC 8415 section 7.3).
const (
	V6Solicit            = 1
	V6Advertise          = 2
	V6Request            = 3
	V6Confirm            = 4
	V6Renew              = 5
	V6Rebind             = 6
	V6Reply              = 7
	V6Release            = 8
	V6Decline            = 9
	V6Reconfigure        = 10
	V6InformationRequest = 11
	V6RelayForward       = 12
	V6RelayReply         = 13
)

// DHCPv6 option codes read into MessageV6 fields.
const (
	optV6ClientID    = 1
	optV6ServerID    = 2
	optV6IANA        = 3
	optV6IATA        = 4
	optV6IAAddr      = 5
	optV6ORO         = 6
	optV6Elapsed     = 8
	optV6RelayMsg    = 9
	optV6UserClass   = 15
	optV6VendorClass = 16
	optV6ClientFQDN  = 39
)

// Bounds of a MessageV6: addresses kept, and relay envelopes followed (RFC 8415 limits
// relaying to 8 hops; 8 more allow for a misconfigured chain).
const (
	MaxV6Addrs    = 4
	maxRelayDepth = 16
)

var (
	errV6Short      = errors.New("dhcp: DHCPv6 message shorter than its header")
	errV6Option     = errors.New("dhcp: DHCPv6 option runs past its container")
	errV6FixedLen   = errors.New("dhcp: DHCPv6 option has the wrong length")
	errV6Relay      = errors.New("dhcp: DHCPv6 relay message without a relayed message, or nested too deep")
	errV6NestedAddr = errors.New("dhcp: DHCPv6 identity association truncated")
)

// MessageV6 is one DHCPv6 message; for relay messages, the innermost relayed message,
// with the first relay's addresses.
type MessageV6 struct {
	Type          uint8
	TransactionID uint32 // 24 bits

	Relays   int        // relay envelopes around the message
	LinkAddr netip.Addr // outermost relay: the link the client is on
	PeerAddr netip.Addr // innermost relay: the client's (or next relay's) address

	ClientDUID     []byte // option 1; see DUIDLinkLayer
	ServerDUID     []byte // option 2
	OptionRequests []byte // option 6: requested option codes, 2 bytes each, in the client's order
	ElapsedTime    uint16 // option 8, hundredths of a second
	UserClass      []byte // option 15, raw

	HasVendorClass   bool
	VendorEnterprise uint32 // option 16: IANA enterprise number
	VendorClass      []byte // option 16: the first vendor-class-data item

	HasFQDN   bool
	FQDNFlags uint8
	FQDNRaw   []byte // option 39: the name in DNS wire format (see FQDN)

	Addrs      [MaxV6Addrs]netip.Addr // IA_NA and IA_TA addresses
	NumAddrs   int
	NumOptions int
}

// FQDN writes the client FQDN in dotted form into dst and returns it.
func (m *MessageV6) FQDN(dst []byte) ([]byte, error) {
	return wireName(m.FQDNRaw, dst)
}

// DUIDLinkLayer returns the hardware type and link-layer address (for Ethernet, the MAC)
// that a DUID-LLT or DUID-LL carries.
func DUIDLinkLayer(duid []byte) (hwType uint16, addr []byte, ok bool) {
	if len(duid) < 4 {
		return 0, nil, false
	}
	switch be16(duid) {
	case 1: // DUID-LLT: type, hardware type, time, address
		if len(duid) > 8 {
			return be16(duid[2:]), duid[8:], true
		}
	case 3: // DUID-LL: type, hardware type, address
		if len(duid) > 4 {
			return be16(duid[2:]), duid[4:], true
		}
	}
	return 0, nil, false
}

// ParseV6 decodes one DHCPv6 datagram (the UDP payload) into m, which it resets first.
// Relay-forward and relay-reply envelopes are opened down to the relayed message. Slices
// in m alias b.
func ParseV6(b []byte, m *MessageV6) error {
	*m = MessageV6{}
	for {
		if len(b) < 4 {
			return errV6Short
		}
		m.Type = b[0]
		if m.Type != V6RelayForward && m.Type != V6RelayReply {
			m.TransactionID = uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			return m.options(b[4:], 0)
		}
		// hop count (1), link address (16), peer address (16), options
		if len(b) < 34 {
			return errV6Short
		}
		if m.Relays == maxRelayDepth {
			return errV6Relay
		}
		if m.Relays == 0 {
			m.LinkAddr = netip.AddrFrom16([16]byte(b[2:18]))
		}
		m.PeerAddr = netip.AddrFrom16([16]byte(b[18:34]))
		m.Relays++
		inner, err := relayMessage(b[34:])
		if err != nil {
			return err
		}
		b = inner
	}
}

func relayMessage(p []byte) ([]byte, error) {
	for len(p) > 0 {
		if len(p) < 4 || len(p) < 4+int(be16(p[2:])) {
			return nil, errV6Option
		}
		code, v := be16(p), p[4:4+int(be16(p[2:]))]
		p = p[4+len(v):]
		if code == optV6RelayMsg {
			return v, nil
		}
	}
	return nil, errV6Relay
}

// options reads an option list; depth counts nesting inside identity associations.
func (m *MessageV6) options(p []byte, depth int) error {
	for len(p) > 0 {
		if len(p) < 4 || len(p) < 4+int(be16(p[2:])) {
			return errV6Option
		}
		code, v := be16(p), p[4:4+int(be16(p[2:]))]
		p = p[4+len(v):]
		if depth == 0 {
			m.NumOptions++
		}
		var err error
		switch code {
		case optV6ClientID:
			m.ClientDUID = v
		case optV6ServerID:
			m.ServerDUID = v
		case optV6ORO:
			if len(v)%2 != 0 {
				return errV6FixedLen
			}
			m.OptionRequests = v
		case optV6Elapsed:
			if len(v) != 2 {
				return errV6FixedLen
			}
			m.ElapsedTime = be16(v)
		case optV6UserClass:
			m.UserClass = v
		case optV6VendorClass:
			// enterprise number (4), then vendor-class-data items of 2-byte length
			if len(v) < 4 || (len(v) > 4 && (len(v) < 6 || len(v) < 6+int(be16(v[4:])))) {
				return errV6FixedLen
			}
			m.HasVendorClass, m.VendorEnterprise = true, be32(v)
			if len(v) > 4 {
				m.VendorClass = v[6 : 6+int(be16(v[4:]))]
			}
		case optV6ClientFQDN:
			if len(v) < 1 {
				return errV6FixedLen
			}
			m.HasFQDN, m.FQDNFlags, m.FQDNRaw = true, v[0], v[1:]
		case optV6IANA, optV6IATA:
			// IA_NA: IAID, T1, T2 (12 bytes); IA_TA: IAID (4 bytes); then options.
			hdr := 12
			if code == optV6IATA {
				hdr = 4
			}
			if len(v) < hdr || depth > 0 {
				return errV6NestedAddr
			}
			err = m.options(v[hdr:], depth+1)
		case optV6IAAddr:
			// address (16), preferred and valid lifetimes (8), options
			if len(v) < 24 {
				return errV6NestedAddr
			}
			if m.NumAddrs < MaxV6Addrs {
				m.Addrs[m.NumAddrs] = netip.AddrFrom16([16]byte(v[:16]))
				m.NumAddrs++
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// wireName converts a name in DNS wire format without compression (as DHCP options
// carry it) into dotted form in dst.
func wireName(p, dst []byte) ([]byte, error) {
	n := 0
	for len(p) > 0 {
		l := int(p[0])
		if l == 0 {
			break
		}
		if l > 63 || len(p) < 1+l || n+l+1 > len(dst) {
			return nil, errFQDNName
		}
		if n > 0 {
			dst[n] = '.'
			n++
		}
		n += copy(dst[n:], p[1:1+l])
		p = p[1+l:]
	}
	return dst[:n], nil
}
