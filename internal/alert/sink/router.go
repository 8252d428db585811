package sink

import (
	"context"
	"errors"
	"sync"

	"github.com/zonewarden/zonewarden/internal/alert"
)

// Router sends each alert to every sink whose minimum severity it reaches, such as a
// terminal for everything and syslog for high and above.
type Router struct {
	sinks []*Sink
}

// NewRouter routes to the given sinks.
func NewRouter(sinks ...*Sink) *Router { return &Router{sinks: sinks} }

// Send copies a once and offers the copy to every sink; it never blocks, and the
// caller may reuse a at once. It returns how many sinks queued the alert.
func (r *Router) Send(a *alert.Alert) int {
	var c *alert.Alert
	n := 0
	for _, s := range r.sinks {
		if a.Severity >= s.MinSeverity() && c == nil {
			c = a.Clone()
		}
		if c == nil { // below every sink so far: let the sink count it as filtered
			if s.Send(a) {
				n++
			}
			continue
		}
		if s.Send(c) {
			n++
		}
	}
	return n
}

// Stats returns every sink's counts, in the order the sinks were given.
func (r *Router) Stats() []Stats {
	out := make([]Stats, len(r.sinks))
	for i, s := range r.sinks {
		out[i] = s.Stats()
	}
	return out
}

// Close closes every sink at the same time, each delivering what it has queued until
// ctx is done, and joins their errors.
func (r *Router) Close(ctx context.Context) error {
	errs := make([]error, len(r.sinks))
	var wg sync.WaitGroup
	for i, s := range r.sinks {
		wg.Go(func() { errs[i] = s.Close(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
