package cdp

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

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func s(v string) []byte   { return []byte(v) }
func b(v ...byte) []byte  { return v }

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// tlv encodes one CDP TLV: type, length including the 4-byte header, value.
func tlv(typ uint16, v ...[]byte) []byte {
	val := join(v...)
	return join(u16(typ), u16(uint16(4+len(val))), val)
}

func ipv4Entry(a string) []byte {
	return join(b(1, 1, 0xCC), u16(4), netip.MustParseAddr(a).AsSlice())
}

func ipv6Entry(a string) []byte {
	return join(b(2, 8), snapIPv6[:], u16(16), netip.MustParseAddr(a).AsSlice())
}

// packet builds a CDP packet and fills in its checksum the way Cisco devices compute it.
func packet(version, ttl byte, tlvs ...[]byte) []byte {
	p := join(b(version, ttl, 0, 0), join(tlvs...))
	if len(p)%2 == 0 && ttl == 60 {
		panic("pktV1 must have an odd length")
	}
	c := checksum(p)
	p[2], p[3] = byte(c>>8), byte(c)
	return p
}

// The test packets, encoded from Cisco's published CDP format.
var (
	pktSwitch = packet(2, 180,
		tlv(TLVDeviceID, s("ie4000-cell2.plant.example")),
		tlv(TLVAddresses, u32(2), ipv4Entry("10.20.0.2"), ipv6Entry("fd00:20::2")),
		tlv(TLVPortID, s("GigabitEthernet1/3")),
		tlv(TLVCapabilities, u32(CapRouter|CapSwitch|CapIGMP)),
		tlv(TLVSoftware, s("Cisco IOS Software, IE4000 Software (IE4000-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)")),
		tlv(TLVPlatform, s("cisco IE-4000-8GT4G-E")),
		tlv(TLVVTPDomain, s("plant")),
		tlv(TLVNativeVLAN, u16(20)),
		tlv(TLVDuplex, b(1)),
		tlv(TLVMgmtAddresses, u32(1), ipv4Entry("10.99.0.2")),
	)
	pktPhone = packet(2, 180,
		tlv(TLVDeviceID, s("SEP00040D123456")),
		tlv(TLVAddresses, u32(1), ipv4Entry("10.30.0.44")),
		tlv(TLVPortID, s("Port 1")),
		tlv(TLVCapabilities, u32(CapHost|CapPhone)),
		tlv(TLVSoftware, s("SIP88xx.14-1-1")),
		tlv(TLVPlatform, s("Cisco IP Phone 8865")),
		tlv(TLVDuplex, b(0)),
	)
	// Version 1, odd length: the checksum's odd-byte rule matters.
	pktV1 = packet(1, 60,
		tlv(TLVDeviceID, s("rtr-1")),
		tlv(TLVPortID, s("Ethernet0")),
		tlv(TLVCapabilities, u32(CapRouter)),
		tlv(TLVPlatform, s("cisco 2611X")),
	)
)

// Odd length with a last byte above 0x7F: the sign extension matters.
var pktOddHigh = packet(2, 180,
	tlv(TLVDeviceID, s("dev")),
	tlv(TLVSystemOID, b(0x06, 0x06, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x89)),
)

// The 802.3 data (LLC/SNAP header and CDPv2 packet) of a frame sent by lldpd 1.0.16
// (Debian 12, "lldpd -ccc") from a veth in a network namespace, captured with tshark.
var lldpdFrameData = mustHex("aaaa0300000c20000278dd840001001b706c632d63656c6c322e706c616e742e6578616d706c6500020011000000010101cc" +
	"00040a140002000300077a77610004000800000010000500515369656d656e732c2053494d415449432053372c2043505520313531" +
	"362d3320504e2f44502c2036455337203531362d33414e30312d304142302c2048573a20332c2046573a2056322e392e34000600094c696e7578")

var pktLldpd = func() []byte {
	p, ok := FromLLC(lldpdFrameData)
	if !ok {
		panic("lldpd frame: no CDP SNAP header")
	}
	return p
}()

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// pktBadSum is pktPhone with a wrong checksum.
var pktBadSum = func() []byte {
	p := append([]byte{}, pktPhone...)
	p[3] ^= 0x40
	return p
}()

var testPackets = []struct {
	name string
	pkt  []byte
}{{"switch", pktSwitch}, {"phone", pktPhone}, {"v1 odd length", pktV1}, {"odd length, high last byte", pktOddHigh}, {"bad checksum", pktBadSum}, {"lldpd", pktLldpd}}

