package report

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/approval"
	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/risk"
)

// The cybersecurity requirements specification (CRS, IEC 62443-3-2 ZCR 6): the document
// that hands the result of the risk assessment to whoever designs, builds or buys the
// system. It states what the system is and where it ends, its zones and conduits with
// their target security levels and why, the environment and assumptions the design
// rests on, the threats considered, the tolerable risk, the requirements each zone and
// conduit must meet at its target, and whether the asset owner approved it (ZCR 7).
// Whatever the model does not say is said to be missing, in words, never left blank.

// The CRS formats (zonewarden assess -f crs, -f crs-md).
const (
	CRSHTML     Format = "crs"
	CRSMarkdown Format = "crs-md"
)

// CRSFormats are the formats of the requirements specification.
var CRSFormats = []Format{CRSHTML, CRSMarkdown}

// IsCRS reports whether f is a format of the requirements specification.
func IsCRS(f Format) bool { return slices.Contains(CRSFormats, f) }

// CRSInput is what the specification is written from: the model, its risk assessment,
// the requirement catalog, the boundary findings (ZCR 1) and the approval verdict.
type CRSInput struct {
	Model   *model.Model
	Risk    *risk.Result
	Catalog *catalog.Catalog
	// Date is the day the specification is issued (the assessment day), YYYY-MM-DD.
	Date string
	// Findings are the open points listed in the document: the boundary checks (ZCR 1).
	Findings []finding.Finding
	// Approval is the asset owner's approval of this content; nil when not checked,
	// which the document says.
	Approval *approval.Status
}

// CRS writes the requirements specification in format f (CRSHTML or CRSMarkdown).
func CRS(w io.Writer, in *CRSInput, f Format) error {
	v := newCRSView(in)
	switch f {
	case CRSHTML:
		return crsHTML(w, v)
	case CRSMarkdown:
		return crsMarkdown(w, v)
	}
	return fmt.Errorf("requirements specification: format %q is not supported", f)
}

// crsView is the document worked out beforehand; the HTML template and the Markdown
// writer only lay it out.
type crsView struct {
	System, Owner, Description, Date string
	// Content is the model's content the document describes (its digest and files);
	// empty when the approval was not checked.
	Content *approval.Content
	// Approval is the verdict; ApprovalText says it in a sentence.
	Approval     *approval.Status
	ApprovalText string
	ApprovalTone string // ok, warn, bad

	BoundaryText string   // the boundary's description, or "" (then Missing says so)
	AccessPoints []crsAP  // where the system is reached from outside
	BoundaryGaps []string // plain statements of what the boundary section lacks

	Zones, Conduits []crsSubject

	Assumptions, Policies, Regulations []string
	ThreatEnvironment                  string
	EnvironmentGaps                    []string

	Method     model.RiskMethod
	Tolerable  string
	Matrix     [][]crsCell
	Threats    []crsThreat
	ThreatGaps []string

	Findings []finding.Finding
	FRs      []frHead

	// Diagram is the zone and conduit drawing (HTML only).
	Diagram template.HTML
	CSS     template.CSS
}

type crsAP struct {
	ID, Name, Kind, Zone, Conduit, Boundary, Description string
}

type crsSubject struct {
	ID, Name, Kind, Purdue, Description string
	Zones                               []string // a conduit's zones
	Boundary                            string   // a conduit's boundary technology
	Flags                               []string // safety, wireless, temporary, external
	Parent                              string
	Target                              model.SLVector
	HasTarget                           bool
	Stated                              bool
	Rationale                           string // shown apart from the steps when they do not quote it
	NoRationale                         bool   // stated without one
	Derived                             model.SLVector
	Steps                               []risk.Step
	Unmitigated, Residual               string
	Threats                             []string
	FRs                                 []crsFR
	Count                               int
	Anchor                              string
}

// crsFR is the requirements of one foundational requirement at the subject's target.
type crsFR struct {
	FR         int
	Code, Name string
	Level      int
	Reqs       []catalog.Requirement
}

type crsThreat struct {
	ID, Name, Description, Source, Capability string
	Targets                                   []string
	FRs                                       string
	Likelihood, Consequence                   int
	WorstCategory                             string
	Unmitigated, Residual                     string
	UnmitigatedIdx, ResidualIdx               int
	Tolerable                                 bool
	Vulnerabilities                           []model.Vulnerability
}

