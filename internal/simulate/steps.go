package simulate

import "github.com/zonewarden/zonewarden/internal/protocols"

// step is one message of a scripted exchange.
type step struct {
	kind  int
	from  int
	op    protocols.OpClass
	key   bool
	pause bool  // sent after the poll interval rather than right away
	delay int64 // explicit wait before the message, when not zero
	bcast bool  // UDP: to the broadcast address
	arg   int
}

// stepProto is a protocol whose conversation is a queue of steps: refill queues the next
// steps (returning false when the initiator should close) and build encodes one.
type stepProto interface {
	refill(s *sim, q *stepQueue) bool
	build(s *sim, c *conv, st *step, b []byte) []byte
}

type stepQueue struct {
	list []step
	i    int
}

func (q *stepQueue) add(st step) { q.list = append(q.list, st) }

// req queues a request from the client and its answer from the server.
func (q *stepQueue) req(kind int, op protocols.OpClass) {
	q.list = append(q.list, step{kind: kind, from: cli, op: op}, step{kind: kind, from: srv, op: op})
}

// stepApp runs a stepProto as an app: requests follow the previous message after a
// short gap or the poll interval, answers after the responder's processing time.
type stepApp struct {
	p        stepProto
	q        stepQueue
	interval int64
	last     int
}

func newStepApp(s *sim, p stepProto) *stepApp {
	return &stepApp{p: p, interval: pollInterval(s), q: stepQueue{list: make([]step, 0, 16)}}
}

func (a *stepApp) next(s *sim, c *conv, m *message) bool {
	if a.q.i >= len(a.q.list) {
		a.q.list, a.q.i = a.q.list[:0], 0
		if !a.p.refill(s, &a.q) || len(a.q.list) == 0 {
			a.q.list, a.q.i = a.q.list[:0], 0
			return false
		}
	}
	st := &a.q.list[a.q.i]
	a.q.i++
	switch {
	case st.delay != 0:
		m.wait = st.delay
	case st.pause:
		m.wait = s.jitter(a.interval, 0.05)
	case st.from == srv && a.last == cli:
		m.wait = s.procDelay(c.ends[srv])
	default:
		m.wait = s.between(1e6, 6e6)
	}
	a.last = st.from
	m.from, m.op, m.key, m.bcast = st.from, st.op, st.key, st.bcast
	m.buf = a.p.build(s, c, st, m.buf)
	return true
}
