package observe

import (
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/dhcp"
)

// AppDHCP is DHCP (UDP 67 and 68) and DHCPv6 (UDP 546 and 547). A client names itself
// in its requests (host name, vendor class, client identifier, FQDN), and the exchange
// binds an address to the client's MAC even where the client sends nothing else.
var AppDHCP = Register(Protocol{
	Name:     "dhcp",
	UDPPorts: []uint16{dhcp.ServerPort, dhcp.ClientPort, dhcp.V6ServerPort, dhcp.V6ClientPort},
	New:      func() Handler { return new(dhcpHandler) },
	OpName:   dhcpOpName,
})

// Operation codes: the DHCP message type, and 0x100 | the DHCPv6 message type.
const dhcpOpV6 = 0x100

type dhcpHandler struct {
	m   dhcp.Message
	m6  dhcp.MessageV6
	buf [256]byte
}

func (h *dhcpHandler) Handle(c *Conn, b []byte) {
	if p := c.DstPort(); p == dhcp.V6ServerPort || p == dhcp.V6ClientPort {
		h.v6(c, b)
		return
	}
	m := &h.m
	if err := dhcp.Parse(b, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	if m.HasCookie {
		c.Op(uint32(m.Type), protocols.OpNone)
	}
	if m.Type == dhcp.Nak {
		c.Anomaly(AnomalyErrorResponse)
	}
	if m.HType != 1 || m.HLen != 6 {
		return // not an Ethernet client: no MAC to tie the facts to
	}
	mac := [6]byte(m.CHAddr)
	// The address the client holds: the one it uses (ciaddr, when renewing or informing),
	// the one it asks to keep (option 50 in a request), or the one a server acknowledges.
	var held netip.Addr
	switch m.Type {
	case dhcp.Request, dhcp.Inform:
		held = m.CIAddr
		if !usable4(held) && m.Type == dhcp.Request {
			held = m.RequestedIP
		}
	case dhcp.Ack:
		held = m.YIAddr
	}
	if usable4(held) {
		c.Bind(mac, held)
	}
	if m.Op != dhcp.OpRequest {
		return // a server's reply says nothing of the client's own names
	}
	// The client is named by its hardware address: the packet may come from a relay
	// agent, and from 0.0.0.0 before the client has an address.
	who := Endpoint{MAC: mac, HasMAC: true}
	c.IdentityOf(who, nil, FieldHostname, TrimText(m.Hostname), High)
	c.IdentityOf(who, nil, FieldVendorClass, TrimText(m.VendorClass), High)
	if m.HasClientID && len(m.ClientID) > 0 {
		// Written as the type byte and the identifier in hex, as DHCP servers list them
		// (01:aa:bb:cc:dd:ee:ff for a MAC).
		id := m.ClientID[:min(len(m.ClientID), 64)]
		v := append(c.Scratch(), HexDigits[m.ClientIDType>>4], HexDigits[m.ClientIDType&0xf], ':')
		c.IdentityOf(who, nil, FieldClientID, AppendHexBytes(v, id, ':'), High)
	}
	if m.HasFQDN {
		if name, err := m.FQDN(h.buf[:]); err == nil {
			c.IdentityOf(who, nil, FieldDNSName, TrimDot(name), High)
		}
	}
}

// v6 handles a DHCPv6 message: a client's own messages name it.
func (h *dhcpHandler) v6(c *Conn, b []byte) {
	m := &h.m6
	if err := dhcp.ParseV6(b, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	c.Op(dhcpOpV6|uint32(m.Type), protocols.OpNone)
	switch m.Type {
	case dhcp.V6Solicit, dhcp.V6Request, dhcp.V6Confirm, dhcp.V6Renew, dhcp.V6Rebind, dhcp.V6InformationRequest:
	default:
		return
	}
	who, conf := c.Endpoint(Sender), High
	if m.Relays > 0 {
		// Relayed: the sender is the relay; the client's DUID often carries its MAC.
		hw, addr, ok := dhcp.DUIDLinkLayer(m.ClientDUID)
		if !ok || hw != 1 || len(addr) != 6 {
			return
		}
		who, conf = Endpoint{MAC: [6]byte(addr), HasMAC: true}, Medium
	}
	if m.HasVendorClass {
		c.IdentityOf(who, nil, FieldVendorClass, TrimText(m.VendorClass), conf)
	}
	if m.HasFQDN {
		if name, err := m.FQDN(h.buf[:]); err == nil {
			c.IdentityOf(who, nil, FieldDNSName, TrimDot(name), conf)
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
	if n := dhcp.MessageType(code).String(); n != "unknown" && code < 256 {
		return n
	}
	return ""
}
