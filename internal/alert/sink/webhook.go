package sink

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/readfile"
)

// WebhookConfig describes an HTTP endpoint that takes alerts.
type WebhookConfig struct {
	// URL is the http:// or https:// address alerts are POSTed to.
	URL string
	// Header is added to every request, such as Authorization for a bearer token.
	Header http.Header
	// TLS configures https: RootCAs for a private CA (see LoadCAFile), Certificates for
	// mutual authentication; nil means the system roots.
	TLS *tls.Config
	// Timeout bounds one request, answer included; 10 s when 0.
	Timeout time.Duration
}

// Webhook POSTs each alert as one JSON object (the JSON lines format, Content-Type
// application/json) and reads the answer's status: 2xx is delivered; 408, 425, 429 and
// 5xx are retried, honouring Retry-After; any other status fails at once.
//
// A redirect is followed only when it keeps the scheme (an https endpoint never sends
// an alert over http) and the POST with its body (307, 308); a 301, 302 or 303 would
// turn the POST into a GET without the alert and is refused. Every error and log line
// shows the URL with its credentials redacted (RedactURL).
type Webhook struct {
	url    string
	shown  string // url redacted, for errors
	header http.Header
	client *http.Client
}

// redirectError is a redirect the webhook refuses; retrying would meet it again.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// checkRedirect refuses a redirect that changes the scheme (https to http sends alerts
// and credentials in cleartext) or the method (the POST's body would be lost).
func checkRedirect(req *http.Request, via []*http.Request) error {
	prev := via[len(via)-1]
	switch {
	case len(via) >= 10:
		return &redirectError{"stopped after 10 redirects"}
	case req.URL.Scheme != prev.URL.Scheme:
		return &redirectError{fmt.Sprintf("refused a redirect from %s to %s: it changes the scheme from %s to %s",
			redactURL(prev.URL), redactURL(req.URL), prev.URL.Scheme, req.URL.Scheme)}
	case req.Method != prev.Method:
		return &redirectError{fmt.Sprintf("refused a redirect to %s: it turns the %s into a %s, and the alert would not be sent (the endpoint should answer 307 or 308, or give the final URL)",
			redactURL(req.URL), prev.Method, req.Method)}
	}
	return nil
}

// NewWebhook checks cfg and returns the transport.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, secrets and all
		}
		return nil, fmt.Errorf("webhook URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook URL %q: want http:// or https:// and a host", redactURL(u))
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.TLS != nil {
		tr.TLSClientConfig = cfg.TLS.Clone()
	}
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	if tr.TLSClientConfig.MinVersion == 0 {
		tr.TLSClientConfig.MinVersion = tls.VersionTLS12
	}
	return &Webhook{
		url:    cfg.URL,
		shown:  redactURL(u),
		header: cfg.Header.Clone(),
		client: &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: checkRedirect},
	}, nil
}

// maxCAFile bounds a CA file: a system's whole bundle of roots is a few hundred KB.
const maxCAFile = 8 << 20

// LoadCAFile reads PEM certificates from path into a pool for WebhookConfig.TLS or
// SyslogConfig.TLS RootCAs. A file over 8 MB, a device or a pipe is refused.
func LoadCAFile(path string) (*x509.CertPool, error) {
	pem, err := readfile.Read(path, maxCAFile)
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s: no PEM certificate in it", path)
	}
	return pool, nil
}

// maxRetryAfter bounds how long a Retry-After answer can hold an alert.
const maxRetryAfter = 5 * time.Minute

// Deliver POSTs a. Each request gets its own body: the HTTP client may still read a
// body after the response has arrived.
func (w *Webhook) Deliver(ctx context.Context, a *alert.Alert) error {
	body := alert.AppendJSON(make([]byte, 0, 1024), a)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("webhook %s: %w", w.shown, err))
	}
	for k, v := range w.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "zonewarden")
	}
	resp, err := w.client.Do(req)
	if err != nil {
		// The client's url.Error names the URL it was at, query secrets included: name
		// the redacted one instead.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		var redir *redirectError
		if errors.As(err, &redir) {
			return Permanent(fmt.Errorf("webhook %s: %w", w.shown, err))
		}
		var cert *tls.CertificateVerificationError
		if errors.As(err, &cert) {
			return fmt.Errorf("webhook %s: %w (is the server's CA given?)", w.shown, err)
		}
		return fmt.Errorf("webhook %s: %w", w.shown, err)
	}
	// Read a little of the answer so the connection can be reused, and no more.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout || code == http.StatusTooEarly || code == http.StatusTooManyRequests || code >= 500:
		err := fmt.Errorf("webhook %s: %s", w.shown, resp.Status)
		if d := parseRetryAfter(resp.Header.Get("Retry-After")); d > 0 {
			return RetryAfter(err, d)
		}
		return err
	default:
		return Permanent(fmt.Errorf("webhook %s: %s", w.shown, resp.Status))
	}
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date, capped at maxRetryAfter.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = time.Until(t)
	}
	return max(0, min(d, maxRetryAfter))
}

// Close closes idle connections.
func (w *Webhook) Close() error {
	w.client.CloseIdleConnections()
	return nil
}
