package risk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
)

// The re-rating of each threat by the countermeasures that address it (62443-3-2 ZCR 5.8
// to 5.11). docs/risk.md, "Countermeasure effects", states the rules in words:
//
//   - a measure acts on a threat only when it addresses it: the threat lists it in
//     countermeasures, or the measure names the threat in addresses;
//   - only implemented measures count;
//   - its effect says which dimension it may lower: prevent and detect the likelihood,
//     respond and recover the consequence; reduces_likelihood and reduces_consequence say
//     by how much, and there is no default;
//   - an amount in a dimension the effect does not allow is ignored, and so is a measure
//     without an effect or an amount: both are findings;
//   - while the threat has an open vulnerability on its targets (vulnerability.go), no
//     measure lowers its likelihood below the stated one.

// Dimensions a countermeasure's effect may lower.
const (
	DimLikelihood  = "likelihood"
	DimConsequence = "consequence"
)

// EffectDimension returns the rating dimension a countermeasure effect may lower:
// likelihood for prevent and detect, consequence for respond and recover, "" otherwise.
func EffectDimension(effect string) string {
	switch effect {
	case "prevent", "detect":
		return DimLikelihood
	case "respond", "recover":
		return DimConsequence
	}
	return ""
}

// Mitigation is one step of a threat's re-rating: a countermeasure that addresses the
// threat, what it states, what it was credited and the rating after it.
type Mitigation struct {
	Countermeasure string `json:"countermeasure"`
	Name           string `json:"name,omitempty"`
	Status         string `json:"status"`
	// Effect is the measure's stated effect (prevent, detect, respond, recover), "" when
	// it states none.
	Effect string `json:"effect,omitempty"`
	// Via says how it addresses the threat: "threat" (the threat lists it), "addresses"
	// (the measure names the threat) or "both".
	Via string `json:"via"`
	// Dimension is what its effect may lower: likelihood or consequence ("" without an
	// effect); Amount the levels it states for that dimension (0 when it states none).
	Dimension string `json:"dimension,omitempty"`
	Amount    int    `json:"amount"`
	// Applied is the levels this step took off (after the floor of 1 and any hold by an
	// open vulnerability).
	Applied int `json:"applied"`
	// Likelihood, Consequence and Risk are the rating after this step.
	Likelihood  int   `json:"likelihood"`
	Consequence int   `json:"consequence"`
	Risk        Level `json:"risk"`
	// Counted is true when the measure's stated effect was credited (implemented, with an
	// effect and an amount, and not held).
	Counted bool `json:"counted"`
	// Note says in words what the step did, or why it changed nothing.
	Note string `json:"note"`
}

// addressing lists, per threat id, the countermeasures that name it in addresses.
func addressing(m *model.Model) map[string][]*model.Countermeasure {
	out := map[string][]*model.Countermeasure{}
	for i := range m.Countermeasures {
		c := &m.Countermeasures[i]
		for _, t := range c.Addresses {
			if !slices.Contains(out[t], c) {
				out[t] = append(out[t], c)
			}
		}
	}
	return out
}

// measuresOf returns the countermeasures that address t, in the threat's own order and
// then the model's, with how each addresses it.
func measuresOf(m *model.Model, t *model.Threat, byAddress map[string][]*model.Countermeasure) ([]*model.Countermeasure, []string) {
	var cms []*model.Countermeasure
	var via []string
	for _, id := range t.Countermeasures {
		cm, ok := m.Countermeasure(id)
		if !ok || slices.Contains(cms, cm) {
			continue
		}
		v := "threat"
		if slices.Contains(cm.Addresses, t.ID) {
			v = "both"
		}
		cms, via = append(cms, cm), append(via, v)
	}
	for _, cm := range byAddress[t.ID] {
		if !slices.Contains(cms, cm) {
			cms, via = append(cms, cm), append(via, "addresses")
		}
	}
	return cms, via
}

