package observe

import (
	"slices"
	"testing"
)

// lldpTLV encodes one LLDP TLV: 7 bits of type, 9 bits of length, the value.
func lldpTLV(typ int, v ...[]byte) []byte {
	val := join(v...)
	h := uint16(typ)<<9 | uint16(len(val))
	return append(be16(h), val...)
}

// The LLDPDU that lldpd 1.0.16 sent from a veth whose host was plc-cell2.plant.example,
// captured with tshark (internal/protocols/lldp's test fixture): chassis and port MAC,
// a description naming a CPU 1516-3, station capability, management addresses 10.20.0.2
// and fd00:20::2, and LLDP-MED with a software revision.
const hexLldpd = "020704001b1b8a2210040703001b1b8a2210060200780a17706c632d63656c6c322e706c616e742e6578616d706c65" +
	"0c4d5369656d656e732c2053494d415449432053372c2043505520313531362d3320504e2f44502c2036455337203531362d" +
	"33414e30312d304142302c2048573a20332c2046573a2056322e392e340e04009c0080100c05010a14000202000000030010" +
	"181102fd00002000000000000000000000000202000000030008037a7761fe0900120f030100000000fe0900120f01008000" +
	"0036fe070012bb01003f01fe130012bb07362e31382e34342d66632d763539350000"

// lldpSwitch is a switch's LLDPDU laid out after IEEE 802.1AB (the lldp package's test
// switch): port Gi1/0/3, bridge and router capable with bridging enabled, managed at
// 10.20.0.2.
var lldpSwitch = join(
	lldpTLV(1, []byte{4, 0x00, 0x1b, 0x54, 0xc2, 0x11, 0x80}),
	lldpTLV(2, []byte{5}, []byte("Gi1/0/3")),
	lldpTLV(3, be16(120)),
	lldpTLV(4, []byte("to cell 2 controllers")),
	lldpTLV(5, []byte("sw-cell-2.plant.example")),
	lldpTLV(6, []byte("Cisco IOS Software, IE4000 Software (IE4000-UNIVERSALK9-M), Version 15.2(7)E4")),
	lldpTLV(7, be16(0x0014), be16(0x0004)),
	lldpTLV(8, []byte{5, 1, 10, 20, 0, 2, 2}, be32(3), []byte{0}),
	lldpTLV(0),
)

func TestLLDP(t *testing.T) {
	plc, sw := mac("00:1b:1b:8a:22:10"), mac("00:1b:54:c2:11:81")
	nearest := mac("01:80:c2:00:00:0e")
	r := runFrames(t, ethFrame(nearest, plc, 0x88cc, unhex(t, hexLldpd)), ethFrame(nearest, sw, 0x88cc, lldpSwitch),
		ethFrame(nearest, sw, 0x88cc, lldpSwitch[:20]))
	wantFacts(t, r, []string{
		"00:1b:1b:8a:22:10 system_name=plc-cell2.plant.example (high, lldp)",
		"00:1b:1b:8a:22:10 system_description=Siemens, SIMATIC S7, CPU 1516-3 PN/DP, 6ES7 516-3AN01-0AB0, HW: 3, FW: V2.9.4 (high, lldp)",
		"00:1b:1b:8a:22:10 port_id=00:1b:1b:8a:22:10 (high, lldp)",
		"00:1b:1b:8a:22:10 capabilities=station (high, lldp)",
		"00:1b:1b:8a:22:10 management_address=10.20.0.2 (high, lldp)",
		"00:1b:1b:8a:22:10 management_address=fd00:20::2 (high, lldp)",
		"00:1b:1b:8a:22:10 software=6.18.44-fc-v595 (high, lldp)",
		"00:1b:54:c2:11:81 system_name=sw-cell-2.plant.example (high, lldp)",
		"00:1b:54:c2:11:81 port_id=Gi1/0/3 (high, lldp)",
		"00:1b:54:c2:11:81 capabilities=bridge (high, lldp)",
		"00:1b:54:c2:11:81 management_address=10.20.0.2 (high, lldp)",
	})
	if !bound(r, sw, "10.20.0.2") || !bound(r, plc, "fd00:20::2") {
		t.Errorf("management addresses not bound: %+v", r.hosts)
	}
	var flows, malformed int
	for _, f := range r.flows {
		if f.App == AppLLDP {
			flows++
			malformed += int(f.Anomalies[AnomalyMalformed])
			if !slices.Contains(opsOf(f), "lldpdu=1/0") && !slices.Contains(opsOf(f), "lldpdu=2/0") {
				t.Errorf("ops %v", opsOf(f))
			}
		}
	}
	if flows != 2 || malformed != 1 { // the cut LLDPDU is malformed
		t.Errorf("%d LLDP conversations, %d malformed", flows, malformed)
	}
}
