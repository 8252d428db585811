package assess

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zonewarden/zonewarden/internal/approval"
	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/risk"
)

// Options tune Assess.
type Options struct {
	// Now is the assessment day: it decides which evidence is current and which planned
	// countermeasures are overdue; zero means today. Tests fix it so that output is
	// stable.
	Now time.Time
	// Catalog is the requirement catalog; nil means catalog.Default().
	Catalog *catalog.Catalog
	// Applies and Plausible answer where a requirement applies and which kinds of
	// countermeasure can satisfy it; nil means the catalog's tables (catalog.Scope,
	// catalog.Plausible).
	Applies   Applies
	Plausible Plausible
	// Refuted lists requirements that observation showed are not met in a zone or
	// conduit (zonewarden verify finds them in captures): SL-A does not count them there,
	// whatever the countermeasures in scope claim, and a finding says why.
	Refuted []Refutation
	// Supported lists requirements the traffic of this run supports in a zone or
	// conduit: where an implemented countermeasure claims one there, the claim counts as
	// evidenced (kind traffic) for this run. A refutation of the same requirement wins.
	Supported []Support
	// Observed are the violating flows a capture showed; they are reported as given.
	Observed []ObservedFlow
	// Traffic are the findings of the verification the captures went through (verify's),
	// reported beside the assessment's own.
	Traffic []TrafficFinding
	// Weaknesses are the vulnerabilities the traffic showed (cleartext across a boundary,
	// devices the model does not know), which the risk assessment counts as open
	// vulnerabilities of the threats that reach them (62443-3-2 ZCR 5.2).
	Weaknesses []risk.Weakness
}

// Refutation is a requirement that the traffic showed is not met in a zone or conduit.
type Refutation struct {
	Subject     string // zone or conduit id
	Requirement string // "SR 5.2 RE 1"
	// Countermeasures are the implemented measures whose claim it refutes.
	Countermeasures []string
	// Reason says what was observed and where in the captures.
	Reason string
}

// Support is a requirement that the traffic of this run supports in a zone or conduit
// (every conversation seen on a conduit matched its rules: SR 5.1 and SR 5.2 there).
type Support struct {
	Subject     string `json:"subject"`
	Requirement string `json:"requirement"`
	// Reason says what was observed.
	Reason string `json:"reason"`
	// Countermeasures are the implemented measures whose claim it evidences; empty when
	// no measure in scope claims the requirement, and then it credits nothing.
	Countermeasures []string `json:"countermeasures"`
}

// TrafficFinding is a finding of the verification of captures against the model, with
// where in the captures it can be checked.
type TrafficFinding struct {
	finding.Finding
	Evidence string `json:"evidence,omitempty"`
}

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

// Result is the whole assessment: risk, SL-T, SL-A, gaps, plan and findings.
type Result struct {
	// SchemaVersion is the version of docs/schemas/assessment.schema.json the JSON follows.
	SchemaVersion int        `json:"schema_version"`
	System        SystemInfo `json:"system"`
	// Date is the assessment day (assess --as-of).
	Date     string       `json:"date"`
	Summary  Summary      `json:"summary"`
	Risk     *risk.Result `json:"risk"`
	Zones    []Subject    `json:"zones"`
	Conduits []Subject    `json:"conduits"`
	// Countermeasures says, per countermeasure, whether its evidence counts and which of
	// its claims are implausible.
	Countermeasures []CountermeasureStatus `json:"countermeasures"`
	// Capabilities lists every asset whose SL-C is known, with where it comes from.
	Capabilities []AssetCapability `json:"asset_capabilities"`
	Gaps         []Gap             `json:"gaps"`
	Plan         []Action          `json:"plan"`
	Findings     []finding.Finding `json:"findings"`
	// Observed holds the violating cross-zone traffic of the captures held against the
	// model (assess --capture); empty without captures.
	Observed []ObservedFlow `json:"observed_violations,omitempty"`
	// Traffic holds what the captures evidenced and what their verification found
	// (assess --capture); nil without captures.
	Traffic *Traffic `json:"traffic,omitempty"`
	// Approval is the asset owner's approval of the model's content (ZCR 7), set by the
	// caller that checked it (package approval); nil when not checked.
	Approval *approval.Status `json:"approval,omitempty"`
}

