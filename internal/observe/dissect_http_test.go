package observe

import (
	"context"
	"io"
	"net"
	nethttp "net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// segment is what one side wrote on a connection.
type segment struct {
	fromClient bool
	data       []byte
}

// exchange builds a TCP connection's frames: the handshake, then each segment from its
// side with the sequence numbers running on.
func exchange(t testing.TB, client, server netip.AddrPort, segs []segment) [][]byte {
	cseq, sseq := uint32(1000), uint32(5000)
	frames := [][]byte{
		tcpFrame(t, client, server, macClient, macServer, cseq, true, false, nil),
		tcpFrame(t, server, client, macServer, macClient, sseq, true, true, nil),
	}
	cseq++
	sseq++
	for _, s := range segs {
		if s.fromClient {
			frames = append(frames, tcpFrame(t, client, server, macClient, macServer, cseq, false, true, s.data))
			cseq += uint32(len(s.data))
		} else {
			frames = append(frames, tcpFrame(t, server, client, macServer, macClient, sseq, false, true, s.data))
			sseq += uint32(len(s.data))
		}
	}
	return frames
}

// tapConn records what a client writes and reads, in order.
type tapConn struct {
	net.Conn
	mu   *sync.Mutex
	segs *[]segment
}

func (c tapConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	*c.segs = append(*c.segs, segment{true, append([]byte{}, p...)})
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		*c.segs = append(*c.segs, segment{false, append([]byte{}, p[:n]...)})
		c.mu.Unlock()
	}
	return n, err
}

