package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/report/html/svg"
	"github.com/zonewarden/zonewarden/internal/risk"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// The HTML report is one file: the template, its stylesheet and the charts (drawn as
// SVG here, on the server) all go inline, so it opens anywhere with no network.
//
//go:embed templates/assessment.html.tmpl templates/assessment.css
var templates embed.FS

var assessmentTmpl = template.Must(template.New("assessment.html.tmpl").
	Funcs(template.FuncMap{"join": strings.Join, "thousands": thousands, "plural": plural}).
	ParseFS(templates, "templates/assessment.html.tmpl"))

func assessmentHTML(w io.Writer, res *assess.Result) error {
	css, err := templates.ReadFile("templates/assessment.css")
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	v := newHTMLView(res)
	v.CSS = template.CSS(css)
	// The page streams through MarkupWriter: whatever a model name holds, no control
	// character or bidirectional control reaches the file raw.
	mw := textsafe.NewMarkupWriter(w)
	if err := assessmentTmpl.Execute(mw, v); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// htmlView is everything the template shows, worked out beforehand so the template only
// lays it out.
type htmlView struct {
	Res        *assess.Result
	CSS        template.CSS
	Title      string
	Sentences  []string
	Figures    []figure
	Severities []severityCount
	Diagram    template.HTML
	Observed   bool // captures were held against the model: the diagram draws violating traffic
	Zones      []subjectView
	Conduits   []subjectView
	RiskBefore template.HTML
	RiskAfter  template.HTML
	RiskLevels []riskLevelView
	Tolerable  string
	Threats    []threatView
	Targets    []targetView
	Gaps       []gapGroup
	Plan       []actionView
	Findings   []findingView
	FRs        []frHead
	// CapLines say which assets cap which FR; Traffic holds the verification of
	// captures (assess --capture), nil without.
	CapLines []string
	Traffic  *trafficView
	// CapNum and TrafficNum number the sections that appear only with content.
	CapNum, TrafficNum int
}

// trafficView is what the captures held against the model showed.
type trafficView struct {
	Observed  []assess.ObservedFlow
	Supported []assess.Support
	Findings  []trafficFindingView
}

type trafficFindingView struct {
	assess.TrafficFinding
	Severity string
	Anchor   string
}

// figure is one headline number of the executive summary.
type figure struct {
	Value, Of, Label, Note string
	Tone                   string // CSS class: ok, warn, bad, neutral
}

type severityCount struct {
	Name  string
	Count int
}

type frHead struct {
	FR         int
	Code, Name string
}

type subjectView struct {
	assess.Subject
	Anchor      string
	Tone        string // ok, gap1, gap2, gap3, none
	Status      string
	Radar       template.HTML
	FRRows      []frRow
	Missing     int
	Partial     int
	Planned     int
	ZoneLinks   []link // a conduit's zones
	ThreatLinks []link
	Marks       []svg.Mark
	HasCap      bool
	ResidualCl  string
}

type frRow struct {
	assess.FRStatus
	Name string
	// Capability is the SL-C cap shown ("2", "?" where not demonstrated, "—" where no
	// asset must provide it); CapTitle says which assets set it.
	Capability string
	CapLow     bool
	CapTitle   string
	Gap        int
	Tone       string
	NMet       int
	NMissing   int
	NPartial   int
	NPlanned   int
}

type link struct{ ID, Anchor string }

type riskLevelView struct {
	Name, Class string
	Tolerable   bool
}

type threatView struct {
	risk.ThreatRisk
	Anchor        string
	BeforeClass   string
	AfterClass    string
	TargetLinks   []link
	WorstCategory string
}

type targetView struct {
	risk.Target
	Name      string
	Anchor    string
	Steps     []stepView
	Rationale string
}

type stepView struct {
	Text  string
	Level []int
}

type gapGroup struct {
	Subject, Name, Kind, Anchor string
	Rows                        []gapRow
	Missing, Partial, Planned   int
}

type gapRow struct {
	FR                     int
	Code, Name             string
	Target, Achieved       int
	Partial, Planned, Open []assess.MissingReq
}

type actionView struct {
	assess.Action
	Where []whereGroup
}

// whereGroup is an action's zones or its conduits; All says that they are every zone
// (or conduit) with requirements missing, which the plan writes in a few words.
type whereGroup struct {
	Kind  string
	IDs   []string
	Links []link
	All   bool
}

type findingView struct {
	finding.Finding
	Severity string
	Anchor   string
}

func newHTMLView(res *assess.Result) *htmlView {
	if res.Risk == nil { // a result always has one; an empty one keeps the template simple
		r := *res
		r.Risk = &risk.Result{}
		res = &r
	}
	v := &htmlView{Res: res, Title: res.System.Name + " — IEC 62443 assessment"}
	for fr := 1; fr <= model.NumFR; fr++ {
		v.FRs = append(v.FRs, frHead{fr, catalog.FRCode(fr), catalog.FRName(fr)})
	}
	anchors := subjectAnchors(res)
	rm := &res.Risk.Method
	for i := range res.Zones {
		v.Zones = append(v.Zones, newSubjectView(&res.Zones[i], anchors, rm))
	}
	for i := range res.Conduits {
		v.Conduits = append(v.Conduits, newSubjectView(&res.Conduits[i], anchors, rm))
	}
	if len(v.Zones) <= maxDiagramZones {
		v.Diagram = template.HTML(zoneDiagram(res, v.Zones, v.Conduits).SVG())
	} else {
		v.Diagram = template.HTML(fmt.Sprintf(`<p class="note">The diagram is drawn for plants of up to %d zones; this one has %d, more than a page can show legibly. The security level tables below hold the same facts, zone by zone.</p>`,
			maxDiagramZones, len(v.Zones)))
	}
	v.Observed = len(res.Observed) > 0
	v.Figures, v.Severities = headline(res)
	v.Sentences = summarySentences(res)
	v.riskSection(res, anchors)
	v.Targets = targetViews(res, anchors)
	v.Gaps = gapGroups(res, anchors)
	for _, a := range res.Plan {
		v.Plan = append(v.Plan, actionView{Action: a, Where: where(a.Subjects, v.Zones, v.Conduits, anchors)})
	}
	for _, f := range res.Findings {
		v.Findings = append(v.Findings, findingView{Finding: f, Severity: f.Severity.String(), Anchor: anchors[f.Subject]})
	}
	v.CapLines = capabilityLines(res)
	v.CapNum, v.TrafficNum = 10, 10
	if len(v.CapLines) > 0 {
		v.TrafficNum = 11
	}
	if tr := res.Traffic; tr != nil {
		v.Traffic = &trafficView{Observed: res.Observed, Supported: tr.Supported}
		for _, f := range tr.Findings {
			v.Traffic.Findings = append(v.Traffic.Findings, trafficFindingView{TrafficFinding: f, Severity: f.Severity.String(), Anchor: anchors[f.Subject]})
		}
	}
	return v
}

// anchor makes an element id from a model id: letters, digits and '-' are kept, every
// other byte is written as _xx, so distinct ids stay distinct.
func anchor(prefix, id string) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteByte('-')
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "_%02x", c)
	}
	return b.String()
}

