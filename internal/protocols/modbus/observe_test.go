package modbus

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// TestUMASRealCapture: modicon__modicon_test.pcap is an engineering session over UMAS
// (Modbus function 90) with a Modicon at 192.168.63.253: the client's UMAS codes, as the
// request bytes show them (tshark dissects only function 90), are 0x34 53 times, 0x20 12,
// 0x04 7, 0x58 3, 0x50, 0x12, 0x0a, 0x03, 0x02, 0x01 twice each and 0x35, 0x33, 0x10 once:
// a strategy transfer (0x33-0x35), reads and session keeping; no write.
func TestUMASRealCapture(t *testing.T) {
	r := observetest.RunCapture(t, testutil.RealWorld(t, "modicon__modicon_test.pcap"))
	f := observetest.FlowOf(t, r, App)
	ops := observetest.OpsOf(f)
	for _, w := range []string{"umas_0x34=53/0", "umas_0x20=12/0", "umas_0x04=7/0", "umas_0x33=1/0", "umas_0x35=1/0",
		"umas_0x0a=2/0"} { // the second 0x0a (frame 19) has an MBAP length of 255, past Modbus's 254
		if !slices.Contains(ops, w) {
			t.Errorf("operation %s missing: %v", w, ops)
		}
	}
	if f.Anomalies != [observe.NumFlowAnomalies]uint32{} {
		t.Errorf("anomalies %v", f.Anomalies)
	}
	for _, o := range f.Ops {
		if o.Class == protocols.OpWrite {
			t.Errorf("%s classed as a write", App.OpName(o.Code))
		}
	}
}
