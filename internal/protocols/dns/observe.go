package dns

import (
	"errors"
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// The name protocols. A device that answers for its own name (mDNS, LLMNR, NetBIOS) says
// what it is called (high confidence); a DNS server's answer says which name resolves to
// an address, which is the device's name only as far as the zone is kept up to date (low
// confidence).
var (
	// App is DNS over UDP and TCP 53.
	App = observe.Register(observe.Protocol{
		Name:     "dns",
		TCPPorts: []uint16{Port},
		UDPPorts: []uint16{Port},
		PDULen:   dnsTCPLen,
		New:      func() observe.Handler { return &dnsHandler{kind: nameDNS} },
		OpName:   dnsOpName,
	})
	// AppMDNS is multicast DNS (UDP 5353): hosts announce their own names and services.
	AppMDNS = observe.Register(observe.Protocol{
		Name:     "mdns",
		UDPPorts: []uint16{MDNSPort},
		New:      func() observe.Handler { return &dnsHandler{kind: nameMDNS} },
		OpName:   dnsOpName,
	})
	// AppLLMNR is link-local multicast name resolution (UDP 5355): Windows hosts answer
	// for their own names.
	AppLLMNR = observe.Register(observe.Protocol{
		Name:     "llmnr",
		UDPPorts: []uint16{LLMNRPort},
		New:      func() observe.Handler { return &dnsHandler{kind: nameLLMNR} },
		OpName:   dnsOpName,
	})
	// AppNetBIOSNS is the NetBIOS name service (UDP 137): hosts register, defend and list
	// their NetBIOS names.
	AppNetBIOSNS = observe.Register(observe.Protocol{
		Name:     "netbios_ns",
		UDPPorts: []uint16{NetBIOSPort},
		New:      func() observe.Handler { return &dnsHandler{kind: nameNetBIOS} },
		OpName:   netbiosOpName,
	})
)

type nameKind uint8

const (
	nameDNS nameKind = iota
	nameMDNS
	nameLLMNR
	nameNetBIOS
)

type dnsHandler struct {
	kind nameKind
	m    Message
	ns   NodeStatus
}

var errDNSLength = errors.New("dns: TCP message length of zero")

// dnsTCPLen frames DNS over TCP: a 2-byte length before each message.
func dnsTCPLen(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, nil
	}
	n := int(b[0])<<8 | int(b[1])
	if n == 0 {
		return 0, errDNSLength
	}
	return 2 + n, nil
}

// Operation codes: the opcode shifted left by one, or'ed with 1 for responses.
func dnsOpCode(h *Header) uint32 {
	code := uint32(h.Opcode()) << 1
	if h.Response() {
		code |= 1
	}
	return code
}

func (h *dnsHandler) Handle(c *observe.Conn, b []byte) {
	if c.IsTCP() {
		b = b[2:]
	}
	m := &h.m
	var err error
	if h.kind == nameNetBIOS {
		err = ParseNetBIOS(b, m)
	} else {
		err = Parse(b, m)
	}
	if err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	c.Op(dnsOpCode(&m.Header), protocols.OpNone)
	if m.Response() && m.Rcode() != 0 && h.kind != nameMDNS {
		c.Anomaly(observe.AnomalyErrorResponse)
		return
	}
	switch h.kind {
	case nameDNS:
		if m.Response() && m.Opcode() == 0 {
			h.resolved(c)
		}
	case nameMDNS, nameLLMNR:
		if m.Response() {
			h.ownName(c)
		}
	case nameNetBIOS:
		h.netbios(c)
	}
}

