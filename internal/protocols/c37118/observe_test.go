package c37118

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// The real captures, with what tshark's synphasor dissector shows of them (decoded as
// synphasor on TCP 4712 and UDP 4713).
func TestRealCaptures(t *testing.T) {
	for _, tc := range []struct {
		file  string
		facts []string
		ops   []string // operation=client/server counts on the flow of the PDC and the PMU
	}{
		// A PDC at 192.168.0.20 asks PMU 241 ("Blue PMU") for CFG-2 (frame 4), turns data
		// on (8) and later off: commands 5, 2, 1 once each.
		{"C37.118__C37.118_1PMU_TCP.pcap", []string{
			"192.168.0.241 station_address=241 (high, c37118)",
			"192.168.0.241 name=Blue PMU (high, c37118)",
		}, []string{"send_config2=1/0", "data_transmission_on=1/0", "data_transmission_off=1/0", "config2=0/1"}},
		// Over UDP the PMU (stream 60, station "PMU1" with data source 61) listens on 4713:
		// commands 1, 5, 2 and 1 again (frames 1, 2, 4, 361).
		{"C37.118__C37.118_1PMU_UDP.pcap", []string{
			"192.168.0.60 station_address=60 (high, c37118)",
			"192.168.0.60 name=PMU1 (high, c37118)",
		}, []string{"data_transmission_off=2/0", "send_config2=1/0", "data_transmission_on=1/0"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			r := observetest.RunCapture(t, testutil.RealWorld(t, tc.file))
			observetest.WantFacts(t, r, tc.facts)
			f := observetest.FlowOf(t, r, App)
			ops := observetest.OpsOf(f)
			for _, w := range tc.ops {
				if !slices.Contains(ops, w) {
					t.Errorf("operation %s missing: %v", w, ops)
				}
			}
			if f.Anomalies != [observe.NumFlowAnomalies]uint32{} {
				t.Errorf("anomalies %v", f.Anomalies)
			}
		})
	}
}

// Two PMUs streaming to one PDC: both are named, each on its own flow, and each gets its
// data-off command (frames 4179 and 4181).
func TestTwoPMUs(t *testing.T) {
	r := observetest.RunCapture(t, testutil.RealWorld(t, "C37.118__C37.118_2PMUsInSync_TCP.pcap"))
	observetest.WantFacts(t, r, []string{
		"192.168.0.241 name=Blue PMU (high, c37118)",
		"192.168.0.60 name=PMU1 (high, c37118)",
	})
	offs := 0
	for _, f := range r.Flows {
		if f.App == App && slices.Contains(observetest.OpsOf(f), "data_transmission_off=1/0") {
			offs++
		}
	}
	if offs != 2 {
		t.Errorf("%d flows with a data-off command, want 2", offs)
	}
}

func TestMatch(t *testing.T) {
	if r := App.Match(&observe.Operation{App: App, Code: CmdDataOff, FromClient: true}); r != ruleDataOff {
		t.Errorf("data off: %v", r)
	}
	if r := App.Match(&observe.Operation{App: App, Code: CmdDataOn, FromClient: true}); r != nil {
		t.Errorf("data on: %v", r)
	}
}
