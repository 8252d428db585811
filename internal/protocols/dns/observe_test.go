package dns

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
	"golang.org/x/net/dns/dnsmessage"
)

// dnsBuild encodes DNS messages with golang.org/x/net/dns/dnsmessage, the encoder of Go's
// own resolver, as the dns package's tests do.
type dnsBuild struct {
	t testing.TB
	b dnsmessage.Builder
}

func newDNS(t testing.TB, h dnsmessage.Header) *dnsBuild {
	d := &dnsBuild{t: t, b: dnsmessage.NewBuilder(nil, h)}
	d.b.EnableCompression()
	return d
}

func (d *dnsBuild) ok(err error) {
	if err != nil {
		d.t.Helper()
		d.t.Fatal(err)
	}
}

func (d *dnsBuild) done() []byte {
	b, err := d.b.Finish()
	d.ok(err)
	return b
}

func rr(name string, ttl uint32) dnsmessage.ResourceHeader {
	return dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName(name), Class: dnsmessage.ClassINET, TTL: ttl}
}

// nbName writes a NetBIOS name in first-level encoding as a DNS label (RFC 1001 14.1).
func nbName(n string, suffix byte) []byte {
	raw := append([]byte(fmt.Sprintf("%-15s", n)), suffix)
	out := []byte{32}
	for _, c := range raw {
		out = append(out, 'A'+c>>4, 'A'+c&0x0F)
	}
	return append(out, 0)
}

