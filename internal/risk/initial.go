package risk

import (
	"fmt"
	"slices"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
)

// The initial risk assessment (62443-3-2 ZCR 2) and its comparison with the tolerable
// risk (ZCR 4), which decides which zones and conduits need the detailed assessment.
// docs/risk.md, "Initial and detailed assessment", states the method:
//
//   - a zone considers the threats aimed at it, at its assets, at a zone containing it,
//     and at its subzones and their assets; a conduit the threats aimed at it;
//   - its initial risk is the worst unmitigated consequence of those threats, rated as if
//     the threat were certain (the top of the likelihood scale): the initial assessment
//     asks what the worst case would be before any measure, not how likely it is;
//   - a zone whose initial risk exceeds the tolerable risk needs the detailed assessment;
//     so does a zone with no threat considered (nothing shows its risk is tolerable), which
//     is a finding; a conduit needs it when its own initial risk exceeds the tolerable
//     risk or a zone it joins needs it.

// InitialRisk is the initial risk of a zone or conduit and whether it needs the detailed
// assessment.
type InitialRisk struct {
	// Threats are the threats considered.
	Threats []string `json:"threats"`
	// Threat, Category and Consequence name the worst unmitigated consequence; Likelihood
	// is the level assumed (the top of the scale) and Level the matrix cell.
	Threat      string `json:"threat,omitempty"`
	Category    string `json:"category,omitempty"`
	Consequence int    `json:"consequence"`
	Likelihood  int    `json:"likelihood"`
	Level       Level  `json:"level"`
	// Detailed: the zone or conduit needs the detailed assessment (ZCR 5); Reason says why
	// or why not.
	Detailed bool   `json:"detailed"`
	Reason   string `json:"reason"`
}

// topLikelihood is the highest level of the method's likelihood scale.
func topLikelihood(rm *model.RiskMethod) int {
	top := 1
	for _, l := range rm.Likelihood {
		top = max(top, l.Level)
	}
	return top
}

// considered maps each zone to the indexes of the threats its initial assessment
// considers: those bearing on it (bearing) and those aimed at its subzones and their
// assets.
func considered(m *model.Model, bearing map[string][]int) map[string][]int {
	out := map[string][]int{}
	seen := map[string]map[int]bool{}
	add := func(z string, i int) {
		if seen[z] == nil {
			seen[z] = map[int]bool{}
		}
		if !seen[z][i] {
			seen[z][i] = true
			out[z] = append(out[z], i)
		}
	}
	for i := range m.Zones {
		for _, t := range bearing[m.Zones[i].ID] {
			add(m.Zones[i].ID, t)
		}
	}
	for i := range m.Threats {
		for _, id := range m.Threats[i].Targets {
			z, ok := m.ZoneOf(id)
			for depth := 0; ok && depth <= len(m.Zones); depth++ {
				add(z, i)
				zz, found := m.Zone(z)
				if !found || zz.Parent == "" {
					break
				}
				z = zz.Parent
			}
		}
	}
	for _, l := range out { // threat order, so reports read the same way each run
		slices.Sort(l)
	}
	return out
}

// initialOf rates the worst case of the threats given.
func initialOf(r *Result, threats []int) InitialRisk {
	rm := &r.Method
	in := InitialRisk{Threats: []string{}, Likelihood: topLikelihood(rm)}
	for _, i := range threats {
		t := &r.Threats[i]
		in.Threats = append(in.Threats, t.ID)
		if t.Consequence > in.Consequence {
			in.Threat, in.Category, in.Consequence = t.ID, t.WorstCategory, t.Consequence
		}
	}
	if len(threats) > 0 {
		in.Level = levelOf(rm, in.Likelihood, max(in.Consequence, 1))
	} else {
		in.Level = Level{Name: rm.Levels[0]}
	}
	return in
}

// screen sets the initial risk of every zone and conduit and decides which need the
// detailed assessment; it returns the findings for zones no threat was considered for.
func screen(m *model.Model, r *Result, bearing map[string][]int) []finding.Finding {
	rm := &r.Method
	tol := rm.TolerableIndex()
	cons := considered(m, bearing)
	var out []finding.Finding
	detailed := map[string]bool{}
	worst := func(in *InitialRisk) string {
		return fmt.Sprintf("worst case: threat %s with %s consequence %d, taken as certain (likelihood %d), rates %s",
			in.Threat, in.Category, in.Consequence, in.Likelihood, in.Level.Name)
	}
	for i := range m.Zones {
		z := &m.Zones[i]
		in := initialOf(r, cons[z.ID])
		switch {
		case len(in.Threats) == 0:
			in.Detailed = true
			in.Reason = "no threat was considered, so nothing shows its risk is tolerable: it needs the detailed assessment, starting with the threats that bear on it"
			out = append(out, finding.Finding{Rule: "risk/zone-without-threat", Severity: finding.Medium, Subject: z.ID,
				Message:      fmt.Sprintf("zone %s: no threat is aimed at it, its assets or its subzones, so its initial risk cannot be rated", z.ID),
				Fix:          "add the threats that bear on the zone (or name it in an existing threat's targets); if truly none does, say why in the zone's description",
				Requirements: []string{"ZCR 2", "ZCR 4"}, Location: z.Pos.String()})
		case in.Level.Index > tol:
			in.Detailed = true
			in.Reason = worst(&in) + ", above the tolerable " + rm.Tolerable + ": it needs the detailed assessment"
		default:
			in.Reason = worst(&in) + ", within the tolerable " + rm.Tolerable + ": no detailed assessment is needed"
		}
		r.Zones[i].Initial = in
		detailed[z.ID] = in.Detailed
	}
	for i := range m.Conduits {
		c := &m.Conduits[i]
		in := initialOf(r, bearing[c.ID])
		var via string
		for _, zid := range c.Zones {
			if detailed[zid] {
				via = zid
				break
			}
		}
		switch {
		case len(in.Threats) > 0 && in.Level.Index > tol:
			in.Detailed = true
			in.Reason = worst(&in) + ", above the tolerable " + rm.Tolerable + ": it needs the detailed assessment"
		case via != "":
			in.Detailed = true
			in.Reason = "it joins zone " + via + ", which needs the detailed assessment"
		case len(in.Threats) > 0:
			in.Reason = worst(&in) + ", within the tolerable " + rm.Tolerable + ", and no zone it joins needs a detailed assessment"
		default:
			in.Reason = "no threat is aimed at it and no zone it joins needs a detailed assessment"
		}
		r.Conduits[i].Initial = in
	}
	return out
}
