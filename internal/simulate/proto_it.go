package simulate

import (
	"strings"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// IT protocol exchanges.
const (
	itHello = iota
	itFinished
	itRequest
	itResponse
	itClose
	itX224
	itBanner
	itKexInit
	itKex
	itNewKeys
	itData
	itNegotiate
	itSearch
	itUnbind
	itTelnetOpts
	itTelnetText
	itRecord // one TLS record of arg encrypted bytes
)

// rdpRecord is the most encrypted data one TLS record of an RDP session carries: a
// record then fits one TCP segment. tshark 4.0 does not follow RDP's switch to TLS and
// reads each segment as TPKT, so a segment must never start inside a record, where
// random bytes could pass for a TPKT header.
const rdpRecord = mss - 5

// records queues n encrypted bytes from side as TLS records that each fill a segment.
func records(q *stepQueue, from, n int, delay int64) {
	for n > 0 {
		m := min(n, rdpRecord)
		q.add(step{kind: itRecord, from: from, arg: m, delay: delay})
		n -= m
		delay = 12_000 // back to back
	}
}

// domainOf is the DNS domain the simulator gives a plant: the system name's first word.
func domainOf(s *sim) string {
	w := normVendor(s.p.m.System.Name)
	if i := strings.IndexByte(w, ' '); i > 0 {
		w = w[:i]
	}
	if w == "" {
		w = "plant"
	}
	return w + ".local"
}

// tlsProto is a TLS session (HTTPS and other TLS protocols): the handshake, one or more
// encrypted requests and answers, the encrypted close_notify. rdp first negotiates with
// X.224 and then runs TLS with CredSSP and the remote desktop inside.
type tlsProto struct {
	sni     string
	alpn    []string
	rdp     bool
	fresh   bool
	closing bool
	rounds  int
	fill    encode.Filler
}

func newTLS(s *sim, server *host, alpn []string, rdp bool) *tlsProto {
	p := &tlsProto{alpn: alpn, rdp: rdp, fresh: true, fill: encode.NewFiller(s.rng.Uint64())}
	if !rdp {
		p.sni = server.id + "." + domainOf(s)
	}
	return p
}

func (p *tlsProto) refill(s *sim, q *stepQueue) bool {
	if p.closing {
		p.closing, p.fresh = false, true
		return false
	}
	if p.fresh {
		p.fresh = false
		if p.rdp {
			q.req(itX224, protocols.OpNone)
			p.rounds = 200 + s.rng.IntN(3000) // screen updates in an interactive session
			q.req(itHello, protocols.OpNone)
			records(q, srv, 1800+s.rng.IntN(2500), 12_000)
			q.add(step{kind: itFinished, from: cli})
			return true
		}
		p.rounds = 1 + s.rng.IntN(6)
		q.req(itHello, protocols.OpNone)
		q.add(step{kind: itFinished, from: cli})
		return true
	}
	if p.rounds--; p.rounds <= 0 {
		q.add(step{kind: itClose, from: cli})
		p.closing = true
		return true
	}
	if p.rdp {
		// The desktop sends screen updates; the user's input goes the other way now and then.
		if s.rng.IntN(4) == 0 {
			q.add(step{kind: itRequest, from: cli, delay: s.between(50e6, 2e9)})
		}
		records(q, srv, 80+s.rng.IntN(3000), s.between(30e6, 400e6))
		return true
	}
	q.add(step{kind: itRequest, from: cli, delay: s.between(20e6, 5e9)})
	q.add(step{kind: itResponse, from: srv})
	return true
}

func (p *tlsProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	switch st.kind {
	case itX224:
		if st.from == cli {
			return encode.RDPConnectionRequest(b, strings.ToLower(c.ends[cli].id))
		}
		return encode.RDPConnectionConfirm(b, uint16(s.rng.Uint32()))
	case itHello:
		if st.from == cli {
			return encode.TLSClientHello(b, p.sni, p.alpn, &p.fill)
		}
		if p.rdp {
			return encode.TLSServerHelloCCS(b, &p.fill)
		}
		return encode.TLSServerHello(b, 1800+s.rng.IntN(2500), &p.fill)
	case itRecord:
		return encode.TLSAppData(b, st.arg, &p.fill)
	case itFinished:
		b = encode.TLSClientFinished(b, &p.fill)
		return encode.TLSAppData(b, 200+s.rng.IntN(600), &p.fill) // fits one segment
	case itRequest:
		return encode.TLSAppData(b, 60+s.rng.IntN(500), &p.fill)
	case itResponse:
		if p.rdp {
			return encode.TLSAppData(b, 80+s.rng.IntN(3000), &p.fill)
		}
		return encode.TLSAppData(b, 300+s.rng.IntN(12000), &p.fill)
	}
	return encode.TLSAppData(b, 24, &p.fill) // close_notify
}

// sshProto is an interactive SSH session.
type sshProto struct {
	fresh, closing bool
	rounds         int
	fill           encode.Filler
	server         *host
}

func (p *sshProto) refill(s *sim, q *stepQueue) bool {
	if p.closing {
		p.closing, p.fresh = false, true
		return false
	}
	if p.fresh {
		p.fresh = false
		p.rounds = 20 + s.rng.IntN(300)
		q.add(step{kind: itBanner, from: srv})
		q.add(step{kind: itBanner, from: cli})
		q.add(step{kind: itKexInit, from: srv})
		q.add(step{kind: itKexInit, from: cli})
		q.req(itKex, protocols.OpNone)
		q.add(step{kind: itNewKeys, from: cli})
		return true
	}
	if p.rounds--; p.rounds <= 0 {
		p.closing = true
		q.add(step{kind: itData, from: cli, arg: 32})
		return true
	}
	q.add(step{kind: itData, from: cli, delay: s.between(100e6, 3e9), arg: 36})
	q.add(step{kind: itData, from: srv, arg: 36 + s.rng.IntN(600)})
	return true
}

func (p *sshProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	switch st.kind {
	case itBanner:
		if st.from == srv {
			c.ends[srv].reveal(revSSH)
			return encode.SSHBanner(b, c.ends[srv].ident.sshID)
		}
		return encode.SSHBanner(b, "SSH-2.0-PuTTY_Release_0.81")
	case itKexInit:
		return encode.SSHKexInit(b, &p.fill)
	case itKex:
		if st.from == cli {
			return encode.SSHKexECDHInit(b, &p.fill)
		}
		return encode.SSHNewKeys(encode.SSHKexECDHReply(b, &p.fill), &p.fill)
	case itNewKeys:
		return encode.SSHNewKeys(b, &p.fill)
	}
	return encode.SSHEncrypted(b, st.arg, &p.fill)
}

// smbProto negotiates SMB2 dialects, as Windows hosts do when they reach a share.
type smbProto struct {
	done bool
	msg  uint64
	fill encode.Filler
}

func (p *smbProto) refill(s *sim, q *stepQueue) bool {
	if p.done {
		p.done = false
		return false
	}
	p.done = true
	q.req(itNegotiate, protocols.OpNone)
	return true
}

func (p *smbProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	if st.from == cli {
		return encode.SMB2NegotiateRequest(b, p.msg, &p.fill)
	}
	return encode.SMB2NegotiateResponse(b, p.msg, encode.FileTime(s.start+s.now), &p.fill)
}

// ldapProto reads a directory server's root DSE, as Windows hosts do before they bind.
type ldapProto struct {
	done bool
	id   int
}

var ldapAttrs = []string{"defaultNamingContext", "dnsHostName", "supportedLDAPVersion", "supportedSASLMechanisms"}

func (p *ldapProto) refill(s *sim, q *stepQueue) bool {
	if p.done {
		p.done = false
		return false
	}
	p.done = true
	q.req(itSearch, protocols.OpNone)
	q.add(step{kind: itUnbind, from: cli})
	return true
}

func (p *ldapProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	switch {
	case st.kind == itUnbind:
		p.id++
		return encode.LDAPUnbind(b, p.id)
	case st.from == cli:
		p.id++
		return encode.LDAPSearchRootDSE(b, p.id, ldapAttrs)
	}
	d := domainOf(s)
	dn := "DC=" + strings.ReplaceAll(d, ".", ",DC=")
	vals := [...]string{dn, c.ends[srv].id + "." + d, "3", "GSS-SPNEGO"}
	return encode.LDAPSearchEntry(b, p.id, ldapAttrs, vals[:])
}

// telnetProto is a maintenance login to a device's console over telnet: option
// negotiation, login prompt, user and password in the clear, a command, logout.
type telnetProto struct {
	done  bool
	texts []string
	i     int
}

func newTelnet(server *host) *telnetProto {
	prompt := server.id + ">"
	id := server.ident.sysDescr
	return &telnetProto{texts: []string{
		"\r\n" + server.ident.banner + "\r\n\r\nlogin: ", "engineer\r\n", "Password: ", "********\r\n",
		"\r\n" + prompt, "ID\r\n", "\r\nFID=" + strings.ReplaceAll(id, " ", "-") + "\r\nDEVID=" + server.id + "\r\n" + prompt, "QUIT\r\n",
	}}
}

func (p *telnetProto) refill(s *sim, q *stepQueue) bool {
	if p.done {
		p.done = false
		return false
	}
	p.done = true
	q.add(step{kind: itTelnetOpts, from: srv})
	q.add(step{kind: itTelnetOpts, from: cli})
	for i := range p.texts {
		st := step{kind: itTelnetText, from: srv, arg: i}
		if i%2 == 1 {
			st.from, st.delay = cli, s.between(800e6, 4e9) // a person types
		}
		q.add(st)
	}
	return true
}

func (p *telnetProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	if st.kind == itTelnetOpts {
		if st.from == srv {
			c.ends[srv].reveal(revTelnet)
			return append(b, 0xff, 0xfd, 0x18, 0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03) // DO TTYPE, WILL ECHO, WILL SGA
		}
		return append(b, 0xff, 0xfb, 0x18, 0xff, 0xfd, 0x01, 0xff, 0xfd, 0x03)
	}
	return append(b, p.texts[st.arg]...)
}

// httpProto is a plain HTTP request and answer.
type httpProto struct {
	done bool
	host string
}

func (p *httpProto) refill(s *sim, q *stepQueue) bool {
	if p.done {
		p.done = false
		return false
	}
	p.done = true
	q.req(itRequest, protocols.OpNone)
	return true
}

func (p *httpProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	if st.from == cli {
		b = append(b, "GET /status HTTP/1.1\r\nHost: "...)
		b = append(b, p.host...)
		return append(b, "\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)\r\nAccept: text/html\r\nConnection: close\r\n\r\n"...)
	}
	body := "<html><head><title>" + c.ends[srv].ident.appName + "</title></head><body>OK</body></html>\n"
	b = append(b, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: "...)
	b = appendInt(b, len(body))
	b = append(b, "\r\n\r\n"...)
	return append(b, body...)
}

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}
