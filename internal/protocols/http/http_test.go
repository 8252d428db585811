package http

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	nethttp "net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// event is one Write (client to server) or Read (server to client) on the client's
// connection, in the order they happened.
type event struct {
	toServer bool
	data     []byte
}

type recorder struct {
	net.Conn
	mu     *sync.Mutex
	events *[]event
}

func (r recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	*r.events = append(*r.events, event{true, append([]byte{}, p...)})
	r.mu.Unlock()
	return r.Conn.Write(p)
}

func (r recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	if n > 0 {
		r.mu.Lock()
		*r.events = append(*r.events, event{false, append([]byte{}, p[:n]...)})
		r.mu.Unlock()
	}
	return n, err
}

// transcript runs a real net/http server and client over loopback and records the bytes of
// one kept-alive connection: a page from a device's web server, a request refused with a
// Basic challenge, a chunked answer and a POST.
func transcript(tb testing.TB) []event {
	tb.Helper()
	mux := nethttp.NewServeMux()
	mux.HandleFunc("/", func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("Server", "Siemens S7-1500 Web Server")
		w.Header().Set("X-Powered-By", "PHP/5.4.16")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><title>PLC</title></html>")
	})
	mux.HandleFunc("/secure", func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("Server", "GoAhead-Webs")
		w.Header().Set("WWW-Authenticate", `Basic realm="Modicon M580"`)
		w.WriteHeader(nethttp.StatusUnauthorized)
	})
	mux.HandleFunc("/stream", func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("Server", "lighttpd/1.4.59")
		for i := 0; i < 3; i++ {
			fmt.Fprintf(w, "value %d\n", i)
			w.(nethttp.Flusher).Flush()
		}
	})
	mux.HandleFunc("/api/setpoint", func(w nethttp.ResponseWriter, r *nethttp.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(nethttp.StatusNoContent)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Skipf("no loopback: %v", err)
	}
	srv := &nethttp.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()

	var mu sync.Mutex
	var events []event
	tr := &nethttp.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return recorder{c, &mu, &events}, nil
		},
		MaxIdleConnsPerHost: 1,
	}
	defer tr.CloseIdleConnections()
	client := &nethttp.Client{Transport: tr}
	base := "http://" + ln.Addr().String()
	do := func(req *nethttp.Request) {
		req.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) TIA Portal V18")
		resp, err := client.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for _, path := range []string{"/", "/secure", "/stream"} {
		req, _ := nethttp.NewRequest("GET", base+path, nil)
		do(req)
	}
	req, _ := nethttp.NewRequest("POST", base+"/api/setpoint", strings.NewReader(`{"tag":"TIC101.SP","value":72.5}`))
	req.Header.Set("Content-Type", "application/json")
	do(req)
	mu.Lock()
	defer mu.Unlock()
	return append([]event{}, events...)
}

// streams joins the transcript per direction.
func streams(ev []event) (toServer, toClient []byte) {
	for _, e := range ev {
		if e.toServer {
			toServer = append(toServer, e.data...)
		} else {
			toClient = append(toClient, e.data...)
		}
	}
	return toServer, toClient
}

// messages cuts a stream into header blocks with PDULen, stepping over bodies with
// BodyLen and, for chunked bodies, over the chunks.
func messages(tb testing.TB, s []byte) []Message {
	tb.Helper()
	var out []Message
	for len(s) > 0 {
		n, err := PDULen(s)
		if err != nil || n == 0 {
			tb.Fatalf("PDULen at %q: %d %v", s[:min(len(s), 40)], n, err)
		}
		var m Message
		if err := Parse(s[:n], &m); err != nil {
			tb.Fatalf("Parse %q: %v", s[:n], err)
		}
		out = append(out, m)
		s = s[n:]
		if body, known := m.BodyLen(); known {
			s = s[body:]
			continue
		}
		if !m.Chunked {
			tb.Fatalf("body of unknown length: %+v", m)
		}
		for { // chunk-size CRLF data CRLF ... 0 CRLF CRLF
			i := bytes.Index(s, []byte("\r\n"))
			size, err := strconv.ParseInt(string(s[:i]), 16, 64)
			if err != nil {
				tb.Fatal(err)
			}
			s = s[i+2:]
			if size == 0 {
				s = s[2:]
				break
			}
			s = s[size+2:]
		}
	}
	return out
}