// subjectAnchors maps zone, conduit and threat ids to their element ids in the report.
func subjectAnchors(res *assess.Result) map[string]string {
	m := map[string]string{}
	for _, t := range res.Risk.Threats {
		m[t.ID] = anchor("threat", t.ID)
	}
	for _, c := range res.Conduits {
		m[c.ID] = anchor("conduit", c.ID)
	}
	for _, z := range res.Zones {
		m[z.ID] = anchor("zone", z.ID)
	}
	return m
}

func links(ids []string, anchors map[string]string) []link {
	out := make([]link, len(ids))
	for i, id := range ids {
		out[i] = link{id, anchors[id]}
	}
	return out
}

// where groups an action's subjects into zones and conduits.
func where(ids []string, zones, conduits []subjectView, anchors map[string]string) []whereGroup {
	// Sets, not list scans: a plan on a large plant has thousands of actions × subjects.
	wanted := make(map[string]bool, len(ids))
	for _, id := range ids {
		wanted[id] = true
	}
	placed := make(map[string]bool, len(ids))
	var out []whereGroup
	for _, kind := range []struct {
		name string
		list []subjectView
	}{{"zone", zones}, {"conduit", conduits}} {
		g := whereGroup{Kind: kind.name}
		short := 0 // subjects of this kind with requirements missing
		for _, s := range kind.list {
			if s.Missing > 0 {
				short++
			}
			if wanted[s.ID] {
				g.IDs = append(g.IDs, s.ID)
				placed[s.ID] = true
			}
		}
		if len(g.IDs) == 0 {
			continue
		}
		g.Links = links(g.IDs, anchors)
		g.All = len(g.IDs) == short && short > 3
		out = append(out, g)
	}
	// Subjects the result does not list as zones or conduits are still shown.
	var other []string
	for _, id := range ids {
		if !placed[id] {
			other = append(other, id)
		}
	}
	if len(other) > 0 {
		out = append(out, whereGroup{Kind: "other", IDs: other, Links: links(other, anchors)})
	}
	return out
}

