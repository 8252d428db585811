package sink

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
)

func TestMain(m *testing.M) {
	// Sinks log outages to slog.Default; the tests provoke outages on purpose.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An outage is logged when it starts and when it ends, not once per alert.
func TestOutageLogging(t *testing.T) {
	var logs syncBuffer
	down := true
	var mu sync.Mutex
	m := &memTransport{fail: func(int, *alert.Alert) error {
		mu.Lock()
		defer mu.Unlock()
		if down {
			return errors.New("connection refused")
		}
		return nil
	}}
	s := New(m, Options{Name: "siem", Retry: fastRetry, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for i := range 5 {
		s.Send(testAlert(i, finding.High))
	}
	waitFor(t, "five failures", func() bool { return s.Stats().Failed == 5 })
	mu.Lock()
	down = false
	mu.Unlock()
	s.Send(testAlert(5, finding.High))
	if err := s.Close(context.Background()); err == nil {
		t.Error("Close did not report the failed alerts")
	}
	out := logs.String()
	if strings.Count(out, "alert destination failing") != 1 || strings.Count(out, "alert destination recovered") != 1 ||
		!strings.Contains(out, "failed_meanwhile=5") || !strings.Contains(out, "sink=siem") {
		t.Errorf("logs:\n%s", out)
	}
}