func TestNames(t *testing.T) {
	// DNS: a PLC asks for the historian; the answer gives an alias and its address, and a
	// reverse lookup names 10.20.1.7. An answer about a public address is left out.
	a := newDNS(t, dnsmessage.Header{ID: 0x4a21, Response: true, RecursionAvailable: true})
	a.ok(a.b.StartAnswers())
	a.ok(a.b.CNAMEResource(rr("historian.plant.example.", 3600), dnsmessage.CNAMEResource{CNAME: dnsmessage.MustNewName("hist-01.plant.example.")}))
	a.ok(a.b.AResource(rr("hist-01.plant.example.", 3600), dnsmessage.AResource{A: [4]byte{10, 20, 1, 5}}))
	a.ok(a.b.AResource(rr("updates.vendor.example.", 3600), dnsmessage.AResource{A: [4]byte{93, 184, 216, 34}}))
	answer := a.done()
	p := newDNS(t, dnsmessage.Header{ID: 7, Response: true})
	p.ok(p.b.StartAnswers())
	p.ok(p.b.PTRResource(rr("7.1.20.10.in-addr.arpa.", 300), dnsmessage.PTRResource{PTR: dnsmessage.MustNewName("ews-02.plant.example.")}))
	p.ok(p.b.PTRResource(rr("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.0.d.f.ip6.arpa.", 300),
		dnsmessage.PTRResource{PTR: dnsmessage.MustNewName("rtu-1.plant.example.")}))
	ptr := p.done()
	nx := newDNS(t, dnsmessage.Header{ID: 8, Response: true, RCode: dnsmessage.RCodeNameError})
	nxdomain := nx.done()

	// LLMNR: a Windows host answers for its own name.
	l := newDNS(t, dnsmessage.Header{ID: 9, Response: true})
	l.ok(l.b.StartQuestions())
	l.ok(l.b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName("EWS-TIA."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}))
	l.ok(l.b.StartAnswers())
	l.ok(l.b.AResource(rr("EWS-TIA.", 30), dnsmessage.AResource{A: [4]byte{10, 20, 0, 50}}))
	llmnr := l.done()

	// NetBIOS, encoded from RFC 1002 4.2 as Windows sends them: a registration of EWS-TIA
	// for 10.20.0.50, and the node status answer of the HMI (its names, its MAC).
	reg := observetest.Join(observetest.BE16(0x8a02), observetest.BE16(0x2910), observetest.BE16(1), observetest.BE16(0), observetest.BE16(0), observetest.BE16(1), nbName("EWS-TIA", 0x00), observetest.BE16(0x20), observetest.BE16(1),
		[]byte{0xC0, 0x0C}, observetest.BE16(0x20), observetest.BE16(1), observetest.BE32(300000), observetest.BE16(6), observetest.BE16(0x6000), []byte{10, 20, 0, 50})
	entry := func(n string, suffix byte, flags uint16) []byte {
		return observetest.Join([]byte(fmt.Sprintf("%-15s", n)), []byte{suffix}, observetest.BE16(flags))
	}
	stat := observetest.Join([]byte{3}, entry("HMI-01", 0x00, 0x0400), entry("PLANT", 0x00, 0x8400), entry("HMI-01", 0x20, 0x0400),
		[]byte{0x00, 0x0c, 0x29, 0x3b, 0x44, 0x55}, make([]byte, 46))
	nbstat := observetest.Join(observetest.BE16(0x8a03), observetest.BE16(0x8400), observetest.BE16(0), observetest.BE16(1), observetest.BE16(0), observetest.BE16(0), []byte{32},
		[]byte("CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), []byte{0}, observetest.BE16(0x21), observetest.BE16(1), observetest.BE32(0), observetest.BE16(uint16(len(stat))), stat)

	dnsSrv := netip.MustParseAddrPort("10.20.0.53:53")
	plc := netip.MustParseAddrPort("10.20.0.11:40000")
	panel := netip.MustParseAddrPort("10.77.0.5:5353")
	ews := netip.MustParseAddrPort("10.20.0.50:5355")
	hmi := netip.MustParseAddrPort("10.20.0.60:137")
	m1, m2, m3, m4 := observetest.MAC("00:50:56:00:00:53"), observetest.MAC("00:1b:1b:00:00:11"), observetest.MAC("02:42:0a:4d:00:05"), observetest.MAC("00:0c:29:3b:44:55")
	tcpAnswer := append(observetest.BE16(uint16(len(ptr))), ptr...)
	frames := [][]byte{
		observetest.UDPFrame(t, dnsSrv, plc, m1, m2, answer),
		observetest.UDPFrame(t, dnsSrv, plc, m1, m2, nxdomain),
		observetest.UDPFrame(t, panel, netip.MustParseAddrPort("224.0.0.251:5353"), m3, observetest.MAC("01:00:5e:00:00:fb"), observetest.Unhex(t, observetest.HexAvahiAnnouncement)),
		observetest.UDPFrame(t, ews, netip.MustParseAddrPort("10.20.0.11:50000"), m4, m2, llmnr),
		observetest.UDPFrame(t, netip.MustParseAddrPort("10.20.0.50:137"), netip.MustParseAddrPort("10.20.0.255:137"), m4, observetest.MAC("ff:ff:ff:ff:ff:ff"), reg),
		observetest.UDPFrame(t, hmi, netip.MustParseAddrPort("10.20.0.11:137"), m4, m2, nbstat),
	}
	frames = append(frames, observetest.Conversation(t, plc, dnsSrv, []byte{}, tcpAnswer)[:2]...)
	frames = append(frames, observetest.TCPFrame(t, dnsSrv, plc, observetest.MACServer, observetest.MACClient, 5001, false, true, tcpAnswer))
	r := observetest.RunFrames(t, frames...)
	observetest.WantFacts(t, r, []string{
		"10.20.1.5 dns_name=hist-01.plant.example (low, dns)",
		"10.20.1.7 dns_name=ews-02.plant.example (low, dns)",
		"fd00:20::1 dns_name=rtu-1.plant.example (low, dns)",
		"10.77.0.5 hostname=hmi-panel-7 (high, mdns)",
		"10.20.0.50 hostname=EWS-TIA (high, llmnr)",
		"10.20.0.50 netbios_name=EWS-TIA (high, netbios_ns)",
		"10.20.0.60 netbios_name=HMI-01 (high, netbios_ns)",
	}, "93.184.216.34", "10.20.0.60 netbios_name=PLANT")
	// The panel's IPv6 address, announced with its name, is bound to its MAC.
	if !observetest.Bound(r, m3, "fe80::ecd4:1aff:fe37:3dcf") {
		t.Errorf("mDNS address not bound: %+v", r.Hosts)
	}
	dnsFlows := 0
	for _, f := range r.Flows {
		if f.App == App {
			dnsFlows++
			if f.Proto == 17 && (f.Anomalies[observe.AnomalyErrorResponse] != 1 || !slices.Contains(observetest.OpsOf(f), "response=0/2")) {
				t.Errorf("dns flow ops %v anomalies %v", observetest.OpsOf(f), f.Anomalies)
			}
		}
	}
	if dnsFlows != 2 {
		t.Errorf("%d DNS flows (UDP and TCP)", dnsFlows)
	}
}

func TestReverseAddr(t *testing.T) {
	for name, want := range map[string]string{
		"4.3.2.1.in-addr.arpa": "1.2.3.4", "4.3.2.1.IN-ADDR.ARPA.": "1.2.3.4", "3.2.1.in-addr.arpa": "invalid IP",
		"256.3.2.1.in-addr.arpa": "invalid IP", "a.3.2.1.in-addr.arpa": "invalid IP", "5.4.3.2.1.in-addr.arpa": "invalid IP",
		"b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa": "4321:0:1:2:3:4:567:89ab",
		"b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.ip6.arpa":   "invalid IP", "plc.plant.example": "invalid IP",
	} {
		if got := reverseAddr([]byte(name)).String(); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
}
