package fins

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// TestRealCapture: omron__omron_test.pcap, as tshark's omron dissector shows it: a client
// at 10.1.1.173 exchanges FINS/TCP node addresses with the PLC at 10.1.1.164 (frames 6, 7),
// reads its controller data over TCP (frames 8, 9) and again over UDP (17, 18); the answer
// names a CP1L-EL20DR-D, version 01.00.
func TestRealCapture(t *testing.T) {
	r := observetest.RunCapture(t, testutil.RealWorld(t, "omron__omron_test.pcap"))
	observetest.WantFacts(t, r, []string{
		"10.1.1.164 model=CP1L-EL20DR-D (high, fins)",
		"10.1.1.164 firmware_version=01.00 (high, fins)",
		"10.1.1.164 vendor=OMRON (low, fins)",
	}, "10.1.1.173 model=")
	var reads int
	for _, f := range r.Flows {
		if f.App != App {
			continue
		}
		if f.Anomalies != [observe.NumFlowAnomalies]uint32{} {
			t.Errorf("anomalies %v", f.Anomalies)
		}
		if slices.Contains(observetest.OpsOf(f), "controller_data_read=1/0") {
			reads++
		}
	}
	if reads != 2 {
		t.Errorf("%d flows with one controller data read from the client, want 2 (TCP and UDP)", reads)
	}
}

func TestClassesAndRules(t *testing.T) {
	for _, tc := range []struct {
		cmd  uint16
		rule *observe.Rule
	}{
		{CmdProgramWrite, ruleProgramWrite}, {CmdProgramRead, ruleProgramRead}, {CmdStop, ruleStop}, {CmdRun, ruleRun},
		{CmdMemoryWrite, ruleWrite}, {CmdForcedSet, ruleForced}, {CmdMemoryRead, nil}, {CmdControllerRead, ruleControllerRead},
	} {
		op := &observe.Operation{App: App, Code: uint32(tc.cmd), Class: Class(tc.cmd), FromClient: true}
		if r := App.Match(op); r != tc.rule {
			t.Errorf("%s: rule %v", CommandName(tc.cmd), r)
		}
	}
}

func TestParse(t *testing.T) {
	// Frame 9's TCP payload: FINS/TCP frame send, a response to Controller Data Read.
	b := observetest.Unhex(t, "46494e53000000720000000200000000c0000200fbef00c80005050100004350314c2d454c323044522d440000002020202030312e3030000000000030312e3036000000000000000000000000000000000000000000000000010000000000000000000000000000000000010003000a172a1008000000000000")
	if n, err := PDULen(b); n != len(b) || err != nil {
		t.Fatalf("PDULen %d, %v", n, err)
	}
	var m Message
	if err := ParseTCP(b, &m); err != nil || !m.Response || m.Command != CmdControllerRead || m.EndCode != 0 {
		t.Fatalf("%v %+v", err, m)
	}
	if model, ver, ok := ControllerModel(m.Data); !ok || string(model) != "CP1L-EL20DR-D" || string(ver) != "01.00" {
		t.Errorf("model %q version %q", model, ver)
	}
	if err := Parse([]byte{0x80, 0, 2, 0, 1, 0}, &m); err == nil {
		t.Error("a frame without its command code accepted")
	}
	if n := testing.AllocsPerRun(100, func() { _ = ParseTCP(b, &m) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("FINS\x00\x00\x00\x15\x00\x00\x00\x02\x00\x00\x00\x00\x80\x00\x02\x00\xc8\x00\x00\x00\xef\x05\x05\x01\x00"))
	f.Add([]byte{0x80, 0, 2, 0, 1, 0, 0, 0xfb, 0, 7, 3, 7, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		_ = Parse(b, &m)
		if n, err := PDULen(b); err == nil && n > 0 && n <= len(b) {
			_ = ParseTCP(b[:n], &m)
		}
	})
}
