package simulate

import (
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/wire"
)

// Sides of a conversation.
const (
	cli = 0 // the initiator
	srv = 1 // the responder
)

// message is one application message a conversation sends.
type message struct {
	buf  []byte
	from int   // cli or srv
	wait int64 // ns after the previous message was sent
	op   protocols.OpClass
	key  bool // carries the operation an injected event is about
	// bcast sends a UDP message to the broadcast address of the sender's network.
	bcast bool
}

// app is a protocol's behaviour on a conversation: the messages both sides send.
type app interface {
	// next fills m (reusing m.buf) with the conversation's next message. It returns
	// false when the initiator should end the conversation instead.
	next(s *sim, c *conv, m *message) bool
}

// Conversation states.
const (
	stStart = iota
	stARPReply
	stOpen
	stSYNACK
	stACK
	stData
	stCloseACK
	stFIN1
	stFIN2
	stFIN3
	stDone
)

// mss is the largest TCP payload a segment carries (Ethernet MTU less the headers).
const mss = 1460

// synOptions are the options of SYN and SYN/ACK segments: MSS 1460, two NOPs, SACK
// permitted.
var synOptions = []byte{2, 4, 0x05, 0xb4, 1, 1, 4, 2}

// conv is a TCP connection or a UDP exchange between two hosts, driven by an app. A
// persistent conversation opens a new connection of the same pair after it closes.
type conv struct {
	origin
	arp *origin // counts the ARP that resolves the peer; nil across zones

	udp   bool
	ends  [2]*host
	ports [2]uint16
	// fixedPort keeps the initiator's port across sessions (0: a new ephemeral port).
	fixedPort uint16
	seq       [2]uint32
	owd       int64 // one-way delay between the two hosts
	state     int
	cur, nxt  message
	off       int
	ackOwed   [2]bool
	ackAt     int64 // absolute time of a pending pure ACK, or -1
	ackSide   int
	dataAt    int64 // absolute time of the next data segment
	app       app

	persistent bool
	pauseMin   int64 // wait between sessions of a persistent conversation
	pauseMax   int64
}

// newConv prepares a conversation from client to server on port, counted in fl.
func (s *sim) newConv(client, server *host, port uint16, udp bool, fl *flowStat, a app) *conv {
	c := &conv{origin: origin{fl: fl}, udp: udp, ends: [2]*host{client, server}, app: a, ackAt: -1}
	c.ports[srv] = port
	c.owd = s.pathDelay(client, server)
	if client.zone == server.zone {
		c.arp = &origin{fl: s.arpFlow(client, server)}
	}
	return c
}

// pathDelay is the one-way delay between two hosts: a switch hop inside a zone, a
// firewall between zones, a WAN for external zones.
func (s *sim) pathDelay(a, b *host) int64 {
	switch {
	case a.zone == b.zone:
		return 60_000 + s.rng.Int64N(180_000)
	case a.zone.external || b.zone.external:
		return 8_000_000 + s.rng.Int64N(22_000_000)
	}
	return 250_000 + s.rng.Int64N(650_000)
}

// jitter returns d varied by up to ±frac.
func (s *sim) jitter(d int64, frac float64) int64 {
	if d <= 0 {
		return 0
	}
	span := int64(float64(d) * frac)
	if span <= 0 {
		return d
	}
	return d - span + s.rng.Int64N(2*span+1)
}

// between returns a uniformly drawn duration in [lo, hi].
func (s *sim) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + s.rng.Int64N(hi-lo+1)
}

// ackDelay is how long a host waits before acknowledging data it has nothing to send
// back for: Windows and Linux delay, embedded stacks acknowledge at once.
func (s *sim) ackDelay(h *host) int64 {
	if h.windows {
		return s.between(30_000_000, 50_000_000)
	}
	if h.ttl == 64 {
		return s.between(300_000, 2_000_000)
	}
	return s.between(1_000_000, 20_000_000)
}

