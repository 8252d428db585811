package observe

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// A protection IED's GOOSE heartbeats name its logical device and make it an IED; a
// publication flagged as simulation is counted apart; a cut one is malformed.
func TestGOOSE(t *testing.T) {
	ied, group := mac("00:30:a7:20:57:cf"), mac("01:0c:cd:01:00:02")
	msg := encode.GOOSEMessage{AppID: 2, GoCBRef: "TX1_PROTLD0/LLN0$GO$gcbTrip", DatSet: "TX1_PROTLD0/LLN0$dsTrip", GoID: "TX1_Trip",
		TTL: 2000, StNum: 1, ConfRev: 1, Booleans: []bool{false}}
	beat := encode.GOOSE(nil, &msg)
	msg.Test, msg.StNum = true, 2
	simulated := encode.GOOSE(nil, &msg)
	r := runFrames(t, ethFrame(group, ied, 0x88b8, beat), ethFrame(group, ied, 0x88b8, beat),
		ethFrame(group, ied, 0x88b8, simulated), ethFrame(group, ied, 0x88b8, beat[:20]))
	wantFacts(t, r, []string{
		"00:30:a7:20:57:cf name=TX1_PROTLD0 (medium, goose)",
		"00:30:a7:20:57:cf device_role=goose_publisher (high, goose)",
	})
	f := flowOf(t, r, AppGOOSE)
	if ops := slices.Sorted(slices.Values(opsOf(f))); !slices.Equal(ops, []string{"publish=2/0", "publish_simulated=1/0"}) {
		t.Errorf("ops %v", ops)
	}
	if f.Anomalies[AnomalyMalformed] != 1 {
		t.Errorf("anomalies %v", f.Anomalies)
	}
}