// Traffic is the verification of captures an assessment took in.
type Traffic struct {
	Supported []Support        `json:"supported"`
	Findings  []TrafficFinding `json:"findings"`
}

// CountermeasureStatus is how one countermeasure counts.
type CountermeasureStatus struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Kind   string `json:"kind,omitempty"`
	Status string `json:"status"`
	// Evidence is "current" (a record counts), "stale" (records, none current, some
	// expired, future-dated or not matching their file), "missing" (no record counts and
	// none is stale), or "not-required" (not implemented).
	Evidence string `json:"evidence"`
	// Notes say why each record that does not count does not.
	Notes []string `json:"evidence_notes,omitempty"`
	// Implausible lists the claims outside the plausibility table for its kind; they
	// count nowhere.
	Implausible []string `json:"implausible,omitempty"`
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
	// ZonesAtTarget and ConduitsAtTarget count zones and conduits with an SL-T whose
	// SL-A (evidenced) meets it on every FR; ZonesWithTarget and ConduitsWithTarget
	// count those with an SL-T at all.
	ZonesAtTarget      int `json:"zones_at_target"`
	ConduitsAtTarget   int `json:"conduits_at_target"`
	ZonesWithTarget    int `json:"zones_with_target"`
	ConduitsWithTarget int `json:"conduits_with_target"`
	// GapCount counts (zone or conduit, FR) pairs below target; MissingRequirements the
	// (zone or conduit, requirement) pairs still to meet; ClaimedNotEvidenced the
	// (zone or conduit, requirement) pairs claimed by an implemented countermeasure
	// without current evidence.
	GapCount            int `json:"gap_count"`
	MissingRequirements int `json:"missing_requirements"`
	ClaimedNotEvidenced int `json:"claimed_not_evidenced"`
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
	// Achieved is SL-A, the level the assessment credits: per FR the highest level whose
	// applicable requirements are all met with current evidence, capped by SL-C. It
	// equals Evidenced.
	Achieved model.SLVector `json:"sl_achieved"`
	// Evidenced is SL-A counting only claims backed by current evidence; Claimed counts
	// every plausible claim of an implemented countermeasure, as if all were evidenced.
	// Both are capped by SL-C.
	Evidenced model.SLVector `json:"sl_achieved_evidenced"`
	Claimed   model.SLVector `json:"sl_achieved_claimed"`
	// Capability is, per FR, the lowest SL-C of the assets that must provide it (zones
	// only; 0 also where no SL-C is known: see frs[].capability).
	Capability model.SLVector  `json:"sl_capability"`
	Gap        model.SLVector  `json:"gap"`
	Risk       risk.TargetRisk `json:"risk"`
	FRs        []FRStatus      `json:"frs"`
	// TrafficEvidenced lists the requirements the captures of this run evidence here.
	TrafficEvidenced []string `json:"traffic_evidenced,omitempty"`
}

// HasTarget reports whether the subject has an SL-T.
func (s *Subject) HasTarget() bool { return !s.Target.IsZero() }

// AtTarget reports whether the subject has an SL-T and SL-A meets it on every FR.
func (s *Subject) AtTarget() bool { return s.HasTarget() && s.Gap.IsZero() }

// FRStatus is one FR of a subject: the requirements behind its SL-A.
type FRStatus struct {
	FR     int    `json:"fr"`
	Code   string `json:"code"`
	Target int    `json:"target"`
	// Achieved is SL-A evidenced; AchievedClaimed SL-A claimed (both capped by SL-C).
	Achieved        int `json:"achieved"`
	AchievedClaimed int `json:"achieved_claimed"`
	// Met, Claimed, Partial, Planned and Missing list the requirements applicable up to
	// SL-T by state: met (with current evidence), claimed (by an implemented measure,
	// not evidenced), partial, planned; missing holds every one not met, claimed ones
	// included.
	Met     []string `json:"met"`
	Claimed []string `json:"claimed"`
	Partial []string `json:"partial"`
	Planned []string `json:"planned"`
	Missing []string `json:"missing"`
	// Capability is what the zone's components allow on this FR (zones only).
	Capability *FRCapability `json:"capability,omitempty"`
}

