package observetest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Transcripts of real protocol software talking (Go's TLS, HTTP and SSH stacks over a
// loopback connection) and captured announcements, as the IT protocols' tests and the
// pipeline's allocation tests replay them.

type streamConn struct {
	net.Conn
	mu  *sync.Mutex
	out *bytes.Buffer
}

func (c streamConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.out.Write(p)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// SSHStreams runs golang.org/x/crypto/ssh's client and server against each other over
// loopback TCP (as the sshid package's tests do), the server announcing itself as an
// embedded device's stack, and returns what each side wrote: its banner, then binary
// packets.
func SSHStreams(t testing.TB) (client, server []byte) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{NoClientAuth: true, ServerVersion: "SSH-2.0-dropbear_2022.83"}
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var cbuf, sbuf bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, chans, reqs, err := ssh.NewServerConn(streamConn{s, &mu, &sbuf}, cfg)
		if err == nil {
			go ssh.DiscardRequests(reqs)
			go func() {
				for ch := range chans {
					ch.Reject(ssh.Prohibited, "no")
				}
			}()
			conn.Close()
		}
	}()
	cc, _, _, err := ssh.NewClientConn(streamConn{c, &mu, &cbuf}, "rtu-07:22", &ssh.ClientConfig{
		User: "engineer", HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cc.Close()
	<-done
	mu.Lock()
	defer mu.Unlock()
	return bytes.Clone(cbuf.Bytes()), bytes.Clone(sbuf.Bytes())
}

// DeviceCert makes a CA and a device certificate signed by it, as a plant's PKI issues
// them to controllers (the tlsid package's test chain).
func DeviceCert(t testing.TB) tls.Certificate {
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
	segs   *[]Segment
}

func (c sideConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	*c.segs = append(*c.segs, Segment{FromClient: c.client, Data: append([]byte{}, p...)})
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// TLSTranscript runs a real crypto/tls handshake up to maxVersion over net.Pipe and
// returns what each side wrote: hellos, the certificate (in clear up to TLS 1.2), a
// little application data and the close.
func TLSTranscript(t testing.TB, maxVersion uint16) []Segment {
	t.Helper()
	c, s := net.Pipe()
	var mu sync.Mutex
	var segs []Segment
	srv := tls.Server(sideConn{s, false, &mu, &segs}, &tls.Config{Certificates: []tls.Certificate{DeviceCert(t)}, MaxVersion: maxVersion})
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

// tapConn records what a client writes and reads, in order.
type tapConn struct {
	net.Conn
	mu   *sync.Mutex
	segs *[]Segment
}

func (c tapConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	*c.segs = append(*c.segs, Segment{FromClient: true, Data: append([]byte{}, p...)})
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		*c.segs = append(*c.segs, Segment{FromClient: false, Data: append([]byte{}, p[:n]...)})
		c.mu.Unlock()
	}
	return n, err
}

// HTTPTranscript runs a real net/http server and client over loopback (as the http
// package's tests do) and records one kept-alive connection: a device's page, a login
// challenge with the device in its realm, and a POST.
func HTTPTranscript(t testing.TB) []Segment {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "Siemens S7-1500 Web Server")
		io.WriteString(w, "<html><title>PLC</title></html>")
	})
	mux.HandleFunc("/secure", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "GoAhead-Webs")
		w.Header().Set("WWW-Authenticate", `Basic realm="Modicon M580"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback listener: %v", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	var mu sync.Mutex
	var segs []Segment
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return tapConn{c, &mu, &segs}, nil
	}, MaxIdleConnsPerHost: 1}
	cl := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	for _, do := range []func() (*http.Response, error){
		func() (*http.Response, error) {
			req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/", nil)
			req.Host = "plc-7.plant.example"
			return cl.Do(req)
		},
		func() (*http.Response, error) { return cl.Get("http://" + ln.Addr().String() + "/secure") },
		func() (*http.Response, error) {
			return cl.Post("http://"+ln.Addr().String()+"/", "text/plain", strings.NewReader("setpoint=42"))
		},
	} {
		resp, err := do()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	tr.CloseIdleConnections()
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(segs)
}

// The avahi-daemon 0.8 announcement of host hmi-panel-7 (10.77.0.5 and
// fe80::ecd4:1aff:fe37:3dcf), captured with tshark (internal/protocols/dns's fixture).
const HexAvahiAnnouncement = "0000840000000006000000001f686d692d70616e656c2d37205b65653a64343a31613a33373a33643a63665d0c5f776f726b" +
	"73746174696f6e045f746370056c6f63616c000010800100001194000100c02c000c0001000011940002c00cc00c00218001" +
	"0000007800140000000000090b686d692d70616e656c2d37c03ec070001c8001000000780010fe80000000000000ecd41aff" +
	"fe373dcfc070000180010000007800040a4d0005095f7365727669636573075f646e732d7364045f756470c03e000c000100" +
	"0011940002c02c"

// LLDPTLV encodes one LLDP TLV: 7 bits of type, 9 bits of length, the value.
func LLDPTLV(typ int, v ...[]byte) []byte {
	val := Join(v...)
	h := uint16(typ)<<9 | uint16(len(val))
	return append(BE16(h), val...)
}

// The LLDPDU that lldpd 1.0.16 sent from a veth whose host was plc-cell2.plant.example,
// captured with tshark (internal/protocols/lldp's test fixture): chassis and port MAC,
// a description naming a CPU 1516-3, station capability, management addresses 10.20.0.2
// and fd00:20::2, and LLDP-MED with a software revision.
const HexLLDPd = "020704001b1b8a2210040703001b1b8a2210060200780a17706c632d63656c6c322e706c616e742e6578616d706c65" +
	"0c4d5369656d656e732c2053494d415449432053372c2043505520313531362d3320504e2f44502c2036455337203531362d" +
	"33414e30312d304142302c2048573a20332c2046573a2056322e392e340e04009c0080100c05010a14000202000000030010" +
	"181102fd00002000000000000000000000000202000000030008037a7761fe0900120f030100000000fe0900120f01008000" +
	"0036fe070012bb01003f01fe130012bb07362e31382e34342d66632d763539350000"

// LLDPSwitch is a switch's LLDPDU laid out after IEEE 802.1AB (the lldp package's test
// switch): port Gi1/0/3, bridge and router capable with bridging enabled, managed at
// 10.20.0.2.
var LLDPSwitch = Join(
	LLDPTLV(1, []byte{4, 0x00, 0x1b, 0x54, 0xc2, 0x11, 0x80}),
	LLDPTLV(2, []byte{5}, []byte("Gi1/0/3")),
	LLDPTLV(3, BE16(120)),
	LLDPTLV(4, []byte("to cell 2 controllers")),
	LLDPTLV(5, []byte("sw-cell-2.plant.example")),
	LLDPTLV(6, []byte("Cisco IOS Software, IE4000 Software (IE4000-UNIVERSALK9-M), Version 15.2(7)E4")),
	LLDPTLV(7, BE16(0x0014), BE16(0x0004)),
	LLDPTLV(8, []byte{5, 1, 10, 20, 0, 2, 2}, BE32(3), []byte{0}),
	LLDPTLV(0),
)

// The 802.3 data (LLC/SNAP header and CDPv2 packet) of a frame lldpd 1.0.16 sent
// ("lldpd -ccc") from a veth whose host was plc-cell2.plant.example, captured with tshark
// (internal/protocols/cdp's test fixture).
const HexLLDPdCDP = "aaaa0300000c20000278dd840001001b706c632d63656c6c322e706c616e742e6578616d706c6500020011000000010101cc" +
	"00040a140002000300077a77610004000800000010000500515369656d656e732c2053494d415449432053372c2043505520313531" +
	"362d3320504e2f44502c2036455337203531362d33414e30312d304142302c2048573a20332c2046573a2056322e392e34000600094c696e7578"
