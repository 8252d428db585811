package tlsid

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// chain makes a CA and a device certificate signed by it, as a plant's PKI would issue
// to a controller.
func chain(tb testing.TB) tls.Certificate {
	tb.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Plant Issuing CA", Organization: []string{"Example Plant"}},
		NotBefore:             time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes([]byte{0x00, 0x9c, 0x41, 0x7e, 0x2a, 0x55, 0x01}),
		Subject: pkix.Name{CommonName: "plc-cell2.plant.example", Organization: []string{"Example Automation"},
			OrganizationalUnit: []string{"CPU 1516-3 PN/DP"}, SerialNumber: "S C-C2UR28922012", Country: []string{"DE"}},
		NotBefore:   time.Date(2025, 3, 1, 12, 30, 0, 0, time.UTC),
		NotAfter:    time.Date(2055, 3, 1, 12, 30, 0, 0, time.UTC), // past 2049: GeneralizedTime
		DNSNames:    []string{"plc-cell2.plant.example"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}
}

// recConn records what each side writes.
type recConn struct {
	net.Conn
	mu  *sync.Mutex
	out *bytes.Buffer
}

func (c recConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.out.Write(p)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// handshake runs a real crypto/tls handshake between a client and a server over
// net.Pipe, with the given highest version, and returns the bytes each side wrote.
func handshake(tb testing.TB, maxVersion uint16) (client, server []byte) {
	tb.Helper()
	cert := chain(tb)
	c, s := net.Pipe()
	var mu sync.Mutex
	var cbuf, sbuf bytes.Buffer
	srv := tls.Server(recConn{s, &mu, &sbuf}, &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: maxVersion,
		NextProtos: []string{"http/1.1"}})
	cli := tls.Client(recConn{c, &mu, &cbuf}, &tls.Config{ServerName: "plc-cell2.plant.example", InsecureSkipVerify: true,
		MaxVersion: maxVersion, NextProtos: []string{"h2", "http/1.1"}})
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
		tb.Fatal(err)
	}
	io.ReadAll(cli)
	cli.Close()
	if err := <-done; err != nil {
		tb.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return append([]byte{}, cbuf.Bytes()...), append([]byte{}, sbuf.Bytes()...)
}

