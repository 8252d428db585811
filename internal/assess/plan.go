package assess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/model"
)

// Action is one step of the remediation plan: requirements to meet in a set of zones
// and conduits, with what it lifts and why it ranks where it does.
type Action struct {
	Rank  int    `json:"rank"`
	Title string `json:"title"`
	// Countermeasure is the planned countermeasure the action completes, if any.
	Countermeasure string   `json:"countermeasure,omitempty"`
	Requirements   []string `json:"requirements"`
	Subjects       []string `json:"subjects"`
	// Lifts lists the SL-A increases it brings, as "z-cell1 FR1 1→2".
	Lifts []string `json:"lifts"`
	// Closes counts the (subject, FR) gaps it closes entirely.
	Closes int     `json:"closes"`
	Score  float64 `json:"score"`
	Owner  string  `json:"owner,omitempty"`
	Due    string  `json:"due,omitempty"`
	Why    string  `json:"why"`
}

// missingKey is one requirement missing in one zone or conduit.
type subjectGap struct {
	id      string
	kind    string
	k       int    // kZone or kConduit
	missing reqSet // requirements applicable up to SL-T not met
	met     reqSet
	claimed reqSet // claimed by implemented measures, not evidenced
	target  model.SLVector
	cap     model.SLVector // the SL-C cap per FR (MaxSL where none applies)
	weight  float64
}

// level is SL-A on FR fr with the requirements in have, capped by SL-C.
func (g *subjectGap) level(t *table, fr int, have reqSet) int {
	return min(t.achieved(g.k, fr, have, g.target[fr-1]), g.cap[fr-1])
}

// plan groups the missing requirements into actions. Requirements that an implemented
// countermeasure claims without current evidence form an action to evidence it;
// requirements that a planned countermeasure would satisfy form that countermeasure's
// action (its owner and due date come with it); the rest are grouped per system
// requirement with its enhancements. Actions that raise SL-A somewhere come first; among
// them, and among the rest, they are ordered by score: the sum, over the zones and
// conduits they touch, of the subject's weight (residual risk level and the criticality
// of its assets) times the number of requirements met there, doubled for every FR gap
// the action closes outright.
func plan(m *model.Model, t *table, res *Result, claims []claim, zcov, ccov map[string]*coverage) []Action {
	var gaps []*subjectGap
	byID := map[string]*subjectGap{}
	for _, list := range [][]Subject{res.Zones, res.Conduits} {
		for i := range list {
			s := &list[i]
			cov := pickCoverage(s.Kind, s.ID, zcov, ccov)
			g := &subjectGap{id: s.ID, kind: s.Kind, k: kindIndex(s.Kind), met: cov.met(), target: s.Target, weight: weight(m, s)}
			g.claimed = cov.claimed.andNot(g.met)
			for fr := 1; fr <= model.NumFR; fr++ {
				g.cap[fr-1] = model.MaxSL
				if c := s.FRs[fr-1].Capability; c != nil && c.Level != nil {
					g.cap[fr-1] = *c.Level
				}
				if tl := s.Target[fr-1]; tl > 0 {
					g.missing = g.missing.or(t.need[g.k][fr-1][min(tl, model.MaxSL)-1].andNot(g.met))
				}
			}
			if !g.missing.empty() {
				gaps = append(gaps, g)
				byID[s.ID] = g
			}
		}
	}
	var actions []Action
	claimed := map[string]reqSet{} // subject → requirements already in an action
	for _, cl := range claims {
		cm := cl.cm
		if cm.Status != model.StatusImplemented || cl.evidenced {
			continue
		}
		touched := map[string]reqSet{}
		for _, g := range gaps {
			if inScope(m, cm.Scope, g.id) {
				if s := g.missing.and(g.claimed).and(cl.reqs).andNot(claimed[g.id]); !s.empty() {
					touched[g.id] = s
				}
			}
		}
		if len(touched) == 0 {
			continue
		}
		a := Action{Title: fmt.Sprintf("Record current evidence for %s: %s", cm.ID, cm.Name), Countermeasure: cm.ID, Owner: cm.Owner}
		fill(&a, t, gaps, touched, claimed)
		actions = append(actions, a)
	}
	for i := range m.Countermeasures {
		cm := &m.Countermeasures[i]
		if cm.Status != model.StatusPlanned && cm.Status != model.StatusPartial {
			continue
		}
		var reqs reqSet
		for _, id := range cm.Satisfies {
			if p, ok := t.pos[id]; ok {
				reqs.add(p)
			}
		}
		touched := map[string]reqSet{}
		for _, g := range gaps {
			if inScope(m, cm.Scope, g.id) {
				if s := g.missing.and(reqs).andNot(claimed[g.id]); !s.empty() {
					touched[g.id] = s
				}
			}
		}
		if len(touched) == 0 {
			continue
		}
		verb := "Implement"
		if cm.Status == model.StatusPartial {
			verb = "Complete"
		}
		a := Action{Title: fmt.Sprintf("%s %s: %s", verb, cm.ID, cm.Name), Countermeasure: cm.ID, Owner: cm.Owner, Due: cm.Due}
		fill(&a, t, gaps, touched, claimed)
		actions = append(actions, a)
	}
	// The rest, per base system requirement.
	bases := map[string]map[string]reqSet{}
	var order []string
	for _, g := range gaps {
		g.missing.andNot(claimed[g.id]).each(func(i int) {
			base := t.reqs[i].ID
			if p := t.reqs[i].Parent; p != "" {
				base = p
			}
			if bases[base] == nil {
				bases[base] = map[string]reqSet{}
				order = append(order, base)
			}
			s := bases[base][g.id]
			s.add(i)
			bases[base][g.id] = s
		})
	}
	for _, base := range order {
		title := base
		if p, ok := t.pos[base]; ok {
			title = base + " " + t.reqs[p].Title
		}
		a := Action{Title: "Meet " + title}
		fill(&a, t, gaps, bases[base], claimed)
		actions = append(actions, a)
	}
	slices.SortStableFunc(actions, func(a, b Action) int {
		la, lb := len(a.Lifts) > 0, len(b.Lifts) > 0
		switch {
		case la && !lb:
			return -1
		case lb && !la:
			return 1
		}
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.Title, b.Title)
	})
	for i := range actions {
		actions[i].Rank = i + 1
	}
	return actions
}

