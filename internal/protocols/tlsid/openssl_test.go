package tlsid

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests hold the parser against OpenSSL's own handshake messages: a ClientHello
// from "openssl s_client", and the server flight of "openssl s_server" with a certificate
// made by "openssl req". They skip when openssl is not installed.

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
}

func TestOpenSSLClientHello(t *testing.T) {
	needOpenSSL(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "openssl", "s_client", "-connect", ln.Addr().String(), "-servername", "historian.plant.example",
		"-alpn", "opcua+uatcp,http/1.1")
	cmd.Stdin = strings.NewReader("")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	defer cmd.Wait()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	conn, err := ln.Accept()
	if err != nil {
		cancel()
		cmd.Wait()
		t.Skipf("openssl s_client did not connect: %v; it said %q", err, stderr.String())
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	rec := readRecord(t, conn)
	var m Message
	if err := Parse(rec, &m); err != nil {
		t.Fatal(err)
	}
	ch := m.ClientHello
	if !m.HasClientHello || string(ch.ServerName) != "historian.plant.example" || string(ch.ALPN) != "opcua+uatcp" ||
		ch.MaxVersion != VersionTLS13 || ch.CipherSuites < 3 {
		t.Errorf("openssl client hello %+v", ch)
	}
}

// readRecord reads one whole TLS record from r.
func readRecord(t *testing.T, r io.Reader) []byte {
	t.Helper()
	hdr := make([]byte, RecordHeaderLen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		t.Fatal(err)
	}
	n, err := PDULen(hdr)
	if err != nil {
		t.Fatal(err)
	}
	rec := make([]byte, n)
	copy(rec, hdr)
	if _, err := io.ReadFull(r, rec[RecordHeaderLen:]); err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestOpenSSLServerCertificate(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	key, crt := filepath.Join(dir, "key.pem"), filepath.Join(dir, "crt.pem")
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", key, "-out", crt, "-days", "3650", "-set_serial", "0x1c2d3e4f",
		"-subj", "/C=DE/O=Example Automation/OU=HMI Comfort Panels/CN=hmi-panel-7.plant.example").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // s_server binds it again
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	srv := exec.CommandContext(ctx, "openssl", "s_server", "-accept", "127.0.0.1:"+strconv.Itoa(port), "-cert", crt, "-key", key,
		"-tls1_2", "-naccept", "1", "-quiet")
	srv.Stdin = strings.NewReader("")
	if err := srv.Start(); err != nil {
		t.Skip(err)
	}
	defer srv.Wait()
	var conn net.Conn
	for i := 0; i < 50; i++ {
		if conn, err = net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var fromServer bytes.Buffer
	tc := tls.Client(readRecorder{conn, &mu, &fromServer}, &tls.Config{InsecureSkipVerify: true, ServerName: "hmi-panel-7.plant.example",
		MaxVersion: tls.VersionTLS12})
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	tc.Close()
	mu.Lock()
	stream := append([]byte{}, fromServer.Bytes()...)
	mu.Unlock()
	var flight []byte
	for _, r := range records(t, stream) {
		if r[0] != TypeHandshake {
			break
		}
		flight = append(flight, r[RecordHeaderLen:]...)
	}
	var m Message
	if err := ParseHandshake(flight, &m); err != nil {
		t.Fatal(err)
	}
	c := &m.Certificate
	if !m.HasServerHello || m.ServerHello.Version != VersionTLS12 || !m.HasCertificate || m.Certificates != 1 ||
		string(c.Subject.CommonName) != "hmi-panel-7.plant.example" || string(c.Subject.Organization) != "Example Automation" ||
		string(c.Subject.OrgUnit) != "HMI Comfort Panels" || string(c.Subject.Country) != "DE" || !c.SelfIssued() ||
		len(c.Serial) != 4 || c.Serial[0] != 0x1c || c.NotAfter.Sub(c.NotBefore) != 3650*24*time.Hour {
		t.Errorf("openssl server: %+v", m)
	}
}

// readRecorder records what is read from the server.
type readRecorder struct {
	net.Conn
	mu *sync.Mutex
	in *bytes.Buffer
}

func (r readRecorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	r.in.Write(p[:n])
	r.mu.Unlock()
	return n, err
}