// worstGap is the largest shortfall of SL-A below SL-T over the FRs, and its FR.
func worstGap(s *assess.Subject) (gap, fr int) {
	for i, g := range s.Gap {
		if g > gap {
			gap, fr = g, i+1
		}
	}
	return gap, fr
}

// gapTone names the colour of a shortfall; a subject with no SL-T has nothing to meet
// and gets its own colour rather than passing for one at target.
func gapTone(target model.SLVector, gap int) string {
	switch {
	case target.IsZero():
		return "none"
	case gap == 0:
		return "ok"
	case gap == 1:
		return "gap1"
	case gap == 2:
		return "gap2"
	}
	return "gap3"
}

func subjectStatus(s *assess.Subject) string {
	if s.Target.IsZero() {
		return "no SL-T"
	}
	g, fr := worstGap(s)
	if g == 0 {
		return "at target"
	}
	below := 0
	for _, x := range s.Gap {
		if x > 0 {
			below++
		}
	}
	if below == 1 {
		return fmt.Sprintf("below target on FR %d by %d %s", fr, g, plural(g, "level", "levels"))
	}
	return fmt.Sprintf("below target on %d FRs, by up to %d %s", below, g, plural(g, "level", "levels"))
}

func newSubjectView(s *assess.Subject, anchors map[string]string, rm *model.RiskMethod) subjectView {
	g, _ := worstGap(s)
	v := subjectView{Subject: *s, Anchor: anchors[s.ID], Tone: gapTone(s.Target, g), Status: subjectStatus(s),
		ZoneLinks: links(s.Zones, anchors), ThreatLinks: links(s.Risk.Threats, anchors), HasCap: s.Kind == "zone", ResidualCl: riskClass(rm, s.Risk.Residual.Index)}
	for _, st := range s.FRs {
		r := frRow{FRStatus: st, Name: catalog.FRName(st.FR), Gap: max(0, st.Target-st.Achieved),
			NMet: len(st.Met), NMissing: len(st.Missing), NPartial: len(st.Partial), NPlanned: len(st.Planned)}
		r.Capability, r.CapTitle = "—", "no asset of the zone must provide this capability"
		if c := st.Capability; c != nil {
			switch {
			case c.Level != nil:
				r.Capability = strconv.Itoa(*c.Level)
				r.CapLow = *c.Level < st.Target
				r.CapTitle = "lowest SL-C: " + strings.Join(c.CappedBy, ", ")
				if c.Capped {
					r.CapTitle += " (caps SL-A)"
				}
			case c.State == assess.CapNotDemonstrated:
				r.Capability = "?"
			}
			if len(c.Unknown) > 0 {
				r.Capability += "?"
				if c.Level == nil {
					r.Capability = "?"
				}
				r.CapTitle = strings.TrimPrefix(r.CapTitle+"; capability not demonstrated for "+strings.Join(c.Unknown, ", "), "no asset of the zone must provide this capability; ")
			}
			for _, cp := range c.Compensated {
				r.CapTitle = strings.TrimPrefix(r.CapTitle+"; "+cp.Asset+"'s SL-C compensated by "+cp.Countermeasure, "no asset of the zone must provide this capability; ")
			}
		}
		r.Tone = gapTone(s.Target, r.Gap)
		if st.Target == 0 {
			r.Tone = "none"
		}
		v.FRRows = append(v.FRRows, r)
		v.Missing += r.NMissing
		v.Partial += r.NPartial
		v.Planned += r.NPlanned
	}
	if s.Kind == "zone" {
		v.Marks = zoneMarks(s)
		v.Radar = template.HTML(radarOf(s).SVG())
	}
	return v
}