// FRCapability is the SL-C cap on one FR of a zone.
type FRCapability struct {
	// State: demonstrated, not-demonstrated (an asset has no known SL-C), or none (no
	// asset of the zone must provide the capability).
	State string `json:"state"`
	// Level is the lowest known SL-C, and CappedBy the assets at that level; absent when
	// no SL-C is known.
	Level    *int     `json:"sl_c,omitempty"`
	CappedBy []string `json:"capped_by"`
	// Capped says the cap lowered SL-A (claimed) on this FR.
	Capped bool `json:"capped"`
	// Unknown lists the assets whose SL-C is not known: they do not cap the FR, and a
	// finding says their capability is not demonstrated.
	Unknown []string `json:"unknown"`
	// Compensated lists the assets whose SL-C a compensating countermeasure stands in for.
	Compensated []Compensated `json:"compensated"`
}

// Gap is one FR of one zone or conduit below its target.
type Gap struct {
	Subject  string       `json:"subject"`
	Kind     string       `json:"kind"`
	FR       int          `json:"fr"`
	Target   int          `json:"target"`
	Achieved int          `json:"achieved"`
	Missing  []MissingReq `json:"missing"`
	// CappedBy names the assets whose SL-C (Capability) is below the target, when it is.
	Capability *int     `json:"sl_capability,omitempty"`
	CappedBy   []string `json:"capped_by,omitempty"`
}

// MissingReq is a requirement still to meet for a gap.
type MissingReq struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	LowestSL int    `json:"lowest_sl"`
	// State is "claimed" (implemented, not evidenced), "partial", "planned" or "open".
	State string `json:"state"`
}

// Assess runs risk assessment and gap analysis on a loaded model.
func Assess(m *model.Model, opts Options) *Result {
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	day := time.Date(opts.Now.Year(), opts.Now.Month(), opts.Now.Day(), 0, 0, 0, 0, time.UTC)
	if opts.Catalog == nil {
		opts.Catalog = catalog.Default()
	}
	if opts.Applies == nil {
		opts.Applies = catalogApplies(opts.Catalog)
	}
	if opts.Plausible == nil {
		opts.Plausible = opts.Catalog.Plausible
	}
	t := newTable(opts.Catalog, opts.Applies)
	rr := risk.AssessWith(m, risk.Options{Observed: opts.Weaknesses})
	res := &Result{
		SchemaVersion: 2,
		Observed:      opts.Observed,
		System:        SystemInfo{Name: m.System.Name, Owner: m.System.Owner, Description: m.System.Description, Files: m.Files},
		Date:          day.Format(time.DateOnly),
		Risk:          rr,
		Gaps:          []Gap{},
	}
	ev := newEvidenceChecker(m, day)
	claims, cmFindings := judgeClaims(m, t, ev, opts.Plausible, res)
	caps := newCapabilities(m, opts.Catalog, ev)
	res.Capabilities = caps.list(m)
	comps := compensations(m, claims)
	zcov, ccov := coverages(m, t, claims)
	supported := supportClaims(m, t, claims, opts.Supported, zcov, ccov)
	refuted := refute(m, t, rr, opts.Refuted, zcov, ccov)
	for i := range m.Zones {
		z := &m.Zones[i]
		zc := zoneCaps(m, z.ID, caps, comps)
		s := subject(t, rr, z.ID, z.Name, "zone", zcov[z.ID], &zc)
		if z.Purdue != nil {
			s.Purdue = z.Purdue.String()
		}
		s.Safety, s.Wireless, s.Temporary, s.External = z.Safety, z.Wireless, z.Temporary, z.External
		res.Zones = append(res.Zones, s)
	}
	for i := range m.Conduits {
		c := &m.Conduits[i]
		s := subject(t, rr, c.ID, c.Name, "conduit", ccov[c.ID], nil)
		s.Zones, s.Boundary = c.Zones, c.Boundary
		res.Conduits = append(res.Conduits, s)
	}
	for _, list := range [][]Subject{res.Zones, res.Conduits} {
		for i := range list {
			res.Gaps = append(res.Gaps, gapsOf(t, &list[i], pickCoverage(list[i].Kind, list[i].ID, zcov, ccov))...)
		}
	}
	res.Plan = plan(m, t, res, claims, zcov, ccov)
	res.Findings = append(slices.Clone(rr.Findings), findings(m, res, caps, opts.Now)...)
	res.Findings = append(res.Findings, cmFindings...)
	res.Findings = append(res.Findings, refuted...)
	finding.Sort(res.Findings)
	if opts.Supported != nil || opts.Traffic != nil || opts.Refuted != nil || opts.Observed != nil {
		res.Traffic = &Traffic{Supported: supported, Findings: opts.Traffic}
		if res.Traffic.Findings == nil {
			res.Traffic.Findings = []TrafficFinding{}
		}
	}
	res.Summary = summarize(m, res)
	return res
}

