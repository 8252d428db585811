package sink

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
)

// recorder is a webhook endpoint that keeps what it receives; status decides the
// answer to the n-th request (1-based).
type recorder struct {
	mu     sync.Mutex
	bodies []string
	heads  []http.Header
	n      atomic.Int64
	status func(n int64, w http.ResponseWriter) int
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := rc.n.Add(1)
	b, _ := io.ReadAll(r.Body)
	code := http.StatusNoContent
	if rc.status != nil {
		code = rc.status(n, w)
	}
	if code < 300 {
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, string(b))
		rc.heads = append(rc.heads, r.Header.Clone())
		rc.mu.Unlock()
	}
	w.WriteHeader(code)
}

func newWebhookSink(t *testing.T, cfg WebhookConfig, o Options) *Sink {
	t.Helper()
	wh, err := NewWebhook(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if o.Retry.Attempts == 0 {
		o.Retry = fastRetry
	}
	return New(wh, o)
}

// HTTPS with a private CA, as plants run their own: the CA file is loaded the way the
// --webhook-ca flag will load it, and each alert arrives as the JSON lines object.
func TestWebhookTLS(t *testing.T) {
	rc := &recorder{}
	srv := httptest.NewTLSServer(rc)
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, certPEM(srv.Certificate()), 0o644); err != nil {
		t.Fatal(err)
	}
	pool, err := LoadCAFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	s := newWebhookSink(t, WebhookConfig{
		URL: srv.URL + "/alerts", TLS: &tls.Config{RootCAs: pool},
		Header: http.Header{"Authorization": {"Bearer s3cret"}},
	}, Options{Name: "webhook"})
	alerts := []*alert.Alert{testAlert(1, finding.Critical), testAlert(2, finding.High)}
	for _, a := range alerts {
		s.Send(a)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rc.bodies) != 2 {
		t.Fatalf("received %d alerts", len(rc.bodies))
	}
	for i, a := range alerts {
		if rc.bodies[i] != string(alert.AppendJSON(nil, a)) {
			t.Errorf("body %d: %s", i, rc.bodies[i])
		}
		h := rc.heads[i]
		if h.Get("Content-Type") != "application/json" || h.Get("Authorization") != "Bearer s3cret" || h.Get("User-Agent") != "zonewarden" {
			t.Errorf("headers %v", h)
		}
	}
}

func TestWebhookUnknownCA(t *testing.T) {
	srv := httptest.NewUnstartedServer(&recorder{})
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are the point
	srv.StartTLS()
	defer srv.Close()
	s := newWebhookSink(t, WebhookConfig{URL: srv.URL}, Options{Name: "webhook"})
	s.Send(testAlert(1, finding.High))
	err := s.Close(context.Background())
	if err == nil || !strings.Contains(err.Error(), "1 failed") || !strings.Contains(s.Stats().LastError, "CA") {
		t.Errorf("Close: %v; last error %q", err, s.Stats().LastError)
	}
}

func TestWebhookRetries(t *testing.T) {
	tests := []struct {
		name      string
		status    func(n int64, w http.ResponseWriter) int
		delivered uint64
		failed    uint64
		requests  int64
	}{
		{"fails twice then takes it", func(n int64, _ http.ResponseWriter) int {
			if n <= 2 {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		}, 1, 0, 3},
		{"rate limited with Retry-After", func(n int64, w http.ResponseWriter) int {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				return http.StatusTooManyRequests
			}
			return http.StatusAccepted
		}, 1, 0, 2},
		{"always down: gives up", func(int64, http.ResponseWriter) int { return http.StatusBadGateway }, 0, 1, 3},
		{"rejected: no retry", func(int64, http.ResponseWriter) int { return http.StatusBadRequest }, 0, 1, 1},
		{"unauthorized: no retry", func(int64, http.ResponseWriter) int { return http.StatusUnauthorized }, 0, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := &recorder{status: tt.status}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			s := newWebhookSink(t, WebhookConfig{URL: srv.URL}, Options{Name: "webhook"})
			s.Send(testAlert(1, finding.High))
			s.Close(context.Background())
			st := s.Stats()
			if st.Delivered != tt.delivered || st.Failed != tt.failed || rc.n.Load() != tt.requests {
				t.Errorf("stats %+v after %d requests", st, rc.n.Load())
			}
			checkBalance(t, st)
		})
	}
}

// A webhook that accepts the connection and never answers: the caller is never blocked,
// the queue holds its bound, the surplus is dropped and counted, and Close returns at
// its deadline with the losses reported.
func TestWebhookHangs(t *testing.T) {
	release := make(chan struct{})
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	s := newWebhookSink(t, WebhookConfig{URL: srv.URL, Timeout: time.Minute}, Options{Name: "webhook", QueueSize: 16})
	s.Send(testAlert(0, finding.Critical))
	waitFor(t, "the first request", func() bool { return requests.Load() == 1 })
	start := time.Now()
	for i := 1; i < 1000; i++ {
		s.Send(testAlert(i, finding.Critical))
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("999 sends to a hung webhook took %v", d)
	}
	st := s.Stats()
	if st.Pending != 16 || st.InFlight != 1 || st.Dropped != 1000-17 {
		t.Errorf("stats %+v", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	err := s.Close(ctx)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	st = s.Stats()
	if err == nil || !strings.Contains(err.Error(), "1000 dropped") || st.Delivered != 0 {
		t.Errorf("Close: %v, stats %+v", err, st)
	}
	checkBalance(t, st)
}

func TestWebhookConfig(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "http://", "://bad", "/relative"} {
		if _, err := NewWebhook(WebhookConfig{URL: u}); err == nil {
			t.Errorf("NewWebhook(%q) accepted", u)
		}
	}
	if _, err := LoadCAFile(filepath.Join(t.TempDir(), "missing.pem")); err == nil {
		t.Error("missing CA file accepted")
	}
	junk := filepath.Join(t.TempDir(), "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o644)
	if _, err := LoadCAFile(junk); err == nil {
		t.Error("CA file without certificates accepted")
	}
	for in, want := range map[string]time.Duration{"": 0, "3": 3 * time.Second, "99999": maxRetryAfter, "soon": 0, "-1": 0} {
		if got := parseRetryAfter(in); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
	if d := parseRetryAfter(time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)); d < 50*time.Second || d > time.Minute {
		t.Errorf("HTTP-date Retry-After read as %v", d)
	}
}

func certPEM(c *x509.Certificate) []byte {
	return []byte("-----BEGIN CERTIFICATE-----\n" + wrap64(c.Raw) + "-----END CERTIFICATE-----\n")
}

func wrap64(der []byte) string {
	const enc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var b strings.Builder
	var line []byte
	for i := 0; i < len(der); i += 3 {
		var chunk [3]byte
		n := copy(chunk[:], der[i:])
		v := uint(chunk[0])<<16 | uint(chunk[1])<<8 | uint(chunk[2])
		out := []byte{enc[v>>18&63], enc[v>>12&63], enc[v>>6&63], enc[v&63]}
		if n < 3 {
			out[3] = '='
		}
		if n < 2 {
			out[2] = '='
		}
		line = append(line, out...)
		if len(line) == 64 {
			b.Write(line)
			b.WriteByte('\n')
			line = line[:0]
		}
	}
	if len(line) > 0 {
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}