// resolved reports the names a DNS answer gives to addresses: A and AAAA records name
// their address, PTR records the address their owner name spells. Only private and
// link-local addresses are taken: a public address is a host on the Internet, not a
// device of the plant, and answers about those would fill the inventory's bounds.
func (h *dnsHandler) resolved(c *observe.Conn) {
	m := &h.m
	for i := range m.Records[:m.NumRecords] {
		r := &m.Records[i]
		if r.Section != Answer {
			continue
		}
		var ip netip.Addr
		var name []byte
		switch r.Type {
		case TypeA, TypeAAAA:
			ip, name = r.Addr, r.Name
		case TypePTR:
			ip, name = reverseAddr(r.Name), r.Target
		default:
			continue
		}
		if plantAddr(ip) {
			c.IdentityOf(observe.Endpoint{IP: ip}, nil, observe.FieldDNSName, observe.TrimDot(name), observe.Low)
		}
	}
}

func plantAddr(ip netip.Addr) bool {
	return ip.IsValid() && (ip.IsPrivate() || ip.IsLinkLocalUnicast())
}

// ownName reports the name a multicast DNS or LLMNR responder answers for with its own
// source address: that is the host's name. Its other addresses under the same name
// (an IPv6 address announced over IPv4, say) are bound to its MAC.
func (h *dnsHandler) ownName(c *observe.Conn) {
	m := &h.m
	src := c.Packet.SrcIP
	var self []byte
	for i := range m.Records[:m.NumRecords] {
		r := &m.Records[i]
		if (r.Type == TypeA || r.Type == TypeAAAA) && r.Addr == src && r.Section != Authority {
			self = r.Name
			break
		}
	}
	if self == nil {
		return // a proxy answering for others, or records without addresses
	}
	name := observe.TrimDot(self)
	if h.kind == nameMDNS {
		name = trimSuffixFold(name, ".local")
	}
	c.Identity(observe.Sender, observe.FieldHostname, name, observe.High)
	if observe.MACIsZero(&c.Packet.SrcMAC) {
		return
	}
	for i := range m.Records[:m.NumRecords] {
		r := &m.Records[i]
		if (r.Type == TypeA || r.Type == TypeAAAA) && r.Addr != src && string(r.Name) == string(self) && r.Section != Authority {
			c.Bind(c.Packet.SrcMAC, r.Addr)
		}
	}
}

// netbios reports NetBIOS computer names: those a host registers or refreshes for its
// own address, those it gives in a positive answer for its own address, and the unique
// names of its node status answer. A name server's answer about another address is taken
// as a DNS answer is (low confidence, plant addresses only).
func (h *dnsHandler) netbios(c *observe.Conn) {
	m := &h.m
	src := c.Packet.SrcIP
	switch op := m.Opcode(); {
	case !m.Response() && (op == 5 || op == 8 || op == 9 || op == 15): // registration, refresh
		for i := range m.Records[:m.NumRecords] {
			r := &m.Records[i]
			if r.Type == TypeNB && r.Addr == src && netbiosComputerName(&r.NB, r.NBFlags) {
				c.Identity(observe.Sender, observe.FieldNetBIOSName, r.NB.Text(), observe.High)
			}
		}
	case m.Response() && op == 0:
		for i := range m.Records[:m.NumRecords] {
			r := &m.Records[i]
			switch {
			case r.Section != Answer:
			case r.Type == TypeNB && netbiosComputerName(&r.NB, r.NBFlags):
				if r.Addr == src {
					c.Identity(observe.Sender, observe.FieldNetBIOSName, r.NB.Text(), observe.High)
				} else if plantAddr(r.Addr) {
					c.IdentityOf(observe.Endpoint{IP: r.Addr}, nil, observe.FieldNetBIOSName, r.NB.Text(), observe.Low)
				}
			case r.Type == TypeNBSTAT:
				if ParseNodeStatus(r.Data, &h.ns) != nil {
					c.Anomaly(observe.AnomalyMalformed)
					continue
				}
				for j := range h.ns.Names[:h.ns.N] {
					if e := &h.ns.Names[j]; netbiosComputerName(&e.NB, e.Flags) {
						c.Identity(observe.Sender, observe.FieldNetBIOSName, e.NB.Text(), observe.High)
					}
				}
			}
		}
	}
}

