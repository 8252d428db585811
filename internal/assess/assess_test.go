package assess

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/model"
)

const plant = `version: 1
system: {name: t}
zones:
  - {id: z-a, purdue: 2, networks: [10.0.1.0/24], sl_target: {level: {FR5: 2, FR7: 1}, rationale: test}}
  - {id: z-b, purdue: 1, networks: [10.0.2.0/24], sl_target: {level: {FR5: 1}, rationale: test}}
conduits:
  - {id: c-ab, zones: [z-a, z-b], boundary: firewall, sl_target: {level: {FR5: 1}, rationale: test}, allow: [{from: z-a, to: z-b, protocol: modbus}]}
assets:
  - {id: a1, zone: z-b, kind: plc, ips: [10.0.2.1], sl_capability: 1}
  - {id: a2, zone: z-b, kind: plc, ips: [10.0.2.2], criticality: critical}
  - {id: hmi, zone: z-a, kind: hmi, ips: [10.0.1.5], sl_capability: 1}
countermeasures:
  - {id: cm-seg, satisfies: [SR 5.1, SR 5.2, SR 5.3, SR 5.4], scope: [z-a], status: implemented, evidence: [{kind: document, ref: x.pdf, date: 2026-06-01, reviewed_by: QA}]}
  - {id: cm-seg2, satisfies: [SR 5.1 RE 1], scope: [z-a], status: implemented, evidence: [{kind: document, ref: x.pdf, date: 2026-06-01, reviewed_by: QA}]}
  - {id: cm-deny, satisfies: [SR 5.2 RE 1], scope: [z-a], status: planned, owner: Net team, due: 2026-01-31}
  - {id: cm-assets, satisfies: [SR 5.1, SR 5.2, SR 5.3, SR 5.4], scope: [a1, a2], status: implemented, evidence: [{kind: document, ref: x.pdf, date: 2026-06-01, reviewed_by: QA}]}
`

func run(t *testing.T, src string) *Result {
	t.Helper()
	m, err := model.Parse("plant.yaml", []byte(src), model.Options{Requirement: func(id string) (string, bool) {
		c, ok := catalog.NormalizeID(id)
		return c, ok
	}})
	if err != nil {
		t.Fatal(err)
	}
	return Assess(m, Options{Now: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)})
}

func subjectOf(r *Result, id string) *Subject {
	for _, l := range [][]Subject{r.Zones, r.Conduits} {
		for i := range l {
			if l[i].ID == id {
				return &l[i]
			}
		}
	}
	return nil
}

func TestAchievedLevels(t *testing.T) {
	r := run(t, plant)
	a := subjectOf(r, "z-a")
	// FR5 at SL 1 needs SR 5.1–5.4; at SL 2 also SR 5.1 RE 1 and SR 5.2 RE 1, and the
	// latter is only planned: SL-A 1, one short of SL-T 2.
	if a.Achieved[4] != 1 || a.Gap[4] != 1 {
		t.Errorf("z-a FR5 SL-A %d gap %d, want 1 and 1", a.Achieved[4], a.Gap[4])
	}
	fr5 := a.FRs[4]
	if !slices.Equal(fr5.Missing, []string{"SR 5.2 RE 1"}) || !slices.Equal(fr5.Planned, []string{"SR 5.2 RE 1"}) {
		t.Errorf("z-a FR5 missing %v planned %v", fr5.Missing, fr5.Planned)
	}
	// FR7 SL-T 1 with nothing implemented.
	if a.Achieved[6] != 0 || a.Gap[6] != 1 {
		t.Errorf("z-a FR7: %+v", a.FRs[6])
	}
	// z-b: asset-scoped measures on every asset of the zone count for the zone.
	if b := subjectOf(r, "z-b"); b.Achieved[4] != 1 || !b.AtTarget() {
		t.Errorf("z-b FR5 SL-A %d, at target %v", b.Achieved[4], b.AtTarget())
	}
	// The conduit has nothing in its own scope.
	if c := subjectOf(r, "c-ab"); c.Achieved[4] != 0 || c.AtTarget() {
		t.Errorf("c-ab: %+v", c)
	}
}

func TestAssetScopeMustCoverEveryAsset(t *testing.T) {
	r := run(t, strings.Replace(plant, "scope: [a1, a2]", "scope: [a1]", 1))
	b := subjectOf(r, "z-b")
	if b.Achieved[4] != 0 {
		t.Errorf("a measure on one of two assets lifted the zone: %v", b.Achieved)
	}
	if !slices.Contains(b.FRs[4].Partial, "SR 5.1") {
		t.Errorf("covering some assets should show as partial, got %+v", b.FRs[4])
	}
}

func TestPartialDoesNotCount(t *testing.T) {
	r := run(t, strings.Replace(plant, "scope: [z-a], status: implemented, evidence: [{kind: document, ref: x.pdf, date: 2026-06-01, reviewed_by: QA}]}\n  - {id: cm-seg2", "scope: [z-a], status: partial}\n  - {id: cm-seg2", 1))
	if a := subjectOf(r, "z-a"); a.Achieved[4] != 0 {
		t.Errorf("partial countermeasure counted: %v", a.Achieved)
	}
	if !hasRule(r, "countermeasure/partial") {
		t.Errorf("no finding for the partial countermeasure")
	}
}

