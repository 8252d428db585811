package observe

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

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

// sshStreams runs golang.org/x/crypto/ssh's client and server against each other over
// loopback TCP (as the sshid package's tests do), the server announcing itself as an
// embedded device's stack, and returns what each side wrote: its banner, then binary
// packets.
func sshStreams(t testing.TB) (client, server []byte) {
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

func TestSSH(t *testing.T) {
	cs, ss := sshStreams(t)
	cut := func(b []byte) ([]byte, []byte) {
		i := bytes.IndexByte(b, '\n') + 1
		return b[:i], b[i:]
	}
	cBanner, cRest := cut(cs)
	sBanner, sRest := cut(ss)
	client := netip.MustParseAddrPort("10.0.0.10:40000")
	// The server greets with a line before its banner, as some devices do.
	segs := []segment{{false, append([]byte("Authorized use only\r\n"), sBanner...)}, {true, cBanner}, {true, cRest}, {false, sRest},
		{false, []byte("SSH-2.0-not-a-banner-any-more\r\n")}}
	for _, server := range []string{"10.0.0.20:22", "10.0.0.20:2022"} {
		r := runFrames(t, exchange(t, client, netip.MustParseAddrPort(server), segs)...)
		wantFacts(t, r, []string{
			"10.0.0.20 ssh_banner=SSH-2.0-dropbear_2022.83 (high, ssh)",
			"10.0.0.10 ssh_banner=" + strings.TrimSpace(string(cBanner)) + " (high, ssh)",
		}, "10.0.0.20 ssh_banner=SSH-2.0-not", "10.0.0.20 ssh_banner=Authorized")
		if f := flowOf(t, r, AppSSH); f.Anomalies != [NumFlowAnomalies]uint32{} {
			t.Errorf("%s: anomalies %v", server, f.Anomalies)
		}
	}
	// A capture that starts after the banners learns nothing and complains of nothing.
	r := runFrames(t, tcpFrame(t, client, netip.MustParseAddrPort("10.0.0.20:22"), macClient, macServer, 7, false, true, cRest))
	if f := flowOf(t, r, AppSSH); len(r.ids) != 0 || f.Anomalies != [NumFlowAnomalies]uint32{} {
		t.Errorf("mid-stream: facts %v, anomalies %v", factList(r), f.Anomalies)
	}
}
