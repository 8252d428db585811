package simulate

import (
	"time"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// UDP exchanges.
const (
	udQuery = iota
	udNTP
	udSyslog
	udIKEInit
	udIKEAuth
	udESP
)

// dnsProto resolves the names of the servers a host talks to.
type dnsProto struct {
	names []string
	ips   [][4]byte
	id    uint16
	cur   int
	done  bool
}

func (p *dnsProto) refill(s *sim, q *stepQueue) bool {
	if p.done {
		p.done = false
		return false
	}
	p.done = true
	p.cur = s.rng.IntN(len(p.names))
	q.req(udQuery, protocols.OpNone)
	return true
}

func (p *dnsProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	if st.from == cli {
		p.id = uint16(s.rng.Uint32())
		return encode.DNSQuery(b, p.id, p.names[p.cur], encode.DNSTypeA)
	}
	return encode.DNSAnswerA(b, p.id, p.names[p.cur], p.ips[p.cur], 1200)
}

// ntpProto is a client keeping its clock in step with a server.
type ntpProto struct {
	done bool
	xmit uint64
}

func (p *ntpProto) refill(s *sim, q *stepQueue) bool {
	if p.done {
		p.done = false
		return false
	}
	p.done = true
	q.req(udNTP, protocols.OpNone)
	return true
}

func (p *ntpProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	now := time.Unix(0, s.start+s.now)
	if st.from == cli {
		p.xmit = encode.NTPTime(now)
		return encode.NTP(b, encode.NTPClient, 0, [4]byte{}, 0, 0, 0, p.xmit)
	}
	recv := encode.NTPTime(now.Add(-time.Duration(c.owd)))
	return encode.NTP(b, encode.NTPServer, 1, [4]byte{'G', 'P', 'S', 0}, encode.NTPTime(now.Add(-16*time.Second)), p.xmit, recv, encode.NTPTime(now))
}

// Messages network devices and servers log.
var syslogMessages = []struct{ tag, text string }{
	{"%SYS-5-CONFIG_I", "Configured from console by admin on vty0"},
	{"%LINK-3-UPDOWN", "Interface GigabitEthernet1/3, changed state to up"},
	{"%LINEPROTO-5-UPDOWN", "Line protocol on Interface GigabitEthernet1/3, changed state to up"},
	{"%SEC_LOGIN-5-LOGIN_SUCCESS", "Login Success [user: admin] [Source: 10.20.2.30] [localport: 22]"},
	{"sshd[2211]", "Accepted publickey for maint from 10.20.2.30 port 51022 ssh2"},
	{"%DOT1X-5-SUCCESS", "Authentication successful for client on Interface Gi1/5"},
}

// syslogProto is a device sending its log to a collector (one way).
type syslogProto struct{ done bool }

func (p *syslogProto) refill(s *sim, q *stepQueue) bool {
	if p.done {
		p.done = false
		return false
	}
	p.done = true
	q.add(step{kind: udSyslog, from: cli})
	return true
}

func (p *syslogProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	m := syslogMessages[s.rng.IntN(len(syslogMessages))]
	return encode.Syslog(b, 23, 5, time.Unix(0, s.start+s.now).UTC(), c.ends[cli].id, m.tag, m.text)
}

// ikeProto is an IPsec VPN: IKE_SA_INIT on UDP 500, IKE_AUTH on 4500, then ESP in UDP
// both ways for the life of the tunnel.
type ikeProto struct {
	fresh      bool
	packets    int
	spiI, spiR uint64
	esp        [2]uint32
	seq        [2]uint32
	fill       encode.Filler
}

func (p *ikeProto) refill(s *sim, q *stepQueue) bool {
	if p.fresh {
		p.fresh = false
		p.packets = 500 + s.rng.IntN(5000)
		p.spiI, p.spiR = s.rng.Uint64(), 0
		p.esp = [2]uint32{s.rng.Uint32(), s.rng.Uint32()}
		p.seq = [2]uint32{}
		q.req(udIKEInit, protocols.OpNone)
		q.req(udIKEAuth, protocols.OpNone)
		return true
	}
	if p.packets--; p.packets <= 0 {
		p.fresh = true
		return false
	}
	from := s.rng.IntN(2)
	q.add(step{kind: udESP, from: from, delay: s.between(5e6, 400e6)})
	return true
}

func (p *ikeProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	switch st.kind {
	case udIKEInit:
		c.ports = [2]uint16{500, 500}
		if st.from == srv {
			p.spiR = s.rng.Uint64()
		}
		return encode.IKESAInitMessage(b, p.spiI, p.spiR, st.from == srv, &p.fill)
	case udIKEAuth:
		c.ports = [2]uint16{4500, 4500}
		return encode.IKEAuthMessage(b, p.spiI, p.spiR, st.from == srv, 300+s.rng.IntN(900), &p.fill)
	}
	p.seq[st.from]++
	return encode.ESP(b, p.esp[st.from], p.seq[st.from], 60+s.rng.IntN(1200), &p.fill)
}