// judgeClaims works out, per countermeasure, the requirements it plausibly claims and
// whether its evidence counts on the assessment day; it fills res.Countermeasures and
// returns the findings about evidence and plausibility.
func judgeClaims(m *model.Model, t *table, ev *evidenceChecker, plausible Plausible, res *Result) ([]claim, []finding.Finding) {
	var out []finding.Finding
	claims := make([]claim, len(m.Countermeasures))
	for i := range m.Countermeasures {
		cm := &m.Countermeasures[i]
		cl := claim{cm: cm}
		st := CountermeasureStatus{ID: cm.ID, Name: cm.Name, Kind: cm.Kind, Status: cm.Status, Evidence: "not-required"}
		var implausible []string
		why := ""
		nSR := 0
		for _, id := range cm.Satisfies {
			p, ok := t.pos[id]
			if !ok {
				continue // a component requirement: evidence for SL-C, not SL-A
			}
			nSR++
			if cm.Kind != "" && cm.Status != model.StatusNotApplicable {
				if ok, w := plausible(cm.Kind, id); !ok {
					implausible, why = append(implausible, id), w
					continue
				}
			}
			cl.reqs.add(p)
		}
		st.Implausible = implausible
		if len(implausible) > 0 {
			out = append(out, finding.Finding{Rule: "countermeasure/implausible-claim", Severity: finding.Medium, Subject: cm.ID,
				Message: fmt.Sprintf("countermeasure %s (%s) is of kind %s and claims %s, which a measure of that kind cannot satisfy: %s; these claims count toward no SL-A",
					cm.ID, cm.Name, cm.Kind, strings.Join(implausible, ", "), why),
				Fix:          "name the technical control that meets these requirements as its own countermeasure, or take them out of satisfies",
				Requirements: implausible, Location: cm.Pos.String()})
		}
		if cm.Kind == "" && nSR > 0 && cm.Status != model.StatusNotApplicable {
			out = append(out, finding.Finding{Rule: "countermeasure/kind-not-stated", Severity: finding.Low, Subject: cm.ID,
				Message:      fmt.Sprintf("countermeasure %s (%s) does not state its kind: the plausibility of its claims is unchecked (they still count)", cm.ID, cm.Name),
				Fix:          "add kind: " + strings.Join(model.CountermeasureKinds, ", "),
				Requirements: cm.Satisfies, Location: cm.Pos.String()})
		}
		if cm.Status == model.StatusImplemented {
			sup := ev.check(cm.Pos.File, cm.Evidence)
			cl.evidenced = sup.current
			st.Notes = append(slices.Clone(sup.stale), sup.incomplete...)
			switch {
			case sup.current:
				st.Evidence = "current"
			case len(sup.stale) > 0:
				st.Evidence = "stale"
			default:
				st.Evidence = "missing"
			}
			claimed := t.ids(cl.reqs)
			switch {
			case len(sup.stale) > 0:
				sev, cost := finding.Medium, fmt.Sprintf("no record of it counts, so its claims (%s) count toward SL-A claimed, not SL-A evidenced", dash(strings.Join(claimed, ", ")))
				if sup.current {
					sev, cost = finding.Low, "another record of it is current, so its claims still count"
				}
				out = append(out, finding.Finding{Rule: "countermeasure/stale-evidence", Severity: sev, Subject: cm.ID,
					Message:      fmt.Sprintf("countermeasure %s (%s): %s; %s", cm.ID, cm.Name, strings.Join(sup.stale, "; "), cost),
					Fix:          "review the evidence again and record the new date, reviewer and SHA-256 (sha256sum FILE), or replace the record",
					Requirements: claimed, Location: cm.Pos.String()})
			case !sup.current:
				what := "names no evidence"
				if len(sup.incomplete) > 0 {
					what = "has no evidence that counts: " + strings.Join(sup.incomplete, "; ")
				}
				out = append(out, finding.Finding{Rule: "countermeasure/no-evidence", Severity: finding.Medium, Subject: cm.ID,
					Message: fmt.Sprintf("implemented countermeasure %s (%s) %s; its claims (%s) are claimed, not evidenced, and count toward SL-A claimed only",
						cm.ID, cm.Name, what, dash(strings.Join(claimed, ", "))),
					Fix:          "add an evidence record an auditor can check: kind, ref (a file with its sha256, or a URL), date and reviewed_by",
					Requirements: claimed, Location: cm.Pos.String()})
			}
		}
		claims[i] = cl
		res.Countermeasures = append(res.Countermeasures, st)
	}
	return claims, out
}

