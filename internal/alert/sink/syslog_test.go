package sink

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
)

var testSyslogOpts = alert.SyslogOptions{Hostname: "sensor-1", ProcID: "77"}

func TestParseSyslogURL(t *testing.T) {
	tests := []struct {
		in, network, addr string
		ok                bool
	}{
		{"tls://127.0.0.1:6514", "tls", "127.0.0.1:6514", true},
		{"tls://siem.example", "tls", "siem.example:6514", true},
		{"udp://10.0.0.5", "udp", "10.0.0.5:514", true},
		{"tcp://[2001:db8::1]:1514", "tcp", "[2001:db8::1]:1514", true},
		{"tcp://[2001:db8::1]", "tcp", "[2001:db8::1]:514", true},
		{"tcp://host:1514/", "tcp", "host:1514", true},
		{"http://host", "", "", false},
		{"host:514", "", "", false},
		{"tcp://", "", "", false},
		{"tcp://host:0", "", "", false},
		{"tcp://host:70000", "", "", false},
		{"tcp://host:514/path", "", "", false},
		{"tcp://user@host:514", "", "", false},
		{"tcp://host:514?x=1", "", "", false},
		{"::", "", "", false},
	}
	for _, tt := range tests {
		network, addr, err := ParseSyslogURL(tt.in)
		if (err == nil) != tt.ok || network != tt.network || addr != tt.addr {
			t.Errorf("ParseSyslogURL(%q) = %q, %q, %v", tt.in, network, addr, err)
		}
	}
	// Credentials given by mistake are never echoed.
	for _, in := range []string{"tcp://admin:s3cret@host:514", "tcp://host:514?token=s3cret", "tcp://admin:s3cret@host:%zz"} {
		if _, _, err := ParseSyslogURL(in); err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseSyslogURL(%q): %v", in, err)
		}
	}
	if _, err := NewSyslog(SyslogConfig{Network: "sctp", Addr: "h:1"}); err == nil {
		t.Error("unknown network accepted")
	}
	if _, err := NewSyslog(SyslogConfig{Network: "tcp", Addr: "nohostport"}); err == nil {
		t.Error("address without port accepted")
	}
}