// maxDiagramZones bounds the zone diagram: past it no page shows the boxes legibly, and
// the layout's search for few crossings grows faster than linearly with the zones.
const maxDiagramZones = 150

// zoneMarks are the badges that set a zone apart in the diagram: safety, wireless,
// temporary and external zones.
func zoneMarks(s *assess.Subject) []svg.Mark {
	return markList(s.Safety, s.Wireless, s.Temporary, s.External)
}

// markList turns zone flags into diagram badges, in a fixed order.
func markList(safety, wireless, temporary, external bool) []svg.Mark {
	var out []svg.Mark
	for _, m := range []struct {
		on          bool
		text, title string
	}{
		{safety, "SAFETY", "safety-related zone"},
		{wireless, "WIRELESS", "zone of wireless devices"},
		{temporary, "TEMP", "zone of temporarily connected devices"},
		{external, "EXTERNAL", "zone of devices reached over external networks"},
	} {
		if m.on {
			out = append(out, svg.Mark{Text: m.text, Title: m.title})
		}
	}
	return out
}

func radarOf(s *assess.Subject) *svg.Radar {
	r := &svg.Radar{Title: fmt.Sprintf("Security levels of zone %s (%s)", s.ID, s.Name), Max: model.MaxSL}
	for fr := 1; fr <= model.NumFR; fr++ {
		r.Axes = append(r.Axes, svg.Axis{Label: "FR" + strconv.Itoa(fr), Sub: catalog.FRCode(fr)})
	}
	r.Series = append(r.Series, svg.Series{Name: "SL-A (evidenced)", Values: s.Achieved[:], Class: "sl-a"})
	if !s.Capability.IsZero() {
		r.Series = append(r.Series, svg.Series{Name: "SL-C (lowest declared capability)", Values: s.Capability[:], Class: "sl-c"})
	}
	r.Series = append(r.Series, svg.Series{Name: "SL-T (target)", Values: s.Target[:], Class: "sl-t", Dots: true})
	return r
}

// purdueRows are the diagram's rows, top to bottom, with the usual name of each level.
var purdueRows = []struct{ level, label, sub string }{
	{"5", "Level 5", "Enterprise network"},
	{"4", "Level 4", "Business systems"},
	{"3.5", "Level 3.5", "Industrial DMZ"},
	{"3", "Level 3", "Site operations"},
	{"2", "Level 2", "Supervisory control"},
	{"1", "Level 1", "Basic control"},
	{"0", "Level 0", "Process"},
}

