package risk

import (
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/model"
)

const base = `version: 1
system: {name: t}
zones:
  - {id: z-ent, purdue: 4, networks: [10.1.0.0/16]}
  - {id: z-ctl, purdue: 2, networks: [10.2.0.0/24]}
  - {id: z-cell, purdue: 1, networks: [10.3.0.0/24]}
conduits:
  - {id: c-ent-ctl, zones: [z-ent, z-ctl], boundary: firewall, allow: [{from: z-ent, to: z-ctl, protocol: https}]}
  - {id: c-ctl-cell, zones: [z-ctl, z-cell], boundary: firewall, allow: [{from: z-ctl, to: plc, protocol: modbus}]}
assets:
  - {id: plc, zone: z-cell, kind: plc, ips: [10.3.0.10]}
  - {id: pc, zone: z-ent, kind: workstation, ips: [10.1.0.10]}
threats:
  - {id: t-simple, source: {capability: simple}, targets: [z-ctl], likelihood: 4, consequences: {production: 4}, countermeasures: [cm-fw]}
  - {id: t-severe, source: {capability: moderate}, targets: [plc], frs: [3], likelihood: 5, consequences: {safety: 5}}
countermeasures:
  - {id: cm-fw, satisfies: [SR 5.1], scope: [c-ent-ctl], status: implemented, effect: prevent, reduces_likelihood: 1}
`

func load(t *testing.T, src string) *model.Model {
	t.Helper()
	m, err := model.Parse("plant.yaml", []byte(src), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestThreatRisk(t *testing.T) {
	r := Assess(load(t, base))
	simple := r.Threats[0]
	// Default matrix: L4×C4 is high; the implemented firewall (prevent, one likelihood
	// level) takes L4 to L3, and L3×C4 is still high, above the tolerable medium.
	if simple.Unmitigated.Name != "high" || simple.ResidualLikelihood != 3 || simple.Residual.Name != "high" || simple.Tolerable {
		t.Errorf("t-simple: %+v", simple)
	}
	severe := r.Threats[1]
	if severe.Unmitigated.Name != "critical" || severe.WorstCategory != "safety" || len(severe.Counted) != 0 {
		t.Errorf("t-severe: %+v", severe)
	}
	var intolerable int
	for _, f := range r.Findings {
		if f.Rule == "risk/residual-above-tolerable" {
			intolerable++
		}
	}
	if intolerable != 2 {
		t.Errorf("want 2 intolerable-risk findings, got %d", intolerable)
	}
}

func TestSLTDerivation(t *testing.T) {
	r := Assess(load(t, base))
	want := map[string]model.SLVector{
		// simple capability → 2 on every FR; high is only one level above tolerable.
		"z-ctl": {2, 2, 2, 2, 2, 2, 2},
		// moderate → 3, raised to 4 because critical is two levels above medium; FR3
		// only, the others floored at 1.
		"z-cell": {1, 1, 4, 1, 1, 1, 1},
		// no threat: nothing to derive.
		"z-ent": {},
		// a conduit takes the highest SL-T of its zones.
		"c-ent-ctl":  {2, 2, 2, 2, 2, 2, 2},
		"c-ctl-cell": {2, 2, 4, 2, 2, 2, 2},
	}
	for id, w := range want {
		tg, ok := r.Target(id)
		if !ok || tg.Level != w {
			t.Errorf("%s SL-T = %v, want %v (steps %+v)", id, tg.Level, w, tg.Steps)
		}
	}
	cell, _ := r.Target("z-cell")
	if len(cell.Steps) < 2 || !strings.Contains(cell.Steps[0].Text, "raised to 4") {
		t.Errorf("z-cell derivation steps do not explain the raise: %+v", cell.Steps)
	}
}

func TestStatedSLT(t *testing.T) {
	src := strings.Replace(base, "{id: z-ctl, purdue: 2, networks: [10.2.0.0/24]}", "{id: z-ctl, purdue: 2, networks: [10.2.0.0/24], sl_target: 1}", 1)
	r := Assess(load(t, src))
	tg, _ := r.Target("z-ctl")
	if !tg.Stated || tg.Level != model.Uniform(1) || tg.Derived != model.Uniform(2) {
		t.Errorf("stated target: %+v", tg)
	}
	rules := rulesOf(r)
	for _, want := range []string{"slt/stated-below-derived", "slt/no-rationale"} {
		if !rules[want] {
			t.Errorf("missing finding %s; got %v", want, rules)
		}
	}
}

func rulesOf(r *Result) map[string]bool {
	m := map[string]bool{}
	for _, f := range r.Findings {
		m[f.Rule] = true
	}
	return m
}

func TestPartitionChecks(t *testing.T) {
	r := Assess(load(t, base))
	rules := rulesOf(r)
	// z-ent (4) to z-ctl (2) crosses into control without a DMZ; z-ent has no SL-T.
	for _, want := range []string{"partition/no-dmz", "slt/zone-without-target"} {
		if !rules[want] {
			t.Errorf("missing finding %s; got %v", want, rules)
		}
	}
	mixed := strings.NewReplacer(
		"{id: pc, zone: z-ent, kind: workstation, ips: [10.1.0.10]}", "{id: pc, zone: z-cell, kind: workstation, ips: [10.1.0.10]}",
	).Replace(base)
	r = Assess(load(t, mixed))
	rules = rulesOf(r)
	for _, want := range []string{"partition/business-and-control", "partition/address-in-other-zone"} {
		if !rules[want] {
			t.Errorf("missing finding %s; got %v", want, rules)
		}
	}
	if rulesOf(Assess(load(t, base)))["partition/business-and-control"] {
		t.Errorf("business-and-control raised for a model that keeps them apart")
	}
	sis := strings.Replace(base, "{id: plc, zone: z-cell, kind: plc, ips: [10.3.0.10]}",
		"{id: plc, zone: z-cell, kind: plc, ips: [10.3.0.10]}\n  - {id: sis, zone: z-cell, kind: safety-controller, ips: [10.3.0.11]}", 1)
	if !rulesOf(Assess(load(t, sis)))["partition/safety-not-separated"] {
		t.Errorf("safety controller in a basic control zone not reported")
	}
}
