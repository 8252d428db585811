package observe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"
)

// deviceCert makes a CA and a device certificate signed by it, as a plant's PKI issues
// them to controllers (the tlsid package's test chain).
func deviceCert(t testing.TB) tls.Certificate {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Plant Issuing CA", Organization: []string{"Example Plant"}},
		NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x9c417e2a5501),
		Subject: pkix.Name{CommonName: "plc-cell2.plant.example", Organization: []string{"Example Automation"},
			OrganizationalUnit: []string{"CPU 1516-3 PN/DP"}, SerialNumber: "S C-C2UR28922012", Country: []string{"DE"}},
		NotBefore: time.Date(2025, 3, 1, 12, 30, 0, 0, time.UTC), NotAfter: time.Date(2055, 3, 1, 12, 30, 0, 0, time.UTC),
		DNSNames: []string{"plc-cell2.plant.example"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}
}

// sideConn records what one side writes, in the order both sides write.
type sideConn struct {
	net.Conn
	client bool
	mu     *sync.Mutex
	segs   *[]segment
}

func (c sideConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	*c.segs = append(*c.segs, segment{c.client, append([]byte{}, p...)})
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// tlsTranscript runs a real crypto/tls handshake up to maxVersion over net.Pipe and
// returns what each side wrote: hellos, the certificate (in clear up to TLS 1.2), a
// little application data and the close.
func tlsTranscript(t testing.TB, maxVersion uint16) []segment {
	t.Helper()
	c, s := net.Pipe()
	var mu sync.Mutex
	var segs []segment
	srv := tls.Server(sideConn{s, false, &mu, &segs}, &tls.Config{Certificates: []tls.Certificate{deviceCert(t)}, MaxVersion: maxVersion})
	cli := tls.Client(sideConn{c, true, &mu, &segs}, &tls.Config{ServerName: "plc-cell2.plant.example", InsecureSkipVerify: true, MaxVersion: maxVersion})
	done := make(chan error, 1)
	go func() {
		err := srv.Handshake()
		if err == nil {
			_, err = io.WriteString(srv, "hello")
		}
		srv.Close()
		done <- err
	}()
	if err := cli.Handshake(); err != nil {
		t.Fatal(err)
	}
	io.ReadAll(cli)
	cli.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(segs)
}

func TestTLS(t *testing.T) {
	client := netip.MustParseAddrPort("10.0.0.10:40000")
	for _, tc := range []struct {
		name    string
		version uint16
		server  netip.AddrPort
	}{{"tls12", tls.VersionTLS12, netip.MustParseAddrPort("10.0.0.20:443")},
		{"tls13", tls.VersionTLS13, netip.MustParseAddrPort("10.0.0.20:443")},
		{"tls12 on a port of its own", tls.VersionTLS12, netip.MustParseAddrPort("10.0.0.20:9443")}} {
		t.Run(tc.name, func(t *testing.T) {
			r := runFrames(t, exchange(t, client, tc.server, tlsTranscript(t, tc.version))...)
			want := []string{"10.0.0.20 server_name=plc-cell2.plant.example (low, tls)"}
			var not []string
			if tc.version == tls.VersionTLS12 {
				want = append(want, "10.0.0.20 certificate_subject=CN=plc-cell2.plant.example, OU=CPU 1516-3 PN/DP, O=Example Automation, C=DE, serialNumber=S C-C2UR28922012 (high, tls)",
					"10.0.0.20 certificate_issuer=CN=Plant Issuing CA, O=Example Plant (high, tls)")
			} else {
				not = append(not, "10.0.0.20 certificate") // encrypted in TLS 1.3
			}
			wantFacts(t, r, want, append(not, "10.0.0.10 ")...)
			f := flowOf(t, r, AppTLS)
			ops := opsOf(f)
			if !slices.Contains(ops, "client_hello=1/0") || !slices.Contains(ops, "server_hello=0/1") {
				t.Errorf("ops %v", ops)
			}
			// Encrypted handshake messages after ChangeCipherSpec are not taken for
			// malformed ones.
			if f.Anomalies[AnomalyMalformed] != 0 || f.Anomalies[AnomalyFraming] != 0 {
				t.Errorf("anomalies %v", f.Anomalies)
			}
		})
	}
}