func TestTranscript(t *testing.T) {
	req, resp := streams(transcript(t))
	reqs, resps := messages(t, req), messages(t, resp)
	if len(reqs) != 4 || len(resps) != 4 {
		t.Fatalf("%d requests, %d responses", len(reqs), len(resps))
	}
	r := reqs[0]
	if !r.Request || string(r.Method) != "GET" || string(r.Target) != "/" || r.Major != 1 || r.Minor != 1 ||
		!strings.HasPrefix(string(r.Host), "127.0.0.1:") || !strings.HasSuffix(string(r.UserAgent), "TIA Portal V18") {
		t.Errorf("request 0 %+v", r)
	}
	if p := reqs[3]; string(p.Method) != "POST" || p.ContentLength != 32 || string(p.ContentType) != "application/json" {
		t.Errorf("request 3 %+v", p)
	}
	s := resps[0]
	if s.Request || s.StatusCode != 200 || string(s.Reason) != "OK" || string(s.Server) != "Siemens S7-1500 Web Server" ||
		string(s.PoweredBy) != "PHP/5.4.16" || s.ContentLength != 31 {
		t.Errorf("response 0 %+v", s)
	}
	if a := resps[1]; a.StatusCode != 401 || string(a.WWWAuthenticate) != `Basic realm="Modicon M580"` || string(a.Server) != "GoAhead-Webs" {
		t.Errorf("response 1 %+v", a)
	}
	if c := resps[2]; !c.Chunked || string(c.Server) != "lighttpd/1.4.59" {
		t.Errorf("response 2 %+v", c)
	}
	if n := resps[3]; n.StatusCode != 204 {
		t.Errorf("response 3 %+v", n)
	}
}

// TestMatchesTshark writes the recorded connection into a capture as TCP segments on port
// 80 and holds every request's and response's fields against tshark's HTTP dissector.
func TestMatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	ev := transcript(t)
	segs := make([]testutil.Segment, len(ev))
	for i, e := range ev {
		segs[i] = testutil.Segment{FromClient: e.toServer, Data: e.data}
	}
	capPath := testutil.WriteTemp(t, "http.pcap", testutil.Pcap(t, layers.LinkTypeEthernet, testutil.TCPSession(t, 80, segs...)...))
	reqStream, respStream := streams(ev)
	reqs, resps := messages(t, reqStream), messages(t, respStream)

	fields := []string{"http.request.method", "http.request.uri", "http.request.version", "http.host", "http.user_agent",
		"http.response.code", "http.response.phrase", "http.server", "http.www_authenticate", "http.content_length_header",
		"http.transfer_encoding"}
	rows := testutil.Tshark(t, capPath, "http", fields, "-o", "tcp.desegment_tcp_streams:TRUE")
	tshark := make([][]string, len(fields))
	for _, row := range rows {
		for i := range fields {
			if i < len(row) && row[i] != "" {
				tshark[i] = append(tshark[i], strings.Split(row[i], ",")...)
			}
		}
	}
	if len(tshark[0]) != len(reqs) || len(tshark[5]) != len(resps) {
		t.Fatalf("tshark saw %d requests and %d responses, we %d and %d", len(tshark[0]), len(tshark[5]), len(reqs), len(resps))
	}
	var ours [11][]string
	add := func(i int, v []byte) {
		if v != nil {
			ours[i] = append(ours[i], string(v))
		}
	}
	for _, m := range reqs {
		add(0, m.Method)
		add(1, m.Target)
		add(2, []byte(fmt.Sprintf("HTTP/%d.%d", m.Major, m.Minor)))
		add(3, m.Host)
		add(4, m.UserAgent)
	}
	for _, m := range resps {
		add(5, []byte(strconv.Itoa(m.StatusCode)))
		add(6, m.Reason)
		add(7, m.Server)
		add(8, m.WWWAuthenticate)
		if m.Chunked {
			add(10, []byte("chunked"))
		}
	}
	for _, m := range append(reqs, resps...) {
		if m.ContentLength >= 0 {
			add(9, []byte(strconv.FormatInt(m.ContentLength, 10)))
		}
	}
	for i, f := range fields {
		got, want := ours[i], tshark[i]
		if i == 9 || i == 4 { // both directions, or values with commas: compare as sets
			got, want = sorted(got), sorted(want)
			if i == 4 {
				got, want = splitAll(got), splitAll(want)
			}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n  got %q\ntshark %q", f, got, want)
		}
	}
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// splitAll splits values at commas, as tshark's aggregator does.
func splitAll(s []string) []string {
	var out []string
	for _, v := range s {
		out = append(out, strings.Split(v, ",")...)
	}
	return sorted(out)
}

