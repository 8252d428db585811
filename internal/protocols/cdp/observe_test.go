package cdp

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

func cdpTLV(typ uint16, v ...[]byte) []byte {
	val := observetest.Join(v...)
	return observetest.Join(observetest.BE16(typ), observetest.BE16(uint16(4+len(val))), val)
}

func cdpIPv4(ip ...byte) []byte { return append([]byte{1, 1, 0xcc, 0, 4}, ip...) }

// cdpPacket lays out a CDP packet after Cisco's published format (even lengths only, so
// the checksum is the plain Internet checksum), behind its LLC/SNAP header.
func cdpPacket(version, ttl byte, tlvs ...[]byte) []byte {
	p := observetest.Join(append([]byte{version, ttl, 0, 0}, observetest.Join(tlvs...)...))
	if len(p)%2 != 0 {
		panic("odd CDP test packet")
	}
	var sum uint32
	for i := 0; i < len(p); i += 2 {
		sum += uint32(p[i])<<8 | uint32(p[i+1])
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	p[2], p[3] = byte(^sum>>8), byte(^sum)
	return append([]byte{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00}, p...)
}

func TestCDP(t *testing.T) {
	plc, sw, rtr := observetest.MAC("00:1b:1b:8a:22:10"), observetest.MAC("00:1b:54:c2:11:83"), observetest.MAC("00:1b:54:00:00:01")
	multicast := observetest.MAC("01:00:0c:cc:cc:cc")
	// A switch (the cdp package's test switch): addresses, capabilities router, switch
	// and IGMP, platform and software, management address 10.99.0.2.
	swPkt := cdpPacket(2, 180,
		cdpTLV(0x0001, []byte("ie4000-cell2.plant.example")),
		cdpTLV(0x0002, observetest.BE32(1), cdpIPv4(10, 20, 0, 2)),
		cdpTLV(0x0003, []byte("GigabitEthernet1/3")),
		cdpTLV(0x0004, observetest.BE32(0x29)),
		cdpTLV(0x0005, []byte("Cisco IOS Software, IE4000 Software (IE4000-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)")),
		cdpTLV(0x0006, []byte("cisco IE-4000-8GT4G-E")),
		cdpTLV(0x0016, observetest.BE32(1), cdpIPv4(10, 99, 0, 2)),
	)
	// A router's short announcement, padded to the minimum frame.
	rtrPkt := cdpPacket(1, 60, cdpTLV(0x0001, []byte("rtr-01")), cdpTLV(0x0003, []byte("e0")), cdpTLV(0x0004, observetest.BE32(0x01)))
	bad := append([]byte{}, swPkt...)
	bad[len(bad)-1] ^= 0xff // a wrong checksum
	r := observetest.RunFrames(t, observetest.LLCFrame(multicast, plc, observetest.Unhex(t, observetest.HexLLDPdCDP)), observetest.LLCFrame(multicast, sw, swPkt), observetest.LLCFrame(multicast, rtr, rtrPkt),
		observetest.LLCFrame(multicast, sw, bad))
	observetest.WantFacts(t, r, []string{
		"00:1b:1b:8a:22:10 system_name=plc-cell2.plant.example (high, cdp)",
		"00:1b:1b:8a:22:10 platform=Linux (high, cdp)",
		"00:1b:1b:8a:22:10 software=Siemens, SIMATIC S7, CPU 1516-3 PN/DP, 6ES7 516-3AN01-0AB0, HW: 3, FW: V2.9.4 (high, cdp)",
		"00:1b:1b:8a:22:10 port_id=zwa (high, cdp)",
		"00:1b:1b:8a:22:10 capabilities=host (high, cdp)",
		"00:1b:1b:8a:22:10 management_address=10.20.0.2 (high, cdp)",
		"00:1b:54:c2:11:83 system_name=ie4000-cell2.plant.example (high, cdp)",
		"00:1b:54:c2:11:83 platform=cisco IE-4000-8GT4G-E (high, cdp)",
		"00:1b:54:c2:11:83 capabilities=router,switch,igmp (high, cdp)",
		"00:1b:54:c2:11:83 port_id=GigabitEthernet1/3 (high, cdp)",
		"00:1b:54:c2:11:83 management_address=10.99.0.2 (high, cdp)",
		"00:1b:54:00:00:01 system_name=rtr-01 (high, cdp)",
		"00:1b:54:00:00:01 capabilities=router (high, cdp)",
	}, "00:1b:54:c2:11:83 management_address=10.20.0.2")
	if !observetest.Bound(r, sw, "10.99.0.2") || !observetest.Bound(r, plc, "10.20.0.2") {
		t.Errorf("management addresses not bound: %+v", r.Hosts)
	}
	var checksum, malformed uint32
	for _, f := range r.Flows {
		checksum += f.Anomalies[observe.AnomalyChecksum]
		malformed += f.Anomalies[observe.AnomalyMalformed]
	}
	if checksum != 1 || malformed != 0 {
		t.Errorf("%d bad checksums, %d malformed", checksum, malformed)
	}
}
