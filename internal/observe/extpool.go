package observe

// ExtPool hands out a handler's per-flow state of type T (Conn.SetExt) and keeps the
// state of ended flows for the next ones, so that steady state allocates nothing. A
// handler keeps one in its value and gives ended flows back from FlowEnd.
type ExtPool[T any] struct{ free []*T }

// Of returns the flow's state, taking one from the pool (or a new one) the first time.
func (p *ExtPool[T]) Of(c *Conn) *T {
	if f, ok := c.Ext().(*T); ok {
		return f
	}
	var f *T
	if n := len(p.free); n > 0 {
		f, p.free = p.free[n-1], p.free[:n-1]
	} else {
		f = new(T)
	}
	c.SetExt(f)
	return f
}

// Put takes back the state of an ended flow, cleared by reset for its next flow (which
// may keep buffers it grew).
func (p *ExtPool[T]) Put(ext any, reset func(*T)) {
	if f, ok := ext.(*T); ok {
		reset(f)
		p.free = append(p.free, f)
	}
}
