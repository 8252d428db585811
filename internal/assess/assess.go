package assess

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/risk"
)

// Options tune Assess.
type Options struct {
	// Now dates the assessment and decides which planned countermeasures are overdue;
	// zero means time.Now(). Tests fix it so that output is stable.
	Now time.Time
	// Catalog is the requirement catalog; nil means catalog.Default().
	Catalog *catalog.Catalog
	// Refuted lists requirements that observation showed are not met in a zone or
	// conduit (zonewarden verify finds them in captures): SL-A does not count them there,
	// whatever the countermeasures in scope claim, and a finding says why.
	Refuted []Refutation
	// Observed are the violating flows a capture showed; they are reported as given.
	Observed []ObservedFlow
}

// Refutation is a requirement that the traffic showed is not met in a zone or conduit.
// ObservedFlow is traffic a capture showed crossing between two zones against the
// model (verify's violations), summed per pair of zones and protocol; reports draw it.
type ObservedFlow struct {
	FromZone      string   `json:"from_zone"`
	ToZone        string   `json:"to_zone"`
	Protocol      string   `json:"protocol"`
	Conduit       string   `json:"conduit,omitempty"` // the conduit that came closest, if any
	Violations    []string `json:"violations"`
	Conversations int      `json:"conversations"`
}

type Refutation struct {
	Subject     string // zone or conduit id
	Requirement string // "SR 5.2 RE 1"
	// Countermeasures are the implemented measures whose claim it refutes.
	Countermeasures []string
	// Reason says what was observed and where in the captures.
	Reason string
}

// Result is the whole assessment: risk, SL-T, SL-A, gaps, plan and findings.
type Result struct {
	// SchemaVersion is the version of docs/schemas/assessment.schema.json the JSON follows.
	SchemaVersion int               `json:"schema_version"`
	System        SystemInfo        `json:"system"`
	Date          string            `json:"date"`
	Summary       Summary           `json:"summary"`
	Risk          *risk.Result      `json:"risk"`
	Zones         []Subject         `json:"zones"`
	Conduits      []Subject         `json:"conduits"`
	Gaps          []Gap             `json:"gaps"`
	Plan          []Action          `json:"plan"`
	Findings      []finding.Finding `json:"findings"`
	// Observed holds the violating cross-zone traffic of the captures held against the
	// model (assess --capture); empty without captures.
	Observed []ObservedFlow `json:"observed_violations,omitempty"`
}

// SystemInfo names the system assessed.
type SystemInfo struct {
	Name        string   `json:"name"`
	Owner       string   `json:"owner,omitempty"`
	Description string   `json:"description,omitempty"`
	Files       []string `json:"files"`
}

// Summary holds the headline figures of the executive summary.
type Summary struct {
	Zones           int `json:"zones"`
	Conduits        int `json:"conduits"`
	Assets          int `json:"assets"`
	Threats         int `json:"threats"`
	Countermeasures int `json:"countermeasures"`
	// SubjectsAtTarget counts zones and conduits whose SL-A meets SL-T on every FR.
	ZonesAtTarget    int `json:"zones_at_target"`
	ConduitsAtTarget int `json:"conduits_at_target"`
	// GapCount counts (zone or conduit, FR) pairs below target; MissingRequirements the
	// (zone or conduit, requirement) pairs still to meet.
	GapCount            int `json:"gap_count"`
	MissingRequirements int `json:"missing_requirements"`
	IntolerableThreats  int `json:"intolerable_threats"`
	// Findings counts findings by severity name.
	Findings map[string]int `json:"findings"`
}

// Subject is the assessment of one zone or conduit.
type Subject struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Kind   string   `json:"kind"` // zone or conduit
	Purdue string   `json:"purdue,omitempty"`
	Zones  []string `json:"zones,omitempty"` // a conduit's zones
	// Safety, Wireless, Temporary and External repeat a zone's flags from the model.
	Safety    bool `json:"safety,omitempty"`
	Wireless  bool `json:"wireless,omitempty"`
	Temporary bool `json:"temporary,omitempty"`
	External  bool `json:"external,omitempty"`
	// Boundary is a conduit's boundary technology (firewall, vpn, data-diode, ...).
	Boundary string         `json:"boundary,omitempty"`
	Target   model.SLVector `json:"sl_target"`
	// Achieved is SL-A: per FR the highest level whose applicable requirements are all met.
	Achieved model.SLVector `json:"sl_achieved"`
	// Capability is the lowest SL-C its assets declare per FR (zones only; 0 = unknown).
	Capability model.SLVector  `json:"sl_capability"`
	Gap        model.SLVector  `json:"gap"`
	Risk       risk.TargetRisk `json:"risk"`
	FRs        []FRStatus      `json:"frs"`
}