// zoneDiagram lays the zones out by Purdue level and joins them with their conduits.
// Zones without a level go in a last row of their own.
func zoneDiagram(res *assess.Result, zones, conduits []subjectView) *svg.Diagram {
	d := &svg.Diagram{Title: "Zones by Purdue level and the conduits between them"}
	for _, r := range purdueRows {
		d.Rows = append(d.Rows, svg.Row{Label: r.label, Sub: r.sub})
	}
	unassigned := -1
	for _, z := range zones {
		row := slices.IndexFunc(purdueRows, func(r struct{ level, label, sub string }) bool { return r.level == z.Purdue })
		if row < 0 {
			if unassigned < 0 {
				unassigned = len(d.Rows)
				d.Rows = append(d.Rows, svg.Row{Label: "No level", Sub: "Purdue level not set"})
			}
			row = unassigned
		}
		line := z.Status
		if !z.Target.IsZero() {
			line = "SL-T " + vec(z.Target) + " · " + z.Status
		}
		if g, _ := worstGap(&z.Subject); g > 0 && !z.Target.IsZero() {
			line = fmt.Sprintf("gap %d · %d missing", g, z.Missing)
		}
		d.Nodes = append(d.Nodes, svg.Node{ID: z.ID, Row: row, Title: z.Name, Lines: []string{z.ID, line},
			Class: "tone-" + z.Tone, Marks: z.Marks, Href: "#" + z.Anchor,
			Tooltip: fmt.Sprintf("%s %s: SL-T %s, SL-A %s — %s", z.ID, z.Name, vec(z.Target), vec(z.Achieved), z.Status)})
	}
	for _, c := range conduits {
		state := "edge-gap"
		switch c.Tone {
		case "ok":
			state = "edge-ok"
		case "none":
			state = "edge-none"
		}
		tip := fmt.Sprintf("%s %s: SL-T %s, SL-A %s — %s", c.ID, c.Name, vec(c.Target), vec(c.Achieved), c.Status)
		// A conduit joins two zones as a rule; one joining more is drawn as a star
		// from its first zone.
		for i := 1; i < len(c.Zones); i++ {
			d.Edges = append(d.Edges, svg.Edge{ID: c.ID, From: c.Zones[0], To: c.Zones[i], Class: state, Href: "#" + c.Anchor, Tooltip: tip})
		}
	}
	// Traffic the captures showed against the model (assess --capture), in red.
	for _, o := range res.Observed {
		d.Edges = append(d.Edges, svg.Edge{ID: "seen: " + o.Protocol, From: o.FromZone, To: o.ToZone, Class: "edge-violation",
			Tooltip: fmt.Sprintf("observed %s from %s to %s against the model: %s (%d conversation(s))",
				o.Protocol, o.FromZone, o.ToZone, strings.Join(o.Violations, ", "), o.Conversations)})
	}
	return d
}

// riskClass maps a level of the method (0 = lowest of n levels) onto the stylesheet's
// five risk colours, so a 3-level and a 6-level method both run from green to red.
func riskClass(rm *model.RiskMethod, i int) string {
	n := len(rm.Levels)
	if n <= 1 || i < 0 {
		return "risk-1"
	}
	i = min(i, n-1)
	return "risk-" + strconv.Itoa(1+(i*4+(n-1)/2)/(n-1))
}

func (v *htmlView) riskSection(res *assess.Result, anchors map[string]string) {
	rm := &res.Risk.Method
	tol := rm.TolerableIndex()
	v.Tolerable = rm.Tolerable
	for i, name := range rm.Levels {
		v.RiskLevels = append(v.RiskLevels, riskLevelView{Name: name, Class: riskClass(rm, i), Tolerable: i <= tol})
	}
	for _, t := range res.Risk.Threats {
		v.Threats = append(v.Threats, threatView{ThreatRisk: t, Anchor: anchors[t.ID],
			BeforeClass: riskClass(rm, t.Unmitigated.Index), AfterClass: riskClass(rm, t.Residual.Index),
			TargetLinks: links(t.Targets, anchors)})
	}
	before := func(t *risk.ThreatRisk) (int, int) { return t.Likelihood, t.Consequence }
	after := func(t *risk.ThreatRisk) (int, int) { return t.ResidualLikelihood, t.ResidualConsequence }
	v.RiskBefore = template.HTML(heatmap(res, "Before countermeasures", "Risk matrix with each threat's unmitigated risk", before).SVG())
	v.RiskAfter = template.HTML(heatmap(res, "After implemented countermeasures", "Risk matrix with each threat's residual risk", after).SVG())
}

