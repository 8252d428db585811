package dhcp

import (
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

var (
	plcMAC    = net.HardwareAddr{0x00, 0x1b, 0x1b, 0x8a, 0x22, 0x01}
	serverMAC = net.HardwareAddr{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
)

func opt(t layers.DHCPOpt, v ...byte) layers.DHCPOption { return layers.NewDHCPOption(t, v) }

// encode serialises a DHCP message with gopacket's independent DHCPv4 encoder.
func encode(tb testing.TB, d *layers.DHCPv4) []byte {
	tb.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := d.SerializeTo(buf, gopacket.SerializeOptions{FixLengths: true}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// Test messages: a PLC's discover with identity options, the server's offer, a request
// with a vendor-identifying class, a plain BOOTP reply, and a reply whose options
// overflow into the file and sname fields.
func testMessages(tb testing.TB) []struct {
	name string
	b    []byte
} {
	discover := encode(tb, &layers.DHCPv4{
		Operation: layers.DHCPOpRequest, HardwareType: layers.LinkTypeEthernet, Xid: 0x3903f326, Flags: 0x8000,
		ClientHWAddr: plcMAC,
		Options: layers.DHCPOptions{
			opt(layers.DHCPOptMessageType, 1),
			opt(layers.DHCPOptClientID, append([]byte{1}, plcMAC...)...),
			opt(layers.DHCPOptMaxMessageSize, 0x05, 0xdc),
			opt(layers.DHCPOptHostname, []byte("plc-cell2")...),
			opt(layers.DHCPOptClassID, []byte("SIMATIC S7-1500 V2.9")...),
			opt(81, append([]byte{0x05, 0, 0}, "\x09plc-cell2\x05plant\x07example\x00"...)...),
			opt(layers.DHCPOptParamsRequest, 1, 3, 6, 15, 42, 51, 54),
		},
	})
	offer := encode(tb, &layers.DHCPv4{
		Operation: layers.DHCPOpReply, HardwareType: layers.LinkTypeEthernet, Xid: 0x3903f326,
		YourClientIP: net.IP{10, 20, 0, 11}, NextServerIP: net.IP{10, 20, 0, 1}, ClientHWAddr: plcMAC,
		Options: layers.DHCPOptions{
			opt(layers.DHCPOptMessageType, 2),
			opt(layers.DHCPOptServerID, 10, 20, 0, 1),
			opt(layers.DHCPOptLeaseTime, 0, 1, 0x51, 0x80),
			opt(layers.DHCPOptSubnetMask, 255, 255, 255, 0),
			opt(layers.DHCPOptRouter, 10, 20, 0, 1, 10, 20, 0, 254),
			opt(layers.DHCPOptDomainName, []byte("plant.example")...),
		},
	})
	request := encode(tb, &layers.DHCPv4{
		Operation: layers.DHCPOpRequest, HardwareType: layers.LinkTypeEthernet, Xid: 0x1d2e3f40,
		ClientHWAddr: serverMAC,
		Options: layers.DHCPOptions{
			opt(layers.DHCPOptMessageType, 3),
			opt(layers.DHCPOptRequestIP, 10, 20, 0, 50),
			opt(layers.DHCPOptServerID, 10, 20, 0, 1),
			opt(layers.DHCPOptHostname, []byte("ews-04")...),
			opt(layers.DHCPOptClassID, []byte("MSFT 5.0")...),
			opt(124, 0, 0, 0x01, 0x37, 6, 'H', 'M', 'I', '-', '1', '2'),
			opt(layers.DHCPOptParamsRequest, 1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252),
		},
	})
	bootp := encode(tb, &layers.DHCPv4{
		Operation: layers.DHCPOpReply, HardwareType: layers.LinkTypeEthernet, Xid: 7,
		YourClientIP: net.IP{10, 20, 0, 77}, ClientHWAddr: plcMAC,
		ServerName: []byte("bootsrv"), File: []byte("rtu.img"),
	})
	bootp = bootp[:fixedLen] // no cookie, no options: BOOTP (RFC 951)

	// Overload: gopacket cannot encode it, so the option bytes are placed by hand.
	overload := encode(tb, &layers.DHCPv4{
		Operation: layers.DHCPOpReply, HardwareType: layers.LinkTypeEthernet, Xid: 8,
		YourClientIP: net.IP{10, 20, 0, 78}, ClientHWAddr: plcMAC,
		Options: layers.DHCPOptions{opt(layers.DHCPOptMessageType, 5), opt(52, 3)},
	})
	copy(overload[fileStart:], append([]byte{OptHostname, 6}, "rtu-07\xff"...))
	copy(overload[snameStart:], append([]byte{OptDomainName, 4}, "site\xff"...))
	msgs := []struct {
		name string
		b    []byte
	}{{"discover", discover}, {"offer", offer}, {"request", request}, {"bootp", bootp}, {"overload", overload}}
	raw, err := os.ReadFile("testdata/udhcpc-dnsmasq.txt")
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		name, h, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		msgs = append(msgs, struct {
			name string
			b    []byte
		}{name, b})
	}
	return msgs
}

// TestRealExchange checks the messages of a real udhcpc and dnsmasq exchange.
func TestRealExchange(t *testing.T) {
	msgs := testMessages(t)[5:]
	if len(msgs) != 4 {
		t.Fatalf("%d messages in testdata", len(msgs))
	}
	var m Message
	if err := Parse(msgs[0].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != Discover || string(m.Hostname) != "rtu-07" || string(m.VendorClass) != "udhcp SIMATIC RTU3030C" ||
		!strings.Contains(string(m.ParamRequests), "\x2a") || net.HardwareAddr(m.CHAddr).String() != "00:1b:1b:8a:22:01" {
		t.Errorf("discover %+v", m)
	}
	if err := Parse(msgs[3].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != Ack || m.YIAddr.String() != "10.20.0.141" || m.ServerID.String() != "10.20.0.1" || m.Router.String() != "10.20.0.1" ||
		string(m.DomainName) != "plant.example" || m.LeaseTime != 43200 || string(m.Hostname) != "rtu-07" {
		t.Errorf("ack %+v", m)
	}
}

func TestParse(t *testing.T) {
	msgs := testMessages(t)
	var m Message
	var buf [255]byte
	if err := Parse(msgs[0].b, &m); err != nil {
		t.Fatal(err)
	}
	fqdn, err := m.FQDN(buf[:])
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != Discover || string(m.Hostname) != "plc-cell2" || string(m.VendorClass) != "SIMATIC S7-1500 V2.9" ||
		string(fqdn) != "plc-cell2.plant.example" || m.ClientIDType != 1 || hex.EncodeToString(m.ClientID) != "001b1b8a2201" ||
		hex.EncodeToString(m.CHAddr) != "001b1b8a2201" || m.MaxMessageSize != 1500 || hex.EncodeToString(m.ParamRequests) != "0103060f2a3336" {
		t.Errorf("discover %+v", m)
	}
	if m.NumOptions != 7 || m.OptionOrder[0] != OptMessageType || m.OptionOrder[6] != OptParamRequestList {
		t.Errorf("options %d %v", m.NumOptions, m.OptionOrder[:m.NumOptions])
	}
	if err := Parse(msgs[1].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != Offer || m.YIAddr.String() != "10.20.0.11" || m.ServerID.String() != "10.20.0.1" || m.Router.String() != "10.20.0.1" ||
		m.LeaseTime != 86400 || m.SubnetMask.String() != "255.255.255.0" || string(m.DomainName) != "plant.example" {
		t.Errorf("offer %+v", m)
	}
	if err := Parse(msgs[2].b, &m); err != nil {
		t.Fatal(err)
	}
	if !m.HasVIVendor || m.VIEnterprise != 311 || string(m.VIClass) != "HMI-12" || m.RequestedIP.String() != "10.20.0.50" {
		t.Errorf("request %+v", m)
	}
	if err := Parse(msgs[3].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.HasCookie || string(m.SName) != "bootsrv" || string(m.File) != "rtu.img" || m.YIAddr.String() != "10.20.0.77" {
		t.Errorf("bootp %+v", m)
	}
	if err := Parse(msgs[4].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Overload != 3 || string(m.Hostname) != "rtu-07" || string(m.DomainName) != "site" || m.SName != nil || m.File != nil {
		t.Errorf("overload %+v", m)
	}
}

func TestParseErrors(t *testing.T) {
	msgs := testMessages(t)
	with := func(base []byte, opts ...byte) []byte {
		return append(append(append([]byte{}, base[:fixedLen]...), magicCookie[:]...), opts...)
	}
	d := msgs[0].b
	tests := []struct {
		name    string
		in      []byte
		wantErr error
	}{
		{"short", d[:100], errShort},
		{"op 3", append([]byte{3}, d[1:]...), errOp},
		{"hlen 17", append([]byte{1, 1, 17}, d[3:]...), errHLen},
		{"option past end", with(d, OptHostname, 10, 'a'), errOptionLen},
		{"option length missing", with(d, OptHostname), errOptionLen},
		{"message type 2 bytes", with(d, OptMessageType, 2, 1, 1), errFixedLen},
		{"server id 3 bytes", with(d, OptServerID, 3, 1, 2, 3), errFixedLen},
		{"router 5 bytes", with(d, OptRouter, 5, 1, 2, 3, 4, 5), errFixedLen},
		{"fqdn 2 bytes", with(d, OptClientFQDN, 2, 0, 0), errFQDN},
		{"vi class short", with(d, OptVIVendorClass, 6, 0, 0, 1, 0x37, 9, 'x'), errVIClass},
		{"no end option", with(d, OptMessageType, 1, 1), nil},
		{"pads only", with(d, 0, 0, 0, 0), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			if err := Parse(tc.in, &m); err != tc.wantErr {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
		})
	}
	// Overload inside an overloaded field.
	o := append([]byte{}, msgs[4].b...)
	copy(o[fileStart:], []byte{OptOverload, 1, 3, OptEnd})
	var m Message
	if err := Parse(o, &m); err != errOverloaded {
		t.Errorf("nested overload: %v", err)
	}
	// FQDN decoding into a small buffer.
	if err := Parse(msgs[0].b, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := m.FQDN(make([]byte, 5)); err == nil {
		t.Error("FQDN fit into 5 bytes")
	}
}

// TestMatchesTshark writes the test messages into a capture as UDP datagrams and holds the
// decoded fields against tshark.
func TestMatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	msgs := testMessages(t)
	var frames [][]byte
	for _, msg := range msgs {
		src, dst := net.IP{0, 0, 0, 0}, net.IP{255, 255, 255, 255}
		sport, dport := layers.UDPPort(ClientPort), layers.UDPPort(ServerPort)
		if msg.b[0] == OpReply {
			src, sport, dport = net.IP{10, 20, 0, 1}, ServerPort, ClientPort
		}
		frames = append(frames, udpFrame(t, src, dst, sport, dport, msg.b))
	}
	capPath := testutil.WriteFrames(t, "dhcp.pcap", frames...)
	fields := []string{"dhcp.type", "dhcp.id", "dhcp.hw.mac_addr", "dhcp.ip.your", "dhcp.option.dhcp", "dhcp.option.hostname",
		"dhcp.option.vendor_class_id", "dhcp.client_id.type", "dhcp.option.request_list_item", "dhcp.option.requested_ip_address",
		"dhcp.option.dhcp_server_id", "dhcp.option.router", "dhcp.option.domain_name", "dhcp.option.ip_address_lease_time",
		"dhcp.fqdn.name", "dhcp.server", "dhcp.file"}
	rows := testutil.Tshark(t, capPath, "dhcp", fields)
	if len(rows) != len(msgs) {
		t.Fatalf("tshark decoded %d DHCP messages of %d", len(rows), len(msgs))
	}
	for i, row := range rows {
		var m Message
		if err := Parse(msgs[i].b, &m); err != nil {
			t.Fatal(err)
		}
		for len(row) < len(fields) {
			row = append(row, "")
		}
		got := summary(t, &m)
		// Message keeps the first router of the list.
		row[11], _, _ = strings.Cut(row[11], ",")
		if strings.Join(got, "|") != strings.Join(row, "|") {
			t.Errorf("%s:\n  got %q\ntshark %q", msgs[i].name, got, row)
		}
	}
}

// summary renders m as tshark shows the fields of TestMatchesTshark.
func summary(t *testing.T, m *Message) []string {
	addr := func(a interface {
		IsValid() bool
		String() string
	}) string {
		if a.IsValid() {
			return a.String()
		}
		return ""
	}
	var params []string
	for _, c := range m.ParamRequests {
		params = append(params, strconv.Itoa(int(c)))
	}
	var typ, cidType, lease, fqdn string
	if m.Type != 0 {
		typ = strconv.Itoa(int(m.Type))
	}
	mac := net.HardwareAddr(m.CHAddr).String()
	switch {
	case m.HasClientID && m.ClientIDType == 1 && len(m.ClientID) == 6:
		mac += "," + net.HardwareAddr(m.ClientID).String() // tshark shows an Ethernet client id as a MAC
	case m.HasClientID:
		cidType = strconv.Itoa(int(m.ClientIDType))
	}
	if m.HasLeaseTime {
		lease = strconv.Itoa(int(m.LeaseTime))
	}
	if m.HasFQDN {
		var buf [255]byte
		n, err := m.FQDN(buf[:])
		if err != nil {
			t.Fatal(err)
		}
		fqdn = string(n)
	}
	var sname, file string
	if !m.HasCookie || m.Overload&2 == 0 {
		sname = string(m.SName)
	}
	if !m.HasCookie || m.Overload&1 == 0 {
		file = string(m.File)
	}
	return []string{strconv.Itoa(int(m.Op)), fmt.Sprintf("0x%08x", m.XID), mac, m.YIAddr.String(),
		typ, string(m.Hostname), string(m.VendorClass), cidType, strings.Join(params, ","), addr(m.RequestedIP), addr(m.ServerID),
		addr(m.Router), string(m.DomainName), lease, fqdn, sname, file}
}

func udpFrame(tb testing.TB, src, dst net.IP, sport, dport layers.UDPPort, payload []byte) []byte {
	tb.Helper()
	eth := &layers.Ethernet{SrcMAC: plcMAC, DstMAC: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: src, DstIP: dst}
	udp := &layers.UDP{SrcPort: sport, DstPort: dport}
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		tb.Fatal(err)
	}
	return testutil.Serialize(tb, eth, ip, udp, gopacket.Payload(payload))
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, msg := range testMessages(t) {
		if n := testing.AllocsPerRun(100, func() { _ = Parse(msg.b, &m) }); n != 0 {
			t.Errorf("%s: Parse allocates %v times", msg.name, n)
		}
	}
}

func BenchmarkParse(bm *testing.B) {
	msgs := testMessages(bm)
	var m Message
	bm.ReportAllocs()
	for i := 0; bm.Loop(); i++ {
		if err := Parse(msgs[i%len(msgs)].b, &m); err != nil {
			bm.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, msg := range testMessages(f) {
		f.Add(msg.b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var m Message
		if err := Parse(in, &m); err != nil {
			return
		}
		if len(m.CHAddr) != int(m.HLen) {
			t.Fatalf("chaddr %d bytes, hlen %d", len(m.CHAddr), m.HLen)
		}
		var buf [64]byte
		_, _ = m.FQDN(buf[:])
		_ = m.Type.String()
	})
}
