package sink

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
)

// testAlert returns a plausible alert numbered n, so tests can tell alerts apart.
func testAlert(n int, sev finding.Severity) *alert.Alert {
	return &alert.Alert{
		Time:     time.Date(2026, 5, 4, 10, 0, n%60, 0, time.UTC),
		Severity: sev, Rule: "s7comm/plc-stop",
		Title:    fmt.Sprintf("PLC STOP #%d", n),
		Src:      alert.Endpoint{IP: netip.MustParseAddr("10.0.0.5"), Port: 49152, Asset: "ews-1", Zone: "cell-1"},
		Dst:      alert.Endpoint{IP: netip.MustParseAddr("10.0.0.10"), Port: 102, Asset: "plc-1", Zone: "cell-1"},
		Protocol: "s7comm", Operation: "plc-stop",
		Details:    []alert.Detail{{Key: "n", Value: fmt.Sprint(n)}},
		Packets:    []uint64{uint64(n)},
		Techniques: []string{"T0858"},
		Conduit:    "ews_to_cell-1", Allowed: alert.VerdictForbidden,
	}
}

// memTransport records delivered alerts; fail decides an attempt's error, and gate,
// when set, holds every delivery until it is closed or the context ends.
type memTransport struct {
	mu       sync.Mutex
	got      []*alert.Alert
	attempts int
	fail     func(attempt int, a *alert.Alert) error
	gate     chan struct{}
	closed   bool
}

func (m *memTransport) Deliver(ctx context.Context, a *alert.Alert) error {
	if m.gate != nil {
		select {
		case <-m.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.attempts++
	if m.fail != nil {
		if err := m.fail(m.attempts, a); err != nil {
			return err
		}
	}
	m.got = append(m.got, a)
	return nil
}

func (m *memTransport) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errors.New("closed twice")
	}
	m.closed = true
	return nil
}

func (m *memTransport) titles() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, a := range m.got {
		out = append(out, a.Title)
	}
	return out
}

// fastRetry keeps retrying tests quick.
var fastRetry = Retry{Attempts: 3, Initial: time.Millisecond, Max: 5 * time.Millisecond}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func checkBalance(t *testing.T, st Stats) {
	t.Helper()
	if st.Offered != st.Filtered+st.Dropped+st.Delivered+st.Failed+uint64(st.Pending+st.InFlight) {
		t.Errorf("counts do not add up: %+v", st)
	}
}

// testPKI is a CA and a server certificate for 127.0.0.1 and localhost, made fresh for
// each test run so no key material lives in the repository.
type testPKI struct {
	pool                      *x509.CertPool
	server                    tls.Certificate
	caFile, certFile, keyFile string
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "zonewarden test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	p := &testPKI{pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.server = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	dir := t.TempDir()
	write := func(name, typ string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	p.caFile = write("ca.pem", "CERTIFICATE", caDER)
	p.certFile = write("cert.pem", "CERTIFICATE", der)
	p.keyFile = write("key.pem", "EC PRIVATE KEY", keyDER)
	return p
}