// heatmap places every threat in the cell of the matrix that where() gives.
func heatmap(res *assess.Result, caption, title string, where func(*risk.ThreatRisk) (int, int)) *svg.Heatmap {
	rm := &res.Risk.Method
	nl := len(rm.Matrix)
	nc := 0
	for _, row := range rm.Matrix {
		nc = max(nc, len(row))
	}
	h := &svg.Heatmap{Title: title, Caption: caption, RowAxis: "Likelihood", ColAxis: "Consequence",
		Rows: scaleLabels(rm.Likelihood, nl), Cols: scaleLabels(rm.Consequence, nc),
		Class: make([][]string, nl), Items: make([][][]svg.Mark, nl), Emphasis: make([][]bool, nl)}
	tol := rm.TolerableIndex()
	for l := range nl {
		h.Class[l] = make([]string, nc)
		h.Items[l] = make([][]svg.Mark, nc)
		h.Emphasis[l] = make([]bool, nc)
		for c := range nc {
			if c < len(rm.Matrix[l]) {
				i := slices.Index(rm.Levels, rm.Matrix[l][c])
				h.Class[l][c] = riskClass(rm, i)
				h.Emphasis[l][c] = i > tol
			}
		}
	}
	if nl == 0 || nc == 0 {
		return h
	}
	for i := range res.Risk.Threats {
		t := &res.Risk.Threats[i]
		l, c := where(t)
		l, c = min(max(l, 1), nl)-1, min(max(c, 1), nc)-1
		h.Items[l][c] = append(h.Items[l][c], svg.Mark{Text: t.ID, Title: t.ID + " " + t.Name})
	}
	return h
}

// scaleLabels names the n steps of a scale by their labels, or by number where the
// method gives none.
func scaleLabels(scale []model.ScaleLevel, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i + 1)
	}
	for _, s := range scale {
		if s.Level >= 1 && s.Level <= n && s.Label != "" {
			out[s.Level-1] = s.Label
		}
	}
	return out
}

func targetViews(res *assess.Result, anchors map[string]string) []targetView {
	names := map[string]string{}
	for _, list := range [][]assess.Subject{res.Zones, res.Conduits} {
		for _, s := range list {
			names[s.ID] = s.Name
		}
	}
	var out []targetView
	for _, t := range res.Risk.Targets {
		tv := targetView{Target: t, Name: names[t.ID], Anchor: anchors[t.ID], Rationale: strings.Join(strings.Fields(t.Rationale), " ")}
		for _, st := range t.Steps {
			tv.Steps = append(tv.Steps, stepView{Text: strings.Join(strings.Fields(st.Text), " "), Level: st.Level[:]})
		}
		out = append(out, tv)
	}
	return out
}

func gapGroups(res *assess.Result, anchors map[string]string) []gapGroup {
	names := map[string]string{}
	for _, list := range [][]assess.Subject{res.Zones, res.Conduits} {
		for _, s := range list {
			names[s.ID] = s.Name
		}
	}
	var out []gapGroup
	for _, g := range res.Gaps {
		if len(out) == 0 || out[len(out)-1].Subject != g.Subject {
			out = append(out, gapGroup{Subject: g.Subject, Name: names[g.Subject], Kind: g.Kind, Anchor: anchors[g.Subject]})
		}
		grp := &out[len(out)-1]
		r := gapRow{FR: g.FR, Code: catalog.FRCode(g.FR), Name: catalog.FRName(g.FR), Target: g.Target, Achieved: g.Achieved}
		for _, m := range g.Missing {
			switch m.State {
			case "partial":
				r.Partial = append(r.Partial, m)
				grp.Partial++
			case "planned":
				r.Planned = append(r.Planned, m)
				grp.Planned++
			default:
				r.Open = append(r.Open, m)
			}
			grp.Missing++
		}
		grp.Rows = append(grp.Rows, r)
	}
	return out
}

