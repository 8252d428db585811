package verify

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/policy"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
	"github.com/zonewarden/zonewarden/internal/simulate/simtest"
)

// simulatedPlants are the plants the simulator's ground truth is checked on: the two
// examples and the simulator's own test plant, which has the protocols they lack.
var simulatedPlants = map[string]string{
	"water-treatment": "../../examples/water-treatment/plant.yaml",
	"substation":      "../../examples/substation/plant.yaml",
	"packaging":       "../simulate/testdata/plant.yaml",
}

// violationRules are the findings that say the traffic is not the one the model
// describes; a normal run of the simulator, which sends only what the model allows,
// must raise none of them.
var violationRules = []string{"traffic/no-conduit", "traffic/not-allowed", "traffic/operation-not-allowed",
	"traffic/operation-not-for-kind", "traffic/no-zone", "capture/outside-model", "device/unknown", "device/wrong-zone",
	"device/identity-drift", "countermeasure/refuted"}

// simulated simulates plant path with scenario and verifies the model against it.
func simulated(t testing.TB, path string, sc simulate.Scenario) (*Result, *simulate.Truth, string) {
	t.Helper()
	m, inv, truth, capPath := simulatedInventory(t, path, sc)
	return Verify(m, inv, Options{}), truth, capPath
}

// simulatedInventory simulates plant path with scenario and discovers the capture.
func simulatedInventory(t testing.TB, path string, sc simulate.Scenario) (*model.Model, *inventory.Inventory, *simulate.Truth, string) {
	t.Helper()
	m, capPath, truth := simtest.Plant(t, path, simulate.Options{Seed: 3, Duration: 90 * time.Second, Scenario: sc, Format: pcapw.PcapNG})
	inv, errs := discover.FromFiles(context.Background(), []string{capPath}, discover.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return m, inv, truth, capPath
}

// TestSimulatedNormal checks that the simulator's normal traffic, which is what the
// model allows, passes: no violation, every cross-zone conversation matched to the
// conduit the simulator sent it over.
func TestSimulatedNormal(t *testing.T) {
	for name, path := range simulatedPlants {
		t.Run(name, func(t *testing.T) {
			res, truth, _ := simulated(t, path, simulate.Normal)
			for _, f := range res.Findings {
				if slices.Contains(violationRules, f.Rule) {
					t.Errorf("%s %s: %s", f.Rule, f.Subject, f.Message)
				}
			}
			if res.Summary.Violations != 0 || res.Summary.Unplaced != 0 {
				t.Errorf("summary %+v", res.Summary)
			}
			zoneOf := map[string]string{}
			for _, a := range truth.Assets {
				zoneOf[a.ID] = a.Zone
			}
			matched := 0
			for _, tf := range truth.Flows {
				// A rule may name two assets of the same zone (the packaging plant's DNS);
				// such a flow never crosses the conduit and is not one verify lists.
				if tf.Conduit == "" || tf.DstIP == "" || zoneOf[tf.Src] == zoneOf[tf.Dst] {
					continue
				}
				c := findConversation(res, tf.SrcIP, tf.DstIP, tf.Port)
				if c == nil {
					t.Errorf("%s -> %s %s %d (conduit %s): no conversation", tf.Src, tf.Dst, tf.Protocol, tf.Port, tf.Conduit)
					continue
				}
				if c.Verdict != "allowed" || c.Conduit != tf.Conduit {
					t.Errorf("%s -> %s %s %d: %s by %q (%s), sent over conduit %s", tf.Src, tf.Dst, tf.Protocol, tf.Port, c.Verdict, c.Conduit, c.Detail, tf.Conduit)
				}
				matched++
			}
			if matched == 0 {
				t.Error("no conduit flow of the truth was checked")
			}
			t.Logf("%d conduit flows matched; findings %v", matched, res.Summary.Findings)
		})
	}
}

func findConversation(res *Result, src, dst string, port int) *Conversation {
	for i := range res.Conversations {
		c := &res.Conversations[i]
		if c.Client.IP == src && c.Server.IP == dst && c.ServerPort == port {
			return c
		}
	}
	return nil
}

// TestSimulatedAttack checks that every event the attack scenario injects is found,
// with evidence that points at the event's packets, or is one that only detection can
// tell from normal traffic (docs/verify.md says which and why).
func TestSimulatedAttack(t *testing.T) {
	conduitRules := []string{"traffic/no-conduit", "traffic/not-allowed", "traffic/operation-not-allowed", "traffic/operation-not-for-kind"}
	for name, path := range simulatedPlants {
		t.Run(name, func(t *testing.T) {
			res, truth, capPath := simulated(t, path, simulate.Attack)
			assets := map[string]*simulate.Asset{}
			for i := range truth.Assets {
				assets[truth.Assets[i].ID] = &truth.Assets[i]
			}
			if len(truth.Events) == 0 {
				t.Fatal("the attack injected nothing")
			}
			for _, ev := range truth.Events {
				src, dst := assets[ev.Src], assets[ev.Dst]
				if src == nil {
					t.Fatalf("event %s: source %s not among the truth's assets", ev.Kind, ev.Src)
				}
				op, _ := protocols.ParseOpClass(ev.Operation)
				changes := op == protocols.OpWrite || op == protocols.OpProgram || op == protocols.OpControl
				var want []string
				switch {
				case ev.Kind == "unknown_device" || (!src.InModel && !changes):
					// The device itself; its scans and sweeps inside its zone are detect's.
					want = []string{"device/unknown"}
				case !src.InModel || (dst != nil && src.Zone != dst.Zone):
					want = conduitRules
				case changes && !policy.MayCarryOut(src.Kind, op):
					want = []string{"traffic/operation-not-for-kind"}
				default:
					t.Logf("%s: %s (%s) -> %s inside zone %s is what the model allows; detect reports it", ev.Kind, ev.Src, src.Kind, ev.Dst, src.Zone)
					continue
				}
				f := findingFor(res, want, src, dst)
				if f == nil {
					t.Errorf("%s (%s -> %s %s %s): no finding of %v", ev.Kind, ev.Src, ev.Dst, ev.Protocol, ev.Operation, want)
					continue
				}
				// The evidence is the conversation's first packet: at or before the event's
				// first key packet (the operation itself).
				key := ev.KeyPackets
				if len(key) == 0 {
					key = ev.Packets
				}
				if f.Evidence == nil || f.Evidence.File != capPath || f.Evidence.Packet == 0 ||
					f.Rule != "device/unknown" && len(key) > 0 && f.Evidence.Packet > key[0] {
					t.Errorf("%s: evidence %+v does not point at or before the event's first key packet %v", ev.Kind, f.Evidence, key[:min(3, len(key))])
				}
				t.Logf("%s: %s %s: %s", ev.Kind, f.Severity, f.Rule, f.Message)
			}
		})
	}
}

// findingFor returns the finding of one of rules about the conversation of src with dst
// (dst nil: any), or about the device src.
func findingFor(res *Result, rules []string, src, dst *simulate.Asset) *Finding {
	ids := func(a *simulate.Asset) []string { return append(slices.Clone(a.IPs), a.MAC) }
	mentions := func(s string, a *simulate.Asset) bool {
		return slices.ContainsFunc(ids(a), func(id string) bool { return id != "" && strings.Contains(s, id) })
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if !slices.Contains(rules, f.Rule) {
			continue
		}
		text := f.Message
		if f.Evidence != nil {
			text += " " + f.Evidence.Flow
		}
		if f.Rule == "device/unknown" {
			if mentions(f.Message, src) {
				return f
			}
			continue
		}
		if (mentions(text, src) || strings.Contains(text, src.ID)) && (dst == nil || mentions(text, dst) || strings.Contains(text, dst.ID)) {
			return f
		}
	}
	return nil
}
