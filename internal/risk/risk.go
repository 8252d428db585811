package risk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
)

// ThreatRisk is the assessed risk of one threat.
type ThreatRisk struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Source     string   `json:"source"`
	Capability string   `json:"capability"`
	Targets    []string `json:"targets"`
	// Likelihood and Consequence before countermeasures; Consequence is the worst over
	// the categories, WorstCategory the category that gave it.
	Likelihood    int    `json:"likelihood"`
	Consequence   int    `json:"consequence"`
	WorstCategory string `json:"worst_category"`
	Unmitigated   Level  `json:"unmitigated"`
	// ResidualLikelihood and ResidualConsequence after implemented countermeasures.
	ResidualLikelihood  int   `json:"residual_likelihood"`
	ResidualConsequence int   `json:"residual_consequence"`
	Residual            Level `json:"residual"`
	// Tolerable reports whether the residual risk is at or below the tolerable risk.
	Tolerable bool `json:"tolerable"`
	// Counted are the implemented countermeasures whose stated effect was credited;
	// NotCounted the others that address the threat, each with why ("planned", "no effect
	// stated", "no amount stated", "held by open vulnerability").
	Counted    []string `json:"counted"`
	NotCounted []string `json:"not_counted"`
	// Mitigations are the steps of the re-rating (ZCR 5.9), one per countermeasure that
	// addresses the threat, in order: from Likelihood/Consequence/Unmitigated to the
	// residual rating.
	Mitigations []Mitigation `json:"mitigations"`
	// Vulnerabilities are the weaknesses the threat exploits (ZCR 5.2): declared, observed
	// by verify, or from advisories. HeldBy lists the open ones on its targets, which keep
	// its likelihood as stated.
	Vulnerabilities []VulnerabilityRisk `json:"vulnerabilities"`
	HeldBy          []string            `json:"held_by"`
	// Needed, for a threat above the tolerable risk, says what would bring it down
	// (ZCR 5.12).
	Needed *Needed `json:"needed,omitempty"`
	model  *model.Threat
}

// Needed is what a threat above the tolerable risk still needs: more levels off its
// likelihood (prevent or detect measures) or its consequence (respond or recover), either
// alone, 0 when one dimension alone cannot get there.
type Needed struct {
	Likelihood  int `json:"likelihood"`
	Consequence int `json:"consequence"`
	// Vulnerabilities must be closed before any likelihood reduction counts.
	Vulnerabilities []string `json:"vulnerabilities,omitempty"`
}

// Level is a risk level on the model's matrix.
type Level struct {
	Index int    `json:"index"` // 0 = lowest of the model's levels
	Name  string `json:"name"`
}

// TargetRisk is the worst risk over the threats that bear on one zone or conduit.
type TargetRisk struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"` // zone or conduit
	Threats     []string `json:"threats"`
	Unmitigated Level    `json:"unmitigated"`
	Residual    Level    `json:"residual"`
	// Score orders targets by risk for the remediation plan: the sum over threats of
	// the residual level index+1, so many medium risks weigh like one high one.
	Score int `json:"score"`
	// Initial is the initial risk assessment (ZCR 2) and whether the detailed one is
	// needed (ZCR 4).
	Initial InitialRisk `json:"initial"`
}

// Step is one step of an SL-T derivation, in words, with the level it led to.
type Step struct {
	Text  string         `json:"text"`
	Level model.SLVector `json:"level"`
}

// Target is the target security level of a zone or conduit and how it was reached.
type Target struct {
	ID     string         `json:"id"`
	Kind   string         `json:"kind"` // zone or conduit
	Level  model.SLVector `json:"level"`
	Stated bool           `json:"stated"`
	// Rationale is the model's own reason when stated.
	Rationale string `json:"rationale,omitempty"`
	// Derived is what the method gives from the threats, shown beside a stated level.
	Derived model.SLVector `json:"derived"`
	Steps   []Step         `json:"steps"`
}

