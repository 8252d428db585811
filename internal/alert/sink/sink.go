package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
)

// Transport delivers one alert to a destination. The Sink calls Deliver from a single
// goroutine, so a Transport needs no locking; Deliver may block, but must give up when
// ctx is done. An error is retried unless it is Permanent.
type Transport interface {
	Deliver(ctx context.Context, a *alert.Alert) error
	// Close releases connections and files. It is called once, after the last Deliver.
	Close() error
}

// DropPolicy says which alert a full queue gives up.
type DropPolicy uint8

const (
	// DropNewest refuses the alert being sent and keeps the queued ones: an outage
	// keeps the alerts that started it, and the count says how many followed. The
	// default.
	DropNewest DropPolicy = iota
	// DropOldest discards the oldest queued alert to make room: an outage keeps the
	// latest alerts.
	DropOldest
)

func (p DropPolicy) String() string {
	if p == DropOldest {
		return "drop-oldest"
	}
	return "drop-newest"
}

// Retry is how often and how patiently a sink retries one alert.
type Retry struct {
	// Attempts is the number of tries per alert, the first one included.
	Attempts int
	// Initial is the wait after the first failure; it doubles after each further one,
	// up to Max, with up to 20% random jitter so that sinks do not retry in step.
	Initial, Max time.Duration
}

// Defaults of Options.
const (
	DefaultQueueSize = 1024
)

// closeGrace is how long Close waits, after its deadline, for an in-flight delivery to
// notice the cancellation.
const closeGrace = time.Second

// DefaultRetry tries an alert 5 times over about 7.5 seconds.
var DefaultRetry = Retry{Attempts: 5, Initial: 500 * time.Millisecond, Max: 30 * time.Second}

// Options configure a Sink. The zero value is usable.
type Options struct {
	// Name identifies the sink in Stats and logs, such as "syslog tls://10.0.0.5:6514".
	Name string
	// MinSeverity is the least severe alert the sink takes; less severe ones are
	// counted as Filtered.
	MinSeverity finding.Severity
	// QueueSize bounds the alerts waiting for delivery; DefaultQueueSize when 0.
	QueueSize int
	Drop      DropPolicy
	// Retry is the retry policy; DefaultRetry when Attempts is 0.
	Retry Retry
	// Logger receives a warning when the destination starts failing and a note when it
	// recovers (never one line per alert); slog.Default() when nil.
	Logger *slog.Logger
}

// Stats count what happened to the alerts offered to a sink. Offered is always
// Filtered + Dropped + Delivered + Failed + Pending + InFlight.
type Stats struct {
	Name string
	// Offered counts calls to Send.
	Offered uint64
	// Filtered alerts were below the sink's minimum severity.
	Filtered uint64
	// Dropped alerts were given up without a delivery attempt succeeding: the queue
	// was full, the sink was closed, or Close's deadline passed before they went out.
	Dropped uint64
	// Delivered alerts were accepted by the destination (for UDP: sent).
	Delivered uint64
	// Failed alerts had every attempt fail, or a permanent error.
	Failed uint64
	// Pending alerts wait in the queue; InFlight is 1 while one is being delivered.
	Pending  int
	InFlight int
	// LastError is the most recent delivery error, empty if there was none.
	LastError string
}

// Lost is how many alerts the destination did not get: dropped and failed ones.
// Filtered alerts were not meant for it and are not lost.
func (s Stats) Lost() uint64 { return s.Dropped + s.Failed }

// Sink is one destination with its queue and delivery goroutine.
type Sink struct {
	name  string
	min   finding.Severity
	drop  DropPolicy
	retry Retry
	t     Transport
	log   *slog.Logger

	mu       sync.Mutex
	queue    []*alert.Alert // ring buffer
	head, n  int
	closed   bool
	inFlight bool
	lastErr  string

	wake     chan struct{} // capacity 1: "the queue may have work"
	stop     chan struct{} // closed by Close: deliver what is queued, then return
	ctx      context.Context
	abort    context.CancelFunc // ends an in-flight delivery when Close's deadline passes
	done     chan struct{}
	closeMu  sync.Mutex
	closeErr error
	closedOK bool

	offered, filtered, dropped, delivered, failed atomic.Uint64
}

// New starts a sink that delivers through t.
func New(t Transport, o Options) *Sink {
	size := o.QueueSize
	if size <= 0 {
		size = DefaultQueueSize
	}
	retry := o.Retry
	if retry.Attempts <= 0 {
		retry = DefaultRetry
	}
	lg := o.Logger
	if lg == nil {
		lg = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sink{
		name: o.Name, min: o.MinSeverity, drop: o.Drop, retry: retry, t: t,
		log:   lg.With("sink", o.Name),
		queue: make([]*alert.Alert, size),
		wake:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		ctx:   ctx, abort: cancel,
		done: make(chan struct{}),
	}
	go s.run()
	return s
}

// Name returns the name given in Options.
func (s *Sink) Name() string { return s.name }

// MinSeverity returns the least severe alert the sink takes.
func (s *Sink) MinSeverity() finding.Severity { return s.min }

// Send queues a (not nil) for delivery and returns at once; it never waits for the
// destination.
// It reports whether a was queued: false when a is below the minimum severity, the
// queue is full under DropNewest, or the sink is closed. The sink keeps a, and other
// sinks may share it: the caller must not modify it afterwards (Router clones it).
func (s *Sink) Send(a *alert.Alert) bool {
	s.offered.Add(1)
	if a.Severity < s.min {
		s.filtered.Add(1)
		return false
	}
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		s.dropped.Add(1)
		return false
	case s.n == len(s.queue) && s.drop == DropNewest:
		s.mu.Unlock()
		s.dropped.Add(1)
		return false
	case s.n == len(s.queue): // DropOldest
		s.queue[s.head] = nil
		s.head = (s.head + 1) % len(s.queue)
		s.n--
		s.dropped.Add(1)
	}
	s.queue[(s.head+s.n)%len(s.queue)] = a
	s.n++
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return true
}

