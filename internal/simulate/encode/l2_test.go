package encode

import (
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/protocols/profinet"
	"github.com/zonewarden/zonewarden/internal/simulate/wire"
)

func (c *capture) eth(dst [6]byte, etype uint16, payload []byte) {
	e := wire.Eth{Dst: dst, Src: srvMAC, VLAN: 20}
	c.add(wire.AppendEthernet(nil, &e, etype, payload))
}

var plcDCP = DCPIdentity{NameOfStation: "filter-plc-2", TypeOfStation: "S7-1500", VendorID: 0x002a, DeviceID: 0x010e, Role: 2,
	IP: [4]byte{10, 20, 12, 30}, Mask: [4]byte{255, 255, 255, 0}, GW: [4]byte{10, 20, 12, 1}, MAC: srvMAC}

func TestDCPTshark(t *testing.T) {
	var c capture
	c.eth(DCPMulticast, wire.EtherTypeProfinet, DCPIdentifyRequest(nil, 0x1001))
	c.eth(cliMAC, wire.EtherTypeProfinet, DCPIdentifyResponse(nil, 0x1001, &plcDCP))
	c.eth(srvMAC, wire.EtherTypeProfinet, DCPSetIP(nil, 0x2002, [4]byte{10, 20, 12, 99}, [4]byte{255, 255, 255, 0}, [4]byte{}))
	c.eth(cliMAC, wire.EtherTypeProfinet, DCPSetResponse(nil, 0x2002))
	rows := c.check(t, "pn_dcp.service_id", "pn_dcp.suboption_device_nameofstation", "pn_dcp.suboption_vendor_id", "pn_dcp.suboption_device_id", "pn_dcp.suboption_ip_ip")
	requireRow(t, rows, "filter-plc-2", "0x002a", "0x010e", "10.20.12.30")
	requireRow(t, rows, "4", "10.20.12.99")
}

func TestDCPDissector(t *testing.T) {
	var m profinet.Message
	b := DCPIdentifyResponse(nil, 7, &plcDCP)
	if err := profinet.ParseDCP(b, &m); err != nil {
		t.Fatal(err)
	}
	if string(m.DCP.NameOfStation) != "filter-plc-2" || m.DCP.VendorID != 0x002a || m.DCP.DeviceID != 0x010e {
		t.Errorf("decoded %+v", m.DCP)
	}
}

func TestLLDPCDPTshark(t *testing.T) {
	var c capture
	c.eth(LLDPMulticast, wire.EtherTypeLLDP, LLDP(nil, &LLDPInfo{ChassisMAC: srvMAC, PortID: "Gi1/1", PortDesc: "GigabitEthernet1/1",
		SysName: "sw-control", SysDesc: "Cisco IE-4000-8GT4G-E 15.2(7)E8", Caps: 0x0004, MgmtIP: srvIP, HasIP: true, TTL: 120}))
	e := wire.Eth{Dst: CDPMulticast, Src: srvMAC}
	for _, name := range []string{"sw-control", "sw-controls"} { // even and odd lengths
		c.add(wire.AppendSNAP(nil, &e, [3]byte{0, 0, 0x0c}, 0x2000, CDP(nil, &CDPInfo{DeviceID: name, SoftwareVersion: "Cisco IOS Software, IE4000 Version 15.2(7)E8",
			Platform: "cisco IE-4000-8GT4G-E", PortID: "GigabitEthernet1/1", IP: srvIP, Caps: 0x28, NativeVLAN: 20})))
	}
	rows := c.check(t, "lldp.tlv.system.name", "lldp.tlv.system.desc", "cdp.deviceid", "cdp.platform", "cdp.checksum.status")
	requireRow(t, rows, "sw-control", "Cisco IE-4000-8GT4G-E 15.2(7)E8")
	requireRow(t, rows, "sw-controls", "cisco IE-4000-8GT4G-E")
	// tshark verifies the CDP checksum: 1 is good (0 bad, 2 unverified).
	requireRow(t, rows, "sw-control\tcisco IE-4000-8GT4G-E\t1")
	requireRow(t, rows, "sw-controls\tcisco IE-4000-8GT4G-E\t1")
}

