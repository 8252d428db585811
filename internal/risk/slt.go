package risk

import (
	"fmt"

	"github.com/zonewarden/zonewarden/internal/model"
)

// Rules of the SL-T derivation; docs/risk.md explains them to users.
const (
	// raiseMargin: a threat whose unmitigated risk lies this many levels or more above the
	// tolerable risk raises the level its source's capability sets by one.
	raiseMargin = 2
	// floorSL: every FR of a zone that any threat bears on needs at least this level.
	floorSL = 1
	// safetyFloorSL: a safety-related zone needs at least this level on every FR.
	safetyFloorSL = 2
)

// deriveTargets sets the SL-T of every zone, then of every conduit, recording each step.
func deriveTargets(m *model.Model, r *Result, bearing map[string][]int) {
	for i := range m.Zones {
		z := &m.Zones[i]
		t := Target{ID: z.ID, Kind: "zone", Steps: []Step{}}
		t.Derived, t.Steps = fromThreats(m, r, bearing[z.ID])
		if in := r.Zones[i].Initial; !in.Detailed {
			t.Steps = append(t.Steps, Step{Text: fmt.Sprintf("initial risk %s is within the tolerable %s: no detailed assessment needed (ZCR 4); the level follows from the threat sources' capability alone",
				in.Level.Name, m.System.Risk.Tolerable), Level: t.Derived})
		}
		if z.Safety {
			floor := t.Derived.Max(model.Uniform(safetyFloorSL))
			if floor != t.Derived {
				t.Derived = floor
				t.Steps = append(t.Steps, Step{Text: fmt.Sprintf("safety-related zone: at least SL %d on every FR", safetyFloorSL), Level: t.Derived})
			}
		}
		t.Level = t.Derived
		if z.SLTarget != nil {
			t.Stated, t.Rationale, t.Level = true, z.SLTarget.Rationale, z.SLTarget.Level
			t.Steps = append(t.Steps, Step{Text: "stated in the model: " + orNone(z.SLTarget.Rationale), Level: t.Level})
		}
		r.byTarget[z.ID] = len(r.Targets)
		r.Targets = append(r.Targets, t)
	}
	for i := range m.Conduits {
		c := &m.Conduits[i]
		t := Target{ID: c.ID, Kind: "conduit", Steps: []Step{}}
		t.Derived, t.Steps = fromThreats(m, r, bearing[c.ID])
		for _, zid := range c.Zones {
			zt, ok := r.Target(zid)
			if !ok {
				continue
			}
			if raised := t.Derived.Max(zt.Level); raised != t.Derived {
				t.Derived = raised
				t.Steps = append(t.Steps, Step{Text: "at least the SL-T of zone " + zid + " that it joins", Level: t.Derived})
			}
		}
		t.Level = t.Derived
		if c.SLTarget != nil {
			t.Stated, t.Rationale, t.Level = true, c.SLTarget.Rationale, c.SLTarget.Level
			t.Steps = append(t.Steps, Step{Text: "stated in the model: " + orNone(c.SLTarget.Rationale), Level: t.Level})
		}
		r.byTarget[c.ID] = len(r.Targets)
		r.Targets = append(r.Targets, t)
	}
}

func orNone(s string) string {
	if s == "" {
		return "(no rationale given)"
	}
	return s
}

// fromThreats derives a level vector from the threats bearing on a zone or conduit: each
// threat's source capability sets a base level on the FRs it bears on (casual 1, simple 2,
// moderate 3, extended 4), raised by one where its unmitigated risk is far above the
// tolerable risk; the vector is the maximum over threats, with a floor of 1 on every FR.
func fromThreats(m *model.Model, r *Result, threats []int) (model.SLVector, []Step) {
	var v model.SLVector
	steps := []Step{}
	tol := m.System.Risk.TolerableIndex()
	for _, i := range threats {
		tr := &r.Threats[i]
		base := model.CapabilityLevel(tr.Capability)
		text := fmt.Sprintf("threat %s: source %q with %s capability → SL %d", tr.ID, tr.Source, tr.Capability, base)
		if tr.Unmitigated.Index-tol >= raiseMargin && base < model.MaxSL {
			base++
			text += fmt.Sprintf(", raised to %d because its unmitigated risk (%s) is %d or more levels above the tolerable %s",
				base, tr.Unmitigated.Name, raiseMargin, m.System.Risk.Tolerable)
		}
		frs := threatFRs(tr.model)
		text += " on " + frList(frs)
		for _, fr := range frs {
			v[fr-1] = max(v[fr-1], base)
		}
		steps = append(steps, Step{Text: text, Level: v})
	}
	if len(threats) > 0 {
		if floored := v.Max(model.Uniform(floorSL)); floored != v {
			v = floored
			steps = append(steps, Step{Text: fmt.Sprintf("every FR at least SL %d", floorSL), Level: v})
		}
	}
	return v, steps
}