// fill computes an action's requirements, subjects, lifts and score from the sets it
// meets per subject, and marks them claimed.
func fill(a *Action, t *table, gaps []*subjectGap, touched map[string]reqSet, claimed map[string]reqSet) {
	var all reqSet
	a.Lifts, a.Subjects = []string{}, []string{}
	for _, g := range gaps { // in subject order, for stable output
		s, ok := touched[g.id]
		if !ok {
			continue
		}
		all = all.or(s)
		a.Subjects = append(a.Subjects, g.id)
		gain := float64(s.len())
		after := g.met.or(s)
		for fr := 1; fr <= model.NumFR; fr++ {
			before, now := g.level(t, fr, g.met), g.level(t, fr, after)
			if now > before {
				a.Lifts = append(a.Lifts, fmt.Sprintf("%s FR%d %d→%d", g.id, fr, before, min(now, max(g.target[fr-1], before))))
			}
			if tl := g.target[fr-1]; before < tl && now >= tl {
				a.Closes++
				gain *= 2
			}
		}
		a.Score += g.weight * gain
		claimed[g.id] = claimed[g.id].or(s)
	}
	a.Requirements = t.ids(all)
	a.Score = float64(int(a.Score*10+0.5)) / 10
	a.Why = fmt.Sprintf("meets %d requirement(s) in %d zone(s)/conduit(s), raises SL-A %d time(s) and closes %d FR gap(s)",
		all.len(), len(a.Subjects), len(a.Lifts), a.Closes)
}

// weight ranks a zone or conduit: its residual risk level (1 = lowest) times the
// criticality of its most critical asset (1 when none is given).
func weight(m *model.Model, s *Subject) float64 {
	crit := 1
	zones := []string{s.ID}
	if s.Kind == "conduit" {
		zones = s.Zones
	}
	for _, z := range zones {
		for _, a := range m.ZoneAssets(z) {
			crit = max(crit, model.CriticalityRank(a.Criticality))
		}
	}
	return float64((s.Risk.Residual.Index + 1) * crit)
}

// inScope reports whether a countermeasure scope reaches zone or conduit id.
func inScope(m *model.Model, scope []string, id string) bool {
	for _, s := range scope {
		if s == "*" || s == id {
			return true
		}
		// A zone in scope reaches its subzones; an asset in scope reaches its zone.
		if z, ok := m.Zone(id); ok {
			for p := z.Parent; p != ""; {
				if p == s {
					return true
				}
				pz, ok := m.Zone(p)
				if !ok {
					break
				}
				p = pz.Parent
			}
		}
		if a, ok := m.Asset(s); ok && a.Zone == id {
			return true
		}
	}
	return false
}