// AtTarget reports whether the subject has an SL-T and SL-A meets it on every FR.
func (s *Subject) AtTarget() bool { return !s.Target.IsZero() && s.Gap.IsZero() }

// FRStatus is one FR of a subject: the requirements behind its SL-A.
type FRStatus struct {
	FR       int    `json:"fr"`
	Code     string `json:"code"`
	Target   int    `json:"target"`
	Achieved int    `json:"achieved"`
	// Met, Partial, Planned and Missing list the requirements applicable up to SL-T by
	// state; partial and planned ones are also missing.
	Met     []string `json:"met"`
	Partial []string `json:"partial"`
	Planned []string `json:"planned"`
	Missing []string `json:"missing"`
}

// Gap is one FR of one zone or conduit below its target.
type Gap struct {
	Subject  string       `json:"subject"`
	Kind     string       `json:"kind"`
	FR       int          `json:"fr"`
	Target   int          `json:"target"`
	Achieved int          `json:"achieved"`
	Missing  []MissingReq `json:"missing"`
}

// MissingReq is a requirement still to meet for a gap.
type MissingReq struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	LowestSL int    `json:"lowest_sl"`
	// State is "partial", "planned" or "open".
	State string `json:"state"`
}

// Assess runs risk assessment and gap analysis on a loaded model.
func Assess(m *model.Model, opts Options) *Result {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Catalog == nil {
		opts.Catalog = catalog.Default()
	}
	t := newTable(opts.Catalog)
	rr := risk.Assess(m)
	res := &Result{
		SchemaVersion: 1,
		Observed:      opts.Observed,
		System:        SystemInfo{Name: m.System.Name, Owner: m.System.Owner, Description: m.System.Description, Files: m.Files},
		Date:          opts.Now.Format(time.DateOnly),
		Risk:          rr,
		Gaps:          []Gap{},
	}
	zcov, ccov := coverages(m, t)
	refuted := refute(m, t, opts.Refuted, zcov, ccov)
	for i := range m.Zones {
		z := &m.Zones[i]
		s := subject(t, rr, z.ID, z.Name, "zone", zcov[z.ID])
		if z.Purdue != nil {
			s.Purdue = z.Purdue.String()
		}
		s.Capability = zoneCapability(m, z.ID)
		s.Safety, s.Wireless, s.Temporary, s.External = z.Safety, z.Wireless, z.Temporary, z.External
		res.Zones = append(res.Zones, s)
	}
	for i := range m.Conduits {
		c := &m.Conduits[i]
		s := subject(t, rr, c.ID, c.Name, "conduit", ccov[c.ID])
		s.Zones, s.Boundary = c.Zones, c.Boundary
		res.Conduits = append(res.Conduits, s)
	}
	for _, list := range [][]Subject{res.Zones, res.Conduits} {
		for i := range list {
			res.Gaps = append(res.Gaps, gapsOf(t, &list[i], pickCoverage(list[i].Kind, list[i].ID, zcov, ccov))...)
		}
	}
	res.Plan = plan(m, t, res, zcov, ccov)
	res.Findings = append(slices.Clone(rr.Findings), findings(m, res, opts.Now)...)
	res.Findings = append(res.Findings, refuted...)
	finding.Sort(res.Findings)
	res.Summary = summarize(m, res)
	return res
}

func pickCoverage(kind, id string, zcov, ccov map[string]*coverage) *coverage {
	if kind == "zone" {
		return zcov[id]
	}
	return ccov[id]
}

func subject(t *table, rr *risk.Result, id, name, kind string, cov *coverage) Subject {
	s := Subject{ID: id, Name: name, Kind: kind}
	if tg, ok := rr.Target(id); ok {
		s.Target = tg.Level
	}
	s.Risk, _ = rr.TargetRisk(id)
	met := cov.met()
	for fr := 1; fr <= model.NumFR; fr++ {
		a := t.achieved(fr, met)
		s.Achieved[fr-1] = a
		s.Gap[fr-1] = max(0, s.Target[fr-1]-a)
		st := FRStatus{FR: fr, Code: catalog.FRCode(fr), Target: s.Target[fr-1], Achieved: a,
			Met: []string{}, Partial: []string{}, Planned: []string{}, Missing: []string{}}
		if tl := s.Target[fr-1]; tl > 0 {
			need := t.need[fr-1][min(tl, model.MaxSL)-1]
			st.Met = t.ids(need.and(met))
			missing := need.andNot(met)
			st.Missing = t.ids(missing)
			st.Partial = t.ids(missing.and(cov.partial))
			st.Planned = t.ids(missing.and(cov.planned))
		}
		s.FRs = append(s.FRs, st)
	}
	return s
}

