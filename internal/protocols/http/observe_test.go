package http

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// httpTranscriptFacts is what observetest.HTTPTranscript reveals: the client's software, the name it
// asks for, and the server's software and login realm.
var httpTranscriptFacts = []string{
	"10.0.0.10 user_agent=Go-http-client/1.1 (high, http)",
	"10.0.0.20 server_name=plc-7.plant.example (low, http)",
	"10.0.0.20 http_server=Siemens S7-1500 Web Server (high, http)",
	"10.0.0.20 http_server=GoAhead-Webs (high, http)",
	"10.0.0.20 http_realm=Modicon M580 (high, http)",
}

func TestHTTP(t *testing.T) {
	segs := observetest.HTTPTranscript(t)
	client, server := netip.MustParseAddrPort("10.0.0.10:40000"), netip.MustParseAddrPort("10.0.0.20:80")
	r := observetest.RunFrames(t, observetest.Exchange(t, client, server, segs)...)
	observetest.WantFacts(t, r, httpTranscriptFacts, "10.0.0.20 server_name=127.0.0.1")
	f := observetest.FlowOf(t, r, App)
	if ops := observetest.OpsOf(f); !slices.Equal(ops, []string{"get=2/0", "post=1/0"}) {
		t.Errorf("ops %v", ops)
	}
	// The same connection on a port no protocol claims is recognised by its request.
	r = observetest.RunFrames(t, observetest.Exchange(t, client, netip.MustParseAddrPort("10.0.0.20:8081"), segs)...)
	if f := observetest.FlowOf(t, r, App); f.Server.Port() != 8081 {
		t.Errorf("flow %v", f.Server)
	}

	// SSDP: a UPnP device's announcement names its software.
	notify := "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n" +
		"LOCATION: http://10.0.0.30:49152/description.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n" +
		"SERVER: Linux/4.14 UPnP/1.0 IpCam/2.1\r\nUSN: uuid:2f402f80-da50-11e1-9b23-001788255acb::upnp:rootdevice\r\n\r\n"
	r = observetest.RunFrames(t, observetest.UDPFrame(t, netip.MustParseAddrPort("10.0.0.30:1900"), netip.MustParseAddrPort("239.255.255.250:1900"),
		observetest.MAC("00:17:88:25:5a:cb"), observetest.MAC("01:00:5e:7f:ff:fa"), []byte(notify)))
	observetest.WantFacts(t, r, []string{"10.0.0.30 http_server=Linux/4.14 UPnP/1.0 IpCam/2.1 (high, ssdp)"}, "239.255.255.250")
}

// A header block cut across segments is read once its end arrives: the same real
// exchange as TestHTTP, every message start cut in three (inside the start line and
// inside a header value), as a small MSS or a client writing line by line would cut it.
func TestHTTPHeaderAcrossSegments(t *testing.T) {
	var cut []observetest.Segment
	for _, s := range observetest.HTTPTranscript(t) {
		if !httpStart(s.Data) || len(s.Data) < 40 {
			cut = append(cut, s)
			continue
		}
		a, b := 9, len(s.Data)/2
		cut = append(cut, observetest.Segment{FromClient: s.FromClient, Data: s.Data[:a]}, observetest.Segment{FromClient: s.FromClient, Data: s.Data[a:b]}, observetest.Segment{FromClient: s.FromClient, Data: s.Data[b:]})
	}
	client, server := netip.MustParseAddrPort("10.0.0.10:40000"), netip.MustParseAddrPort("10.0.0.20:80")
	r := observetest.RunFrames(t, observetest.Exchange(t, client, server, cut)...)
	observetest.WantFacts(t, r, httpTranscriptFacts, "10.0.0.20 server_name=127.0.0.1")
	if ops := observetest.OpsOf(observetest.FlowOf(t, r, App)); !slices.Equal(ops, []string{"get=2/0", "post=1/0"}) {
		t.Errorf("ops %v", ops)
	}

	// A block that never ends within httpPendingMax is given up, and the next message on
	// the connection is read as usual.
	long := "GET / HTTP/1.1\r\nHost: hmi-1\r\nX-Pad: " + strings.Repeat("a", httpPendingMax) + "\r\n\r\n"
	next := "HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.59\r\nContent-Length: 0\r\n\r\n"
	segs := []observetest.Segment{{FromClient: true, Data: []byte(long[:1000])}, {FromClient: true, Data: []byte(long[1000:3000])}, {FromClient: true, Data: []byte(long[3000:])}, {FromClient: false, Data: []byte(next)}}
	r = observetest.RunFrames(t, observetest.Exchange(t, client, server, segs)...)
	observetest.WantFacts(t, r, []string{"10.0.0.20 http_server=lighttpd/1.4.59 (high, http)"}, "10.0.0.20 server_name=hmi-1")
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