func threatRisk(m *model.Model, t *model.Threat, byAddress map[string][]*model.Countermeasure, opts *Options) ThreatRisk {
	rm := &m.System.Risk
	tr := ThreatRisk{ID: t.ID, Name: t.Name, Source: t.Source.Name, Capability: t.Source.Capability,
		Targets: t.Targets, Likelihood: t.Likelihood, model: t, Counted: []string{}, NotCounted: []string{},
		Mitigations: []Mitigation{}}
	for _, cat := range rm.Categories { // in the method's order, so ties pick the first category
		if c, ok := t.Consequences[cat]; ok && c > tr.Consequence {
			tr.Consequence, tr.WorstCategory = c, cat
		}
	}
	tr.Unmitigated = levelOf(rm, tr.Likelihood, tr.Consequence)
	tr.Vulnerabilities = vulnerabilitiesOf(m, t, opts)
	var held []string
	for _, v := range tr.Vulnerabilities {
		if v.Open && v.OnTarget {
			held = append(held, v.ID)
		}
	}
	l, c := tr.Likelihood, tr.Consequence
	cms, via := measuresOf(m, t, byAddress)
	for i, cm := range cms {
		st := Mitigation{Countermeasure: cm.ID, Name: cm.Name, Status: cm.Status, Effect: cm.Effect, Via: via[i],
			Dimension: EffectDimension(cm.Effect)}
		var stated *int
		switch st.Dimension {
		case DimLikelihood:
			stated = cm.ReducesLikelihood
		case DimConsequence:
			stated = cm.ReducesConsequence
		}
		if stated != nil {
			st.Amount = *stated
		}
		switch {
		case cm.Status != model.StatusImplemented:
			st.Note = cm.Status + ": only implemented measures count"
			tr.NotCounted = append(tr.NotCounted, cm.ID+" ("+cm.Status+")")
		case st.Dimension == "":
			st.Note = "no effect stated (prevent, detect, respond or recover): credited nothing"
			tr.NotCounted = append(tr.NotCounted, cm.ID+" (no effect stated)")
		case stated == nil:
			st.Note = fmt.Sprintf("%s measure without reduces_%s: credited nothing", cm.Effect, st.Dimension)
			tr.NotCounted = append(tr.NotCounted, cm.ID+" (no amount stated)")
		case st.Dimension == DimLikelihood && len(held) > 0 && st.Amount > 0:
			st.Note = fmt.Sprintf("%s, %d likelihood level(s), held back: open vulnerability %s keeps the threat as likely as stated",
				cm.Effect, st.Amount, strings.Join(held, ", "))
			tr.NotCounted = append(tr.NotCounted, cm.ID+" (held by open vulnerability)")
		default:
			st.Counted = true
			tr.Counted = append(tr.Counted, cm.ID)
			if st.Dimension == DimLikelihood {
				nl := max(l-st.Amount, 1)
				st.Applied, l = l-nl, nl
			} else {
				nc := max(c-st.Amount, 1)
				st.Applied, c = c-nc, nc
			}
			st.Note = fmt.Sprintf("%s: %s −%d", cm.Effect, st.Dimension, st.Applied)
			if st.Applied < st.Amount {
				st.Note += fmt.Sprintf(" (states %d; the scale stops at 1)", st.Amount)
			}
		}
		if other := otherReduction(cm, st.Dimension); other > 0 && cm.Status == model.StatusImplemented && st.Dimension != "" {
			st.Note += fmt.Sprintf("; its reduction of %d %s level(s) is ignored: a %s measure does not lower %s",
				other, otherDim(st.Dimension), cm.Effect, otherDim(st.Dimension))
		}
		st.Likelihood, st.Consequence, st.Risk = l, c, levelOf(rm, l, c)
		tr.Mitigations = append(tr.Mitigations, st)
	}
	tr.HeldBy = held
	if tr.HeldBy == nil {
		tr.HeldBy = []string{}
	}
	tr.ResidualLikelihood, tr.ResidualConsequence = max(l, 1), max(c, 1)
	tr.Residual = levelOf(rm, tr.ResidualLikelihood, tr.ResidualConsequence)
	tr.Tolerable = tr.Residual.Index <= rm.TolerableIndex()
	return tr
}

func otherDim(d string) string {
	if d == DimLikelihood {
		return DimConsequence
	}
	return DimLikelihood
}

// otherReduction is the amount a measure states in the dimension its effect does not
// allow (0 when none, or when it has no effect).
func otherReduction(cm *model.Countermeasure, dim string) int {
	switch dim {
	case DimLikelihood:
		return cm.ConsequenceReduction()
	case DimConsequence:
		return cm.LikelihoodReduction()
	}
	return 0
}

// effectChecks reports the countermeasures whose effect cannot be credited: an
// implemented measure that addresses threats without an effect or an amount, and any
// measure stating a reduction its effect does not allow.
func effectChecks(m *model.Model, r *Result) []finding.Finding {
	addressed := map[string][]string{} // countermeasure id → threats it addresses
	for i := range r.Threats {
		for _, st := range r.Threats[i].Mitigations {
			addressed[st.Countermeasure] = append(addressed[st.Countermeasure], r.Threats[i].ID)
		}
	}
	var out []finding.Finding
	for i := range m.Countermeasures {
		cm := &m.Countermeasures[i]
		threats := addressed[cm.ID]
		dim := EffectDimension(cm.Effect)
		implemented := cm.Status == model.StatusImplemented
		var stated *int
		switch dim {
		case DimLikelihood:
			stated = cm.ReducesLikelihood
		case DimConsequence:
			stated = cm.ReducesConsequence
		}
		if other := otherReduction(cm, dim); other > 0 {
			msg := fmt.Sprintf("countermeasure %s is a %s measure but states a reduction of %d %s level(s); a %s measure lowers %s, not %s, so that reduction is ignored",
				cm.ID, cm.Effect, other, otherDim(dim), cm.Effect, dim, otherDim(dim))
			if stated == nil {
				msg += fmt.Sprintf(", and it states no reduces_%s, so it changes no rating", dim)
			}
			out = append(out, finding.Finding{Rule: "risk/reduction-outside-effect", Severity: finding.Medium, Subject: cm.ID,
				Message: msg,
				Fix: fmt.Sprintf("move the amount to reduces_%s if that is what the measure does, or change its effect if it really lowers %s (a backup limits the harm of an attack; it does not make the attack less likely)",
					dim, otherDim(dim)),
				Requirements: []string{"ZCR 5.8", "ZCR 5.9"}, Location: cm.Pos.String()})
			continue
		}
		if !implemented || len(threats) == 0 || (dim != "" && stated != nil) {
			continue
		}
		what := "states no effect"
		fix := "state its effect (prevent, detect, respond or recover) and, for that dimension, how many levels it takes off (reduces_likelihood or reduces_consequence; 0 if none)"
		if dim != "" {
			what = fmt.Sprintf("is a %s measure without reduces_%s", cm.Effect, dim)
			fix = fmt.Sprintf("state reduces_%s: how many levels it takes off the threats it addresses (0 if none)", dim)
		}
		out = append(out, finding.Finding{Rule: "risk/effect-not-stated", Severity: finding.Low, Subject: cm.ID,
			Message: fmt.Sprintf("countermeasure %s addresses %s but %s, so it lowers no rating", cm.ID, list(threats), what),
			Fix:     fix, Requirements: []string{"ZCR 5.8", "ZCR 5.9"}, Location: cm.Pos.String()})
	}
	return out
}