// readOctetCounted reads one RFC 6587 octet-counted frame: "LEN SP MSG".
func readOctetCounted(r *bufio.Reader) (string, error) {
	lenText, err := r.ReadString(' ')
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(strings.TrimSuffix(lenText, " "))
	if err != nil || n <= 0 || strings.HasPrefix(lenText, "0") {
		return "", fmt.Errorf("bad MSG-LEN %q", lenText)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(r, msg); err != nil {
		return "", err
	}
	return string(msg), nil
}

// streamReceiver accepts connections on ln and sends every frame it reads to frames;
// with closeAfterFirst it hangs up after the first frame of each connection.
func streamReceiver(t *testing.T, ln net.Listener, closeAfterFirst bool) (frames chan string, conns chan struct{}) {
	frames, conns = make(chan string, 100), make(chan struct{}, 100)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- struct{}{}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					msg, err := readOctetCounted(r)
					if err != nil {
						if err != io.EOF {
							frames <- "ERROR " + err.Error()
						}
						return
					}
					frames <- msg
					if closeAfterFirst {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return frames, conns
}

func receive(t *testing.T, frames chan string) string {
	t.Helper()
	select {
	case f := <-frames:
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("no frame arrived")
		return ""
	}
}

// The framing bytes on the wire, exactly: octet counting over TCP and TLS, one bare
// message per UDP datagram.
func TestSyslogFraming(t *testing.T) {
	pki := newTestPKI(t)
	a1, a2 := testAlert(1, finding.Critical), testAlert(2, finding.Medium)
	want1 := string(alert.AppendSyslog(nil, a1, testSyslogOpts))
	want2 := string(alert.AppendSyslog(nil, a2, testSyslogOpts))

	t.Run("tcp", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		// Read the raw stream to check the framing byte for byte.
		raw := make(chan []byte, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			b, _ := io.ReadAll(c)
			raw <- b
		}()
		s := newSyslogSink(t, SyslogConfig{Network: SyslogTCP, Addr: ln.Addr().String(), Options: testSyslogOpts})
		s.Send(a1)
		s.Send(a2)
		if err := s.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		b := <-raw
		want := fmt.Sprintf("%d %s%d %s", len(want1), want1, len(want2), want2)
		if string(b) != want {
			t.Errorf("stream\n%q\nwant\n%q", b, want)
		}
		ln.Close()
	})

	t.Run("tls", func(t *testing.T) {
		ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pki.server}})
		if err != nil {
			t.Fatal(err)
		}
		frames, _ := streamReceiver(t, ln, false)
		s := newSyslogSink(t, SyslogConfig{Network: SyslogTLS, Addr: ln.Addr().String(), TLS: &tls.Config{RootCAs: pki.pool}, Options: testSyslogOpts})
		s.Send(a1)
		s.Send(a2)
		if got := receive(t, frames); got != want1 {
			t.Errorf("frame 1 %q", got)
		}
		if got := receive(t, frames); got != want2 {
			t.Errorf("frame 2 %q", got)
		}
		if err := s.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("tls-unknown-ca", func(t *testing.T) {
		ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pki.server}})
		if err != nil {
			t.Fatal(err)
		}
		streamReceiver(t, ln, false)
		s := New(mustSyslog(t, SyslogConfig{Network: SyslogTLS, Addr: ln.Addr().String()}), Options{Name: "tls", Retry: fastRetry})
		s.Send(a1)
		err = s.Close(context.Background())
		if err == nil || !strings.Contains(err.Error(), "1 failed") || !strings.Contains(s.Stats().LastError, "CA") {
			t.Errorf("Close: %v; last error %q", err, s.Stats().LastError)
		}
	})

	t.Run("udp", func(t *testing.T) {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		s := newSyslogSink(t, SyslogConfig{Network: SyslogUDP, Addr: pc.LocalAddr().String(), Options: testSyslogOpts})
		s.Send(a1)
		s.Send(a2)
		for _, want := range []string{want1, want2} {
			buf := make([]byte, 65536)
			pc.SetReadDeadline(time.Now().Add(10 * time.Second))
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				t.Fatal(err)
			}
			if string(buf[:n]) != want {
				t.Errorf("datagram %q, want %q", buf[:n], want)
			}
		}
		if err := s.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func mustSyslog(t *testing.T, cfg SyslogConfig) *SyslogSender {
	t.Helper()
	tr, err := NewSyslog(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func newSyslogSink(t *testing.T, cfg SyslogConfig) *Sink {
	return New(mustSyslog(t, cfg), Options{Name: "syslog " + cfg.Network, Retry: fastRetry})
}

// A receiver that hangs up is noticed before the next message, which goes over a new
// connection instead of being written into a dead socket.
func TestSyslogReconnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	frames, conns := streamReceiver(t, ln, true)
	s := newSyslogSink(t, SyslogConfig{Network: SyslogTCP, Addr: ln.Addr().String(), Options: testSyslogOpts})
	for i := range 3 {
		a := testAlert(i, finding.High)
		s.Send(a)
		if got := receive(t, frames); got != string(alert.AppendSyslog(nil, a, testSyslogOpts)) {
			t.Fatalf("frame %d: %q", i, got)
		}
		time.Sleep(2 * idleCheck) // let the receiver's close arrive, and the stream go idle
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(conns) != 3 {
		t.Errorf("%d connections, want 3", len(conns))
	}
}

// A receiver that is down at first: the alert is retried and arrives once it is up.
func TestSyslogReceiverComesUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	tr := mustSyslog(t, SyslogConfig{Network: SyslogTCP, Addr: addr, Options: testSyslogOpts})
	s := New(tr, Options{Name: "late", Retry: Retry{Attempts: 50, Initial: 20 * time.Millisecond, Max: 20 * time.Millisecond}})
	s.Send(testAlert(1, finding.High))
	time.Sleep(100 * time.Millisecond)
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port taken meanwhile: %v", err)
	}
	frames, _ := streamReceiver(t, ln, false)
	if got := receive(t, frames); !strings.Contains(got, "PLC STOP #1") {
		t.Errorf("frame %q", got)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSyslogDatagramLimit(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	a := testAlert(1, finding.High)
	full := alert.AppendSyslog(nil, a, testSyslogOpts)
	b := *a
	b.Details = nil
	lean := alert.AppendSyslog(nil, &b, testSyslogOpts)

	tr := mustSyslog(t, SyslogConfig{Network: SyslogUDP, Addr: pc.LocalAddr().String(), Options: testSyslogOpts, MaxDatagram: len(full) - 1})
	if err := tr.Deliver(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 65536)
	pc.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil || string(buf[:n]) != string(lean) {
		t.Errorf("oversized alert sent as %q (%v), want it without details", buf[:n], err)
	}
	tr = mustSyslog(t, SyslogConfig{Network: SyslogUDP, Addr: pc.LocalAddr().String(), Options: testSyslogOpts, MaxDatagram: 100})
	if err := tr.Deliver(context.Background(), a); !IsPermanent(err) {
		t.Errorf("alert too large even without details: %v", err)
	}
}

// A receiver that accepts and never reads: once the socket buffers are full the write
// blocks, and Close's deadline must still end it.
func TestSyslogStalledReceiver(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c // held open, never read
		}
	}()
	tr := mustSyslog(t, SyslogConfig{Network: SyslogTCP, Addr: ln.Addr().String(), WriteTimeout: time.Minute})
	s := New(tr, Options{Name: "stalled", QueueSize: 50000})
	big := testAlert(1, finding.High)
	big.Details = []alert.Detail{{Key: "blob", Value: strings.Repeat("x", 16<<10)}}
	for range 20000 { // 320 MB: more than any socket buffer
		s.Send(big)
	}
	waitFor(t, "the writes to stall", func() bool {
		before := s.Stats().Delivered
		time.Sleep(50 * time.Millisecond)
		return s.Stats().Delivered == before && s.Stats().InFlight == 1
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Close(ctx)
	if d := time.Since(start); d > closeGrace {
		t.Errorf("Close took %v", d)
	}
	st := s.Stats()
	if err == nil || st.Delivered == 20000 || st.Dropped == 0 || strings.Contains(err.Error(), "did not stop") {
		t.Errorf("Close: %v, stats %+v", err, st)
	}
	checkBalance(t, st)
	if c := <-accepted; c != nil {
		c.Close()
	}
}
