package risk

import (
	"strings"
	"testing"
)

// gating has zones whose worst case is tolerable and zones whose worst case is not.
const gating = `version: 1
system: {name: t}
zones:
  - {id: z-a, purdue: 2, networks: [10.1.0.0/24]}
  - {id: z-a1, purdue: 2, parent: z-a, networks: [10.1.1.0/24]}
  - {id: z-b, purdue: 2, networks: [10.2.0.0/24]}
  - {id: z-c, purdue: 2, networks: [10.3.0.0/24], sl_target: {level: 1, rationale: housekeeping zone}}
  - {id: z-d, purdue: 2, networks: [10.4.0.0/24]}
conduits:
  - {id: c-a-b, zones: [z-a, z-b], boundary: firewall, allow: [{from: z-a, to: z-b, protocol: modbus}]}
  - {id: c-a-d, zones: [z-a, z-d], boundary: firewall, allow: [{from: z-a, to: z-d, protocol: modbus}]}
assets:
  - {id: plc-a1, zone: z-a1, kind: plc, ips: [10.1.1.10]}
  - {id: plc-b, zone: z-b, kind: plc, ips: [10.2.0.10]}
  - {id: srv-c, zone: z-c, kind: server, ips: [10.3.0.10]}
  - {id: plc-d, zone: z-d, kind: plc, ips: [10.4.0.10]}
threats:
  - {id: T-1, source: {capability: simple}, targets: [plc-a1], likelihood: 3, consequences: {production: 1}}
  - {id: T-2, source: {capability: simple}, targets: [z-b], likelihood: 1, consequences: {production: 3}}
  - {id: T-3, source: {capability: casual}, targets: [z-d], likelihood: 2, consequences: {production: 1}}
`

// TestInitialRiskGating works the initial assessment (ZCR 2) and its comparison with
// the tolerable risk (ZCR 4) by hand, default matrix, tolerable medium, every threat taken
// as certain (likelihood 5, the top of the scale):
//
//	z-a1: T-1 aims at its PLC; worst consequence 1; L5 × C1 = medium: tolerable, no
//	      detailed assessment.
//	z-a:  considers T-1 through its subzone z-a1: the same, medium, not detailed.
//	z-b:  T-2, consequence 3; L5 × C3 = high > medium: detailed. (Its stated likelihood 1
//	      would give L1 × C3 = low: the initial assessment does not lean on it.)
//	z-c:  no threat: detailed by default, and a zone-without-threat finding.
//	z-d:  T-3, consequence 1: medium, not detailed.
//	c-a-b: no threat of its own, but it joins z-b: detailed.
//	c-a-d: no threat, and neither z-a nor z-d is detailed: not detailed.
func TestInitialRiskGating(t *testing.T) {
	r := Assess(load(t, gating))
	want := map[string]struct {
		level    string
		detailed bool
		threats  string
		reason   string
	}{
		"z-a1":  {"medium", false, "T-1", "within the tolerable medium"},
		"z-a":   {"medium", false, "T-1", "within the tolerable medium"},
		"z-b":   {"high", true, "T-2", "above the tolerable medium"},
		"z-c":   {"low", true, "", "no threat was considered"},
		"z-d":   {"medium", false, "T-3", "within the tolerable medium"},
		"c-a-b": {"low", true, "", "joins zone z-b"},
		"c-a-d": {"low", false, "", "no threat is aimed at it"},
	}
	for id, w := range want {
		tr, ok := r.TargetRisk(id)
		in := tr.Initial
		if !ok || in.Level.Name != w.level || in.Detailed != w.detailed || strings.Join(in.Threats, ",") != w.threats || !strings.Contains(in.Reason, w.reason) {
			t.Errorf("%s initial: %+v, want %+v", id, in, w)
		}
	}
	if b, _ := r.TargetRisk("z-b"); b.Initial.Likelihood != 5 || b.Initial.Consequence != 3 || b.Initial.Threat != "T-2" || b.Initial.Category != "production" {
		t.Errorf("z-b worst case: %+v", b.Initial)
	}
	if f := findingsOf(r, "risk/zone-without-threat"); len(f) != 1 || !strings.HasPrefix(f[0], "z-c:") {
		t.Errorf("zone-without-threat findings: %v", f)
	}
	// The SL-T of a zone that needs no detailed assessment says so among its steps.
	d, _ := r.Target("z-d")
	if len(d.Steps) == 0 || !strings.Contains(d.Steps[len(d.Steps)-1].Text, "no detailed assessment needed") || d.Level[0] != 1 {
		t.Errorf("z-d SL-T steps: %+v", d)
	}
	b, _ := r.Target("z-b")
	for _, s := range b.Steps {
		if strings.Contains(s.Text, "no detailed assessment") {
			t.Errorf("z-b needs the detailed assessment, but its steps say otherwise: %s", s.Text)
		}
	}
}