func (t *table) ids(s reqSet) []string {
	out := make([]string, 0, s.len())
	s.each(func(i int) { out = append(out, t.reqs[i].ID) })
	return out
}

func gapsOf(t *table, s *Subject, cov *coverage) []Gap {
	var out []Gap
	for _, st := range s.FRs {
		if st.Achieved >= st.Target {
			continue
		}
		g := Gap{Subject: s.ID, Kind: s.Kind, FR: st.FR, Target: st.Target, Achieved: st.Achieved}
		for _, id := range st.Missing {
			i := t.pos[id]
			state := "open"
			switch {
			case cov.partial.has(i):
				state = "partial"
			case cov.planned.has(i):
				state = "planned"
			}
			r := t.reqs[i]
			g.Missing = append(g.Missing, MissingReq{ID: r.ID, Title: r.Title, LowestSL: r.LowestSL, State: state})
		}
		out = append(out, g)
	}
	return out
}

// zoneCapability is the lowest SL-C per FR over the zone's assets that declare one.
func zoneCapability(m *model.Model, zone string) model.SLVector {
	var v model.SLVector
	first := true
	for _, a := range m.ZoneAssets(zone) {
		if a.SLC == nil {
			continue
		}
		if first {
			v, first = *a.SLC, false
			continue
		}
		for i := range v {
			v[i] = min(v[i], a.SLC[i])
		}
	}
	return v
}

func summarize(m *model.Model, res *Result) Summary {
	s := Summary{Zones: len(m.Zones), Conduits: len(m.Conduits), Assets: len(m.Assets),
		Threats: len(m.Threats), Countermeasures: len(m.Countermeasures), GapCount: len(res.Gaps),
		Findings: map[string]int{}}
	for i := range res.Zones {
		if res.Zones[i].AtTarget() {
			s.ZonesAtTarget++
		}
	}
	for i := range res.Conduits {
		if res.Conduits[i].AtTarget() {
			s.ConduitsAtTarget++
		}
	}
	for _, g := range res.Gaps {
		s.MissingRequirements += len(g.Missing)
	}
	for _, t := range res.Risk.Threats {
		if !t.Tolerable {
			s.IntolerableThreats++
		}
	}
	counts := finding.Count(res.Findings)
	for sev, n := range counts {
		s.Findings[finding.Severity(sev).String()] = n
	}
	return s
}

// findings raises what the gap analysis itself finds: gaps, components that cannot reach
// the target, partial and overdue countermeasures.
func findings(m *model.Model, res *Result, now time.Time) []finding.Finding {
	var out []finding.Finding
	for _, list := range [][]Subject{res.Zones, res.Conduits} {
		for i := range list {
			s := &list[i]
			if !s.AtTarget() {
				out = append(out, gapFinding(m, s))
			}
			if s.Kind == "zone" {
				if f, ok := capabilityFinding(m, s); ok {
					out = append(out, f)
				}
			}
		}
	}
	today := now.Format(time.DateOnly)
	for i := range m.Countermeasures {
		cm := &m.Countermeasures[i]
		switch {
		case cm.Status == model.StatusPartial:
			out = append(out, finding.Finding{Rule: "countermeasure/partial", Severity: finding.Low, Subject: cm.ID,
				Message:      fmt.Sprintf("countermeasure %s (%s) is partial; partial measures do not count toward SL-A or residual risk", cm.ID, cm.Name),
				Fix:          "finish it and set status: implemented with evidence, or narrow its scope to where it is complete",
				Requirements: cm.Satisfies, Location: cm.Pos.String()})
		case cm.Status == model.StatusPlanned && cm.Due != "" && cm.Due < today:
			out = append(out, finding.Finding{Rule: "countermeasure/overdue", Severity: finding.Medium, Subject: cm.ID,
				Message:      fmt.Sprintf("planned countermeasure %s (%s) was due %s and is not implemented", cm.ID, cm.Name, cm.Due),
				Fix:          "implement it, or set a new due date with its owner" + ownerNote(cm.Owner),
				Requirements: cm.Satisfies, Location: cm.Pos.String()})
		case cm.Status == model.StatusImplemented && len(cm.Evidence) == 0:
			out = append(out, finding.Finding{Rule: "countermeasure/no-evidence", Severity: finding.Low, Subject: cm.ID,
				Message:      fmt.Sprintf("implemented countermeasure %s (%s) names no evidence", cm.ID, cm.Name),
				Fix:          "add evidence: the document, configuration export or test record an auditor can check",
				Requirements: cm.Satisfies, Location: cm.Pos.String()})
		}
	}
	return out
}