// begin starts a new session: new ports and sequence numbers, then ARP (when the peer
// is on the same network and not in the initiator's cache) and the handshake.
func (c *conv) begin(s *sim) int64 {
	if c.fixedPort != 0 {
		c.ports[cli] = c.fixedPort
	} else {
		c.ports[cli] = c.ends[cli].ephemeral()
	}
	c.seq[cli], c.seq[srv] = s.rng.Uint32(), s.rng.Uint32()
	c.ackOwed = [2]bool{}
	c.ackAt = -1
	c.off = 0
	if c.arp != nil && s.needARP(c.ends[cli], c.ends[srv]) {
		c.arp.ev = c.ev
		s.sendARP(c.arp, c.ends[cli], c.ends[srv], wire.ARPRequest)
		c.state = stARPReply
		return c.owd
	}
	return c.open(s)
}

// open sends the SYN, or for UDP plans the first message.
func (c *conv) open(s *sim) int64 {
	if c.udp {
		c.state = stData
		return c.plan(s, 0)
	}
	c.fl.sessions++
	c.segment(s, cli, wire.SYN, nil, false, protocols.OpNone)
	c.state = stSYNACK
	return c.owd
}

func (c *conv) step(s *sim) int64 {
	switch c.state {
	case stStart:
		return c.begin(s)
	case stARPReply:
		s.sendARP(c.arp, c.ends[srv], c.ends[cli], wire.ARPReply)
		c.state = stOpen
		return c.owd + s.between(20_000, 200_000)
	case stOpen:
		return c.open(s)
	case stSYNACK:
		c.segment(s, srv, wire.SYN|wire.ACK, nil, false, protocols.OpNone)
		c.state = stACK
		return c.owd
	case stACK:
		c.segment(s, cli, wire.ACK, nil, false, protocols.OpNone)
		c.state = stData
		return c.plan(s, 0)
	case stData:
		return c.data(s)
	case stCloseACK:
		c.segment(s, srv, wire.ACK, nil, false, protocols.OpNone)
		c.state = stFIN1
		return s.between(1_000_000, 30_000_000)
	case stFIN1:
		c.segment(s, cli, wire.FIN|wire.ACK, nil, false, protocols.OpNone)
		c.state = stFIN2
		return c.owd + s.between(50_000, 400_000)
	case stFIN2:
		c.segment(s, srv, wire.FIN|wire.ACK, nil, false, protocols.OpNone)
		c.state = stFIN3
		return c.owd
	case stFIN3:
		c.segment(s, cli, wire.ACK, nil, false, protocols.OpNone)
		return c.finish(s)
	}
	return -1
}

// finish ends a session; a persistent conversation starts over after a pause.
func (c *conv) finish(s *sim) int64 {
	if !c.persistent {
		c.state = stDone
		return -1
	}
	c.state = stStart
	return s.between(c.pauseMin, c.pauseMax)
}

// plan asks the app for the next message, sent after its wait (counted from now),
// and arranges a pure ACK before it when the receiver of the last data would not
// otherwise acknowledge it in time. It returns the delay to the next step.
func (c *conv) plan(s *sim, lastFrom int) int64 {
	c.nxt.buf = c.nxt.buf[:0]
	c.nxt.op, c.nxt.key, c.nxt.bcast = protocols.OpNone, false, false
	if !c.app.next(s, c, &c.nxt) {
		return c.close(s)
	}
	wait := c.nxt.wait
	if wait < 20_000 {
		wait = 20_000
	}
	if !c.udp && c.nxt.from != lastFrom && wait < c.owd+20_000 {
		wait = c.owd + 20_000 // an answer cannot leave before the question arrives
	}
	c.dataAt = s.now + wait
	c.ackAt = -1
	if !c.udp {
		// A side that owes an acknowledgement sends it after its delayed-ACK time unless
		// data it or its peer sends before then carries or defers it.
		for side := 0; side < 2; side++ {
			if !c.ackOwed[side] {
				continue
			}
			if at := s.now + c.owd + s.ackDelay(c.ends[side]); at < c.dataAt {
				c.ackAt, c.ackSide = at, side
			}
		}
	}
	return c.nextStep(s)
}

