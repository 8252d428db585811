package lldp

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// tlv encodes one LLDP TLV: 7 bits of type, 9 bits of length, the value.
func tlv(typ int, v ...[]byte) []byte {
	var val []byte
	for _, p := range v {
		val = append(val, p...)
	}
	h := uint16(typ)<<9 | uint16(len(val))
	return append([]byte{byte(h >> 8), byte(h)}, val...)
}

func u16(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func s(v string) []byte   { return []byte(v) }
func b(v ...byte) []byte  { return v }

func mgmt(family byte, addr []byte, ifsub byte, ifnum uint32, oid []byte) []byte {
	return tlv(TLVMgmtAddress, b(byte(1+len(addr)), family), addr, b(ifsub), u32(ifnum), b(byte(len(oid))), oid)
}

func org(oui [3]byte, sub byte, v []byte) []byte { return tlv(TLVOrgSpecific, oui[:], b(sub), v) }

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// The test LLDPDUs, encoded from the IEEE 802.1AB and TIA-1057 formats.
var (
	pduSwitch = join(
		tlv(TLVChassisID, b(ChassisMACAddress), b(0x00, 0x1b, 0x54, 0xc2, 0x11, 0x80)),
		tlv(TLVPortID, b(PortInterfaceName), s("Gi1/0/3")),
		tlv(TLVTTL, u16(120)),
		tlv(TLVPortDesc, s("to cell 2 controllers")),
		tlv(TLVSystemName, s("sw-cell-2.plant.example")),
		tlv(TLVSystemDesc, s("Cisco IOS Software, IE4000 Software (IE4000-UNIVERSALK9-M), Version 15.2(7)E4")),
		tlv(TLVCapabilities, u16(CapBridge|CapRouter), u16(CapBridge)),
		mgmt(AddrFamilyIPv4, b(10, 20, 0, 2), 2, 3, b(0x2b, 0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x03)),
		mgmt(AddrFamilyIPv6, netip.MustParseAddr("fd00:20::2").AsSlice(), 2, 3, nil),
		org(ouiIEEE8021, 1, u16(20)),
		tlv(TLVEnd),
	)
	pduPLC = join(
		tlv(TLVChassisID, b(ChassisLocal), s("plc-cell2.profinet-io")),
		tlv(TLVPortID, b(PortLocal), s("port-001.plc-cell2")),
		tlv(TLVTTL, u16(20)),
		tlv(TLVCapabilities, u16(CapStation), u16(CapStation)),
		mgmt(AddrFamilyIPv4, b(10, 20, 0, 11), 2, 1, nil),
		org([3]byte{0x00, 0x0e, 0xcf}, 2, b(0x00, 0x00, 0x00, 0x00)), // PROFINET port status: counted, not decoded
		tlv(TLVEnd),
	)
	pduPhone = join(
		tlv(TLVChassisID, b(ChassisNetworkAddr), b(AddrFamilyIPv4, 10, 30, 0, 44)),
		tlv(TLVPortID, b(PortMACAddress), b(0x00, 0x04, 0x0d, 0x12, 0x34, 0x56)),
		tlv(TLVTTL, u16(180)),
		tlv(TLVSystemName, s("SEP00040D123456")),
		tlv(TLVCapabilities, u16(CapBridge|CapPhone), u16(CapPhone)),
		org(ouiTIAMED, 1, b(0x00, 0x33, 0x03)),
		org(ouiTIAMED, 5, s("HW 2.1")),
		org(ouiTIAMED, 6, s("FW 1.0.7")),
		org(ouiTIAMED, 7, s("SIP 9.4.1")),
		org(ouiTIAMED, 8, s("FCH1234A5BC")),
		org(ouiTIAMED, 9, s("Example Telecom")),
		org(ouiTIAMED, 10, s("EP-7960")),
		org(ouiTIAMED, 11, s("asset-0042")),
		tlv(TLVEnd),
	)
	pduShutdown = join(
		tlv(TLVChassisID, b(ChassisMACAddress), b(0x00, 0x1b, 0x54, 0xc2, 0x11, 0x80)),
		tlv(TLVPortID, b(PortInterfaceName), s("Gi1/0/3")),
		tlv(TLVTTL, u16(0)),
		tlv(TLVEnd),
	)
)

// LLDPDUs sent by lldpd 1.0.16 (Debian 12, "lldpd -M 1 -S <description>") from a veth
// in a network namespace whose host name was plc-cell2.plant.example, captured with
// tshark: its announcement (with an IPv6 management address, 802.3 and LLDP-MED TLVs)
// and its shutdown LLDPDU.
var (
	pduLldpd = mustHex("020704001b1b8a2210040703001b1b8a2210060200780a17706c632d63656c6c322e706c616e742e6578616d706c65" +
		"0c4d5369656d656e732c2053494d415449432053372c2043505520313531362d3320504e2f44502c2036455337203531362d" +
		"33414e30312d304142302c2048573a20332c2046573a2056322e392e340e04009c0080100c05010a14000202000000030010" +
		"181102fd00002000000000000000000000000202000000030008037a7761fe0900120f030100000000fe0900120f01008000" +
		"0036fe070012bb01003f01fe130012bb07362e31382e34342d66632d763539350000")
	pduLldpdShutdown = mustHex("020704001b1b8a2210040703001b1b8a2210060200000000")
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

var testPDUs = []struct {
	name string
	pdu  []byte
}{{"switch", pduSwitch}, {"plc", pduPLC}, {"phone", pduPhone}, {"shutdown", pduShutdown},
	{"lldpd", pduLldpd}, {"lldpd shutdown", pduLldpdShutdown}}

func TestParse(t *testing.T) {
	var m Message
	if err := Parse(pduSwitch, &m); err != nil {
		t.Fatal(err)
	}
	mac, ok := m.ChassisMAC()
	if !ok || hex.EncodeToString(mac[:]) != "001b54c21180" || string(m.PortID) != "Gi1/0/3" || m.TTL != 120 {
		t.Errorf("ids %x %q ttl %d", mac, m.PortID, m.TTL)
	}
	if string(m.SystemName) != "sw-cell-2.plant.example" || !strings.HasPrefix(string(m.SystemDescription), "Cisco IOS") ||
		string(m.PortDescription) != "to cell 2 controllers" {
		t.Errorf("names %q %q %q", m.SystemName, m.SystemDescription, m.PortDescription)
	}
	if !m.HasCapabilities || m.Capabilities != CapBridge|CapRouter || m.EnabledCaps != CapBridge {
		t.Errorf("caps %x %x", m.Capabilities, m.EnabledCaps)
	}
	if m.NumMgmtAddrs != 2 {
		t.Fatalf("%d management addresses", m.NumMgmtAddrs)
	}
	if ip, ok := m.MgmtAddrs[0].IP(); !ok || ip.String() != "10.20.0.2" || m.MgmtAddrs[0].IfNumber != 3 || len(m.MgmtAddrs[0].OID) != 10 {
		t.Errorf("mgmt 0 %+v", m.MgmtAddrs[0])
	}
	if ip, ok := m.MgmtAddrs[1].IP(); !ok || ip.String() != "fd00:20::2" {
		t.Errorf("mgmt 1 %+v", m.MgmtAddrs[1])
	}
	if !m.HasPortVLAN || m.PortVLAN != 20 || !m.Ended || m.OrgTLVs != 1 {
		t.Errorf("vlan %v %d ended %v org %d", m.HasPortVLAN, m.PortVLAN, m.Ended, m.OrgTLVs)
	}

	if err := Parse(pduLldpd, &m); err != nil {
		t.Fatal(err)
	}
	if string(m.SystemName) != "plc-cell2.plant.example" || !strings.HasPrefix(string(m.SystemDescription), "Siemens, SIMATIC S7") ||
		m.NumMgmtAddrs != 2 || !m.HasMED || m.MEDDevClass != 1 || string(m.PortDescription) != "zwa" || m.PortIDSubtype != PortMACAddress || m.TTL != 120 {
		t.Errorf("lldpd %+v", m)
	}

	if err := Parse(pduPhone, &m); err != nil {
		t.Fatal(err)
	}
	ip, ok := m.ChassisIP()
	inv := m.MEDInventory
	if !ok || ip.String() != "10.30.0.44" || !m.HasMED || m.MEDDevClass != 3 {
		t.Errorf("chassis %v med %v class %d", ip, m.HasMED, m.MEDDevClass)
	}
	got := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s", inv.HardwareRevision, inv.FirmwareRevision, inv.SoftwareRevision,
		inv.SerialNumber, inv.Manufacturer, inv.Model, inv.AssetID)
	if got != "HW 2.1|FW 1.0.7|SIP 9.4.1|FCH1234A5BC|Example Telecom|EP-7960|asset-0042" {
		t.Errorf("inventory %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	noTTL := join(tlv(TLVChassisID, b(4), b(1, 2, 3, 4, 5, 6)), tlv(TLVPortID, b(5), s("x")), tlv(TLVSystemName, s("n")))
	var many []byte
	many = append(many, pduSwitch[:len(pduSwitch)-2]...) // drop End
	for i := 0; i < MaxMgmtAddrs; i++ {
		many = append(many, mgmt(AddrFamilyIPv4, b(10, 0, 0, byte(i)), 1, 0, nil)...)
	}
	tests := []struct {
		name    string
		in      []byte
		wantErr error
		check   func(*Message) bool
	}{
		{"empty", nil, errMandatory, nil},
		{"one byte", b(0x02), errShort, nil},
		{"tlv past end", pduSwitch[:15], errTLVLength, nil},
		{"missing ttl", noTTL, errMandatory, nil},
		{"port before chassis", join(tlv(TLVPortID, b(5), s("x")), tlv(TLVChassisID, b(4), s("abcdef"))), errMandatory, nil},
		{"short chassis", join(tlv(TLVChassisID, b(4))), errIDLength, nil},
		{"ttl 3 bytes", join(tlv(TLVChassisID, b(7), s("c")), tlv(TLVPortID, b(7), s("p")), tlv(TLVTTL, b(0, 0, 1))), errTTLLength, nil},
		{"bad mgmt length", join(pduShutdown[:len(pduShutdown)-2], tlv(TLVMgmtAddress, b(40, 1, 10, 0, 0, 1, 2, 0, 0, 0, 1, 0))), errMgmtLength, nil},
		{"mgmt oid past end", join(pduShutdown[:len(pduShutdown)-2], tlv(TLVMgmtAddress, b(5, 1, 10, 0, 0, 1, 2, 0, 0, 0, 1, 9))), errMgmtLength, nil},
		{"short org", join(pduShutdown[:len(pduShutdown)-2], tlv(TLVOrgSpecific, b(0, 0x80, 0xc2))), errOrgLength, nil},
		{"no end tlv", pduSwitch[:len(pduSwitch)-2], nil, func(m *Message) bool { return !m.Ended && m.NumMgmtAddrs == 2 }},
		{"padding after end", append(append([]byte{}, pduShutdown...), make([]byte, 20)...), nil, func(m *Message) bool { return m.Ended && m.TTL == 0 }},
		{"too many mgmt", many, nil, func(m *Message) bool { return m.NumMgmtAddrs == MaxMgmtAddrs && m.MgmtAddrsDropped == 2 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			err := Parse(tc.in, &m)
			if err != tc.wantErr {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if tc.check != nil && !tc.check(&m) {
				t.Errorf("unexpected message %+v", m)
			}
		})
	}
}

// TestMatchesTshark writes the test LLDPDUs into a capture and holds every decoded field
// against tshark's dissection of it.
func TestMatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	capPath := testutil.WriteFrames(t, "lldp.pcap", frames()...)
	fields := []string{"lldp.chassis.subtype", "lldp.chassis.id.mac", "lldp.chassis.id.ip4", "lldp.chassis.id", "lldp.port.subtype",
		"lldp.port.id.mac", "lldp.port.id", "lldp.time_to_live", "lldp.port.desc", "lldp.tlv.system.name", "lldp.tlv.system.desc",
		"lldp.tlv.system_cap", "lldp.tlv.enable_system_cap", "lldp.mgn.addr.ip4", "lldp.mgn.addr.ip6", "lldp.mgn.interface.number",
		"lldp.ieee.802_1.port_vlan.id", "lldp.media.hardware", "lldp.media.firmware", "lldp.media.software", "lldp.media.sn",
		"lldp.media.manufacturer", "lldp.media.model", "lldp.media.asset"}
	rows := testutil.Tshark(t, capPath, "lldp", fields)
	if len(rows) != len(testPDUs) {
		t.Fatalf("tshark decoded %d LLDP frames of %d", len(rows), len(testPDUs))
	}
	for i, row := range rows {
		var m Message
		if err := Parse(testPDUs[i].pdu, &m); err != nil {
			t.Fatal(err)
		}
		got := summary(&m)
		for len(row) < len(fields) {
			row = append(row, "")
		}
		if strings.Join(got, "|") != strings.Join(row, "|") {
			t.Errorf("%s:\n  got %q\ntshark %q", testPDUs[i].name, got, row)
		}
	}
}

// summary renders m as tshark shows the fields of TestMatchesTshark.
func summary(m *Message) []string {
	text := func(v []byte) string { return string(v) }
	var chMAC, chIP4, chID, portMAC, portID string
	switch m.ChassisIDSubtype {
	case ChassisMACAddress:
		chMAC = macString(m.ChassisID)
	case ChassisNetworkAddr:
		if ip, ok := m.ChassisIP(); ok {
			chIP4 = ip.String()
		}
	default:
		chID = hex.EncodeToString(m.ChassisID) // tshark shows the other subtypes as bytes
	}
	if m.PortIDSubtype == PortMACAddress {
		portMAC = macString(m.PortID)
	} else {
		portID = text(m.PortID)
	}
	var ip4, ip6, ifnum []string
	for i := 0; i < m.NumMgmtAddrs; i++ {
		a := &m.MgmtAddrs[i]
		if ip, ok := a.IP(); ok && ip.Is4() {
			ip4 = append(ip4, ip.String())
		} else if ok {
			ip6 = append(ip6, ip.String())
		}
		ifnum = append(ifnum, strconv.Itoa(int(a.IfNumber)))
	}
	opt := func(ok bool, v string) string {
		if ok {
			return v
		}
		return ""
	}
	inv := m.MEDInventory
	return []string{
		strconv.Itoa(int(m.ChassisIDSubtype)), chMAC, chIP4, chID, strconv.Itoa(int(m.PortIDSubtype)), portMAC, portID,
		strconv.Itoa(int(m.TTL)), text(m.PortDescription), text(m.SystemName), text(m.SystemDescription),
		opt(m.HasCapabilities, fmt.Sprintf("0x%04x", m.Capabilities)), opt(m.HasCapabilities, fmt.Sprintf("0x%04x", m.EnabledCaps)),
		strings.Join(ip4, ","), strings.Join(ip6, ","), strings.Join(ifnum, ","), opt(m.HasPortVLAN, strconv.Itoa(int(m.PortVLAN))),
		text(inv.HardwareRevision), text(inv.FirmwareRevision), text(inv.SoftwareRevision), text(inv.SerialNumber),
		text(inv.Manufacturer), text(inv.Model), text(inv.AssetID),
	}
}

func macString(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(parts, ":")
}

// frames are the test PDUs as frames to the nearest-bridge address.
func frames() [][]byte {
	var out [][]byte
	for _, p := range testPDUs {
		out = append(out, join(b(0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e), b(0x00, 0x1b, 0x54, 0xc2, 0x11, 0x83), u16(EtherType), p.pdu))
	}
	return out
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, p := range testPDUs {
		if n := testing.AllocsPerRun(100, func() { _ = Parse(p.pdu, &m) }); n != 0 {
			t.Errorf("%s: Parse allocates %v times", p.name, n)
		}
	}
}

func BenchmarkParse(bm *testing.B) {
	var m Message
	bm.ReportAllocs()
	for i := 0; bm.Loop(); i++ {
		if err := Parse(testPDUs[i%len(testPDUs)].pdu, &m); err != nil {
			bm.Fatal(err)
		}
	}
}

// Real LLDPDUs (Ethernet payloads, padding included) of frames 181 and 623 of the public
// capture enip/enip_cip_example.pcap: a switch port with a management address, and an
// endpoint with IEEE 802.3 and LLDP-MED TLVs.
var captureSeeds = []string{
	"02070400219106f166040301313906020078100c0501d049d98e02000000000000000000000000000000000000000000",
	"020704644bf02b3171040703644bf02b317106020e11fe0900120f010300010000fe070012bb0100010100000000",
}

func FuzzParse(f *testing.F) {
	for _, p := range testPDUs {
		f.Add(p.pdu)
	}
	for _, h := range captureSeeds {
		b, err := hex.DecodeString(h)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var m Message
		if err := Parse(in, &m); err != nil {
			return
		}
		if m.NumMgmtAddrs > MaxMgmtAddrs {
			t.Fatalf("%d management addresses", m.NumMgmtAddrs)
		}
		for i := 0; i < m.NumMgmtAddrs; i++ {
			m.MgmtAddrs[i].IP()
		}
		m.ChassisIP()
		m.ChassisMAC()
	})
}