func ownerNote(owner string) string {
	if owner == "" {
		return " (it has no owner: name one)"
	}
	return " (" + owner + ")"
}

func gapFinding(m *model.Model, s *Subject) finding.Finding {
	worst := 0
	var parts, frs []string
	for _, st := range s.FRs {
		if d := st.Target - st.Achieved; d > 0 {
			worst = max(worst, d)
			parts = append(parts, fmt.Sprintf("FR%d %d/%d", st.FR, st.Achieved, st.Target))
			frs = append(frs, fmt.Sprintf("FR %d", st.FR))
		}
	}
	sev := finding.Medium
	if worst >= 2 {
		sev = finding.High
	}
	var pos model.Pos
	if z, ok := m.Zone(s.ID); ok {
		pos = z.Pos
		if z.Safety && sev < finding.Critical {
			sev++
		}
	} else if c, ok := m.Conduit(s.ID); ok {
		pos = c.Pos
	}
	missing := 0
	for _, st := range s.FRs {
		missing += len(st.Missing)
	}
	return finding.Finding{Rule: "gap/below-target", Severity: sev, Subject: s.ID,
		Message: fmt.Sprintf("%s %s is below its target security level: SL-A/SL-T %s; %d requirements missing",
			s.Kind, s.ID, strings.Join(parts, ", "), missing),
		Fix:          "carry out the remediation plan's actions for " + s.ID,
		Requirements: frs, Location: pos.String()}
}

func capabilityFinding(m *model.Model, s *Subject) (finding.Finding, bool) {
	var weak []string
	for fr := 0; fr < model.NumFR; fr++ {
		var below []string
		for _, a := range m.ZoneAssets(s.ID) {
			if a.SLC != nil && a.SLC[fr] < s.Target[fr] {
				below = append(below, a.ID)
			}
		}
		if len(below) > 0 {
			weak = append(weak, fmt.Sprintf("FR%d (SL-T %d): %s", fr+1, s.Target[fr], strings.Join(below, ", ")))
		}
	}
	if len(weak) == 0 {
		return finding.Finding{}, false
	}
	z, _ := m.Zone(s.ID)
	return finding.Finding{Rule: "capability/below-target", Severity: finding.High, Subject: s.ID,
		Message: fmt.Sprintf("zone %s cannot reach its SL-T with its components: their declared SL-C is lower on %s",
			s.ID, strings.Join(weak, "; ")),
		Fix:          "replace or upgrade those components, or add compensating countermeasures at the zone boundary and record them",
		Requirements: []string{"62443-4-2"}, Location: z.Pos.String()}, true
}

// refute takes refuted requirements out of what the zones and conduits are credited
// with, and returns a finding for each saying what it costs in SL-A.
func refute(m *model.Model, t *table, refs []Refutation, zcov, ccov map[string]*coverage) []finding.Finding {
	var out []finding.Finding
	for _, r := range refs {
		cov, kind := zcov[r.Subject], "zone"
		var pos model.Pos
		if z, ok := m.Zone(r.Subject); ok {
			pos = z.Pos
		}
		if cov == nil {
			cov, kind = ccov[r.Subject], "conduit"
			if c, ok := m.Conduit(r.Subject); ok {
				pos = c.Pos
			}
		}
		id, ok := catalog.NormalizeID(r.Requirement)
		i, known := t.pos[id]
		if cov == nil || !ok || !known {
			continue // not a zone, conduit or system requirement this model and catalog know
		}
		fr := t.reqs[i].FR
		before := t.achieved(fr, cov.met())
		cov.implemented.del(i)
		cov.notApplicable.del(i)
		after := t.achieved(fr, cov.met())
		effect := fmt.Sprintf("SL-A FR%d drops from %d to %d", fr, before, after)
		if before == after {
			effect = fmt.Sprintf("SL-A FR%d stays %d", fr, after)
		}
		by := "the countermeasures in scope"
		if len(r.Countermeasures) > 0 {
			by = strings.Join(r.Countermeasures, ", ")
		}
		out = append(out, finding.Finding{Rule: "countermeasure/refuted", Severity: finding.High, Subject: r.Subject,
			Message: fmt.Sprintf("observed traffic refutes %s for %s %s, claimed by %s: %s; it no longer counts, and %s",
				id, kind, r.Subject, by, r.Reason, effect),
			Fix:          "act on what zonewarden verify found (it lists the evidence), then fix the measure or correct its claim",
			Requirements: []string{id}, Location: pos.String()})
	}
	return out
}
