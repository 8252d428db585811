package dns

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// build encodes a DNS message with golang.org/x/net/dns/dnsmessage (the encoder of Go's
// own resolver), with name compression on.
type build struct {
	tb testing.TB
	b  dnsmessage.Builder
}

func newBuild(tb testing.TB, h dnsmessage.Header) *build {
	bd := &build{tb: tb, b: dnsmessage.NewBuilder(nil, h)}
	bd.b.EnableCompression()
	return bd
}

func (bd *build) check(err error) {
	if err != nil {
		bd.tb.Helper()
		bd.tb.Fatal(err)
	}
}

func name(s string) dnsmessage.Name { return dnsmessage.MustNewName(s) }

func rh(n string, class dnsmessage.Class, ttl uint32) dnsmessage.ResourceHeader {
	return dnsmessage.ResourceHeader{Name: name(n), Class: class, TTL: ttl}
}

const cacheFlush = dnsmessage.Class(0x8001)

// txt encodes TXT or HINFO data: character-strings.
func charStrings(ss ...string) []byte {
	var out []byte
	for _, s := range ss {
		out = append(append(out, byte(len(s))), s...)
	}
	return out
}

type testMsg struct {
	name    string
	netbios bool
	b       []byte
}

// mDNS datagrams sent by avahi-daemon 0.8 (Debian 12) for a host named hmi-panel-7 on a
// veth pair in a network namespace, captured with tshark: a probe (questions with the
// proposed records in the authority section), the announcement of its workstation
// service, and the goodbye it sends on exit (TTL 0).
var avahiHex = []string{
	"0000000000030000000500000166016301640133013701330165016601660166016101310134016401630165013001300130" +
		"01300130013001300130013001300130013001300138016501660369703604617270610000ff00010b686d692d70616e656c" +
		"2d37056c6f63616c0000ff00010135013002373702313007696e2d61646472c05000ff0001c05a000d000100000078000d06" +
		"5838365f3634054c494e5558c071000c0001000000780002c05ac05a000100010000007800040a4d0005c05a001c00010000" +
		"00780010fe80000000000000ecd41afffe373dcfc00c000c0001000000780002c05a",
	"0000840000000006000000001f686d692d70616e656c2d37205b65653a64343a31613a33373a33643a63665d0c5f776f726b" +
		"73746174696f6e045f746370056c6f63616c000010800100001194000100c02c000c0001000011940002c00cc00c00218001" +
		"0000007800140000000000090b686d692d70616e656c2d37c03ec070001c8001000000780010fe80000000000000ecd41aff" +
		"fe373dcfc070000180010000007800040a4d0005095f7365727669636573075f646e732d7364045f756470c03e000c000100" +
		"0011940002c02c",
	"0000840000000009000000000b686d692d70616e656c2d37056c6f63616c00001c8001000000000010fe80000000000000ec" +
		"d41afffe373dcf01660163016401330137013301650166016601660161013101340164016301650130013001300130013001" +
		"30013001300130013001300130013001380165016603697036046172706100000c8001000000000002c00cc00c0001800100" +
		"00000000040a4d00050135013002373702313007696e2d61646472c07d000c8001000000000002c00cc00c000d8001000000" +
		"00000d065838365f3634054c494e55580c5f776f726b73746174696f6e045f746370c018000c00010000000000221f686d69" +
		"2d70616e656c2d37205b65653a64343a31613a33373a33643a63665dc0d8c0f600218001000000000008000000000009c00c" +
		"c0f60010800100000000000100095f7365727669636573075f646e732d7364045f756470c018000c0001000000000002c0d8",
}

