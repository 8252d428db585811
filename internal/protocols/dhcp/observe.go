package dhcp

import (
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is DHCP (UDP 67 and 68) and DHCPv6 (UDP 546 and 547). A client names itself
// in its requests (host name, vendor class, client identifier, FQDN), and the exchange
// binds an address to the client's MAC even where the client sends nothing else.
var App = observe.Register(observe.Protocol{
	Name:     "dhcp",
	UDPPorts: []uint16{ServerPort, ClientPort, V6ServerPort, V6ClientPort},
	New:      func() observe.Handler { return new(dhcpHandler) },
	OpName:   dhcpOpName,
})

// Operation codes: the DHCP message type, and 0x100 | the DHCPv6 message type.
const dhcpOpV6 = 0x100

type dhcpHandler struct {
	m   Message
	m6  MessageV6
	buf [256]byte
}

func (h *dhcpHandler) Handle(c *observe.Conn, b []byte) {
	if p := c.DstPort(); p == V6ServerPort || p == V6ClientPort {
		h.v6(c, b)
		return
	}
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if m.HasCookie {
		c.Op(uint32(m.Type), protocols.OpNone)
	}
	if m.Type == Nak {
		c.Anomaly(observe.AnomalyErrorResponse)
	}
	if m.HType != 1 || m.HLen != 6 {
		return // not an Ethernet client: no MAC to tie the facts to
	}
	mac := [6]byte(m.CHAddr)
	// The address the client holds: the one it uses (ciaddr, when renewing or informing),
	// the one it asks to keep (option 50 in a request), or the one a server acknowledges.
	var held netip.Addr
	switch m.Type {
	case Request, Inform:
		held = m.CIAddr
		if !usable4(held) && m.Type == Request {
			held = m.RequestedIP
		}
	case Ack:
		held = m.YIAddr
	}
	if usable4(held) {
		c.Bind(mac, held)
	}
	if m.Op != OpRequest {
		return // a server's reply says nothing of the client's own names
	}
	// The client is named by its hardware address: the packet may come from a relay
	// agent, and from 0.0.0.0 before the client has an address.
	who := observe.Endpoint{MAC: mac, HasMAC: true}
	c.IdentityOf(who, nil, observe.FieldHostname, observe.TrimText(m.Hostname), observe.High)
	c.IdentityOf(who, nil, observe.FieldVendorClass, observe.TrimText(m.VendorClass), observe.High)
	if m.HasClientID && len(m.ClientID) > 0 {
		// Written as the type byte and the identifier in hex, as DHCP servers list them
		// (01:aa:bb:cc:dd:ee:ff for a MAC).
		id := m.ClientID[:min(len(m.ClientID), 64)]
		v := append(c.Scratch(), observe.HexDigits[m.ClientIDType>>4], observe.HexDigits[m.ClientIDType&0xf], ':')
		c.IdentityOf(who, nil, observe.FieldClientID, observe.AppendHexBytes(v, id, ':'), observe.High)
	}
	if m.HasFQDN {
		if name, err := m.FQDN(h.buf[:]); err == nil {
			c.IdentityOf(who, nil, observe.FieldDNSName, observe.TrimDot(name), observe.High)
		}
	}
}

// v6 handles a DHCPv6 message: a client's own messages name it.
func (h *dhcpHandler) v6(c *observe.Conn, b []byte) {
	m := &h.m6
	if err := ParseV6(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	c.Op(dhcpOpV6|uint32(m.Type), protocols.OpNone)
	switch m.Type {
	case V6Solicit, V6Request, V6Confirm, V6Renew, V6Rebind, V6InformationRequest:
	default:
		return
	}
	who, conf := c.Endpoint(observe.Sender), observe.High
	if m.Relays > 0 {
		// Relayed: the sender is the relay; the client's DUID often carries its MAC.
		hw, addr, ok := DUIDLinkLayer(m.ClientDUID)
		if !ok || hw != 1 || len(addr) != 6 {
			return
		}
		who, conf = observe.Endpoint{MAC: [6]byte(addr), HasMAC: true}, observe.Medium
	}
	if m.HasVendorClass {
		c.IdentityOf(who, nil, observe.FieldVendorClass, observe.TrimText(m.VendorClass), conf)
	}
	if m.HasFQDN {
		if name, err := m.FQDN(h.buf[:]); err == nil {
			c.IdentityOf(who, nil, observe.FieldDNSName, observe.TrimDot(name), conf)
		}
	}
}

func usable4(ip netip.Addr) bool {
	return ip.IsValid() && !ip.IsUnspecified() && !ip.IsMulticast() && ip != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

var dhcpV6Names = [...]string{"", "solicit", "advertise", "request", "confirm", "renew", "rebind", "reply", "release",
	"decline", "reconfigure", "information_request", "relay_forward", "relay_reply"}

func dhcpOpName(code uint32) string {
	if code&dhcpOpV6 != 0 {
		if t := code &^ dhcpOpV6; t < uint32(len(dhcpV6Names)) {
			return dhcpV6Names[t]
		}
		return ""
	}
	if code == 0 {
		return "bootp"
	}
	if n := MessageType(code).String(); n != "unknown" && code < 256 {
		return n
	}
	return ""
}