// netbiosComputerName reports whether a NetBIOS name is a computer's own: a unique (not
// group) name with the workstation (0x00) or file server (0x20) suffix. Other suffixes
// name services, domains and browsers.
func netbiosComputerName(nb *NBName, flags uint16) bool {
	if flags&0x8000 != 0 || (nb.Suffix != 0x00 && nb.Suffix != 0x20) || nb.Len == 0 {
		return false
	}
	t := nb.Text()
	return t[0] != '*' && observe.Printable(t)
}

// reverseAddr reads the address a reverse-lookup name spells (4.3.2.1.in-addr.arpa,
// or 32 nibbles and ip6.arpa); the zero Addr if it spells none.
func reverseAddr(name []byte) netip.Addr {
	name = observe.TrimDot(name)
	if s, ok := cutSuffixFold(name, ".in-addr.arpa"); ok {
		var a [4]byte
		i := 3
		for len(s) > 0 && i >= 0 {
			v, n := 0, 0
			for n < len(s) && s[n] >= '0' && s[n] <= '9' && n < 3 {
				v = v*10 + int(s[n]-'0')
				n++
			}
			if n == 0 || v > 255 || (n < len(s) && s[n] != '.') {
				return netip.Addr{}
			}
			a[i] = byte(v)
			i--
			s = s[min(n+1, len(s)):]
		}
		if i != -1 || len(s) != 0 {
			return netip.Addr{}
		}
		return netip.AddrFrom4(a)
	}
	if s, ok := cutSuffixFold(name, ".ip6.arpa"); ok && len(s) == 63 {
		var a [16]byte
		for i := 0; i < 32; i++ {
			c := s[2*i]
			if i < 31 && s[2*i+1] != '.' {
				return netip.Addr{}
			}
			var v byte
			switch {
			case c >= '0' && c <= '9':
				v = c - '0'
			case c >= 'a' && c <= 'f':
				v = c - 'a' + 10
			case c >= 'A' && c <= 'F':
				v = c - 'A' + 10
			default:
				return netip.Addr{}
			}
			// Nibbles come least significant first.
			pos := 31 - i
			if pos%2 == 0 {
				a[pos/2] |= v << 4
			} else {
				a[pos/2] |= v
			}
		}
		return netip.AddrFrom16(a)
	}
	return netip.Addr{}
}

// cutSuffixFold cuts suffix (ASCII, compared without case) from the end of b.
func cutSuffixFold(b []byte, suffix string) ([]byte, bool) {
	if len(b) < len(suffix) {
		return b, false
	}
	tail := b[len(b)-len(suffix):]
	for i := range tail {
		x, y := tail[i], suffix[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != y {
			return b, false
		}
	}
	return b[:len(b)-len(suffix)], true
}

func trimSuffixFold(b []byte, suffix string) []byte {
	s, _ := cutSuffixFold(b, suffix)
	return s
}

var dnsOpNames = [...]string{"query", "response", "inverse_query", "inverse_query_response", "status", "status_response",
	"", "", "notify", "notify_response", "update", "update_response"}

func dnsOpName(code uint32) string {
	if code < uint32(len(dnsOpNames)) {
		return dnsOpNames[code]
	}
	return ""
}

// NetBIOS name service opcodes (RFC 1002 4.2.1.1), for requests and responses.
var (
	netbiosOps = [16]string{0: "query", 5: "registration", 6: "release", 7: "wait_for_acknowledgement", 8: "refresh",
		9: "refresh", 15: "multi_homed_registration"}
	netbiosResponses = [16]string{0: "query_response", 5: "registration_response", 6: "release_response",
		7: "wait_for_acknowledgement_response", 8: "refresh_response", 9: "refresh_response",
		15: "multi_homed_registration_response"}
)

func netbiosOpName(code uint32) string {
	if code >= 32 {
		return ""
	}
	if code&1 != 0 {
		return netbiosResponses[code>>1]
	}
	return netbiosOps[code>>1]
}