func TestPDULen(t *testing.T) {
	long := "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", MaxHeaderBytes) + "\r\n\r\n"
	tests := []struct {
		in      string
		want    int
		wantErr error
	}{
		{"GET / HTTP/1.1\r\nHost: a\r\n\r\nbody", 27, nil},
		{"HTTP/1.0 200 OK\n\n", 17, nil},
		{"GET / HTTP/1.1\r\nHost: a\r\n", 0, nil},
		{"HTT", 0, nil},
		{"", 0, nil},
		{"M-SEARCH * HTTP/1.1\r\n\r\n", 23, nil},
		{"\x16\x03\x01\x02\x00", 0, errNotHTTP},
		{"get / HTTP/1.1\r\n\r\n", 0, errNotHTTP},
		{"SSH-2.0-OpenSSH_9.2\r\n", 0, errNotHTTP},
		{long, 0, errTooLong},
	}
	for _, tc := range tests {
		n, err := PDULen([]byte(tc.in))
		if n != tc.want || err != tc.wantErr {
			t.Errorf("PDULen(%.30q) = %d, %v; want %d, %v", tc.in, n, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		wantErr  error
		check    func(*Message) bool
	}{
		{"incomplete", "GET / HTTP/1.1\r\nHost: a\r\n", ErrIncomplete, nil},
		{"no version", "GET /\r\n\r\n", errRequestLine, nil},
		{"bad version", "GET / HTTP/x.1\r\n\r\n", errRequestLine, nil},
		{"lower-case method", "get / HTTP/1.1\r\n\r\n", errRequestLine, nil},
		{"bad status", "HTTP/1.1 2x0 OK\r\n\r\n", errStatusLine, nil},
		{"short status", "HTTP/1.1 20\r\n\r\n", errStatusLine, nil},
		{"header without colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", errHeaderLine, nil},
		{"bad content length", "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", errContentLength, nil},
		{"huge content length", "HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\n", errContentLength, nil},
		{"status without reason", "HTTP/1.1 200\r\n\r\n", nil, func(m *Message) bool { return m.StatusCode == 200 && m.Reason == nil }},
		{"case and folding", "HTTP/1.0 200 OK\r\nSERVER:  Boa/0.94.14rc21 \r\n  folded\r\nx-powered-by:ASP.NET\r\n\r\n", nil,
			func(m *Message) bool {
				return string(m.Server) == "Boa/0.94.14rc21" && string(m.PoweredBy) == "ASP.NET" && m.Headers == 2
			}},
		{"gzip then chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", nil, func(m *Message) bool { return m.Chunked }},
		{"304 has no body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", nil, func(m *Message) bool {
			n, known := m.BodyLen()
			return n == 0 && known
		}},
		// SSDP (UDP 1900) speaks the same format: devices announce themselves with NOTIFY.
		{"ssdp notify", "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n" +
			"SERVER: Linux/4.9 UPnP/1.0 Moxa NPort 5150/3.9\r\nLOCATION: http://10.20.0.60:80/desc.xml\r\n\r\n", nil,
			func(m *Message) bool {
				return m.Request && string(m.Method) == "NOTIFY" && string(m.Target) == "*" && string(m.Server) == "Linux/4.9 UPnP/1.0 Moxa NPort 5150/3.9"
			}},
		{"close-delimited", "HTTP/1.0 200 OK\r\n\r\n", nil, func(m *Message) bool { _, known := m.BodyLen(); return !known }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			err := Parse([]byte(tc.in), &m)
			if err != tc.wantErr {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if tc.check != nil && !tc.check(&m) {
				t.Errorf("unexpected %+v", m)
			}
		})
	}
}

func headerBlocks(tb testing.TB) [][]byte {
	req, resp := streams(transcript(tb))
	var out [][]byte
	for _, s := range [][]byte{req, resp} {
		for {
			n, err := PDULen(s)
			if err != nil || n == 0 {
				break
			}
			out = append(out, s[:n])
			i := bytes.Index(s[n:], []byte("HTTP/1.1 "))
			j := bytes.Index(s[n:], []byte("GET "))
			k := bytes.Index(s[n:], []byte("POST "))
			next := -1
			for _, x := range []int{i, j, k} {
				if x >= 0 && (next < 0 || x < next) {
					next = x
				}
			}
			if next < 0 {
				break
			}
			s = s[n+next:]
		}
	}
	return out
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, b := range headerBlocks(t) {
		if n := testing.AllocsPerRun(100, func() { _ = Parse(b, &m); _, _ = PDULen(b) }); n != 0 {
			t.Errorf("allocates %v times", n)
		}
	}
}

func BenchmarkParse(bm *testing.B) {
	blocks := headerBlocks(bm)
	var m Message
	bm.ReportAllocs()
	for i := 0; bm.Loop(); i++ {
		b := blocks[i%len(blocks)]
		if _, err := PDULen(b); err != nil {
			bm.Fatal(err)
		}
		if err := Parse(b, &m); err != nil {
			bm.Fatal(err)
		}
	}
}

var fuzzSeeds = []string{
	"GET / HTTP/1.1\r\nHost: 10.0.0.1\r\nUser-Agent: curl/8.5.0\r\n\r\n",
	"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"PLC\"\r\nContent-Length: 0\r\n\r\n",
	"HTTP/1.0 200 OK\nServer: Boa\n\n",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := Parse(b, &m); err != nil {
			return
		}
		if m.HeaderLen > len(b) || m.HeaderLen > MaxHeaderBytes || (m.StatusCode != 0 && (m.StatusCode < 0 || m.StatusCode > 999)) {
			t.Fatalf("header len %d of %d, status %d", m.HeaderLen, len(b), m.StatusCode)
		}
		_, _ = m.BodyLen()
	})
}

func FuzzPDULen(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := PDULen(b)
		if err != nil {
			return
		}
		if n < 0 || n > len(b) || n > MaxHeaderBytes {
			t.Fatalf("PDULen = %d of %d", n, len(b))
		}
		if n > 0 {
			var m Message
			if err := Parse(b[:n], &m); err == ErrIncomplete {
				t.Fatal("Parse finds no end in the block PDULen delimited")
			}
		}
	})
}