// pop takes the oldest queued alert and marks it in flight.
func (s *Sink) pop() *alert.Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		return nil
	}
	a := s.queue[s.head]
	s.queue[s.head] = nil
	s.head = (s.head + 1) % len(s.queue)
	s.n--
	s.inFlight = true
	return a
}

func (s *Sink) run() {
	defer close(s.done)
	down := false // the destination failed and has not accepted an alert since
	var lost uint64
	for {
		a := s.pop()
		if a == nil {
			select {
			case <-s.wake:
				continue
			case <-s.stop:
				if a = s.pop(); a == nil {
					return
				}
			case <-s.ctx.Done():
				return
			}
		}
		err := s.deliver(a)
		s.mu.Lock()
		s.inFlight = false
		if err != nil {
			s.lastErr = err.Error()
		}
		s.mu.Unlock()
		switch {
		case err == nil:
			if down {
				s.log.Info("alert destination recovered", "failed_meanwhile", lost)
				down, lost = false, 0
			}
		case s.ctx.Err() != nil:
			// Close's deadline passed during the delivery: counted as dropped there.
		default:
			if !down {
				s.log.Warn("alert destination failing; alerts are retried, then counted as failed", "err", err)
				down = true
			}
			lost++
		}
	}
}

// deliver tries a until it is delivered, fails permanently, runs out of attempts or the
// sink is aborted; it counts the outcome.
func (s *Sink) deliver(a *alert.Alert) error {
	wait := s.retry.Initial
	for attempt := 1; ; attempt++ {
		err := s.t.Deliver(s.ctx, a)
		if err == nil {
			s.delivered.Add(1)
			return nil
		}
		if s.ctx.Err() != nil {
			s.dropped.Add(1)
			return err
		}
		if IsPermanent(err) || attempt >= s.retry.Attempts {
			s.failed.Add(1)
			return err
		}
		d := wait
		if ra := retryAfter(err); ra > d {
			d = ra
		}
		d = min(d, s.retry.Max)
		d += time.Duration(rand.Int64N(int64(d)/5 + 1)) // jitter
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-s.ctx.Done():
			timer.Stop()
			s.dropped.Add(1)
			return err
		}
		wait = min(2*wait, s.retry.Max)
	}
}

// Stats returns the sink's counts so far.
func (s *Sink) Stats() Stats {
	st := Stats{
		Name:    s.name,
		Offered: s.offered.Load(), Filtered: s.filtered.Load(), Dropped: s.dropped.Load(),
		Delivered: s.delivered.Load(), Failed: s.failed.Load(),
	}
	s.mu.Lock()
	st.Pending = s.n
	if s.inFlight {
		st.InFlight = 1
	}
	st.LastError = s.lastErr
	s.mu.Unlock()
	return st
}

// Close stops taking alerts, delivers what is queued until ctx is done, then abandons
// the rest (counted as Dropped) and closes the transport. It returns an error that
// reports dropped and failed alerts, if there were any, and the transport's close
// error. Calling Close again returns the same result.
func (s *Sink) Close(ctx context.Context) error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closedOK {
		return s.closeErr
	}
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	stuck := false
	select {
	case <-s.done:
	case <-ctx.Done():
		s.abort()
		select {
		case <-s.done:
		case <-time.After(closeGrace):
			// The transport ignores cancellation (a write to a pipe nobody reads):
			// leave its goroutine behind rather than hang the program's exit.
			stuck = true
		}
	}
	s.abort()
	s.mu.Lock()
	for s.n > 0 { // abandoned at the deadline
		s.queue[s.head] = nil
		s.head = (s.head + 1) % len(s.queue)
		s.n--
		s.dropped.Add(1)
	}
	s.mu.Unlock()
	var terr error
	if stuck {
		terr = errors.New("delivery did not stop at the deadline; one alert is still in flight")
	} else {
		terr = s.t.Close()
	}
	st := s.Stats()
	var err error
	if st.Dropped > 0 || st.Failed > 0 {
		err = fmt.Errorf("alert sink %s: %d dropped, %d failed of %d alerts (last error: %s)",
			s.name, st.Dropped, st.Failed, st.Offered-st.Filtered, orNone(st.LastError))
	}
	if terr != nil {
		terr = fmt.Errorf("alert sink %s: closing: %w", s.name, terr)
		if err == nil {
			err = terr
		} else {
			err = fmt.Errorf("%w; %w", err, terr)
		}
	}
	s.closeErr, s.closedOK = err, true
	return err
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
