package snmp

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// TestSNMP runs the snmp package's fixtures, net-snmp 5.9.3's tools against its agent:
// a v2c get of the system group and the answer (the agent describes itself as a
// SCALANCE XC208), and a v3 exchange whose get and response are not encrypted.
func TestSNMP(t *testing.T) {
	fx := observetest.Fixtures(t, "testdata/netsnmp.txt")
	mgr, agent := netip.MustParseAddrPort("10.0.0.10:40001"), netip.MustParseAddrPort("10.0.0.40:161")
	mgr3 := netip.MustParseAddrPort("10.0.0.10:40003")
	r := observetest.RunFrames(t,
		observetest.UDPFrame(t, mgr, agent, observetest.MACClient, observetest.MACServer, fx["netsnmp-v2c-get"]),
		observetest.UDPFrame(t, agent, mgr, observetest.MACServer, observetest.MACClient, fx["netsnmp-v2c-response"]),
		observetest.UDPFrame(t, mgr3, agent, observetest.MACClient, observetest.MACServer, fx["netsnmp-v3-get"]),
		observetest.UDPFrame(t, agent, mgr3, observetest.MACServer, observetest.MACClient, fx["netsnmp-v3-response"]),
		observetest.UDPFrame(t, agent, mgr3, observetest.MACServer, observetest.MACClient, []byte{0x30, 0x03, 0x02, 0x01}), // cut short
	)
	observetest.WantFacts(t, r, []string{
		"10.0.0.40 system_description=Siemens, SIMATIC NET, SCALANCE XC208, 6GK5 208-0BA00-2AC2, HW: Version 1, FW: Version V04.03.01 (high, snmp)",
		"10.0.0.40 system_object_id=1.3.6.1.4.1.4329.20.1.1.1.1.79.3.1.7 (high, snmp)",
		"10.0.0.40 system_name=xc208-cell2 (high, snmp)",
		"10.0.0.40 location=Building 4, cabinet 12 (high, snmp)",
		"10.0.0.40 contact=ot-security@plant.example (high, snmp)",
	}, "10.0.0.10 ") // the manager's requests say nothing of the manager
	var ops []string
	var malformed uint32
	for _, f := range r.Flows {
		if f.App == App {
			ops = append(ops, observetest.OpsOf(f)...)
			malformed += f.Anomalies[observe.AnomalyMalformed]
		}
	}
	for _, want := range []string{"get_request=1/0", "response=0/1"} {
		if !slices.Contains(ops, want) {
			t.Errorf("operation %s not in %v", want, ops)
		}
	}
	if malformed != 1 {
		t.Errorf("%d malformed", malformed)
	}
}