func hasRule(r *Result, rule string) bool {
	for _, f := range r.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

func TestFindingsAndPlan(t *testing.T) {
	r := run(t, plant)
	for _, rule := range []string{"gap/below-target", "countermeasure/overdue", "capability/below-target"} {
		if !hasRule(r, rule) {
			t.Errorf("missing finding %s", rule)
		}
	}
	// The planned countermeasure becomes an action with its owner and due date, and it
	// closes z-a's FR5 gap, once the HMI can reach SL 2 (at SL-C 1 it caps FR5 at 1 and
	// the action lifts nothing: TestPlanCappedActionRanksLast).
	r = run(t, strings.Replace(plant, "ips: [10.0.1.5], sl_capability: 1", "ips: [10.0.1.5], sl_capability: 2", 1))
	var found bool
	for _, a := range r.Plan {
		if a.Countermeasure == "cm-deny" {
			found = true
			if a.Owner != "Net team" || a.Due != "2026-01-31" || a.Closes != 1 || !slices.Contains(a.Lifts, "z-a FR5 1→2") {
				t.Errorf("cm-deny action: %+v", a)
			}
		}
	}
	if !found {
		t.Fatalf("no action for the planned countermeasure: %+v", r.Plan)
	}
	// Actions that raise SL-A come first, each group ordered by score.
	for i := 1; i < len(r.Plan); i++ {
		a, b := r.Plan[i-1], r.Plan[i]
		if len(a.Lifts) == 0 && len(b.Lifts) > 0 || (len(a.Lifts) > 0) == (len(b.Lifts) > 0) && b.Score > a.Score {
			t.Errorf("plan not ordered at %d: %+v before %+v", i, a, b)
		}
	}
	if r.Summary.ZonesAtTarget != 1 || r.Summary.Zones != 2 {
		t.Errorf("summary: %+v", r.Summary)
	}
}

func TestNotApplicableCounts(t *testing.T) {
	src := plant + "  - {id: cm-na, satisfies: [SR 7.1, SR 7.2, SR 7.3, SR 7.4, SR 7.5, SR 7.6, SR 7.7], scope: [z-a], status: not-applicable, justification: test}\n"
	if a := subjectOf(run(t, src), "z-a"); a.Achieved[6] != 1 {
		t.Errorf("not-applicable requirements with a justification should count: FR7 SL-A %d", a.Achieved[6])
	}
}

// TestRefuted checks that a requirement the traffic refutes stops counting toward SL-A
// and that a finding says what it cost.
func TestRefuted(t *testing.T) {
	const src = `version: 1
system: {name: t}
zones:
  - {id: z-a, purdue: 2, networks: [10.0.1.0/24], sl_target: {level: {FR5: 2}, rationale: test}}
  - {id: z-b, purdue: 1, networks: [10.0.2.0/24], sl_target: {level: {FR5: 2}, rationale: test}}
conduits:
  - {id: c-ab, zones: [z-a, z-b], boundary: firewall, sl_target: {level: {FR5: 2}, rationale: test}, allow: [{from: z-a, to: z-b, protocol: modbus}]}
countermeasures:
  - {id: cm-fw, satisfies: [SR 5.1, SR 5.1 RE 1, SR 5.2, SR 5.2 RE 1, SR 5.3, SR 5.4], scope: [c-ab], status: implemented, evidence: [{kind: document, ref: x.pdf, date: 2026-06-01, reviewed_by: QA}]}
`
	m, err := model.Parse("plant.yaml", []byte(src), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	conduit := func(r *Result) *Subject {
		for i := range r.Conduits {
			if r.Conduits[i].ID == "c-ab" {
				return &r.Conduits[i]
			}
		}
		t.Fatal("no c-ab")
		return nil
	}
	cases := []struct {
		name    string
		refuted []Refutation
		fr5     int
		finding string
	}{
		{"none", nil, 2, ""},
		{"deny by default", []Refutation{{Subject: "c-ab", Requirement: "SR 5.2 RE 1", Countermeasures: []string{"cm-fw"}, Reason: "tcp 22 crossed"}},
			1, "SL-A FR5 drops from 2 to 1"},
		{"spelled loosely", []Refutation{{Subject: "c-ab", Requirement: "sr5.2 re1", Reason: "x"}}, 1, "SR 5.2 RE 1"},
		{"base requirement", []Refutation{{Subject: "c-ab", Requirement: "SR 5.2", Reason: "x"}}, 0, "drops from 2 to 0"},
		{"other subject", []Refutation{{Subject: "z-a", Requirement: "SR 5.2 RE 1", Reason: "x"}}, 2, "stays 0"},
		{"unknown subject", []Refutation{{Subject: "nowhere", Requirement: "SR 5.2 RE 1", Reason: "x"}}, 2, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Assess(m, Options{Now: now, Refuted: tc.refuted})
			if got := conduit(r).Achieved[4]; got != tc.fr5 {
				t.Errorf("c-ab SL-A FR5 = %d, want %d", got, tc.fr5)
			}
			var msgs []string
			for _, f := range r.Findings {
				if f.Rule == "countermeasure/refuted" {
					msgs = append(msgs, f.Message)
				}
			}
			switch {
			case tc.finding == "" && len(msgs) > 0:
				t.Errorf("unexpected refutation findings: %q", msgs)
			case tc.finding != "" && (len(msgs) != 1 || !strings.Contains(msgs[0], tc.finding)):
				t.Errorf("refutation findings %q, want one containing %q", msgs, tc.finding)
			}
		})
	}
}