func TestParse(t *testing.T) {
	var m Message
	if err := Parse(pktSwitch, &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != 2 || m.TTL != 180 || !m.ChecksumOK || m.TLVs != 10 {
		t.Errorf("header %d %d %v tlvs %d", m.Version, m.TTL, m.ChecksumOK, m.TLVs)
	}
	if string(m.DeviceID) != "ie4000-cell2.plant.example" || string(m.PortID) != "GigabitEthernet1/3" ||
		string(m.Platform) != "cisco IE-4000-8GT4G-E" || string(m.VTPDomain) != "plant" {
		t.Errorf("strings %q %q %q %q", m.DeviceID, m.PortID, m.Platform, m.VTPDomain)
	}
	if m.Addresses.N != 2 || m.Addresses.Addrs[0].String() != "10.20.0.2" || m.Addresses.Addrs[1].String() != "fd00:20::2" {
		t.Errorf("addresses %+v", m.Addresses)
	}
	if m.MgmtAddresses.N != 1 || m.MgmtAddresses.Addrs[0].String() != "10.99.0.2" {
		t.Errorf("management addresses %+v", m.MgmtAddresses)
	}
	if !m.HasCapabilities || m.Capabilities != CapRouter|CapSwitch|CapIGMP || !m.HasNativeVLAN || m.NativeVLAN != 20 || !m.HasDuplex || !m.FullDuplex {
		t.Errorf("caps %x vlan %d duplex %v", m.Capabilities, m.NativeVLAN, m.FullDuplex)
	}
	if err := Parse(pktLldpd, &m); err != nil {
		t.Fatal(err)
	}
	if !m.ChecksumOK || string(m.DeviceID) != "plc-cell2.plant.example" || string(m.Platform) != "Linux" || string(m.PortID) != "zwa" ||
		m.Addresses.N != 1 || m.Addresses.Addrs[0].String() != "10.20.0.2" || !strings.HasPrefix(string(m.SoftwareVersion), "Siemens") {
		t.Errorf("lldpd %+v", m)
	}
	bad := append([]byte{}, pktSwitch...)
	bad[10] ^= 1
	if err := Parse(bad, &m); err != nil || m.ChecksumOK {
		t.Errorf("corrupted packet: err %v checksum ok %v", err, m.ChecksumOK)
	}
}

func TestFromLLC(t *testing.T) {
	frame := join(llcSNAP[:], pktPhone)
	p, ok := FromLLC(frame)
	if !ok || len(p) != len(pktPhone) {
		t.Fatalf("FromLLC: %v %d", ok, len(p))
	}
	frame[7] = 0x01 // another SNAP protocol (VTP is 0x2003, DTP 0x2004)
	if _, ok := FromLLC(frame); ok {
		t.Error("FromLLC accepted a non-CDP SNAP header")
	}
	if _, ok := FromLLC(frame[:5]); ok {
		t.Error("FromLLC accepted a short header")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		wantErr error
		check   func(*Message) bool
	}{
		{"short", b(2, 180, 0), errShort, nil},
		{"version 3", b(3, 180, 0, 0), errVersion, nil},
		{"header only", b(2, 180, 0, 0), nil, func(m *Message) bool { return m.TLVs == 0 }},
		{"tlv header cut", b(2, 180, 0, 0, 0, 1, 0), errTLVHeader, nil},
		{"tlv length 3", join(b(2, 180, 0, 0), u16(1), u16(3)), errTLVLength, nil},
		{"tlv past end", pktSwitch[:30], errTLVLength, nil},
		{"huge address count", join(b(2, 180, 0, 0), tlv(TLVAddresses, u32(0xFFFFFFFF))), errAddresses, nil},
		{"address count past data", join(b(2, 180, 0, 0), tlv(TLVAddresses, u32(2), ipv4Entry("10.0.0.1"))), errAddresses, nil},
		{"address length past data", join(b(2, 180, 0, 0), tlv(TLVAddresses, u32(1), b(1, 1, 0xCC), u16(40), b(1, 2, 3, 4))), errAddresses, nil},
		{"capabilities 2 bytes", join(b(2, 180, 0, 0), tlv(TLVCapabilities, u16(1))), errFixedLen, nil},
		{"clns address counted", join(b(2, 180, 0, 0), tlv(TLVAddresses, u32(1), b(1, 1, 0x81), u16(3), b(1, 2, 3))), nil,
			func(m *Message) bool { return m.Addresses.N == 0 && m.Addresses.Other == 1 }},
		{"address overflow", join(b(2, 180, 0, 0), tlv(TLVAddresses, u32(6), ipv4Entry("10.0.0.1"), ipv4Entry("10.0.0.2"),
			ipv4Entry("10.0.0.3"), ipv4Entry("10.0.0.4"), ipv4Entry("10.0.0.5"), ipv4Entry("10.0.0.6"))), nil,
			func(m *Message) bool { return m.Addresses.N == MaxAddrs && m.Addresses.Dropped == 2 }},
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

// TestMatchesTshark writes the test packets as 802.3 frames into a capture and holds the
// decoded fields and the checksum verdict against tshark.
func TestMatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	capPath := testutil.WriteFrames(t, "cdp.pcap", frames()...)
	fields := []string{"cdp.version", "cdp.ttl", "cdp.checksum.status", "cdp.deviceid", "cdp.portid", "cdp.software_version",
		"cdp.platform", "cdp.capabilities", "cdp.vtp_management_domain", "cdp.native_vlan", "cdp.duplex", "cdp.nrgyz.ip_address",
		"cdp.nrgyz.ipv6_address"}
	rows := testutil.Tshark(t, capPath, "cdp", fields)
	if len(rows) != len(testPackets) {
		t.Fatalf("tshark decoded %d CDP frames of %d", len(rows), len(testPackets))
	}
	for i, row := range rows {
		var m Message
		if err := Parse(testPackets[i].pkt, &m); err != nil {
			t.Fatal(err)
		}
		for len(row) < len(fields) {
			row = append(row, "")
		}
		opt := func(ok bool, v string) string {
			if ok {
				return v
			}
			return ""
		}
		var ip4, ip6 []string
		for _, l := range []*Addresses{&m.Addresses, &m.MgmtAddresses} {
			for _, a := range l.Addrs[:l.N] {
				if a.Is4() {
					ip4 = append(ip4, a.String())
				} else {
					ip6 = append(ip6, a.String())
				}
			}
		}
		got := []string{strconv.Itoa(int(m.Version)), strconv.Itoa(int(m.TTL)), map[bool]string{true: "1", false: "0"}[m.ChecksumOK], /* tshark: 1 good, 0 bad */
			string(m.DeviceID), string(m.PortID), string(m.SoftwareVersion), string(m.Platform),
			opt(m.HasCapabilities, fmt.Sprintf("0x%08x", m.Capabilities)), string(m.VTPDomain),
			opt(m.HasNativeVLAN, strconv.Itoa(int(m.NativeVLAN))), opt(m.HasDuplex, map[bool]string{true: "1", false: "0"}[m.FullDuplex]),
			strings.Join(ip4, ","), strings.Join(ip6, ",")}
		if strings.Join(got, "|") != strings.Join(row, "|") {
			t.Errorf("%s:\n  got %q\ntshark %q", testPackets[i].name, got, row)
		}
	}
}

// frames are the test packets as frames to CDP's multicast address.
func frames() [][]byte {
	var out [][]byte
	for _, p := range testPackets {
		data := join(llcSNAP[:], p.pkt)
		out = append(out, join(Multicast[:], b(0x00, 0x1b, 0x54, 0xc2, 0x11, 0x83), u16(uint16(len(data))), data))
	}
	return out
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, p := range testPackets {
		if n := testing.AllocsPerRun(100, func() { _ = Parse(p.pkt, &m) }); n != 0 {
			t.Errorf("%s: Parse allocates %v times", p.name, n)
		}
	}
}

func BenchmarkParse(bm *testing.B) {
	var m Message
	bm.ReportAllocs()
	for i := 0; bm.Loop(); i++ {
		if err := Parse(testPackets[i%len(testPackets)].pkt, &m); err != nil {
			bm.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range testPackets {
		f.Add(p.pkt)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var m Message
		if err := Parse(in, &m); err != nil {
			return
		}
		if m.Addresses.N > MaxAddrs || m.MgmtAddresses.N > MaxAddrs {
			t.Fatalf("address counts %d %d", m.Addresses.N, m.MgmtAddresses.N)
		}
		if m.ChecksumOK != (checksum(in) == 0) {
			t.Fatal("checksum verdict differs")
		}
	})
}
