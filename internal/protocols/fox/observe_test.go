package fox

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// TestRealCapture: the Workbench and station hellos of fox__fox_info.pcap (a Workbench
// 3.7.44 on Windows XP at 10.1.3.4 talking to a Niagara 3.5.41.1 station on QNX at
// 106.68.88.119; the values as tshark shows the TCP payloads of packets 4 and 6).
func TestRealCapture(t *testing.T) {
	r := observetest.RunCapture(t, testutil.RealWorld(t, "fox__fox_info.pcap"))
	observetest.WantFacts(t, r, []string{
		"106.68.88.119 application_name=Station (high, fox)",
		"106.68.88.119 software=Niagara Station 3.5.41.1 (high, fox)",
		"106.68.88.119 platform=QNX 6.3.2 (high, fox)",
		"106.68.88.119 name=Legion_HQ_V4 (high, fox)",
		"106.68.88.119 device_id=Qnx-NPM6-0000-1490-C30C (high, fox)",
		"106.68.88.119 vendor=Tridium (low, fox)",
		"10.1.3.4 application_name=Workbench (high, fox)",
		"10.1.3.4 software=Niagara Workbench 3.7.44 (high, fox)",
		"10.1.3.4 platform=Windows XP 5.1 (high, fox)",
		"10.1.3.4 hostname=xpvm-0omdc01xmy (high, fox)",
		"10.1.3.4 device_role=programming_device (medium, fox)",
	},
		// The station's hostName is its address: no host name fact.
		"106.68.88.119 hostname=")
	f := observetest.FlowOf(t, r, App)
	if ops := observetest.OpsOf(f); !slices.Contains(ops, "workbench_hello=1/0") || !slices.Contains(ops, "hello=0/1") || !slices.Contains(ops, "challenge=0/1") {
		t.Errorf("operations %v", ops)
	}
	if f.Anomalies != [observe.NumFlowAnomalies]uint32{} {
		t.Errorf("anomalies %v", f.Anomalies)
	}
}

// TestOtherPort: Fox is recognised from its bytes on a port that names no protocol, and a
// hello cut over several segments is read whole.
func TestOtherPort(t *testing.T) {
	hello := []byte(stationHello)
	client, server := netip.MustParseAddrPort("10.0.0.10:40000"), netip.MustParseAddrPort("10.0.0.20:19110")
	segs := []observetest.Segment{
		{FromClient: true, Data: []byte("fox a 1 -1 fox hello\n{\napp.name=s:Workbench\napp.version=s:4.9\n};;\n")},
		{FromClient: false, Data: hello[:100]}, {FromClient: false, Data: hello[100:]},
	}
	r := observetest.RunFrames(t, observetest.Exchange(t, client, server, segs)...)
	observetest.WantFacts(t, r, []string{
		"10.0.0.20 name=Legion_HQ_V4 (high, fox)",
		"10.0.0.10 software=Niagara Workbench 4.9 (high, fox)",
	})
	if f := observetest.FlowOf(t, r, App); f.Anomalies != [observe.NumFlowAnomalies]uint32{} {
		t.Errorf("anomalies %v", f.Anomalies)
	}
}

func TestMatch(t *testing.T) {
	if r := App.Match(&observe.Operation{App: App, Code: opWorkbenchHello, FromClient: true}); r != ruleWorkbench {
		t.Errorf("workbench hello: %v", r)
	}
	if r := App.Match(&observe.Operation{App: App, Code: opHello, FromClient: true}); r != nil {
		t.Errorf("station hello: %v", r)
	}
}
