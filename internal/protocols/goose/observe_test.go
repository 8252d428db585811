package goose

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// A protection IED's GOOSE heartbeats name its logical device and make it an IED; a
// publication flagged as simulation is counted apart; a cut one is malformed.
func TestGOOSE(t *testing.T) {
	ied, group := observetest.MAC("00:30:a7:20:57:cf"), observetest.MAC("01:0c:cd:01:00:02")
	msg := encode.GOOSEMessage{AppID: 2, GoCBRef: "TX1_PROTLD0/LLN0$GO$gcbTrip", DatSet: "TX1_PROTLD0/LLN0$dsTrip", GoID: "TX1_Trip",
		TTL: 2000, StNum: 1, ConfRev: 1, Booleans: []bool{false}}
	beat := encode.GOOSE(nil, &msg)
	msg.Test, msg.StNum = true, 2
	simulated := encode.GOOSE(nil, &msg)
	r := observetest.RunFrames(t, observetest.EthFrame(group, ied, 0x88b8, beat), observetest.EthFrame(group, ied, 0x88b8, beat),
		observetest.EthFrame(group, ied, 0x88b8, simulated), observetest.EthFrame(group, ied, 0x88b8, beat[:20]))
	observetest.WantFacts(t, r, []string{
		"00:30:a7:20:57:cf name=TX1_PROTLD0 (medium, goose)",
		"00:30:a7:20:57:cf device_role=goose_publisher (high, goose)",
	})
	f := observetest.FlowOf(t, r, App)
	if ops := slices.Sorted(slices.Values(observetest.OpsOf(f))); !slices.Equal(ops, []string{"publish=2/0", "publish_simulated=1/0"}) {
		t.Errorf("ops %v", ops)
	}
	if f.Anomalies[observe.AnomalyMalformed] != 1 {
		t.Errorf("anomalies %v", f.Anomalies)
	}
}

func TestMatchGOOSE(t *testing.T) {
	if r := App.Match(&observe.Operation{App: App, Code: gooseOpSimulated}); r != ruleGOOSESimulated {
		t.Errorf("simulated publication: %v", r)
	}
	if r := App.Match(&observe.Operation{App: App, Code: gooseOpPublish}); r != nil {
		t.Errorf("publication: %v", r)
	}
	if App.OpName(gooseOpSimulated) != "publish_simulated" {
		t.Error("the simulated publication's name changed")
	}
}