type crsCell struct {
	Level string
	Class string
}

func newCRSView(in *CRSInput) *crsView {
	m, r := in.Model, in.Risk
	sys := &m.System
	v := &crsView{System: sys.Name, Owner: sys.Owner, Description: sys.Description, Date: in.Date,
		Method: r.Method, Tolerable: r.Method.Tolerable, Findings: in.Findings}
	for fr := 1; fr <= 7; fr++ {
		v.FRs = append(v.FRs, frHead{FR: fr, Code: catalog.FRCode(fr), Name: catalog.FRName(fr)})
	}

	// Approval (ZCR 7).
	v.Approval = in.Approval
	switch {
	case in.Approval == nil:
		v.ApprovalText = "The asset owner's approval was not checked for this document."
		v.ApprovalTone = "warn"
	default:
		c := in.Approval.Current
		v.Content = &c
		v.ApprovalText = in.Approval.Sentence()
		v.ApprovalTone = map[approval.State]string{approval.Approved: "ok", approval.Void: "bad", approval.None: "warn"}[in.Approval.State]
	}

	// The system under consideration and its boundary (ZCR 1).
	if b := sys.Boundary; b == nil {
		v.BoundaryGaps = append(v.BoundaryGaps, "The model does not describe the boundary of the system under consideration (system.boundary): this specification cannot say where the system ends or where it is reached from outside, which 62443-3-2 ZCR 1 asks for.")
	} else {
		v.BoundaryText = b.Description
		if b.Description == "" {
			v.BoundaryGaps = append(v.BoundaryGaps, "The boundary is not described in words (system.boundary.description): what the system holds and what lies outside it is not stated.")
		}
		if len(b.AccessPoints) == 0 {
			v.BoundaryGaps = append(v.BoundaryGaps, "No access points are listed (system.boundary.access_points): the model names no point where the system is reached from outside. If there is none, the boundary's description should say so.")
		}
		for _, ap := range b.AccessPoints {
			a := crsAP{ID: ap.ID, Name: ap.Name, Kind: ap.Kind, Zone: ap.Zone, Conduit: ap.Conduit, Description: ap.Description}
			if c, ok := m.Conduit(ap.Conduit); ok {
				a.Boundary = orWord(c.Boundary, "not stated")
			}
			v.AccessPoints = append(v.AccessPoints, a)
		}
	}

	// Zones and conduits with their targets and requirements.
	for i := range m.Zones {
		z := &m.Zones[i]
		s := crsSubject{ID: z.ID, Name: z.Name, Kind: "zone", Description: z.Description, Parent: z.Parent, Anchor: anchor("zone", z.ID)}
		s.Purdue = purdueText(m, z)
		for _, f := range []struct {
			on   bool
			name string
		}{{z.Safety, "safety"}, {z.Wireless, "wireless"}, {z.Temporary, "temporary"}, {z.External, "external"}} {
			if f.on {
				s.Flags = append(s.Flags, f.name)
			}
		}
		fillSubject(&s, in)
		v.Zones = append(v.Zones, s)
	}
	for i := range m.Conduits {
		c := &m.Conduits[i]
		s := crsSubject{ID: c.ID, Name: c.Name, Kind: "conduit", Description: c.Description, Zones: c.Zones,
			Boundary: orWord(c.Boundary, "not stated"), Anchor: anchor("conduit", c.ID)}
		fillSubject(&s, in)
		v.Conduits = append(v.Conduits, s)
	}

	// Environment (ZCR 6).
	if e := sys.Environment; e == nil {
		v.EnvironmentGaps = append(v.EnvironmentGaps, "The model records no operating environment, threat environment, organisational policies or regulatory requirements (system.environment). A specification rests on them: until they are recorded, the target levels below hold only for an environment nobody has written down.")
	} else {
		v.Assumptions, v.ThreatEnvironment, v.Policies, v.Regulations = e.Assumptions, e.ThreatEnvironment, e.Policies, e.Regulations
	}

	// Risk method and threats (ZCR 5).
	nl, nc := len(r.Method.Likelihood), len(r.Method.Consequence)
	for l := nl; l >= 1; l-- {
		row := make([]crsCell, nc)
		for c := 1; c <= nc; c++ {
			i := r.Method.RiskLevel(l, c)
			row[c-1] = crsCell{Level: r.Method.Levels[max(i, 0)], Class: riskClass(&r.Method, i)}
		}
		v.Matrix = append(v.Matrix, row)
	}
	for i := range r.Threats {
		t := &r.Threats[i]
		ct := crsThreat{ID: t.ID, Name: t.Name, Source: t.Source, Capability: t.Capability, Targets: t.Targets,
			Likelihood: t.Likelihood, Consequence: t.Consequence, WorstCategory: t.WorstCategory,
			Unmitigated: t.Unmitigated.Name, Residual: t.Residual.Name, UnmitigatedIdx: t.Unmitigated.Index,
			ResidualIdx: t.Residual.Index, Tolerable: t.Tolerable, FRs: "all"}
		if i < len(m.Threats) && m.Threats[i].ID == t.ID {
			mt := &m.Threats[i]
			ct.Description, ct.Vulnerabilities = mt.Description, mt.Vulnerabilities
			if len(mt.FRs) > 0 {
				ct.FRs = frNumbers(mt.FRs)
			}
		}
		v.Threats = append(v.Threats, ct)
	}
	if len(r.Threats) == 0 {
		v.ThreatGaps = append(v.ThreatGaps, "No threats are recorded in the model: every target level below is stated, none derived from a threat, and the risk assessment behind them is not part of this specification.")
	}
	return v
}