// Result is the whole risk assessment.
type Result struct {
	Method   model.RiskMethod `json:"method"`
	Threats  []ThreatRisk     `json:"threats"`
	Zones    []TargetRisk     `json:"zones"`
	Conduits []TargetRisk     `json:"conduits"`
	Targets  []Target         `json:"targets"`
	// Findings are also in the assessment's own list; the JSON carries them once, there.
	Findings []finding.Finding `json:"-"`
	byTarget map[string]int
}

// Target returns the SL-T of the zone or conduit id.
func (r *Result) Target(id string) (*Target, bool) {
	i, ok := r.byTarget[id]
	if !ok {
		return nil, false
	}
	return &r.Targets[i], true
}

// TargetRisk returns the risk roll-up of the zone or conduit id.
func (r *Result) TargetRisk(id string) (TargetRisk, bool) {
	i, ok := r.byTarget[id]
	if !ok {
		return TargetRisk{}, false
	}
	if i < len(r.Zones) {
		return r.Zones[i], true
	}
	return r.Conduits[i-len(r.Zones)], true
}

// Assess runs the risk assessment of m with nothing from outside the model.
func Assess(m *model.Model) *Result { return AssessWith(m, Options{}) }

// AssessWith runs the risk assessment of m, counting the weaknesses opts brings in.
func AssessWith(m *model.Model, opts Options) *Result {
	rm := &m.System.Risk
	r := &Result{Method: *rm, byTarget: map[string]int{}}
	r.Threats = make([]ThreatRisk, len(m.Threats))
	byAddress := addressing(m)
	for i := range m.Threats {
		r.Threats[i] = threatRisk(m, &m.Threats[i], byAddress, &opts)
		if !r.Threats[i].Tolerable {
			r.Findings = append(r.Findings, intolerable(m, &r.Threats[i]))
		}
	}
	r.Findings = append(r.Findings, effectChecks(m, r)...)
	r.Findings = append(r.Findings, vulnerabilityChecks(r)...)
	bearing := threatsBearingOn(m)
	for i := range m.Zones {
		r.Zones = append(r.Zones, rollUp(r, m.Zones[i].ID, "zone", bearing[m.Zones[i].ID]))
	}
	for i := range m.Conduits {
		r.Conduits = append(r.Conduits, rollUp(r, m.Conduits[i].ID, "conduit", bearing[m.Conduits[i].ID]))
	}
	r.Findings = append(r.Findings, screen(m, r, bearing)...)
	deriveTargets(m, r, bearing)
	r.Findings = append(r.Findings, partition(m, r)...)
	r.Findings = append(r.Findings, BoundaryChecks(m)...) // ZCR 1, boundary.go
	finding.Sort(r.Findings)
	return r
}

func levelOf(rm *model.RiskMethod, l, c int) Level {
	i := rm.RiskLevel(l, c)
	return Level{Index: i, Name: rm.Levels[max(i, 0)]}
}

func intolerable(m *model.Model, t *ThreatRisk) finding.Finding {
	rm := &m.System.Risk
	sev := finding.Medium
	switch over := t.Residual.Index - rm.TolerableIndex(); {
	case t.Residual.Index == len(rm.Levels)-1:
		sev = finding.Critical
	case over >= 2:
		sev = finding.High
	}
	n := needed(rm, t)
	t.Needed = &n
	var ways []string
	if n.Likelihood > 0 {
		ways = append(ways, fmt.Sprintf("%d more likelihood level(s) off (prevent or detect measures)", n.Likelihood))
	}
	if n.Consequence > 0 {
		ways = append(ways, fmt.Sprintf("%d more consequence level(s) off (respond or recover measures)", n.Consequence))
	}
	need := fmt.Sprintf("no reduction of likelihood or of consequence alone brings it to %s: it needs both", rm.Tolerable)
	if len(ways) > 0 {
		need = fmt.Sprintf("to reach %s it needs %s", rm.Tolerable, strings.Join(ways, ", or "))
	}
	if len(n.Vulnerabilities) > 0 {
		need += "; open vulnerabilities (" + strings.Join(n.Vulnerabilities, ", ") + ") keep its likelihood as stated until a countermeasure closes them"
	}
	fix := "implement countermeasures against it with a stated effect and amount (planned ones do not count until implemented), or accept the risk formally and record who did"
	if len(t.NotCounted) > 0 {
		fix = "finish or complete the countermeasures that address it but are not counted (" + strings.Join(t.NotCounted, ", ") + "), or add more"
	}
	return finding.Finding{
		Rule: "risk/residual-above-tolerable", Severity: sev, Subject: t.ID,
		Message: fmt.Sprintf("threat %s (%s): residual risk %s exceeds the tolerable %s (likelihood %d, %s consequence %d after countermeasures); %s",
			t.ID, t.Name, t.Residual.Name, rm.Tolerable, t.ResidualLikelihood, t.WorstCategory, t.ResidualConsequence, need),
		Fix: fix, Requirements: []string{"ZCR 5.9", "ZCR 5.11"}, Location: t.model.Pos.String(),
	}
}