// records cuts a stream into records with PDULen.
func records(tb testing.TB, s []byte) [][]byte {
	tb.Helper()
	var out [][]byte
	for len(s) > 0 {
		n, err := PDULen(s)
		if err != nil || n == 0 || n > len(s) {
			tb.Fatalf("PDULen: %d %v (%d left)", n, err, len(s))
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func TestTLS12(t *testing.T) {
	cs, ss := handshake(t, tls.VersionTLS12)
	var m Message
	crecs := records(t, cs)
	if err := Parse(crecs[0], &m); err != nil {
		t.Fatal(err)
	}
	ch := m.ClientHello
	if !m.HasClientHello || string(ch.ServerName) != "plc-cell2.plant.example" || string(ch.ALPN) != "h2" ||
		ch.MaxVersion != VersionTLS12 || ch.CipherSuites == 0 {
		t.Errorf("client hello %+v", ch)
	}
	var sawCert, sawHello bool
	for _, r := range records(t, ss) {
		if err := Parse(r, &m); err != nil {
			t.Fatal(err)
		}
		if m.HasServerHello {
			sawHello = true
			if m.ServerHello.Version != VersionTLS12 || string(m.ServerHello.ALPN) != "http/1.1" {
				t.Errorf("server hello %+v", m.ServerHello)
			}
		}
		if m.HasCertificate {
			sawCert = true
			c := &m.Certificate
			if m.Certificates != 2 || string(c.Subject.CommonName) != "plc-cell2.plant.example" ||
				string(c.Subject.Organization) != "Example Automation" || string(c.Subject.OrgUnit) != "CPU 1516-3 PN/DP" ||
				string(c.Subject.SerialNumber) != "S C-C2UR28922012" || string(c.Subject.Country) != "DE" ||
				string(c.Issuer.CommonName) != "Plant Issuing CA" || string(c.Issuer.Organization) != "Example Plant" ||
				hex.EncodeToString(c.Serial) != "009c417e2a5501" || c.SelfIssued() {
				t.Errorf("certificate %d: %+v", m.Certificates, c)
			}
			if !c.NotBefore.Equal(time.Date(2025, 3, 1, 12, 30, 0, 0, time.UTC)) || !c.NotAfter.Equal(time.Date(2055, 3, 1, 12, 30, 0, 0, time.UTC)) {
				t.Errorf("validity %v %v", c.NotBefore, c.NotAfter)
			}
		}
	}
	if !sawCert || !sawHello {
		t.Errorf("server hello %v certificate %v", sawHello, sawCert)
	}
}

// TestTLS13 shows what TLS 1.3 leaves visible: the hellos, not the certificate.
func TestTLS13(t *testing.T) {
	cs, ss := handshake(t, tls.VersionTLS13)
	var m Message
	if err := Parse(records(t, cs)[0], &m); err != nil {
		t.Fatal(err)
	}
	if m.ClientHello.MaxVersion != VersionTLS13 || string(m.ClientHello.ServerName) != "plc-cell2.plant.example" {
		t.Errorf("client hello %+v", m.ClientHello)
	}
	var version uint16
	for _, r := range records(t, ss) {
		if err := Parse(r, &m); err != nil {
			t.Fatal(err)
		}
		if m.HasServerHello {
			version = m.ServerHello.Version
		}
		if m.HasCertificate {
			t.Error("a TLS 1.3 certificate was read in clear")
		}
	}
	if version != VersionTLS13 {
		t.Errorf("negotiated %x", version)
	}
}

// TestSplitCertificate cuts the server's handshake flight into small records, as a
// device with a short buffer does: the certificate is read by ParseHandshake from the
// joined payloads, and Parse on the first record says the certificate is cut.
func TestSplitCertificate(t *testing.T) {
	_, ss := handshake(t, tls.VersionTLS12)
	var flight []byte
	for _, r := range records(t, ss) {
		if r[0] == TypeHandshake {
			flight = append(flight, r[RecordHeaderLen:]...)
		} else {
			break
		}
	}
	var m Message
	if err := ParseHandshake(flight, &m); err != nil {
		t.Fatal(err)
	}
	if !m.HasCertificate || string(m.Certificate.Subject.CommonName) != "plc-cell2.plant.example" || m.Partial {
		t.Errorf("joined flight: %+v", m)
	}
	// The flight cut where the Certificate message's first certificate begins.
	at := bytes.Index(flight, m.Certificate.Serial) // inside the first certificate
	var part Message
	if err := ParseHandshake(flight[:at], &part); err != nil {
		t.Fatal(err)
	}
	if !part.HasCertificate || !part.CertTruncated || !part.Partial || part.Certificate.Subject.CommonName != nil {
		t.Errorf("cut flight: %+v", part)
	}
}

func TestPDULen(t *testing.T) {
	tests := []struct {
		in      []byte
		want    int
		wantErr error
	}{
		{[]byte{0x16, 3, 1, 0, 5}, 10, nil},
		{[]byte{0x17, 3, 3, 0x40, 0x00}, 5 + 16384, nil},
		{[]byte{0x16, 3}, 0, nil},
		{[]byte{0x16, 3, 3, 0x48, 0x01}, 0, errRecordLen},
		{[]byte{0x80, 0x2e, 0x01, 0x03, 0x01}, 0, errNotTLS}, // SSLv2-style hello
		{[]byte("GET / HTTP/1.1\r\n"), 0, errNotTLS},
	}
	for _, tc := range tests {
		n, err := PDULen(tc.in)
		if n != tc.want || err != tc.wantErr {
			t.Errorf("PDULen(%x) = %d, %v; want %d, %v", tc.in, n, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cs, _ := handshake(t, tls.VersionTLS12)
	hello := records(t, cs)[0]
	cut := func(n int) []byte { // the hello with its handshake body cut to n bytes, lengths fixed
		b := append([]byte{}, hello[:RecordHeaderLen+4+n]...)
		b[3], b[4] = byte((4+n)>>8), byte(4+n)
		b[6], b[7], b[8] = byte(n>>16), byte(n>>8), byte(n)
		return b
	}
	tests := []struct {
		name    string
		in      []byte
		wantErr error
	}{
		{"record cut", hello[:len(hello)-1], errShort},
		{"hello without random", cut(10), errClientHello},
		{"hello cut in extensions", cut(len(hello) - RecordHeaderLen - 4 - 3), errClientHello},
		{"alert", []byte{0x15, 3, 3, 0, 2, 2, 40}, nil},
		{"encrypted finished", append([]byte{0x16, 3, 3, 0, 8}, 0xd7, 1, 2, 3, 4, 5, 6, 7), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			if err := Parse(tc.in, &m); err != tc.wantErr {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
		})
	}
}

// TestEncryptedFinished feeds what an encrypted Finished looks like (40 bytes of noise in
// a handshake record) starting with the Certificate type: it must not read as one.
func TestEncryptedFinished(t *testing.T) {
	rec := []byte{TypeHandshake, 3, 3, 0, 40, HandshakeCertificate, 0x3c, 0x91, 0x07, 0x00, 0x11, 0x52}
	rec = append(rec, make([]byte, 5+40-len(rec))...)
	for i := 12; i < len(rec); i++ {
		rec[i] = byte(i * 37)
	}
	var m Message
	if err := Parse(rec, &m); err != nil {
		t.Fatal(err)
	}
	if m.HasCertificate || !m.Opaque {
		t.Errorf("%+v", m)
	}
}

// TestMatchesTshark writes both TLS 1.2 streams into a capture on port 443 and holds the
// hello and certificate fields against tshark's TLS and X.509 dissectors.
func TestMatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	cs, ss := handshake(t, tls.VersionTLS12)
	capPath := testutil.WriteTemp(t, "tls.pcap", testutil.Pcap(t, layers.LinkTypeEthernet,
		testutil.TCPSession(t, 443, testutil.Segment{FromClient: true, Data: cs}, testutil.Segment{Data: ss})...))
	fields := []string{"tls.handshake.type", "tls.handshake.extensions_server_name", "tls.handshake.extensions_alpn_str",
		"tls.handshake.ciphersuite", "x509af.serialNumber", "x509sat.printableString", "x509sat.uTF8String",
		"x509af.utcTime", "x509af.generalizedTime", "x509sat.CountryName"}
	rows := testutil.Tshark(t, capPath, "tls.handshake.type == 1 || tls.handshake.type == 11", fields)
	if len(rows) != 2 {
		t.Fatalf("tshark: %d rows", len(rows))
	}
	var hello, cert Message
	if err := Parse(records(t, cs)[0], &hello); err != nil {
		t.Fatal(err)
	}
	for _, r := range records(t, ss) {
		var m Message
		if err := Parse(r, &m); err != nil {
			t.Fatal(err)
		}
		if m.HasServerHello {
			cert.ServerHello = m.ServerHello
		}
		if m.HasCertificate {
			cert.Certificate, cert.Certificates = m.Certificate, m.Certificates
		}
	}
	h := rows[0]
	for len(h) < len(fields) {
		h = append(h, "")
	}
	// tshark lists every ALPN protocol; Message keeps the first.
	// The client's first segment carries its ClientHello and, here, more.
	if !strings.HasPrefix(h[0], "1") || h[1] != string(hello.ClientHello.ServerName) || !strings.HasPrefix(h[2], string(hello.ClientHello.ALPN)+",") ||
		strings.Count(h[3], ",")+1 != hello.ClientHello.CipherSuites {
		t.Errorf("client hello: tshark %q, ours %+v", h[:4], hello.ClientHello)
	}
	c := rows[1]
	for len(c) < len(fields) {
		c = append(c, "")
	}
	types := strings.Split(c[0], ",")
	if types[0] != "2" || !contains(types, "11") {
		t.Errorf("server flight types %q", c[0])
	}
	if got := "0x" + hex.EncodeToString(cert.ServerHello.CipherSuiteBytes()); c[3] != got {
		t.Errorf("cipher suite: tshark %q, ours %s", c[3], got)
	}
	serials := strings.Split(c[4], ",")
	if len(serials) != cert.Certificates || serials[0] != hex.EncodeToString(cert.Certificate.Serial) {
		t.Errorf("serials: tshark %q, ours %x of %d", serials, cert.Certificate.Serial, cert.Certificates)
	}
	strs := append(strings.Split(c[5], ","), strings.Split(c[6], ",")...)
	cc := &cert.Certificate
	// (tshark 4.0 has no field for the serialNumber attribute; TestTLS12 checks it.)
	for _, v := range [][]byte{cc.Subject.CommonName, cc.Subject.Organization, cc.Subject.OrgUnit,
		cc.Issuer.CommonName, cc.Issuer.Organization} {
		if !contains(strs, string(v)) {
			t.Errorf("tshark's directory strings %q lack %q", strs, v)
		}
	}
	// The first certificate's validity: UTCTime 2025, GeneralizedTime 2055.
	if !strings.HasPrefix(c[7], cc.NotBefore.Format("2006-01-02 15:04:05 (UTC)")) || c[8] != cc.NotAfter.Format("Jan _2, 2006 15:04:05.000000000 UTC") {
		t.Errorf("validity: tshark %q %q, ours %v %v", c[7], c[8], cc.NotBefore, cc.NotAfter)
	}
	if c[9] != string(cc.Subject.Country) {
		t.Errorf("country: tshark %q, ours %q", c[9], cc.Subject.Country)
	}
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func testRecords(tb testing.TB) [][]byte {
	cs, ss := handshake(tb, tls.VersionTLS12)
	return append(records(tb, cs), records(tb, ss)...)
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for i, r := range testRecords(t) {
		if n := testing.AllocsPerRun(100, func() { _ = Parse(r, &m) }); n != 0 {
			t.Errorf("record %d (type %d): Parse allocates %v times", i, r[0], n)
		}
	}
}

func BenchmarkParse(bm *testing.B) {
	recs := testRecords(bm)
	var hs [][]byte
	for _, r := range recs {
		if r[0] == TypeHandshake {
			hs = append(hs, r)
		}
	}
	var m Message
	bm.ReportAllocs()
	for i := 0; bm.Loop(); i++ {
		if err := Parse(hs[i%len(hs)], &m); err != nil {
			bm.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, r := range testRecords(f) {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := Parse(b, &m); err != nil {
			return
		}
		if m.Length+RecordHeaderLen > len(b) || m.Certificates < 0 {
			t.Fatalf("length %d of %d", m.Length, len(b))
		}
		_ = m.Certificate.SelfIssued()
		_ = VersionName(m.ServerHello.Version)
	})
}

func FuzzParseHandshake(f *testing.F) {
	for _, r := range testRecords(f) {
		if r[0] == TypeHandshake {
			f.Add(r[RecordHeaderLen:])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		_ = ParseHandshake(b, &m)
	})
}

func FuzzPDULen(f *testing.F) {
	for _, r := range testRecords(f) {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := PDULen(b)
		if err != nil {
			return
		}
		if n != 0 && (n < RecordHeaderLen || n > RecordHeaderLen+MaxRecordLen) {
			t.Fatalf("PDULen = %d", n)
		}
		if n == 0 && len(b) >= RecordHeaderLen {
			t.Fatal("PDULen = 0 with a whole header")
		}
	})
}
