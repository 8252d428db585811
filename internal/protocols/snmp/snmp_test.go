package snmp

import (
	"encoding/hex"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gosnmp/gosnmp"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// marshal encodes a message with gosnmp, an independent SNMP implementation.
func marshal(tb testing.TB, p *gosnmp.SnmpPacket) []byte {
	tb.Helper()
	p.Logger = gosnmp.NewLogger(nil)
	b, err := p.MarshalMsg()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

type testMsg struct {
	name string
	b    []byte
	port layers.UDPPort
}

const sysDescr = "Siemens, SIMATIC NET, SCALANCE XC208, 6GK5 208-0BA00-2AC2, HW: Version 1, FW: Version V04.03.01"

// testMessages are what a manager and an industrial switch say: a get for the system
// group and its answer, a walk step, a v1 trap, a v2c trap, and SNMPv3 discovery.
func testMessages(tb testing.TB) []testMsg {
	system := []string{".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.2.0", ".1.3.6.1.2.1.1.3.0", ".1.3.6.1.2.1.1.5.0", ".1.3.6.1.2.1.1.6.0"}
	var get []gosnmp.SnmpPDU
	for _, o := range system {
		get = append(get, gosnmp.SnmpPDU{Name: o, Type: gosnmp.Null})
	}
	request := marshal(tb, &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", PDUType: gosnmp.GetRequest,
		RequestID: 1902, Variables: get})
	response := marshal(tb, &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", PDUType: gosnmp.GetResponse,
		RequestID: 1902, Variables: []gosnmp.SnmpPDU{
			{Name: system[0], Type: gosnmp.OctetString, Value: []byte(sysDescr)},
			{Name: system[1], Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.4.1.4329.20.1.1.1.1.79.3.1.7"},
			{Name: system[2], Type: gosnmp.TimeTicks, Value: uint32(360012345)},
			{Name: system[3], Type: gosnmp.OctetString, Value: []byte("xc208-cell2")},
			{Name: system[4], Type: gosnmp.OctetString, Value: []byte("Building 4, cabinet 12")},
		}})
	walk := marshal(tb, &gosnmp.SnmpPacket{Version: gosnmp.Version1, Community: "private", PDUType: gosnmp.GetResponse,
		RequestID: 77, Variables: []gosnmp.SnmpPDU{
			{Name: ".1.3.6.1.2.1.2.2.1.2.1", Type: gosnmp.OctetString, Value: []byte("P1.1")},
			{Name: ".1.3.6.1.2.1.2.2.1.6.1", Type: gosnmp.OctetString, Value: []byte{0x00, 0x1b, 0x1b, 0x8a, 0x22, 0x01}},
			{Name: ".1.3.6.1.2.1.4.20.1.1.10.20.0.2", Type: gosnmp.IPAddress, Value: "10.20.0.2"},
			{Name: ".1.3.6.1.2.1.2.2.1.10.1", Type: gosnmp.Counter32, Value: uint(4000000000)},
			{Name: ".1.3.6.1.2.1.31.1.1.1.6.1", Type: gosnmp.Counter64, Value: uint64(1) << 40},
			{Name: ".1.3.6.1.2.1.2.2.1.8.1", Type: gosnmp.Integer, Value: -1},
		}})
	linkDown := []gosnmp.SnmpPDU{{Name: ".1.3.6.1.2.1.2.2.1.1.3", Type: gosnmp.Integer, Value: 3}}
	trap1 := marshal(tb, &gosnmp.SnmpPacket{Version: gosnmp.Version1, Community: "public", PDUType: gosnmp.Trap, Variables: linkDown,
		SnmpTrap: gosnmp.SnmpTrap{Enterprise: ".1.3.6.1.4.1.4329.20.1.1.1.1.79", AgentAddress: "10.20.0.2", GenericTrap: 2,
			SpecificTrap: 0, Timestamp: 123456, Variables: linkDown}})
	trap2 := marshal(tb, &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", PDUType: gosnmp.SNMPv2Trap,
		RequestID: 5, Variables: []gosnmp.SnmpPDU{
			{Name: ".1.3.6.1.2.1.1.3.0", Type: gosnmp.TimeTicks, Value: uint32(5000)},
			{Name: ".1.3.6.1.6.3.1.1.4.1.0", Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.6.3.1.1.5.1"},
		}})
	engine := string([]byte{0x80, 0x00, 0x10, 0xe9, 0x03, 0x00, 0x1b, 0x1b, 0x8a, 0x22, 0x01}) // enterprise 4329, MAC format
	v3report := marshal(tb, &gosnmp.SnmpPacket{Version: gosnmp.Version3, MsgFlags: gosnmp.NoAuthNoPriv, SecurityModel: gosnmp.UserSecurityModel,
		MsgID: 91, MsgMaxSize: 65507, PDUType: gosnmp.Report, RequestID: 92, ContextEngineID: engine,
		SecurityParameters: &gosnmp.UsmSecurityParameters{AuthoritativeEngineID: engine, AuthoritativeEngineBoots: 4,
			AuthoritativeEngineTime: 1200, UserName: "monitor"},
		Variables: []gosnmp.SnmpPDU{{Name: ".1.3.6.1.6.3.15.1.1.4.0", Type: gosnmp.Counter32, Value: uint(1)}}})
	msgs := []testMsg{{"get", request, Port}, {"response", response, Port}, {"walk v1", walk, Port},
		{"trap v1", trap1, TrapPort}, {"trap v2c", trap2, TrapPort}, {"v3 report", v3report, Port}}
	return append(msgs, netsnmpMessages(tb)...)
}

// netsnmpMessages reads the messages that net-snmp's tools and agent exchanged.
func netsnmpMessages(tb testing.TB) []testMsg {
	raw, err := os.ReadFile("testdata/netsnmp.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var out []testMsg
	for _, line := range strings.Split(string(raw), "\n") {
		name, h, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		out = append(out, testMsg{name, b, Port})
	}
	return out
}

// TestRealAgent checks what net-snmp's agent answered.
func TestRealAgent(t *testing.T) {
	msgs := netsnmpMessages(t)
	if len(msgs) != 8 {
		t.Fatalf("%d messages in testdata", len(msgs))
	}
	var m Message
	if err := Parse(msgs[1].b, &m); err != nil {
		t.Fatal(err)
	}
	s := m.System
	if m.PDUType != Response || string(s.Descr) != sysDescr || oidString(t, s.ObjectID) != "1.3.6.1.4.1.4329.20.1.1.1.1.79.3.1.7" ||
		!s.HasUpTime || string(s.Contact) != "ot-security@plant.example" || string(s.Name) != "xc208-cell2" ||
		string(s.Location) != "Building 4, cabinet 12" {
		t.Errorf("v2c response %+v", s)
	}
	if ent, ok := EnterpriseOf(s.ObjectID); !ok || ent != 4329 {
		t.Errorf("sysObjectID enterprise %d %v", ent, ok)
	}
	if err := Parse(msgs[3].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != Version1 || string(m.System.Name) != "xc208-cell2" {
		t.Errorf("v1 response %+v", m)
	}
	if err := Parse(msgs[5].b, &m); err != nil {
		t.Fatal(err)
	}
	if ent, ok := m.V3.EngineEnterprise(); !ok || ent != 8072 || m.PDUType != Report { // 8072: net-snmp
		t.Errorf("v3 report: enterprise %d %v, %+v", ent, ok, m.V3)
	}
	if err := Parse(msgs[7].b, &m); err != nil {
		t.Fatal(err)
	}
	if string(m.V3.UserName) != "monitor" || m.V3.Encrypted || string(m.System.Name) != "xc208-cell2" {
		t.Errorf("v3 response %+v", m)
	}
}

func oidString(tb testing.TB, oid []byte) string {
	tb.Helper()
	s, err := AppendOID(nil, oid)
	if err != nil {
		tb.Fatalf("AppendOID(%x): %v", oid, err)
	}
	return string(s)
}

func TestParse(t *testing.T) {
	msgs := testMessages(t)
	var m Message
	if err := Parse(msgs[0].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != Version2c || string(m.Community) != "public" || m.PDUType != GetRequest || m.RequestID != 1902 ||
		m.NumVarBinds != 5 || m.System.Descr != nil || m.VarBinds[0].Tag != TagNull {
		t.Errorf("get %+v", m)
	}
	if err := Parse(msgs[1].b, &m); err != nil {
		t.Fatal(err)
	}
	s := m.System
	if m.PDUType != Response || string(s.Descr) != sysDescr || oidString(t, s.ObjectID) != "1.3.6.1.4.1.4329.20.1.1.1.1.79.3.1.7" ||
		!s.HasUpTime || s.UpTime != 360012345 || string(s.Name) != "xc208-cell2" || string(s.Location) != "Building 4, cabinet 12" {
		t.Errorf("response system %+v", s)
	}
	if err := Parse(msgs[2].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != Version1 || m.NumVarBinds != 6 || oidString(t, m.VarBinds[2].OID) != "1.3.6.1.2.1.4.20.1.1.10.20.0.2" ||
		m.VarBinds[2].Tag != TagIPAddress || m.VarBinds[4].Tag != TagCounter64 || hex.EncodeToString(m.VarBinds[1].Value) != "001b1b8a2201" {
		t.Errorf("walk %+v", m.VarBinds[:m.NumVarBinds])
	}
	if n, err := beInt(m.VarBinds[5].Value); err != nil || n != -1 {
		t.Errorf("integer -1: %d %v", n, err)
	}
	if n, ok := beUint(m.VarBinds[3].Value); !ok || n != 4000000000 {
		t.Errorf("counter32: %d", n)
	}
	if err := Parse(msgs[3].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.PDUType != TrapV1 || oidString(t, m.Enterprise) != "1.3.6.1.4.1.4329.20.1.1.1.1.79" || m.AgentAddr.String() != "10.20.0.2" ||
		m.GenericTrap != 2 || m.TimeStamp != 123456 || m.NumVarBinds != 1 {
		t.Errorf("trap v1 %+v", m)
	}
	if err := Parse(msgs[5].b, &m); err != nil {
		t.Fatal(err)
	}
	ent, ok := m.V3.EngineEnterprise()
	if m.Version != Version3 || !ok || ent != 4329 || string(m.V3.UserName) != "monitor" || m.V3.EngineBoots != 4 ||
		m.V3.Encrypted || m.PDUType != Report || m.RequestID != 92 || m.V3.MsgID != 91 {
		t.Errorf("v3 %+v", m)
	}
}

// TestV3Encrypted checks that an authPriv message yields its USM header and no PDU.
func TestV3Encrypted(t *testing.T) {
	engine := string([]byte{0x80, 0x00, 0x10, 0xe9, 0x03, 0x00, 0x1b, 0x1b, 0x8a, 0x22, 0x01})
	usm := &gosnmp.UsmSecurityParameters{AuthoritativeEngineID: engine, AuthoritativeEngineBoots: 4, AuthoritativeEngineTime: 1200,
		UserName: "operator", AuthenticationProtocol: gosnmp.SHA, AuthenticationPassphrase: "auth-pass-123",
		PrivacyProtocol: gosnmp.AES, PrivacyPassphrase: "priv-pass-456", Logger: gosnmp.NewLogger(nil)}
	if err := usm.InitSecurityKeys(); err != nil {
		t.Fatal(err)
	}
	b := marshal(t, &gosnmp.SnmpPacket{Version: gosnmp.Version3, MsgFlags: gosnmp.AuthPriv | gosnmp.Reportable,
		SecurityModel: gosnmp.UserSecurityModel, MsgID: 5, MsgMaxSize: 65507, PDUType: gosnmp.GetRequest, RequestID: 6,
		ContextEngineID: engine, SecurityParameters: usm,
		Variables: []gosnmp.SnmpPDU{{Name: ".1.3.6.1.2.1.1.1.0", Type: gosnmp.Null}}})
	if strings.Contains(string(b), string(oidSysDescr)) {
		t.Fatal("the scoped PDU went out in clear")
	}
	var m Message
	if err := Parse(b, &m); err != nil {
		t.Fatal(err)
	}
	if !m.V3.Encrypted || m.HasPDU || string(m.V3.UserName) != "operator" || m.V3.Flags&3 != 3 {
		t.Errorf("%+v", m.V3)
	}
}

func TestEnterpriseOf(t *testing.T) {
	tests := []struct {
		hex  string
		want uint32
		ok   bool
	}{
		{"2b06010401a1691401", 4329, true},
		{"2b0601040109", 9, true},
		{"2b060104018fffffff7f", 4294967295, true},
		{"2b060104019fffffffff7f", 0, false}, // over 32 bits
		{"2b06010401", 0, false},
		{"2b0601040181", 0, false}, // cut
		{"2b06010201010200", 0, false},
	}
	for _, tc := range tests {
		b, _ := hex.DecodeString(tc.hex)
		got, ok := EnterpriseOf(b)
		if got != tc.want || ok != tc.ok {
			t.Errorf("EnterpriseOf(%s) = %d, %v", tc.hex, got, ok)
		}
	}
}

func TestAppendOID(t *testing.T) {
	tests := []struct {
		hex, want string
		ok        bool
	}{
		{"2b06010201010100", "1.3.6.1.2.1.1.1.0", true},
		{"2b060104019f28", "1.3.6.1.4.1.4008", true},
		{"8837", "2.999", true},
		{"2b0601048fffffff7f", "1.3.6.1.4.4294967295", true},
		{"", "", false},
		{"2b86", "", false},           // cut in a subidentifier
		{"2b80 01", "", false},        // non-minimal
		{"2b9fffffffff7f", "", false}, // over 32 bits
	}
	for _, tc := range tests {
		b, _ := hex.DecodeString(strings.ReplaceAll(tc.hex, " ", ""))
		got, err := AppendOID(nil, b)
		if (err == nil) != tc.ok || (tc.ok && string(got) != tc.want) {
			t.Errorf("AppendOID(%s) = %q, %v", tc.hex, got, err)
		}
	}
	buf := make([]byte, 0, 64)
	oid, _ := hex.DecodeString("2b06010201010100")
	if n := testing.AllocsPerRun(100, func() { _, _ = AppendOID(buf[:0], oid) }); n != 0 {
		t.Errorf("AppendOID allocates %v times", n)
	}
}

func TestParseErrors(t *testing.T) {
	resp := testMessages(t)[1].b
	tests := []struct {
		name    string
		in      []byte
		wantErr error
	}{
		{"empty", nil, errBERShort},
		{"not a sequence", []byte{0x02, 0x01, 0x00}, errBERTag},
		{"cut", resp[:len(resp)-5], errBERShort},
		{"version 2", []byte{0x30, 0x03, 0x02, 0x01, 0x02}, errVersion},
		{"indefinite length", []byte{0x30, 0x80, 0x02, 0x01, 0x01, 0, 0}, errBERLength},
		{"5-byte length", []byte{0x30, 0x85, 1, 0, 0, 0, 0}, errBERLength},
		{"integer of 5 bytes", []byte{0x30, 0x07, 0x02, 0x05, 0, 0, 0, 0, 1}, errBERInt},
		{"unknown pdu", []byte{0x30, 0x0b, 0x02, 0x01, 0x01, 0x04, 0x01, 'p', 0xb0, 0x03, 0x02, 0x01, 0x01}, errPDU},
		{"high tag number", []byte{0x30, 0x05, 0x1f, 0x81, 0x01, 0x01, 0x00}, errBERTag},
		{"v3 without header", []byte{0x30, 0x05, 0x02, 0x01, 0x03, 0x05, 0x00}, errV3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			if err := Parse(tc.in, &m); err != tc.wantErr {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
		})
	}
	// A long-form length that a DER reader would refuse ("0x81 0x05" for 5) is fine in BER.
	nonMinimal := []byte{0x30, 0x81, 0x1d, 0x02, 0x01, 0x01, 0x04, 0x01, 'p', 0xa0, 0x81, 0x14, 0x02, 0x01, 0x07, 0x02, 0x01, 0x00,
		0x02, 0x01, 0x00, 0x30, 0x09, 0x30, 0x07, 0x06, 0x03, 0x2b, 0x06, 0x01, 0x05, 0x00}
	var m Message
	if err := Parse(nonMinimal, &m); err != nil || m.RequestID != 7 || m.NumVarBinds != 1 {
		t.Errorf("non-minimal lengths: %v %+v", err, m)
	}
}

// TestMatchesTshark writes the test messages into a capture and holds the decoded fields
// against tshark's SNMP dissector.
func TestMatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	msgs := testMessages(t)
	capPath := testutil.WriteFrames(t, "snmp.pcap", frames(t, msgs)...)
	fields := []string{"snmp.version", "snmp.community", "snmp.data", "snmp.request_id", "snmp.name", "snmp.value.octets",
		"snmp.value.oid", "snmp.value.timeticks", "snmp.enterprise", "snmp.agent_addr", "snmp.msgUserName", "snmp.engineid.enterprise"}
	rows := testutil.Tshark(t, capPath, "snmp", fields)
	if len(rows) != len(msgs) {
		t.Fatalf("tshark decoded %d SNMP messages of %d", len(rows), len(msgs))
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
		if strings.Join(got, "|") != strings.Join(row, "|") {
			t.Errorf("%s:\n  got %q\ntshark %q", msgs[i].name, got, row)
		}
	}
}

func summary(t *testing.T, m *Message) []string {
	var names, octets, oids, ticks []string
	for _, vb := range m.VarBinds[:m.NumVarBinds] {
		names = append(names, oidString(t, vb.OID))
		switch vb.Tag {
		case TagOctetString:
			octets = append(octets, hex.EncodeToString(vb.Value))
		case TagOID:
			oids = append(oids, oidString(t, vb.Value))
		case TagTimeTicks:
			n, _ := beUint(vb.Value)
			ticks = append(ticks, strconv.Itoa(int(n)))
		}
	}
	var version, community, reqID, enterprise, agent, user string
	var engineEnt []string
	if m.Version != Version3 {
		version, community = strconv.Itoa(int(m.Version)), string(m.Community)
	} else {
		// tshark names v3's version msgVersion, and decodes the context engine id too.
		user = string(m.V3.UserName)
		for _, id := range [][]byte{m.V3.EngineID, m.V3.ContextEngine} {
			if e, ok := (&V3{EngineID: id}).EngineEnterprise(); ok {
				engineEnt = append(engineEnt, strconv.Itoa(int(e)))
			}
		}
	}
	if m.PDUType == TrapV1 {
		enterprise = oidString(t, m.Enterprise)
		agent = m.AgentAddr.String()
	} else {
		reqID = strconv.Itoa(int(m.RequestID))
	}
	return []string{version, community, strconv.Itoa(int(m.PDUType - GetRequest)), reqID,
		strings.Join(names, ","), strings.Join(octets, ","), strings.Join(oids, ","), strings.Join(ticks, ","),
		enterprise, agent, user, strings.Join(engineEnt, ",")}
}

// frames are the test messages as UDP frames from an agent to a manager.
func frames(tb testing.TB, msgs []testMsg) [][]byte {
	var out [][]byte
	for i, tm := range msgs {
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 0x1b, 0x1b, 0x8a, 0x22, 0x01}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 50},
			EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IP{10, 20, 0, 2}, DstIP: net.IP{10, 20, 0, 50}}
		udp := &layers.UDP{SrcPort: 40000 + layers.UDPPort(i), DstPort: tm.port}
		if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
			tb.Fatal(err)
		}
		out = append(out, testutil.Serialize(tb, eth, ip, udp, gopacket.Payload(tm.b)))
	}
	return out
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, tm := range testMessages(t) {
		if n := testing.AllocsPerRun(100, func() { _ = Parse(tm.b, &m) }); n != 0 {
			t.Errorf("%s: Parse allocates %v times", tm.name, n)
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
	for _, tm := range testMessages(f) {
		f.Add(tm.b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := Parse(b, &m); err != nil {
			return
		}
		if m.NumVarBinds > MaxVarBinds {
			t.Fatalf("%d bindings", m.NumVarBinds)
		}
		var buf [128]byte
		for _, vb := range m.VarBinds[:m.NumVarBinds] {
			_, _ = AppendOID(buf[:0], vb.OID)
		}
		_, _ = m.V3.EngineEnterprise()
		_, _ = EnterpriseOf(m.System.ObjectID)
		_, _ = EnterpriseOf(m.Enterprise)
		_ = m.PDUType.String()
	})
}

func FuzzAppendOID(f *testing.F) {
	for _, h := range []string{"2b06010201010100", "2b0601048fffffff7f", "8837"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, oid []byte) {
		s, err := AppendOID(nil, oid)
		if err != nil {
			return
		}
		if len(s) > 11*len(oid)+2 {
			t.Fatalf("%d bytes from %d", len(s), len(oid))
		}
	})
}