func dash(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// compensations maps "asset\x00fr" to the implemented, evidenced countermeasure that
// compensates for the asset's capability on that FR.
func compensations(m *model.Model, claims []claim) map[string]Compensated {
	out := map[string]Compensated{}
	for _, cl := range claims {
		cm := cl.cm
		if cm.Status != model.StatusImplemented || !cl.evidenced {
			continue
		}
		for _, c := range cm.Compensates {
			for _, a := range c.Assets {
				k := compKey(a, c.FR)
				if _, ok := out[k]; !ok {
					out[k] = Compensated{Asset: a, Countermeasure: cm.ID, Rationale: c.Rationale}
				}
			}
		}
	}
	return out
}

// supportClaims counts as evidenced, for this run, the claims the traffic supports, and
// returns the supports with the countermeasures each evidences.
func supportClaims(m *model.Model, t *table, claims []claim, sups []Support, zcov, ccov map[string]*coverage) []Support {
	out := make([]Support, 0, len(sups))
	for _, s := range sups {
		s.Countermeasures = []string{}
		id, ok := catalog.NormalizeID(s.Requirement)
		i, known := t.pos[id]
		cov := zcov[s.Subject]
		if cov == nil {
			cov = ccov[s.Subject]
		}
		if ok && known && cov != nil && cov.claimed.has(i) {
			for _, cl := range claims {
				if cl.cm.Status == model.StatusImplemented && cl.reqs.has(i) && inScope(m, cl.cm.Scope, s.Subject) {
					s.Countermeasures = append(s.Countermeasures, cl.cm.ID)
				}
			}
			if !cov.evidenced.has(i) {
				cov.evidenced.add(i)
				cov.traffic.add(i)
			}
		}
		s.Requirement = id
		out = append(out, s)
	}
	return out
}

func pickCoverage(kind, id string, zcov, ccov map[string]*coverage) *coverage {
	if kind == "zone" {
		return zcov[id]
	}
	return ccov[id]
}

func subject(t *table, rr *risk.Result, id, name, kind string, cov *coverage, caps *[model.NumFR]frCap) Subject {
	s := Subject{ID: id, Name: name, Kind: kind}
	k := kindIndex(kind)
	if tg, ok := rr.Target(id); ok {
		s.Target = tg.Level
	}
	s.Risk, _ = rr.TargetRisk(id)
	met, claimed := cov.met(), cov.metClaimed()
	for fr := 1; fr <= model.NumFR; fr++ {
		tl := s.Target[fr-1]
		ev, cl := t.achieved(k, fr, met, tl), t.achieved(k, fr, claimed, tl)
		st := FRStatus{FR: fr, Code: catalog.FRCode(fr), Target: tl,
			Met: []string{}, Claimed: []string{}, Partial: []string{}, Planned: []string{}, Missing: []string{}}
		if caps != nil {
			c := caps[fr-1]
			fc := &FRCapability{State: c.state, CappedBy: []string{}, Unknown: c.unknown, Compensated: c.compensated}
			if fc.Unknown == nil {
				fc.Unknown = []string{}
			}
			if fc.Compensated == nil {
				fc.Compensated = []Compensated{}
			}
			if len(c.cappedBy) > 0 {
				l := c.level
				fc.Level, fc.CappedBy = &l, c.cappedBy
				fc.Capped = cl > l
				ev, cl = min(ev, l), min(cl, l)
				s.Capability[fr-1] = l
			}
			st.Capability = fc
		}
		st.Achieved, st.AchievedClaimed = ev, cl
		s.Achieved[fr-1], s.Evidenced[fr-1], s.Claimed[fr-1] = ev, ev, cl
		s.Gap[fr-1] = max(0, tl-ev)
		if tl > 0 {
			need := t.need[k][fr-1][min(tl, model.MaxSL)-1]
			st.Met = t.ids(need.and(met))
			missing := need.andNot(met)
			st.Missing = t.ids(missing)
			st.Claimed = t.ids(missing.and(claimed))
			st.Partial = t.ids(missing.andNot(claimed).and(cov.partial))
			st.Planned = t.ids(missing.andNot(claimed).and(cov.planned))
		}
		s.FRs = append(s.FRs, st)
	}
	s.TrafficEvidenced = t.ids(cov.traffic)
	if len(s.TrafficEvidenced) == 0 {
		s.TrafficEvidenced = nil
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
		g := Gap{Subject: s.ID, Kind: s.Kind, FR: st.FR, Target: st.Target, Achieved: st.Achieved, Missing: []MissingReq{}}
		if c := st.Capability; c != nil && c.Level != nil && *c.Level < st.Target {
			g.Capability, g.CappedBy = c.Level, c.CappedBy
		}
		for _, id := range st.Missing {
			i := t.pos[id]
			state := "open"
			switch {
			case cov.claimed.has(i):
				state = "claimed"
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

func summarize(m *model.Model, res *Result) Summary {
	s := Summary{Zones: len(m.Zones), Conduits: len(m.Conduits), Assets: len(m.Assets),
		Threats: len(m.Threats), Countermeasures: len(m.Countermeasures), GapCount: len(res.Gaps),
		Findings: map[string]int{}}
	for _, list := range [][]Subject{res.Zones, res.Conduits} {
		for i := range list {
			sub := &list[i]
			with, at := &s.ZonesWithTarget, &s.ZonesAtTarget
			if sub.Kind == "conduit" {
				with, at = &s.ConduitsWithTarget, &s.ConduitsAtTarget
			}
			if sub.HasTarget() {
				*with++
			}
			if sub.AtTarget() {
				*at++
			}
			for _, st := range sub.FRs {
				s.ClaimedNotEvidenced += len(st.Claimed)
			}
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
// the target or whose capability is not demonstrated, partial and overdue countermeasures.
func findings(m *model.Model, res *Result, caps *capabilities, now time.Time) []finding.Finding {
	var out []finding.Finding
	for _, list := range [][]Subject{res.Zones, res.Conduits} {
		for i := range list {
			s := &list[i]
			if s.HasTarget() && !s.AtTarget() {
				out = append(out, gapFinding(m, s))
			}
			if s.Kind == "zone" {
				out = append(out, capabilityFindings(m, s, caps)...)
			}
		}
	}
	for _, st := range caps.stale {
		out = append(out, finding.Finding{Rule: "capability/certificate-not-current", Severity: finding.Low, Subject: st.id,
			Message:      fmt.Sprintf("component %s: its certificate does not count: %s; the level it attests is not credited", st.id, st.why),
			Fix:          "record the current certificate (date, reviewer, expiry, SHA-256), or list the requirements the component meets",
			Requirements: []string{"62443-4-2"}})
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
	var parts, frs, capped []string
	missing, claimed := 0, 0
	for _, st := range s.FRs {
		if d := st.Target - st.Achieved; d > 0 {
			worst = max(worst, d)
			parts = append(parts, fmt.Sprintf("FR%d %d/%d", st.FR, st.Achieved, st.Target))
			frs = append(frs, fmt.Sprintf("FR %d", st.FR))
			if c := st.Capability; c != nil && c.Level != nil && *c.Level < st.Target {
				capped = append(capped, fmt.Sprintf("FR%d by %s (SL-C %d)", st.FR, strings.Join(c.CappedBy, ", "), *c.Level))
			}
		}
		missing += len(st.Missing)
		claimed += len(st.Claimed)
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
	var why []string
	if missing > 0 {
		w := fmt.Sprintf("%d requirements missing", missing)
		if claimed > 0 {
			w += fmt.Sprintf(" (%d of them claimed, not evidenced)", claimed)
		}
		why = append(why, w)
	}
	if len(capped) > 0 {
		why = append(why, "capped by component capability on "+strings.Join(capped, "; "))
	}
	return finding.Finding{Rule: "gap/below-target", Severity: sev, Subject: s.ID,
		Message: fmt.Sprintf("%s %s is below its target security level: SL-A/SL-T %s; %s",
			s.Kind, s.ID, strings.Join(parts, ", "), strings.Join(why, "; ")),
		Fix:          "carry out the remediation plan's actions for " + s.ID,
		Requirements: frs, Location: pos.String()}
}

// capabilityFindings says where a zone's components cannot reach its SL-T (their SL-C
// caps SL-A below it) and where their capability is not demonstrated.
func capabilityFindings(m *model.Model, s *Subject, caps *capabilities) []finding.Finding {
	var weak, unknownFRs []string
	unknown := map[string]bool{}
	var unknownOrder []string
	for _, st := range s.FRs {
		c := st.Capability
		if c == nil {
			continue
		}
		if c.Level != nil && *c.Level < st.Target {
			weak = append(weak, fmt.Sprintf("FR%d (SL-T %d): %s at SL-C %d", st.FR, st.Target, strings.Join(c.CappedBy, ", "), *c.Level))
		}
		if len(c.Unknown) > 0 {
			unknownFRs = append(unknownFRs, fmt.Sprint(st.FR))
			for _, a := range c.Unknown {
				if !unknown[a] {
					unknown[a] = true
					unknownOrder = append(unknownOrder, a)
				}
			}
		}
	}
	z, _ := m.Zone(s.ID)
	var out []finding.Finding
	if len(weak) > 0 {
		out = append(out, finding.Finding{Rule: "capability/below-target", Severity: finding.High, Subject: s.ID,
			Message: fmt.Sprintf("zone %s cannot reach its SL-T with its components: their SL-C caps SL-A on %s",
				s.ID, strings.Join(weak, "; ")),
			Fix:          "replace or upgrade those components, or declare an implemented, evidenced compensating countermeasure (compensates: fr, assets, rationale)",
			Requirements: []string{"62443-4-2"}, Location: z.Pos.String()})
	}
	if len(unknownOrder) > 0 {
		sev := finding.Medium
		if !s.HasTarget() {
			sev = finding.Low
		}
		out = append(out, finding.Finding{Rule: "capability/not-demonstrated", Severity: sev, Subject: s.ID,
			Message: fmt.Sprintf("zone %s: capability not demonstrated for %s (no sl_capability and no component with a current certificate or 62443-4-2 answers); SL-A on FR %s is shown without the cap their SL-C would set, and may be lower",
				s.ID, strings.Join(unknownOrder, ", "), strings.Join(unknownFRs, ", ")),
			Fix:          "give each asset its supplier's SL-C (sl_capability) or name its component with a certificate or its 62443-4-2 answers",
			Requirements: []string{"62443-4-2"}, Location: z.Pos.String()})
	}
	return out
}

// refute takes refuted requirements out of what the zones and conduits are credited
// with, and returns a finding for each saying what it costs in SL-A.
func refute(m *model.Model, t *table, rr *risk.Result, refs []Refutation, zcov, ccov map[string]*coverage) []finding.Finding {
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
		k := kindIndex(kind)
		fr := t.reqs[i].FR
		tl := 0
		if tg, ok := rr.Target(r.Subject); ok {
			tl = tg.Level[fr-1]
		}
		before := t.achieved(k, fr, cov.metClaimed(), tl)
		cov.claimed.del(i)
		cov.evidenced.del(i)
		cov.traffic.del(i)
		cov.notApplicable.del(i)
		after := t.achieved(k, fr, cov.metClaimed(), tl)
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