// headline gives the executive summary's figures and the findings count per severity,
// worst first.
func headline(res *assess.Result) ([]figure, []severityCount) {
	s := res.Summary
	ratioTone := func(n, of int) string {
		switch {
		case of == 0 || n == of:
			return "ok"
		case n == 0:
			return "bad"
		}
		return "warn"
	}
	countTone := func(n int) string {
		if n == 0 {
			return "ok"
		}
		return "bad"
	}
	figs := []figure{
		{Value: strconv.Itoa(s.ZonesAtTarget), Of: "of " + strconv.Itoa(s.ZonesWithTarget), Label: "zones at target", Note: "of those with an SL-T", Tone: ratioTone(s.ZonesAtTarget, s.ZonesWithTarget)},
		{Value: strconv.Itoa(s.ConduitsAtTarget), Of: "of " + strconv.Itoa(s.ConduitsWithTarget), Label: "conduits at target", Note: "of those with an SL-T", Tone: ratioTone(s.ConduitsAtTarget, s.ConduitsWithTarget)},
		{Value: thousands(s.GapCount), Label: "FR gaps", Note: "zone or conduit and FR below SL-T", Tone: countTone(s.GapCount)},
		{Value: thousands(s.MissingRequirements), Label: "requirements missing", Note: "to meet for every SL-T", Tone: countTone(s.MissingRequirements)},
		{Value: strconv.Itoa(s.IntolerableThreats), Of: "of " + strconv.Itoa(s.Threats), Label: "threats above tolerable risk", Tone: countTone(s.IntolerableThreats)},
	}
	n := finding.Count(res.Findings)
	var sev []severityCount
	for v := finding.Critical; v >= finding.Info; v-- {
		sev = append(sev, severityCount{v.String(), n[v]})
	}
	return figs, sev
}