// httpTranscript runs a real net/http server and client over loopback (as the http
// package's tests do) and records one kept-alive connection: a device's page, a login
// challenge with the device in its realm, and a POST.
func httpTranscript(t testing.TB) []segment {
	mux := nethttp.NewServeMux()
	mux.HandleFunc("/", func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("Server", "Siemens S7-1500 Web Server")
		io.WriteString(w, "<html><title>PLC</title></html>")
	})
	mux.HandleFunc("/secure", func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("Server", "GoAhead-Webs")
		w.Header().Set("WWW-Authenticate", `Basic realm="Modicon M580"`)
		w.WriteHeader(nethttp.StatusUnauthorized)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback listener: %v", err)
	}
	srv := &nethttp.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	var mu sync.Mutex
	var segs []segment
	tr := &nethttp.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return tapConn{c, &mu, &segs}, nil
	}, MaxIdleConnsPerHost: 1}
	cl := &nethttp.Client{Transport: tr, Timeout: 10 * time.Second}
	for _, do := range []func() (*nethttp.Response, error){
		func() (*nethttp.Response, error) {
			req, _ := nethttp.NewRequest("GET", "http://"+ln.Addr().String()+"/", nil)
			req.Host = "plc-7.plant.example"
			return cl.Do(req)
		},
		func() (*nethttp.Response, error) { return cl.Get("http://" + ln.Addr().String() + "/secure") },
		func() (*nethttp.Response, error) {
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

// httpTranscriptFacts is what httpTranscript reveals: the client's software, the name it
// asks for, and the server's software and login realm.
var httpTranscriptFacts = []string{
	"10.0.0.10 user_agent=Go-http-client/1.1 (high, http)",
	"10.0.0.20 server_name=plc-7.plant.example (low, http)",
	"10.0.0.20 http_server=Siemens S7-1500 Web Server (high, http)",
	"10.0.0.20 http_server=GoAhead-Webs (high, http)",
	"10.0.0.20 http_realm=Modicon M580 (high, http)",
}

func TestHTTP(t *testing.T) {
	segs := httpTranscript(t)
	client, server := netip.MustParseAddrPort("10.0.0.10:40000"), netip.MustParseAddrPort("10.0.0.20:80")
	r := runFrames(t, exchange(t, client, server, segs)...)
	wantFacts(t, r, httpTranscriptFacts, "10.0.0.20 server_name=127.0.0.1")
	f := flowOf(t, r, AppHTTP)
	if ops := opsOf(f); !slices.Equal(ops, []string{"get=2/0", "post=1/0"}) {
		t.Errorf("ops %v", ops)
	}
	// The same connection on a port no protocol claims is recognised by its request.
	r = runFrames(t, exchange(t, client, netip.MustParseAddrPort("10.0.0.20:8081"), segs)...)
	if f := flowOf(t, r, AppHTTP); f.Server.Port() != 8081 {
		t.Errorf("flow %v", f.Server)
	}

	// SSDP: a UPnP device's announcement names its software.
	notify := "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n" +
		"LOCATION: http://10.0.0.30:49152/description.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n" +
		"SERVER: Linux/4.14 UPnP/1.0 IpCam/2.1\r\nUSN: uuid:2f402f80-da50-11e1-9b23-001788255acb::upnp:rootdevice\r\n\r\n"
	r = runFrames(t, udpFrame(t, netip.MustParseAddrPort("10.0.0.30:1900"), netip.MustParseAddrPort("239.255.255.250:1900"),
		mac("00:17:88:25:5a:cb"), mac("01:00:5e:7f:ff:fa"), []byte(notify)))
	wantFacts(t, r, []string{"10.0.0.30 http_server=Linux/4.14 UPnP/1.0 IpCam/2.1 (high, ssdp)"}, "239.255.255.250")
}

// A header block cut across segments is read once its end arrives: the same real
// exchange as TestHTTP, every message start cut in three (inside the start line and
// inside a header value), as a small MSS or a client writing line by line would cut it.
func TestHTTPHeaderAcrossSegments(t *testing.T) {
	var cut []segment
	for _, s := range httpTranscript(t) {
		if !httpStart(s.data) || len(s.data) < 40 {
			cut = append(cut, s)
			continue
		}
		a, b := 9, len(s.data)/2
		cut = append(cut, segment{s.fromClient, s.data[:a]}, segment{s.fromClient, s.data[a:b]}, segment{s.fromClient, s.data[b:]})
	}
	client, server := netip.MustParseAddrPort("10.0.0.10:40000"), netip.MustParseAddrPort("10.0.0.20:80")
	r := runFrames(t, exchange(t, client, server, cut)...)
	wantFacts(t, r, httpTranscriptFacts, "10.0.0.20 server_name=127.0.0.1")
	if ops := opsOf(flowOf(t, r, AppHTTP)); !slices.Equal(ops, []string{"get=2/0", "post=1/0"}) {
		t.Errorf("ops %v", ops)
	}

	// A block that never ends within httpPendingMax is given up, and the next message on
	// the connection is read as usual.
	long := "GET / HTTP/1.1\r\nHost: hmi-1\r\nX-Pad: " + strings.Repeat("a", httpPendingMax) + "\r\n\r\n"
	next := "HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.59\r\nContent-Length: 0\r\n\r\n"
	segs := []segment{{true, []byte(long[:1000])}, {true, []byte(long[1000:3000])}, {true, []byte(long[3000:])}, {false, []byte(next)}}
	r = runFrames(t, exchange(t, client, server, segs)...)
	wantFacts(t, r, []string{"10.0.0.20 http_server=lighttpd/1.4.59 (high, http)"}, "10.0.0.20 server_name=hmi-1")
}

func TestHTTPHeaderValues(t *testing.T) {
	for in, want := range map[string]string{"plc-7:8080": "plc-7", "10.0.0.1:80": "", "[fd00::1]:443": "", "hmi": "hmi", "": ""} {
		if got := string(hostName([]byte(in))); got != want {
			t.Errorf("hostName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{`Basic realm="Modicon M580"`: "Modicon M580", `Digest qop="auth", Realm=TP1200, nonce="x"`: "TP1200",
		`Bearer`: "", `Basic foorealm="x"`: ""} {
		if got := string(authRealm([]byte(in))); got != want {
			t.Errorf("authRealm(%q) = %q, want %q", in, got, want)
		}
	}
}
