package sink

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"log/slog"
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

// TestWebhookRedirects: a redirect that keeps the scheme and the POST (307, 308) is
// followed; one to another scheme (https → http would send the alert and its
// credentials in cleartext) or one that turns the POST into a GET (301, 302, 303: the
// alert would be lost behind a 200) fails at once and nothing reaches the target.
func TestWebhookRedirects(t *testing.T) {
	plain := &recorder{}
	plainSrv := httptest.NewServer(plain)
	defer plainSrv.Close()
	secure := &recorder{}
	secureSrv := httptest.NewTLSServer(secure)
	defer secureSrv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(secureSrv.Certificate())

	cases := []struct {
		name      string
		code      int
		target    string
		got       *recorder
		delivered bool
		why       string
	}{
		{"https to http", http.StatusPermanentRedirect, plainSrv.URL + "/hook", plain, false, "changes the scheme from https to http"},
		{"https to http, 307", http.StatusTemporaryRedirect, plainSrv.URL + "/hook", plain, false, "changes the scheme"},
		{"302 turns the POST into a GET", http.StatusFound, secureSrv.URL + "/final", secure, false, "turns the POST into a GET"},
		{"301", http.StatusMovedPermanently, secureSrv.URL + "/final", secure, false, "turns the POST into a GET"},
		{"308 on https", http.StatusPermanentRedirect, secureSrv.URL + "/final", secure, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := c.got.n.Load()
			redirector := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, c.target, c.code)
			}))
			redirector.TLS = &tls.Config{}
			redirector.StartTLS()
			defer redirector.Close()
			pool := pool.Clone()
			pool.AddCert(redirector.Certificate())
			var logs syncBuffer
			s := newWebhookSink(t, WebhookConfig{URL: redirector.URL + "/hook", TLS: &tls.Config{RootCAs: pool}},
				Options{Name: "webhook", Retry: Retry{Attempts: 5, Initial: time.Second, Max: time.Second},
					Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			s.Send(testAlert(1, finding.Critical))
			start := time.Now()
			err := s.Close(context.Background())
			st := s.Stats()
			if c.delivered {
				if err != nil || st.Delivered != 1 || c.got.n.Load() != before+1 {
					t.Errorf("not delivered: %v %+v", err, st)
				}
				return
			}
			if st.Failed != 1 || err == nil || !strings.Contains(err.Error(), c.why) {
				t.Errorf("stats %+v, Close: %v; want a failure saying %q", st, err, c.why)
			}
			if d := time.Since(start); d > 900*time.Millisecond {
				t.Errorf("a refused redirect was retried (%v)", d)
			}
			if n := c.got.n.Load(); n != before {
				t.Errorf("the redirect target received %d requests", n-before)
			}
		})
	}
}

// TestWebhookRedactsSecrets: credentials in the URL (user:password@, and query
// parameters such as token, api_key, sig) never appear in errors, Stats or logs.
func TestWebhookRedactsSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "hunter2" {
			t.Errorf("basic auth not sent: %q %q", u, p)
		}
		if r.URL.Query().Get("token") != "T0KEN" {
			t.Errorf("token not sent: %s", r.URL.RawQuery)
		}
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	url := strings.Replace(srv.URL, "http://", "http://alice:hunter2@", 1) + "/hook?token=T0KEN&api_key=K3Y&sig=S1G&site=riverside"
	var logs syncBuffer
	s := newWebhookSink(t, WebhookConfig{URL: url}, Options{Name: "webhook " + RedactURL(url),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	s.Send(testAlert(1, finding.High))
	err := s.Close(context.Background())
	if err == nil {
		t.Fatal("a failing webhook closed without an error")
	}
	printed := err.Error() + s.Stats().LastError + s.Stats().Name + logs.String()
	for _, secret := range []string{"alice", "hunter2", "T0KEN", "K3Y", "S1G"} {
		if strings.Contains(printed, secret) {
			t.Errorf("%q printed:\n%s", secret, printed)
		}
	}
	if !strings.Contains(printed, "site=riverside") || !strings.Contains(printed, "/hook") {
		t.Errorf("the redacted URL no longer says where it goes:\n%s", printed)
	}
	// A URL that does not parse is not echoed at all.
	_, err = NewWebhook(WebhookConfig{URL: "https://bob:pa ss@%zz/hook"})
	if err == nil || strings.Contains(err.Error(), "pa ss") {
		t.Errorf("bad URL: %v", err)
	}
}

func TestRedactURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://siem.example/hook", "https://siem.example/hook"},
		{"https://u:p@siem.example/hook", "https://REDACTED@siem.example/hook"},
		{"https://TOKENONLY@siem.example/hook", "https://REDACTED@siem.example/hook"},
		{"https://h/x?access_token=a&Api-Key=b&client_secret=c&password=d&sig=e&X-Auth=f&site=s&flag",
			"https://h/x?access_token=REDACTED&Api-Key=REDACTED&client_secret=REDACTED&password=REDACTED&sig=REDACTED&X-Auth=REDACTED&site=s&flag"},
		{"https://h/x?%74oken=a", "https://h/x?%74oken=REDACTED"}, // an escaped name
		{"://bad", "(unparsable URL, not shown)"},
	} {
		if got := RedactURL(c.in); got != c.want {
			t.Errorf("RedactURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