func (c *conv) nextStep(s *sim) int64 {
	if c.ackAt >= 0 && c.ackAt < c.dataAt {
		return c.ackAt - s.now
	}
	return c.dataAt - s.now
}

// data sends a due pure ACK or the next segment of the current message.
func (c *conv) data(s *sim) int64 {
	if c.ackAt >= 0 && c.ackAt <= s.now && c.ackAt < c.dataAt {
		c.ackAt = -1
		if c.ackOwed[c.ackSide] {
			c.segment(s, c.ackSide, wire.ACK, nil, false, protocols.OpNone)
		}
		return c.dataAt - s.now
	}
	if c.off == 0 {
		c.cur, c.nxt = c.nxt, c.cur
	}
	m := &c.cur
	if c.udp {
		c.datagram(s, m)
		return c.plan(s, m.from)
	}
	n := len(m.buf) - c.off
	flags := uint8(wire.ACK | wire.PSH)
	if n > mss {
		n = mss
		flags = wire.ACK
	}
	c.segment(s, m.from, flags, m.buf[c.off:c.off+n], m.key, m.op)
	c.off += n
	if c.off < len(m.buf) {
		c.dataAt = s.now + 12_000 // back-to-back segments on a 1 Gb/s link
		return 12_000
	}
	c.off = 0
	return c.plan(s, m.from)
}

// close begins the teardown: the server first acknowledges data it has not, then the
// initiator sends its FIN (carrying the acknowledgement it owes itself).
func (c *conv) close(s *sim) int64 {
	if c.udp {
		return c.finish(s)
	}
	if c.ackOwed[srv] {
		c.state = stCloseACK
		return c.owd + s.ackDelay(c.ends[srv])
	}
	c.state = stFIN1
	return c.owd + s.between(1_000_000, 30_000_000)
}

// segment sends one TCP segment from side, counting it for the conversation.
func (c *conv) segment(s *sim, from int, flags uint8, payload []byte, key bool, op protocols.OpClass) {
	src, dst := c.ends[from], c.ends[1-from]
	e := wire.Eth{Dst: dst.mac, Src: src.mac, VLAN: src.zone.vlan}
	ip := wire.IPv4{Src: src.ip, Dst: dst.ip, ID: src.nextIPID(), TTL: src.ttl, DontFragment: true}
	t := wire.TCP{SrcPort: c.ports[from], DstPort: c.ports[1-from], Seq: c.seq[from], Flags: flags, Window: src.win}
	if flags&wire.ACK != 0 {
		t.Ack = c.seq[1-from]
		c.ackOwed[from] = false
	}
	if flags&wire.SYN != 0 {
		t.Options = synOptions
	}
	s.frame = wire.AppendTCP(s.frame[:0], &e, &ip, &t, payload)
	c.seq[from] += uint32(len(payload))
	if flags&(wire.SYN|wire.FIN) != 0 {
		c.seq[from]++
	}
	if len(payload) > 0 || flags&wire.FIN != 0 {
		c.ackOwed[1-from] = true
	}
	s.emit(&c.origin, op, key)
}

// datagram sends a UDP message.
func (c *conv) datagram(s *sim, m *message) {
	src, dst := c.ends[m.from], c.ends[1-m.from]
	e := wire.Eth{Dst: dst.mac, Src: src.mac, VLAN: src.zone.vlan}
	ip := wire.IPv4{Src: src.ip, Dst: dst.ip, ID: src.nextIPID(), TTL: src.ttl}
	if m.bcast {
		e.Dst = wire.Broadcast
		ip.Dst = [4]byte{255, 255, 255, 255}
	}
	s.frame = wire.AppendUDP(s.frame[:0], &e, &ip, c.ports[m.from], c.ports[1-m.from], m.buf)
	s.emit(&c.origin, m.op, m.key)
}