// summarySentences writes the executive summary in plain words from the figures.
func summarySentences(res *assess.Result) []string {
	s := res.Summary
	var out []string

	var untargeted []string
	for _, z := range res.Zones {
		if z.Target.IsZero() {
			untargeted = append(untargeted, z.ID)
		}
	}
	// Only zones and conduits with an SL-T can meet it: the counts are of those, so the
	// summary never says "none of the zones meet their target" and then that none falls
	// short (issue 14).
	sent := fmt.Sprintf("%s and %s meet their target security level (SL-T) on every foundational requirement, counting only claims with current evidence.",
		countOf(s.ZonesAtTarget, s.ZonesWithTarget, "zone with an SL-T", "zones with an SL-T"), countOf(s.ConduitsAtTarget, s.ConduitsWithTarget, "conduit with an SL-T", "conduits with an SL-T"))
	if s.ZonesWithTarget+s.ConduitsWithTarget == 0 {
		sent = "No zone or conduit has a target security level (SL-T) yet."
	}
	if k := len(untargeted); k > 0 {
		sent += fmt.Sprintf(" %s no SL-T (%s): no threat in the model bears on %s and none is stated, so %s nothing to meet yet.",
			capitalize(countWord(k, "zone has", "zones have")), strings.Join(untargeted, ", "),
			plural(k, "it", "them"), plural(k, "it has", "they have"))
	}
	out = append(out, capitalize(sent))

	switch {
	case s.ZonesWithTarget+s.ConduitsWithTarget == 0:
		out = append(out, "With no target there is nothing to fall short of: the gap analysis waits for the risk assessment.")
	case s.GapCount == 0:
		out = append(out, "No zone or conduit with a target falls short of it.")
	default:
		var worst *assess.Subject
		wg, wfr := 0, 0
		for _, list := range [][]assess.Subject{res.Zones, res.Conduits} {
			for i := range list {
				if g, fr := worstGap(&list[i]); g > wg {
					worst, wg, wfr = &list[i], g, fr
				}
			}
		}
		out = append(out, fmt.Sprintf("The gap analysis finds %s below target, with %s still to meet; the widest gap is %s %s (%s), %d %s short on FR %d %s.",
			countWord(s.GapCount, "FR", "FRs"), countWord(s.MissingRequirements, "requirement", "requirements"),
			worst.Kind, worst.ID, worst.Name, wg, plural(wg, "level", "levels"), wfr, catalog.FRName(wfr)))
	}
	if s.ClaimedNotEvidenced > 0 {
		out = append(out, fmt.Sprintf("%s claimed by implemented countermeasures %s no current evidence and %s not count; SL-A claimed shows what they would give.",
			capitalize(countWord(s.ClaimedNotEvidenced, "requirement", "requirements")), plural(s.ClaimedNotEvidenced, "has", "have"), plural(s.ClaimedNotEvidenced, "does", "do")))
	}

	if rr := res.Risk; rr != nil && len(rr.Threats) > 0 {
		tol := rr.Method.TolerableIndex()
		before := 0
		var over []string
		for _, t := range rr.Threats {
			if t.Unmitigated.Index > tol {
				before++
			}
			if !t.Tolerable {
				over = append(over, t.ID)
			}
		}
		if len(over) == 0 {
			sent = fmt.Sprintf("All %d threats are within the tolerable risk (%s) once the implemented countermeasures are counted", len(rr.Threats), rr.Method.Tolerable)
			if len(rr.Threats) == 1 {
				sent = fmt.Sprintf("The one threat is within the tolerable risk (%s) once the implemented countermeasures are counted", rr.Method.Tolerable)
			}
			if before > 0 {
				sent += plural(len(rr.Threats), "; it is above it without them", fmt.Sprintf("; %d of them %s above it without them", before, plural(before, "is", "are")))
			}
			out = append(out, sent+".")
		} else {
			out = append(out, fmt.Sprintf("%d of %d %s %s above the tolerable risk (%s) after the implemented countermeasures: %s.",
				len(over), len(rr.Threats), plural(len(rr.Threats), "threat", "threats"), plural(len(over), "stays", "stay"),
				rr.Method.Tolerable, strings.Join(over, ", ")))
		}
	}

	n := finding.Count(res.Findings)
	if len(res.Findings) > 0 {
		sent = fmt.Sprintf("The assessment raises %s", countWord(len(res.Findings), "finding", "findings"))
		var urgent []string
		for _, sev := range []finding.Severity{finding.Critical, finding.High} {
			if n[sev] > 0 {
				urgent = append(urgent, fmt.Sprintf("%d %s", n[sev], sev))
			}
		}
		if len(urgent) > 0 {
			sent += ", " + strings.Join(urgent, " and ")
		}
		sent += "."
		if len(res.Plan) > 0 {
			a := res.Plan[0]
			reach := countWord(len(a.Subjects), "zone or conduit", "zones and conduits")
			if len(res.Plan) == 1 {
				sent += fmt.Sprintf(" The remediation plan has one action, “%s”, which reaches %s.", a.Title, reach)
			} else {
				sent += fmt.Sprintf(" The remediation plan orders %d actions by the risk they reduce; the first, “%s”, reaches %s.", len(res.Plan), a.Title, reach)
			}
		}
		out = append(out, sent)
	}
	return out
}

// countOf writes "2 of 10 zones", "all 3 zones", "none of the 10 conduits", "the one zone".
func countOf(n, of int, one, many string) string {
	switch {
	case of == 0:
		return "no " + many
	case n == of && of == 1:
		return "the one " + one
	case n == of:
		return fmt.Sprintf("all %d %s", of, many)
	case n == 0:
		return fmt.Sprintf("none of the %d %s", of, plural(of, one, many))
	}
	return fmt.Sprintf("%d of %d %s", n, of, plural(of, one, many))
}

// countWord writes "1 finding" or "1,184 requirements".
func countWord(n int, one, many string) string { return thousands(n) + " " + plural(n, one, many) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// thousands writes 1184 as "1,184".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