// needed finds the fewest further levels off the residual likelihood, or off the
// residual consequence, that bring t within the tolerable risk (0: not reachable that
// way alone).
func needed(rm *model.RiskMethod, t *ThreatRisk) Needed {
	tol := rm.TolerableIndex()
	n := Needed{Vulnerabilities: t.HeldBy}
	for k := 1; t.ResidualLikelihood-k >= 1; k++ {
		if rm.RiskLevel(t.ResidualLikelihood-k, t.ResidualConsequence) <= tol {
			n.Likelihood = k
			break
		}
	}
	for k := 1; t.ResidualConsequence-k >= 1; k++ {
		if rm.RiskLevel(t.ResidualLikelihood, t.ResidualConsequence-k) <= tol {
			n.Consequence = k
			break
		}
	}
	return n
}

// threatsBearingOn maps each zone and conduit id to the indexes of threats aimed at it:
// directly, at an asset inside it, or at a zone that contains it.
func threatsBearingOn(m *model.Model) map[string][]int {
	out := map[string][]int{}
	addOnce := func(id string, i int) {
		if l := out[id]; len(l) == 0 || l[len(l)-1] != i {
			out[id] = append(l, i)
		}
	}
	children := map[string][]string{}
	for _, z := range m.Zones {
		if z.Parent != "" {
			children[z.Parent] = append(children[z.Parent], z.ID)
		}
	}
	var addZone func(id string, i, depth int)
	addZone = func(id string, i, depth int) {
		addOnce(id, i)
		if depth < len(m.Zones) {
			for _, c := range children[id] {
				addZone(c, i, depth+1)
			}
		}
	}
	for i := range m.Threats {
		for _, id := range m.Threats[i].Targets {
			if _, ok := m.Conduit(id); ok {
				addOnce(id, i)
				continue
			}
			if z, ok := m.ZoneOf(id); ok {
				addZone(z, i, 0)
			}
		}
	}
	return out
}

func rollUp(r *Result, id, kind string, threats []int) TargetRisk {
	tr := TargetRisk{ID: id, Kind: kind, Threats: []string{}}
	for _, i := range threats {
		t := &r.Threats[i]
		tr.Threats = append(tr.Threats, t.ID)
		tr.Unmitigated = maxLevel(tr.Unmitigated, t.Unmitigated)
		tr.Residual = maxLevel(tr.Residual, t.Residual)
		tr.Score += t.Residual.Index + 1
	}
	if len(threats) == 0 {
		tr.Unmitigated = Level{Index: 0, Name: r.Method.Levels[0]}
		tr.Residual = tr.Unmitigated
	}
	return tr
}

func maxLevel(a, b Level) Level {
	if b.Index > a.Index || a.Name == "" {
		return b
	}
	return a
}

// frList writes FR numbers as "FR 1–7" or "FR 1, 3".
func frList(frs []int) string {
	if len(frs) == 0 || len(frs) == model.NumFR {
		return "FR 1–7"
	}
	s := make([]string, len(frs))
	for i, f := range frs {
		s[i] = fmt.Sprint(f)
	}
	return "FR " + strings.Join(s, ", ")
}

func threatFRs(t *model.Threat) []int {
	if len(t.FRs) == 0 {
		return []int{1, 2, 3, 4, 5, 6, 7}
	}
	frs := slices.Clone(t.FRs)
	slices.Sort(frs)
	return slices.Compact(frs)
}