// fillSubject adds the target, its derivation, the risk roll-up and the requirements that
// apply at the target to s.
func fillSubject(s *crsSubject, in *CRSInput) {
	if t, ok := in.Risk.Target(s.ID); ok {
		s.Target, s.Stated, s.Rationale, s.Derived, s.Steps = t.Level, t.Stated, t.Rationale, t.Derived, t.Steps
		s.HasTarget = !t.Level.IsZero()
		s.NoRationale = t.Stated && strings.TrimSpace(t.Rationale) == ""
		// The derivation's last step usually quotes a stated rationale: say it once.
		for _, st := range t.Steps {
			if s.Rationale != "" && strings.Contains(st.Text, strings.TrimSpace(s.Rationale)) {
				s.Rationale = ""
			}
		}
	}
	if tr, ok := in.Risk.TargetRisk(s.ID); ok {
		s.Threats = tr.Threats
		if len(tr.Threats) > 0 {
			s.Unmitigated, s.Residual = tr.Unmitigated.Name, tr.Residual.Name
		}
	}
	if !s.HasTarget || in.Catalog == nil {
		return
	}
	for fr := 1; fr <= 7; fr++ {
		level := s.Target[fr-1]
		f := crsFR{FR: fr, Code: catalog.FRCode(fr), Name: catalog.FRName(fr), Level: level}
		for _, req := range in.Catalog.Applicable(fr, level) {
			zone, conduit := in.Catalog.AppliesTo(req.ID)
			if s.Kind == "zone" && zone || s.Kind == "conduit" && conduit {
				f.Reqs = append(f.Reqs, req)
			}
		}
		s.Count += len(f.Reqs)
		s.FRs = append(s.FRs, f)
	}
}

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}

func frNumbers(frs []int) string {
	out := make([]string, len(frs))
	for i, fr := range frs {
		out[i] = fmt.Sprintf("FR %d", fr)
	}
	return strings.Join(out, ", ")
}

// targetBasis says where a subject's target comes from.
func (s *crsSubject) targetBasis() string {
	switch {
	case !s.HasTarget:
		return "none: no level is stated and no threat bears on it, so no requirement can be specified"
	case s.Stated:
		return "stated in the model"
	case s.Kind == "conduit":
		return "derived from its threats and the zones it joins"
	}
	return "derived from the threats"
}

// TargetBasis is targetBasis for the template.
func (s crsSubject) TargetBasis() string { return s.targetBasis() }

// purdueText is the zone's Purdue level, or its nearest ancestor's with where it comes
// from ("1 (of z-cell)") when a subzone states none; "" when no level is known.
func purdueText(m *model.Model, z *model.Zone) string {
	if z.Purdue != nil {
		return z.Purdue.String()
	}
	id := z.Parent
	for i := 0; id != "" && i <= len(m.Zones); i++ {
		p, ok := m.Zone(id)
		if !ok {
			break
		}
		if p.Purdue != nil {
			return p.Purdue.String() + " (of " + p.ID + ")"
		}
		id = p.Parent
	}
	return ""
}