func TestUDPServicesTshark(t *testing.T) {
	var c capture
	at := time.Date(2026, 3, 2, 8, 0, 5, 0, time.UTC)
	m := DHCPMsg{Op: 1, Type: DHCPRequest, XID: 0x3903f326, Broadcast: true, CHAddr: cliMAC, RequestedIP: cliIP, Hostname: "EWS-1", VendorClass: "MSFT 5.0"}
	c.udp(0, 68, 67, DHCP(nil, &m))
	r := DHCPMsg{Op: 2, Type: DHCPAck, XID: 0x3903f326, YIAddr: cliIP, CHAddr: cliMAC, ServerID: srvIP, Lease: 28800,
		Mask: [4]byte{255, 255, 255, 0}, Router: [4]byte{10, 20, 2, 1}, DNS: srvIP, Domain: "ot.riverside.local"}
	c.udp(1, 67, 68, DHCP(nil, &r))
	c.udp(0, 53001, 53, DNSQuery(nil, 0x1234, "ops-historian.ot.riverside.local", DNSTypeA))
	c.udp(1, 53, 53001, DNSAnswerA(nil, 0x1234, "ops-historian.ot.riverside.local", [4]byte{10, 20, 3, 10}, 1200))
	c.udp(0, 53002, 53, DNSQuery(nil, 0x1235, "wpad.ot.riverside.local", DNSTypeA))
	c.udp(1, 53, 53002, DNSAnswerA(nil, 0x1235, "wpad.ot.riverside.local", [4]byte{}, 0))
	c.udp(0, 123, 123, NTP(nil, NTPClient, 0, [4]byte{}, 0, 0, 0, NTPTime(at)))
	c.udp(1, 123, 123, NTP(nil, NTPServer, 1, [4]byte{'G', 'P', 'S', 0}, NTPTime(at.Add(-time.Second)), NTPTime(at), NTPTime(at), NTPTime(at)))
	c.udp(0, 51514, 514, Syslog(nil, 23, 5, at, "sw-control", "%LINK-3-UPDOWN", "Interface GigabitEthernet1/3, changed state to up"))
	rows := c.check(t, "dhcp.option.hostname", "dhcp.option.vendor_class_id", "dns.a", "ntp.refid", "syslog.msg")
	requireRow(t, rows, "EWS-1", "MSFT 5.0")
	requireRow(t, rows, "10.20.3.10")
	requireRow(t, rows, "Interface GigabitEthernet1/3")
}

func TestGOOSETshark(t *testing.T) {
	var c capture
	g := GOOSEMessage{AppID: 0x0001, GoCBRef: "MU_INC1LD0/LLN0$GO$gcbTrip", DatSet: "MU_INC1LD0/LLN0$dsTrip", GoID: "MU_INC1_Trip",
		TTL: 2000, T: uint64(1772438400)<<32 | 0x0a, StNum: 1, SqNum: 200, ConfRev: 1, Booleans: []bool{false, true}}
	e := wire.Eth{Dst: [6]byte{0x01, 0x0c, 0xcd, 0x01, 0x00, 0x01}, Src: srvMAC, VLAN: 220, Priority: 4}
	c.add(wire.AppendEthernet(nil, &e, wire.EtherTypeGOOSE, GOOSE(nil, &g)))
	g.SqNum, g.StNum, g.TTL = 0, 2, 20
	c.add(wire.AppendEthernet(nil, &e, wire.EtherTypeGOOSE, GOOSE(nil, &g)))
	rows := c.check(t, "goose.gocbRef", "goose.stNum", "goose.sqNum")
	requireRow(t, rows, "MU_INC1LD0/LLN0$GO$gcbTrip", "1", "200")
}
