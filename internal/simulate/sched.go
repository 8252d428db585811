package simulate

// actor is anything that sends packets over time: a conversation, a broadcaster, an
// injected attack. step sends what is due at the simulation's current time and returns
// the delay until its next step, or a negative value when it has finished.
type actor interface {
	step(s *sim) int64
}

// task is an actor waiting in the queue for its time.
type task struct {
	at  int64  // virtual time of the next step, ns since the start
	seq uint64 // insertion order: equal times run first come, first served
	a   actor
}

// queue is a binary min-heap of tasks ordered by time, then insertion. It is written out
// rather than using container/heap so that pushing and popping neither box values in
// interfaces nor allocate.
type queue struct {
	t   []task
	seq uint64
}

func (q *queue) less(i, j int) bool {
	if q.t[i].at != q.t[j].at {
		return q.t[i].at < q.t[j].at
	}
	return q.t[i].seq < q.t[j].seq
}

func (q *queue) push(at int64, a actor) {
	q.seq++
	q.t = append(q.t, task{at: at, seq: q.seq, a: a})
	i := len(q.t) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q.t[i], q.t[p] = q.t[p], q.t[i]
		i = p
	}
}

func (q *queue) len() int { return len(q.t) }

// peek returns the time of the next task; the queue must not be empty.
func (q *queue) peek() int64 { return q.t[0].at }

func (q *queue) pop() task {
	top := q.t[0]
	n := len(q.t) - 1
	q.t[0] = q.t[n]
	q.t[n] = task{}
	q.t = q.t[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && q.less(r, l) {
			m = r
		}
		if !q.less(m, i) {
			break
		}
		q.t[i], q.t[m] = q.t[m], q.t[i]
		i = m
	}
	return top
}
