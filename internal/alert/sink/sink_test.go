package sink

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
)

func TestSinkDeliversInOrder(t *testing.T) {
	m := &memTransport{}
	s := New(m, Options{Name: "mem", Retry: fastRetry})
	var want []string
	for i := range 50 {
		a := testAlert(i, finding.High)
		want = append(want, a.Title)
		if !s.Send(a) {
			t.Fatalf("alert %d not queued", i)
		}
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := m.titles(); !slices.Equal(got, want) {
		t.Errorf("delivered %v", got)
	}
	st := s.Stats()
	if st.Delivered != 50 || st.Dropped != 0 || st.Failed != 0 || !m.closed {
		t.Errorf("stats %+v, transport closed %v", st, m.closed)
	}
	checkBalance(t, st)
	if s.Send(testAlert(99, finding.High)) || s.Stats().Dropped != 1 {
		t.Error("a closed sink took an alert, or did not count it")
	}
	if err := s.Close(context.Background()); err != nil { // second Close: same result, transport not closed twice
		t.Errorf("second Close: %v", err)
	}
}

func TestRouterBySeverity(t *testing.T) {
	all, high := &memTransport{}, &memTransport{}
	sAll := New(all, Options{Name: "terminal"})
	sHigh := New(high, Options{Name: "syslog", MinSeverity: finding.High})
	r := NewRouter(sAll, sHigh)
	sevs := []finding.Severity{finding.Info, finding.Low, finding.Medium, finding.High, finding.Critical, finding.Medium}
	reused := testAlert(0, finding.Info)
	for i, sev := range sevs {
		*reused = *testAlert(i, sev) // the caller reuses one Alert
		want := 1
		if sev >= finding.High {
			want = 2
		}
		if n := r.Send(reused); n != want {
			t.Errorf("alert %d (%s) went to %d sinks, want %d", i, sev, n, want)
		}
		reused.Details[0].Value = "scribbled" // must not reach what was queued
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(all.got) != 6 || len(high.got) != 2 || high.got[0].Title != "PLC STOP #3" || high.got[1].Title != "PLC STOP #4" {
		t.Errorf("terminal got %v, syslog got %v", all.titles(), high.titles())
	}
	for _, a := range append(all.got, high.got...) {
		if a.Details[0].Value == "scribbled" {
			t.Error("the router queued the caller's alert instead of a copy")
		}
	}
	st := r.Stats()
	if st[1].Filtered != 4 || st[1].Delivered != 2 || st[0].Delivered != 6 || st[1].Name != "syslog" {
		t.Errorf("stats %+v", st)
	}
}

func TestQueueBound(t *testing.T) {
	for _, policy := range []DropPolicy{DropNewest, DropOldest} {
		t.Run(policy.String(), func(t *testing.T) {
			m := &memTransport{gate: make(chan struct{})}
			s := New(m, Options{Name: "gated", QueueSize: 4, Drop: policy})
			s.Send(testAlert(0, finding.High))
			waitFor(t, "the first alert in flight", func() bool { return s.Stats().InFlight == 1 })
			for i := 1; i <= 10; i++ {
				s.Send(testAlert(i, finding.High))
			}
			st := s.Stats()
			if st.Pending != 4 || st.Dropped != 6 {
				t.Fatalf("stats %+v, want 4 pending and 6 dropped", st)
			}
			checkBalance(t, st)
			close(m.gate)
			if err := s.Close(context.Background()); err == nil || !strings.Contains(err.Error(), "6 dropped, 0 failed of 11") {
				t.Errorf("Close: %v", err)
			}
			want := []string{"PLC STOP #0", "PLC STOP #1", "PLC STOP #2", "PLC STOP #3", "PLC STOP #4"}
			if policy == DropOldest {
				want = []string{"PLC STOP #0", "PLC STOP #7", "PLC STOP #8", "PLC STOP #9", "PLC STOP #10"}
			}
			if got := m.titles(); !slices.Equal(got, want) {
				t.Errorf("delivered %v, want %v", got, want)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	errDown := errors.New("connection refused")
	tests := []struct {
		name      string
		fail      func(attempt int, a *alert.Alert) error
		delivered uint64
		failed    uint64
		attempts  int
	}{
		{"recovers on the third try", func(n int, _ *alert.Alert) error {
			if n < 3 {
				return errDown
			}
			return nil
		}, 1, 0, 3},
		{"gives up after the attempts", func(int, *alert.Alert) error { return errDown }, 0, 1, 3},
		{"permanent error: no retry", func(int, *alert.Alert) error { return Permanent(errors.New("400 Bad Request")) }, 0, 1, 1},
		{"retry-after is waited for", func(n int, _ *alert.Alert) error {
			if n == 1 {
				return RetryAfter(errDown, 5*time.Millisecond)
			}
			return nil
		}, 1, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &memTransport{fail: tt.fail}
			s := New(m, Options{Name: "flaky", Retry: fastRetry})
			s.Send(testAlert(1, finding.High))
			err := s.Close(context.Background())
			st := s.Stats()
			if st.Delivered != tt.delivered || st.Failed != tt.failed || m.attempts != tt.attempts {
				t.Errorf("stats %+v after %d attempts", st, m.attempts)
			}
			if (tt.failed > 0) != (err != nil) {
				t.Errorf("Close: %v", err)
			}
			if tt.failed > 0 && st.LastError == "" {
				t.Error("no last error recorded")
			}
			checkBalance(t, st)
		})
	}
}

// A destination that never answers must not hold up the caller: Send returns at once,
// the queue holds its bound, the rest is dropped and counted, and Close gives up at its
// deadline.
func TestHungDestination(t *testing.T) {
	m := &memTransport{gate: make(chan struct{})} // never opened
	s := New(m, Options{Name: "hung", QueueSize: 8})
	start := time.Now()
	for i := range 10000 {
		s.Send(testAlert(i, finding.Critical))
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("10000 sends took %v", d)
	}
	st := s.Stats()
	if st.Pending != 8 || st.InFlight != 1 || st.Dropped != 10000-9 {
		t.Errorf("stats %+v", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	err := s.Close(ctx)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v past its deadline", d)
	}
	st = s.Stats()
	if err == nil || st.Dropped != 10000 || st.Delivered != 0 || st.Pending != 0 || st.InFlight != 0 {
		t.Errorf("after Close: %v, %+v", err, st)
	}
	checkBalance(t, st)
}

func TestCloseDrainsQueue(t *testing.T) {
	m := &memTransport{}
	s := New(m, Options{Name: "slow", QueueSize: 100, Retry: fastRetry})
	m.fail = func(int, *alert.Alert) error { time.Sleep(time.Millisecond); return nil }
	for i := range 100 {
		s.Send(testAlert(i, finding.High))
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Delivered != 100 {
		t.Errorf("Close did not drain: %+v", st)
	}
}

func TestDropPolicyString(t *testing.T) {
	if DropNewest.String() != "drop-newest" || DropOldest.String() != "drop-oldest" {
		t.Error(DropNewest, DropOldest)
	}
	if Permanent(nil) != nil || RetryAfter(nil, time.Second) != nil || IsPermanent(errors.New("x")) {
		t.Error("error helpers")
	}
	if err := fmt.Errorf("wrapped: %w", Permanent(errors.New("x"))); !IsPermanent(err) {
		t.Error("IsPermanent does not see through wrapping")
	}
}

// stuckTransport ignores cancellation, like a write to a pipe nobody reads.
type stuckTransport struct{ release chan struct{} }

func (s stuckTransport) Deliver(context.Context, *alert.Alert) error { <-s.release; return nil }
func (s stuckTransport) Close() error                                { return nil }

func TestCloseGivesUpOnStuckTransport(t *testing.T) {
	tr := stuckTransport{make(chan struct{})}
	defer close(tr.release)
	s := New(tr, Options{Name: "stuck"})
	s.Send(testAlert(1, finding.High))
	s.Send(testAlert(2, finding.High))
	waitFor(t, "delivery to start", func() bool { return s.Stats().InFlight == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Close(ctx)
	if d := time.Since(start); d > closeGrace+time.Second {
		t.Errorf("Close took %v", d)
	}
	if err == nil || !strings.Contains(err.Error(), "did not stop") || s.Stats().Dropped != 1 {
		t.Errorf("Close: %v, stats %+v", err, s.Stats())
	}
	checkBalance(t, s.Stats())
}