func dnsMessages(tb testing.TB) []testMsg {
	// A PLC asks for the historian.
	q := newBuild(tb, dnsmessage.Header{ID: 0x4a21, RecursionDesired: true})
	q.check(q.b.StartQuestions())
	q.check(q.b.Question(dnsmessage.Question{Name: name("historian.plant.example."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}))
	query, err := q.b.Finish()
	q.check(err)

	// The answer: an alias, its addresses, the zone's name server and its address.
	r := newBuild(tb, dnsmessage.Header{ID: 0x4a21, Response: true, RecursionDesired: true, RecursionAvailable: true, Authoritative: true})
	r.check(r.b.StartQuestions())
	r.check(r.b.Question(dnsmessage.Question{Name: name("historian.plant.example."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}))
	r.check(r.b.StartAnswers())
	r.check(r.b.CNAMEResource(rh("historian.plant.example.", dnsmessage.ClassINET, 3600), dnsmessage.CNAMEResource{CNAME: name("hist-01.plant.example.")}))
	r.check(r.b.AResource(rh("hist-01.plant.example.", dnsmessage.ClassINET, 3600), dnsmessage.AResource{A: [4]byte{10, 20, 1, 5}}))
	r.check(r.b.StartAuthorities())
	r.check(r.b.NSResource(rh("plant.example.", dnsmessage.ClassINET, 86400), dnsmessage.NSResource{NS: name("dc-01.plant.example.")}))
	r.check(r.b.StartAdditionals())
	r.check(r.b.AAAAResource(rh("dc-01.plant.example.", dnsmessage.ClassINET, 86400), dnsmessage.AAAAResource{AAAA: netip.MustParseAddr("fd00:20::53").As16()}))
	resp, err := r.b.Finish()
	r.check(err)

	// Reverse lookup answer.
	p := newBuild(tb, dnsmessage.Header{ID: 7, Response: true})
	p.check(p.b.StartQuestions())
	p.check(p.b.Question(dnsmessage.Question{Name: name("5.1.20.10.in-addr.arpa."), Type: dnsmessage.TypePTR, Class: dnsmessage.ClassINET}))
	p.check(p.b.StartAnswers())
	p.check(p.b.PTRResource(rh("5.1.20.10.in-addr.arpa.", dnsmessage.ClassINET, 300), dnsmessage.PTRResource{PTR: name("hist-01.plant.example.")}))
	p.check(p.b.MXResource(rh("plant.example.", dnsmessage.ClassINET, 300), dnsmessage.MXResource{Pref: 10, MX: name("mail.plant.example.")}))
	ptr, err := p.b.Finish()
	p.check(err)

	// An mDNS query with the QU bit, and an mDNS announcement of an HTTP service.
	mq := newBuild(tb, dnsmessage.Header{})
	mq.check(mq.b.StartQuestions())
	mq.check(mq.b.Question(dnsmessage.Question{Name: name("_http._tcp.local."), Type: dnsmessage.TypePTR, Class: cacheFlush}))
	mquery, err := mq.b.Finish()
	mq.check(err)

	ma := newBuild(tb, dnsmessage.Header{Response: true, Authoritative: true})
	ma.check(ma.b.StartAnswers())
	ma.check(ma.b.PTRResource(rh("_http._tcp.local.", dnsmessage.ClassINET, 4500), dnsmessage.PTRResource{PTR: name("Panel 7._http._tcp.local.")}))
	ma.check(ma.b.SRVResource(rh("Panel 7._http._tcp.local.", cacheFlush, 120), dnsmessage.SRVResource{Priority: 0, Weight: 0, Port: 8080, Target: name("hmi-panel-7.local.")}))
	ma.check(ma.b.TXTResource(rh("Panel 7._http._tcp.local.", cacheFlush, 4500), dnsmessage.TXTResource{TXT: []string{"model=TP1200 Comfort", "fw=V17.0.0.3"}}))
	ma.check(ma.b.AResource(rh("hmi-panel-7.local.", cacheFlush, 120), dnsmessage.AResource{A: [4]byte{10, 20, 0, 99}}))
	ma.check(ma.b.UnknownResource(dnsmessage.ResourceHeader{Name: name("hmi-panel-7.local."), Type: TypeHINFO, Class: cacheFlush, TTL: 120},
		dnsmessage.UnknownResource{Type: TypeHINFO, Data: charStrings("ARMV7", "WINDOWS CE")}))
	mann, err := ma.b.Finish()
	ma.check(err)

	msgs := []testMsg{{"query", false, query}, {"response", false, resp}, {"ptr and mx", false, ptr},
		{"mdns query", false, mquery}, {"mdns announcement", false, mann}}
	for i, h := range avahiHex {
		b, err := hex.DecodeString(h)
		if err != nil {
			tb.Fatal(err)
		}
		msgs = append(msgs, testMsg{[]string{"mdns avahi probe", "mdns avahi announcement", "mdns avahi goodbye"}[i], false, b})
	}
	return msgs
}

// nbEncode writes a NetBIOS name in first-level encoding as a DNS label (RFC 1001 14.1).
func nbEncode(n string, suffix byte) []byte {
	raw := []byte(fmt.Sprintf("%-15s", n))
	raw = append(raw, suffix)
	out := []byte{32}
	for _, c := range raw {
		out = append(out, 'A'+c>>4, 'A'+c&0x0F)
	}
	return append(out, 0)
}

func u16(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }
func u32(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// NetBIOS name service messages, encoded from RFC 1002 4.2 as Windows sends them.
func netbiosMessages() []testMsg {
	// Broadcast name query for the HMI's file server name.
	query := join(u16(0x8a01), u16(0x0110), u16(1), u16(0), u16(0), u16(0), nbEncode("HMI-01", 0x20), u16(TypeNB), u16(1))
	// Registration: the question's name, and an additional NB record pointing back to it.
	reg := join(u16(0x8a02), u16(0x2910), u16(1), u16(0), u16(0), u16(1), nbEncode("EWS-TIA", 0x00), u16(TypeNB), u16(1),
		[]byte{0xC0, 0x0C}, u16(TypeNB), u16(1), u32(300000), u16(6), u16(0x6000), []byte{10, 20, 0, 50})
	// Node status answer: three names and the adapter's MAC as unit id.
	entry := func(n string, suffix byte, flags uint16) []byte {
		return join([]byte(fmt.Sprintf("%-15s", n)), []byte{suffix}, u16(flags))
	}
	stat := join([]byte{3}, entry("EWS-TIA", 0x00, 0x0400), entry("PLANT", 0x00, 0x8400), entry("EWS-TIA", 0x20, 0x0400),
		[]byte{0x00, 0x0c, 0x29, 0x3b, 0x44, 0x55}, make([]byte, 46))
	nbstat := join(u16(0x8a03), u16(0x8400), u16(0), u16(1), u16(0), u16(0), nbEncode("*", 0x00)[:1],
		[]byte("CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), []byte{0}, u16(TypeNBSTAT), u16(1), u32(0), u16(uint16(len(stat))), stat)
	return []testMsg{{"nbns query", true, query}, {"nbns registration", true, reg}, {"nbns node status", true, nbstat}}
}

func parseMsg(tm testMsg, m *Message) error {
	if tm.netbios {
		return ParseNetBIOS(tm.b, m)
	}
	return Parse(tm.b, m)
}

func TestParse(t *testing.T) {
	msgs := dnsMessages(t)
	var m Message
	if err := Parse(msgs[1].b, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Response() || m.ID != 0x4a21 || m.NumQuestions != 1 || m.NumRecords != 4 || m.Partial {
		t.Fatalf("header %+v questions %d records %d", m.Header, m.NumQuestions, m.NumRecords)
	}
	want := []string{
		"1 historian.plant.example 5 3600 hist-01.plant.example ",
		"1 hist-01.plant.example 1 3600  10.20.1.5",
		"2 plant.example 2 86400 dc-01.plant.example ",
		"3 dc-01.plant.example 28 86400  fd00:20::53",
	}
	for i, w := range want {
		r := &m.Records[i]
		addr := ""
		if r.Addr.IsValid() {
			addr = r.Addr.String()
		}
		if got := fmt.Sprintf("%d %s %d %d %s %s", r.Section, r.Name, r.Type, r.TTL, r.Target, addr); got != w {
			t.Errorf("record %d: %q, want %q", i, got, w)
		}
	}

	if err := Parse(msgs[4].b, &m); err != nil {
		t.Fatal(err)
	}
	srv, txt, hinfo := &m.Records[1], &m.Records[2], &m.Records[4]
	if string(srv.Target) != "hmi-panel-7.local" || srv.Port != 8080 || !srv.CacheFlush() || m.Records[0].CacheFlush() {
		t.Errorf("srv %+v", srv)
	}
	s1, rest, _ := NextString(txt.Data)
	s2, rest, _ := NextString(rest)
	if _, _, ok := NextString(rest); ok || string(s1) != "model=TP1200 Comfort" || string(s2) != "fw=V17.0.0.3" {
		t.Errorf("txt %q %q", s1, s2)
	}
	cpu, rest, _ := NextString(hinfo.Data)
	osName, _, _ := NextString(rest)
	if string(cpu) != "ARMV7" || string(osName) != "WINDOWS CE" {
		t.Errorf("hinfo %q %q", cpu, osName)
	}

	nb := netbiosMessages()
	if err := ParseNetBIOS(nb[1].b, &m); err != nil {
		t.Fatal(err)
	}
	q, r := &m.Questions[0], &m.Records[0]
	if m.Opcode() != 5 || string(q.NB.Text()) != "EWS-TIA" || q.NB.Suffix != 0 || string(r.NB.Text()) != "EWS-TIA" ||
		r.Addr.String() != "10.20.0.50" || r.NBFlags != 0x6000 {
		t.Errorf("registration %+v %+v", q, r)
	}
	if err := ParseNetBIOS(nb[2].b, &m); err != nil {
		t.Fatal(err)
	}
	var ns NodeStatus
	if err := ParseNodeStatus(m.Records[0].Data, &ns); err != nil {
		t.Fatal(err)
	}
	if ns.N != 3 || string(ns.Names[1].NB.Text()) != "PLANT" || ns.Names[1].Flags != 0x8400 || ns.Names[2].NB.Suffix != 0x20 ||
		!ns.HasUnitID || hex.EncodeToString(ns.UnitID[:]) != "000c293b4455" {
		t.Errorf("node status %+v", ns)
	}
	if string(m.Questions[0].NB.Text()) != "*" && string(m.Records[0].NB.Text()) != "*" {
		t.Errorf("node status owner %q", m.Records[0].NB.Text())
	}
}

func TestReadName(t *testing.T) {
	hdr := make([]byte, 12)
	tests := []struct {
		name    string
		msg     []byte
		off     int
		dstLen  int
		want    string
		next    int
		wantErr error
	}{
		{"plain", join(hdr, []byte("\x03plc\x05plant\x00")), 12, 255, "plc.plant", 23, nil},
		{"root", join(hdr, []byte{0}), 12, 255, "", 13, nil},
		{"pointer back", join(hdr, []byte("\x05plant\x00\x03plc\xc0\x0c")), 12 + 7, 255, "plc.plant", 12 + 7 + 6, nil},
		{"pointer to itself", join(hdr, []byte{0xc0, 12}), 12, 255, "", 0, errPointer},
		{"pointer forward", join(hdr, []byte{0xc0, 14, 0, 0}), 12, 255, "", 0, errPointer},
		// Two pointers that point at each other: the second must go below the first's target.
		{"pointer loop", join(hdr, []byte("\x01a\xc0\x10\x01b\xc0\x0c")), 16, 255, "", 0, errPointer},
		{"pointer chain down", join(hdr, []byte("\x01a\x00\x01b\xc0\x0c\x01c\xc0\x0f")), 19, 255, "c.b.a", 23, nil},
		{"cut label", join(hdr, []byte("\x05pla")), 12, 255, "", 0, errNameShort},
		{"cut pointer", join(hdr, []byte{0xc0}), 12, 255, "", 0, errNameShort},
		{"no terminator", join(hdr, []byte("\x03plc")), 12, 255, "", 0, errNameShort},
		{"extended label", join(hdr, []byte{0x41, 0}), 12, 255, "", 0, errLabelType},
		{"small buffer", join(hdr, []byte("\x03plc\x05plant\x00")), 12, 6, "", 0, errNameBuffer},
		{"offset past end", hdr, 12, 255, "", 0, errNameShort},
	}
	long := append([]byte{}, hdr...)
	for i := 0; i < 5; i++ {
		long = append(append(long, 63), strings.Repeat("x", 63)...)
	}
	long = append(long, 0)
	tests = append(tests, struct {
		name    string
		msg     []byte
		off     int
		dstLen  int
		want    string
		next    int
		wantErr error
	}{"over 255 bytes", long, 12, 1024, "", 0, errNameLong})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, next, err := ReadName(tc.msg, tc.off, make([]byte, tc.dstLen))
			if err != tc.wantErr {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if err == nil && (string(got) != tc.want || next != tc.next) {
				t.Errorf("got %q next %d, want %q %d", got, next, tc.want, tc.next)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	resp := dnsMessages(t)[1]
	var many []byte
	many = append(many, 0, 1, 0x84, 0, 0, 0, 0, 60, 0, 0, 0, 0)
	for i := 0; i < 60; i++ {
		many = append(many, join([]byte("\x03abc\x00"), u16(TypeA), u16(1), u32(1), u16(4), []byte{10, 0, 0, byte(i)})...)
	}
	tests := []struct {
		name    string
		in      []byte
		wantErr error
		check   func(*Message) bool
	}{
		{"short", resp.b[:11], errShort, nil},
		{"question cut", resp.b[:12+20], errNameShort, nil},
		{"question type cut", resp.b[:12+25+2], errQuestion, nil},
		{"record cut", resp.b[:len(resp.b)-3], errRecord, nil},
		{"a record 3 bytes", join([]byte{0, 1, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0}, []byte{0}, u16(TypeA), u16(1), u32(1), u16(3), []byte{1, 2, 3}), errRData, nil},
		{"srv short", join([]byte{0, 1, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0}, []byte{0}, u16(TypeSRV), u16(1), u32(1), u16(6), make([]byte, 6)), errRData, nil},
		{"ptr name past data", join([]byte{0, 1, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0}, []byte{0}, u16(TypePTR), u16(1), u32(1), u16(2), []byte("\x03abc\x00")), errRData, nil},
		{"records over capacity", many, nil, func(m *Message) bool { return m.Partial && m.NumRecords == MaxRecords }},
		{"counts larger than data", []byte{0, 1, 0x84, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0}, errNameShort, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			err := Parse(tc.in, &m)
			if err != tc.wantErr {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if tc.check != nil && !tc.check(&m) {
				t.Errorf("unexpected message: partial %v records %d", m.Partial, m.NumRecords)
			}
		})
	}
	var ns NodeStatus
	if err := ParseNodeStatus([]byte{2, 'A'}, &ns); err != errNodeStatus {
		t.Errorf("short node status: %v", err)
	}
	if _, err := DecodeNetBIOSName([]byte("not-netbios")); err != errNotNetBIOS {
		t.Errorf("DecodeNetBIOSName: %v", err)
	}
}

// TestNameBufferFull fills the name buffer with long names: the message decodes as
// partial, not as an error.
func TestNameBufferFull(t *testing.T) {
	msg := []byte{0, 1, 0x84, 0, 0, 0, 0, 30, 0, 0, 0, 0}
	for i := 0; i < 30; i++ {
		var n []byte
		for j := 0; j < 3; j++ {
			n = append(append(n, 63), strings.Repeat(string(rune('a'+i%26)), 63)...)
		}
		msg = append(msg, join(n, []byte{0}, u16(TypeA), u16(1), u32(1), u16(4), []byte{10, 0, 0, 1})...)
	}
	var m Message
	if err := Parse(msg, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Partial || m.NumRecords != NameBufSize/191 {
		t.Errorf("partial %v records %d", m.Partial, m.NumRecords)
	}
}

// TestMatchesTshark writes the test messages into a capture as UDP datagrams on their
// ports and holds the decoded fields against tshark's DNS, mDNS and NBNS dissectors.
func TestMatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	dnsMsgs, nbMsgs := dnsMessages(t), netbiosMessages()
	var all []testMsg
	all = append(append(all, dnsMsgs...), nbMsgs...)
	capPath := testutil.WriteFrames(t, "names.pcap", frames(t, all)...)

	dnsFields := []string{"dns.id", "dns.flags.response", "dns.qry.name", "dns.qry.type", "dns.resp.name", "dns.resp.type",
		"dns.resp.ttl", "dns.resp.cache_flush", "dns.a", "dns.aaaa", "dns.cname", "dns.ptr.domain_name", "dns.ns",
		"dns.mx.mail_exchange", "dns.srv.target", "dns.srv.port", "dns.txt", "dns.hinfo.cpu", "dns.hinfo.os"}
	rows := testutil.Tshark(t, capPath, "dns || mdns", dnsFields)
	if len(rows) != len(dnsMsgs) {
		t.Fatalf("tshark decoded %d DNS messages of %d", len(rows), len(dnsMsgs))
	}
	for i, row := range rows {
		var m Message
		if err := Parse(dnsMsgs[i].b, &m); err != nil {
			t.Fatal(err)
		}
		compare(t, dnsMsgs[i].name, dnsSummary(&m, strings.HasPrefix(dnsMsgs[i].name, "mdns")), row)
	}

	nbFields := []string{"nbns.id", "nbns.flags.opcode", "nbns.name", "nbns.type", "nbns.addr", "nbns.number_of_names",
		"nbns.netbios_name", "nbns.unit_id"}
	rows = testutil.Tshark(t, capPath, "nbns", nbFields)
	if len(rows) != len(nbMsgs) {
		t.Fatalf("tshark decoded %d NBNS messages of %d", len(rows), len(nbMsgs))
	}
	for i, row := range rows {
		var m Message
		if err := ParseNetBIOS(nbMsgs[i].b, &m); err != nil {
			t.Fatal(err)
		}
		// tshark appends what a suffix means: "EWS-TIA<00> (Workstation/Redirector)".
		row[2] = regexp.MustCompile(` \([^)]*\)`).ReplaceAllString(row[2], "")
		compare(t, nbMsgs[i].name, nbSummary(t, &m), row)
	}
}

func compare(t *testing.T, what string, got, row []string) {
	t.Helper()
	for len(row) < len(got) {
		row = append(row, "")
	}
	if strings.Join(got, "|") != strings.Join(row, "|") {
		t.Errorf("%s:\n  got %q\ntshark %q", what, got, row)
	}
}

type list []string

func (l *list) add(s string)  { *l = append(*l, s) }
func (l list) String() string { return strings.Join(l, ",") }

func dnsSummary(m *Message, mdns bool) []string {
	var qn, qt, rn, rt, ttl, cf, a, aaaa, cname, ptr, ns, mx, srv, port, txt, cpu, osName list
	for _, q := range m.Questions[:m.NumQuestions] {
		qn.add(string(q.Name))
		qt.add(strconv.Itoa(int(q.Type)))
	}
	for _, r := range m.Records[:m.NumRecords] {
		if r.Type != TypeSRV { // tshark splits an SRV owner into service, protocol and name fields
			rn.add(string(r.Name))
		}
		rt.add(strconv.Itoa(int(r.Type)))
		ttl.add(strconv.Itoa(int(r.TTL)))
		switch r.Type {
		case TypeA:
			a.add(r.Addr.String())
		case TypeAAAA:
			aaaa.add(r.Addr.String())
		case TypeCNAME:
			cname.add(string(r.Target))
		case TypePTR:
			ptr.add(string(r.Target))
		case TypeNS:
			ns.add(string(r.Target))
		case TypeMX:
			mx.add(string(r.Target))
		case TypeSRV:
			srv.add(string(r.Target))
			port.add(strconv.Itoa(int(r.Port)))
		case TypeTXT:
			for d := r.Data; ; {
				s, rest, ok := NextString(d)
				if !ok {
					break
				}
				txt.add(string(s))
				d = rest
			}
		case TypeHINFO:
			c, rest, _ := NextString(r.Data)
			o, _, _ := NextString(rest)
			cpu.add(string(c))
			osName.add(string(o))
		}
	}
	// tshark shows the cache-flush bit for mDNS records only (port 5353).
	if mdns {
		for _, r := range m.Records[:m.NumRecords] {
			cf.add(map[bool]string{true: "1", false: "0"}[r.CacheFlush()])
		}
	}
	return []string{fmt.Sprintf("0x%04x", m.ID), map[bool]string{true: "1", false: "0"}[m.Response()], qn.String(), qt.String(),
		rn.String(), rt.String(), ttl.String(), cf.String(), a.String(), aaaa.String(), cname.String(), ptr.String(),
		ns.String(), mx.String(), srv.String(), port.String(), txt.String(), cpu.String(), osName.String()}
}

func nbDisplay(n NBName) string {
	if string(n.Text()) == "*" { // tshark shows the wildcard's NUL padding
		return "*" + strings.Repeat("<00>", 15)
	}
	return fmt.Sprintf("%s<%02x>", n.Text(), n.Suffix)
}

func nbSummary(t *testing.T, m *Message) []string {
	var names, types, addrs, count, nbnames, unit list
	for _, q := range m.Questions[:m.NumQuestions] {
		names.add(nbDisplay(q.NB))
		types.add(strconv.Itoa(int(q.Type)))
	}
	for _, r := range m.Records[:m.NumRecords] {
		names.add(nbDisplay(r.NB))
		types.add(strconv.Itoa(int(r.Type)))
		if r.Type == TypeNB {
			addrs.add(r.Addr.String())
		}
		if r.Type == TypeNBSTAT && m.Response() {
			var ns NodeStatus
			if err := ParseNodeStatus(r.Data, &ns); err != nil {
				t.Fatal(err)
			}
			count.add(strconv.Itoa(ns.N))
			for _, e := range ns.Names[:ns.N] {
				nbnames.add(string(e.NB.Text())) // tshark shows the suffix in another field
			}
			unit.add(net.HardwareAddr(ns.UnitID[:]).String())
		}
	}
	return []string{fmt.Sprintf("0x%04x", m.ID), strconv.Itoa(int(m.Opcode())), names.String(), types.String(), addrs.String(),
		count.String(), nbnames.String(), unit.String()}
}

// frames are the test messages as broadcast UDP frames on their protocol's port.
func frames(tb testing.TB, msgs []testMsg) [][]byte {
	var out [][]byte
	for _, tm := range msgs {
		port := layers.UDPPort(Port)
		switch {
		case tm.netbios:
			port = NetBIOSPort
		case strings.HasPrefix(tm.name, "mdns"):
			port = MDNSPort
		}
		out = append(out, udpFrame(tb, port, tm.b))
	}
	return out
}

func udpFrame(tb testing.TB, port layers.UDPPort, payload []byte) []byte {
	tb.Helper()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 0x0c, 0x29, 0x3b, 0x44, 0x55}, DstMAC: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IP{10, 20, 0, 50}, DstIP: net.IP{10, 20, 0, 255}}
	udp := &layers.UDP{SrcPort: port, DstPort: port}
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		tb.Fatal(err)
	}
	return testutil.Serialize(tb, eth, ip, udp, gopacket.Payload(payload))
}

func allMessages(tb testing.TB) []testMsg { return append(dnsMessages(tb), netbiosMessages()...) }

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, tm := range allMessages(t) {
		if n := testing.AllocsPerRun(100, func() { _ = parseMsg(tm, &m) }); n != 0 {
			t.Errorf("%s: allocates %v times", tm.name, n)
		}
	}
}

func BenchmarkParse(bm *testing.B) {
	msgs := allMessages(bm)
	m := new(Message)
	bm.ReportAllocs()
	for i := 0; bm.Loop(); i++ {
		if err := parseMsg(msgs[i%len(msgs)], m); err != nil {
			bm.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tm := range allMessages(f) {
		f.Add(tm.b, tm.netbios)
	}
	f.Fuzz(func(t *testing.T, in []byte, netbios bool) {
		m := new(Message)
		var err error
		if netbios {
			err = ParseNetBIOS(in, m)
		} else {
			err = Parse(in, m)
		}
		if err != nil {
			return
		}
		if m.NumQuestions > MaxQuestions || m.NumRecords > MaxRecords || m.used > NameBufSize {
			t.Fatalf("capacities exceeded: %d %d %d", m.NumQuestions, m.NumRecords, m.used)
		}
		var ns NodeStatus
		for _, r := range m.Records[:m.NumRecords] {
			if len(r.Name) > MaxNameLen || len(r.Target) > MaxNameLen {
				t.Fatalf("name of %d bytes", len(r.Name))
			}
			_ = ParseNodeStatus(r.Data, &ns)
		}
	})
}

func FuzzReadName(f *testing.F) {
	for _, tm := range allMessages(f) {
		f.Add(tm.b, uint16(12))
	}
	f.Add([]byte("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01a\xc0\x10\x01b\xc0\x0c"), uint16(16))
	f.Fuzz(func(t *testing.T, msg []byte, off uint16) {
		var dst [MaxNameLen]byte
		name, next, err := ReadName(msg, int(off), dst[:])
		if err != nil {
			return
		}
		if len(name) > MaxNameLen-1 || next <= int(off) || next > len(msg) {
			t.Fatalf("name %d bytes, next %d, off %d, len %d", len(name), next, off, len(msg))
		}
	})
}
