package lldp

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

func TestLLDP(t *testing.T) {
	plc, sw := observetest.MAC("00:1b:1b:8a:22:10"), observetest.MAC("00:1b:54:c2:11:81")
	nearest := observetest.MAC("01:80:c2:00:00:0e")
	r := observetest.RunFrames(t, observetest.EthFrame(nearest, plc, 0x88cc, observetest.Unhex(t, observetest.HexLLDPd)), observetest.EthFrame(nearest, sw, 0x88cc, observetest.LLDPSwitch),
		observetest.EthFrame(nearest, sw, 0x88cc, observetest.LLDPSwitch[:20]))
	observetest.WantFacts(t, r, []string{
		"00:1b:1b:8a:22:10 system_name=plc-cell2.plant.example (high, lldp)",
		"00:1b:1b:8a:22:10 system_description=Siemens, SIMATIC S7, CPU 1516-3 PN/DP, 6ES7 516-3AN01-0AB0, HW: 3, FW: V2.9.4 (high, lldp)",
		"00:1b:1b:8a:22:10 port_id=00:1b:1b:8a:22:10 (high, lldp)",
		"00:1b:1b:8a:22:10 capabilities=station (high, lldp)",
		"00:1b:1b:8a:22:10 management_address=10.20.0.2 (high, lldp)",
		"00:1b:1b:8a:22:10 management_address=fd00:20::2 (high, lldp)",
		"00:1b:1b:8a:22:10 software=6.18.44-fc-v595 (high, lldp)",
		"00:1b:1b:8a:22:10 vendor=Siemens (medium, lldp)",
		"00:1b:1b:8a:22:10 model=CPU 1516-3 PN/DP (medium, lldp)",
		"00:1b:1b:8a:22:10 order_number=6ES7 516-3AN01-0AB0 (medium, lldp)",
		"00:1b:1b:8a:22:10 firmware_version=V2.9.4 (medium, lldp)",
		"00:1b:54:c2:11:81 vendor=Cisco (medium, lldp)",
		"00:1b:54:c2:11:81 firmware_version=15.2(7)E4 (medium, lldp)",
		"00:1b:54:c2:11:81 device_type=industrial Ethernet switch (medium, lldp)",
		"00:1b:54:c2:11:81 system_name=sw-cell-2.plant.example (high, lldp)",
		"00:1b:54:c2:11:81 port_id=Gi1/0/3 (high, lldp)",
		"00:1b:54:c2:11:81 capabilities=bridge (high, lldp)",
		"00:1b:54:c2:11:81 management_address=10.20.0.2 (high, lldp)",
	}, "00:1b:1b:8a:22:10 device_type") // a CPU is no network device
	if !observetest.Bound(r, sw, "10.20.0.2") || !observetest.Bound(r, plc, "fd00:20::2") {
		t.Errorf("management addresses not bound: %+v", r.Hosts)
	}
	var flows, malformed int
	for _, f := range r.Flows {
		if f.App == App {
			flows++
			malformed += int(f.Anomalies[observe.AnomalyMalformed])
			if !slices.Contains(observetest.OpsOf(f), "lldpdu=1/0") && !slices.Contains(observetest.OpsOf(f), "lldpdu=2/0") {
				t.Errorf("ops %v", observetest.OpsOf(f))
			}
		}
	}
	if flows != 2 || malformed != 1 { // the cut LLDPDU is malformed
		t.Errorf("%d LLDP conversations, %d malformed", flows, malformed)
	}
}
