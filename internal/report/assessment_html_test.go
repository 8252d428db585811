package report

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/risk"
)

var update = flag.Bool("update", false, "rewrite golden files and docs/img/assessment-report.png")

// exampleDate fixes the assessment date so that the report is the same on every run.
var exampleDate = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)

// exampleResult assesses the water treatment example as the CLI does. It moves to the
// repository root first so that the model's file names read as they do for a user.
func exampleResult(t testing.TB) *assess.Result {
	t.Helper()
	t.Chdir("../..")
	m, err := model.Load("examples/water-treatment/plant.yaml", model.Options{Requirement: requirementID})
	if err != nil {
		t.Fatalf("loading the example: %v", err)
	}
	return assess.Assess(m, assess.Options{Now: exampleDate})
}

// requirementID is the catalog-based normaliser the CLI gives model.Load.
func requirementID(id string) (string, bool) {
	canon, ok := catalog.NormalizeID(id)
	if !ok {
		return "", false
	}
	r, ok := catalog.Default().Lookup(canon)
	return r.ID, ok
}

func renderHTML(t testing.TB, res *assess.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Assessment(&b, res, HTML); err != nil {
		t.Fatalf("rendering: %v", err)
	}
	return b.Bytes()
}

// The golden HTML of both examples lives with the other formats' golden files in
// internal/cli/testdata/assess/ (TestAssessGolden), rendered through the command.

func TestAssessmentHTMLDeterministic(t *testing.T) {
	res := exampleResult(t)
	a, b := renderHTML(t, res), renderHTML(t, res)
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of the same result differ")
	}
}

// TestAssessmentHTMLContent checks that every part of the result reaches the report.
func TestAssessmentHTMLContent(t *testing.T) {
	res := exampleResult(t)
	out := string(renderHTML(t, res))
	count := func(s string) int { return strings.Count(out, s) }
	edges := 0
	for _, c := range res.Conduits {
		edges += max(len(c.Zones)-1, 0)
	}
	gapRows := len(res.Gaps)
	tests := []struct {
		name      string
		what      string
		got, want int
	}{
		{"radar per zone", `<svg class="radar"`, count(`<svg class="radar"`), len(res.Zones)},
		{"box per zone", `class="zone tone-`, count(`<g class="zone tone-`), len(res.Zones)},
		{"line per conduit", `class="conduit edge-`, count(`<g class="conduit edge-`), edges},
		{"two risk matrices", `<svg class="heatmap"`, count(`<svg class="heatmap"`), 2},
		{"register row per threat", `<tr id="threat-`, count(`<tr id="threat-`), len(res.Risk.Threats)},
		{"derivation per zone and conduit", `<details class="derivation">`, count(`<details class="derivation">`), len(res.Risk.Targets)},
		{"gap row per FR gap", `<td class="center">`, count(`<td class="center">`), gapRows},
		{"plan row per action", `<td class="num-cell">`, count(`<td class="num-cell">`) - len(res.Conduits), len(res.Plan)},
		{"finding row per finding", `<td><span class="badge sev-`, count(`<td><span class="badge sev-`), len(res.Findings)},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %d of %q, want %d", tt.name, tt.got, tt.what, tt.want)
		}
	}
	missing := 0
	for _, g := range res.Gaps {
		missing += len(g.Missing)
	}
	if n := count(`<span class="req req-`) - 3; n != missing { // 3 in the legend
		t.Errorf("gap requirement chips: %d, want %d", n, missing)
	}
	for _, s := range []string{res.System.Name, res.System.Owner, res.Date, "examples/water-treatment/risk.yaml",
		res.Plan[0].Title, res.Findings[0].Message, res.Risk.Threats[0].Name} {
		if !strings.Contains(out, htmlEscaped(s)) {
			t.Errorf("report lacks %q", s)
		}
	}
}

// htmlEscaped escapes s as html/template escapes text.
func htmlEscaped(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

// TestAssessmentHTMLSelfContained checks that the report asks for nothing over the
// network, and that every inline SVG is well-formed XML.
func TestAssessmentHTMLSelfContained(t *testing.T) {
	out := string(renderHTML(t, exampleResult(t)))
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)<link\b`), regexp.MustCompile(`(?i)\bsrc=`), regexp.MustCompile(`(?i)url\(`),
		regexp.MustCompile(`(?i)@import`), regexp.MustCompile(`(?i)https?://`), regexp.MustCompile(`(?i)<img\b`),
	} {
		if loc := bad.FindStringIndex(out); loc != nil {
			t.Errorf("report refers outside itself: %q", out[max(0, loc[0]-40):min(len(out), loc[1]+40)])
		}
	}
	checkSVGs(t, out)
}

// TestAssessmentHTMLLinks checks that element ids are unique and that every link
// inside the report leads to one of them.
func TestAssessmentHTMLLinks(t *testing.T) {
	out := string(renderHTML(t, exampleResult(t)))
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`\sid="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if ids[m[1]] {
			t.Errorf("id %q is used twice", m[1])
		}
		ids[m[1]] = true
	}
	links := regexp.MustCompile(`href="#([^"]*)"`).FindAllStringSubmatch(out, -1)
	if len(links) < 50 {
		t.Errorf("only %d links inside the report", len(links))
	}
	for _, m := range links {
		if !ids[m[1]] {
			t.Errorf("link to #%s, which is not in the report", m[1])
		}
	}
}

var svgRe = regexp.MustCompile(`(?s)<svg\b.*?</svg>`)

func checkSVGs(t *testing.T, out string) {
	t.Helper()
	svgs := svgRe.FindAllString(out, -1)
	if len(svgs) == 0 {
		t.Fatal("no inline SVG")
	}
	for _, s := range svgs {
		d := xml.NewDecoder(strings.NewReader(s))
		d.Strict = true
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("inline SVG is not well-formed: %v\n%.400s", err, s)
			}
		}
	}
}

// TestAssessmentHTMLEscapes feeds markup through every kind of field.
func TestAssessmentHTMLEscapes(t *testing.T) {
	const evil = `<script>alert(1)</script>"'&<blink>`
	res := &assess.Result{
		System: assess.SystemInfo{Name: evil, Owner: evil, Description: evil, Files: []string{evil}},
		Date:   "2026-11-21",
		Risk: &risk.Result{
			Method: model.DefaultRiskMethod(),
			Threats: []risk.ThreatRisk{{ID: evil, Name: evil, Source: evil, Capability: "simple", Targets: []string{evil},
				Likelihood: 9, Consequence: -3, Unmitigated: risk.Level{Name: evil}, Residual: risk.Level{Name: evil},
				Counted: []string{evil}, NotCounted: []string{evil}}},
			Targets: []risk.Target{{ID: evil, Kind: "zone", Stated: true, Rationale: evil, Steps: []risk.Step{{Text: evil}}}},
		},
		Zones: []assess.Subject{{ID: evil, Name: evil, Kind: "zone", Purdue: evil, Target: model.Uniform(2), Gap: model.Uniform(2),
			FRs: []assess.FRStatus{{FR: 1, Code: evil, Target: 2, Missing: []string{evil}}}}},
		Conduits: []assess.Subject{{ID: evil + "c", Name: evil, Kind: "conduit", Zones: []string{evil, "elsewhere"}}},
		Gaps:     []assess.Gap{{Subject: evil, Kind: "zone", FR: 1, Target: 2, Missing: []assess.MissingReq{{ID: evil, Title: evil, State: "partial"}}}},
		Plan:     []assess.Action{{Rank: 1, Title: evil, Requirements: []string{evil}, Subjects: []string{evil}, Lifts: []string{evil}, Owner: evil, Due: evil, Why: evil}},
		Findings: []finding.Finding{{Rule: evil, Severity: finding.High, Subject: evil, Message: evil, Fix: evil, Requirements: []string{evil}, Location: evil}},
	}
	out := string(renderHTML(t, res))
	if strings.Contains(out, "<script>alert") || strings.Contains(out, "<blink>") {
		i := max(strings.Index(out, "<script>alert"), strings.Index(out, "<blink>"))
		t.Fatalf("unescaped markup in the report: %q", out[max(0, i-80):min(len(out), i+40)])
	}
	if strings.Count(out, "<script>") != 1 { // the report's own print helper
		t.Errorf("want exactly one script element, got %d", strings.Count(out, "<script>"))
	}
	checkSVGs(t, out)
}

// TestAssessmentHTMLEmpty renders a result with nothing in it.
func TestAssessmentHTMLEmpty(t *testing.T) {
	for _, res := range []*assess.Result{
		{System: assess.SystemInfo{Name: "empty"}},
		{System: assess.SystemInfo{Name: "no matrix"}, Risk: &risk.Result{Method: model.RiskMethod{Levels: []string{"only"}}}},
	} {
		out := string(renderHTML(t, res))
		if !strings.Contains(out, "Every zone and conduit meets its target.") || !strings.Contains(out, "No findings.") {
			t.Errorf("%s: empty sections not explained", res.System.Name)
		}
	}
}

func TestAnchor(t *testing.T) {
	tests := []struct{ id, want string }{
		{"z-control", "zone-z-control"},
		{"z control", "zone-z_20control"},
		{"z_control", "zone-z_5fcontrol"},
		{`"><x`, "zone-_22_3e_3cx"},
	}
	for _, tt := range tests {
		if got := anchor("zone", tt.id); got != tt.want {
			t.Errorf("anchor(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestRiskClass(t *testing.T) {
	tests := []struct {
		levels int
		want   []string
	}{
		{1, []string{"risk-1"}},
		{2, []string{"risk-1", "risk-5"}},
		{3, []string{"risk-1", "risk-3", "risk-5"}},
		{4, []string{"risk-1", "risk-2", "risk-4", "risk-5"}},
		{5, []string{"risk-1", "risk-2", "risk-3", "risk-4", "risk-5"}},
	}
	for _, tt := range tests {
		rm := &model.RiskMethod{Levels: make([]string, tt.levels)}
		for i, want := range tt.want {
			if got := riskClass(rm, i); got != want {
				t.Errorf("%d levels, level %d: %s, want %s", tt.levels, i, got, want)
			}
		}
		if got := riskClass(rm, -1); got != "risk-1" {
			t.Errorf("unknown level: %s, want risk-1", got)
		}
	}
}

func TestWords(t *testing.T) {
	tests := []struct{ got, want string }{
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1184), "1,184"},
		{thousands(1234567), "1,234,567"},
		{thousands(-1234), "-1,234"},
		{countOf(2, 10, "zone", "zones"), "2 of 10 zones"},
		{countOf(0, 10, "conduit", "conduits"), "none of the 10 conduits"},
		{countOf(3, 3, "zone", "zones"), "all 3 zones"},
		{countOf(1, 1, "zone", "zones"), "the one zone"},
		{countOf(0, 0, "zone", "zones"), "no zones"},
		{countWord(1, "finding", "findings"), "1 finding"},
		{countWord(1184, "requirement", "requirements"), "1,184 requirements"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestSummarySentences(t *testing.T) {
	rm := model.DefaultRiskMethod()
	atTarget := assess.Subject{ID: "z-a", Name: "A", Kind: "zone", Target: model.Uniform(1), Achieved: model.Uniform(1)}
	below := assess.Subject{ID: "z-b", Name: "B", Kind: "zone", Target: model.Uniform(3), Achieved: model.Uniform(1), Gap: model.Uniform(2)}
	below.Gap[2] = 3
	tests := []struct {
		name string
		res  *assess.Result
		want []string
		not  []string
	}{
		{
			name: "all at target",
			res: &assess.Result{Zones: []assess.Subject{atTarget}, Summary: assess.Summary{Zones: 1, ZonesAtTarget: 1, ZonesWithTarget: 1},
				Risk: &risk.Result{Method: rm, Threats: []risk.ThreatRisk{{ID: "T-1", Tolerable: true}}}},
			want: []string{"The one zone with an SL-T and no conduits with an SL-T meet their target", "No zone or conduit with a target falls short", "The one threat is within the tolerable risk (medium)"},
		},
		{
			name: "gaps and an intolerable threat",
			res: &assess.Result{Zones: []assess.Subject{atTarget, below}, Summary: assess.Summary{Zones: 2, ZonesAtTarget: 1, ZonesWithTarget: 2, GapCount: 7, MissingRequirements: 1184, ClaimedNotEvidenced: 3},
				Risk:     &risk.Result{Method: rm, Threats: []risk.ThreatRisk{{ID: "T-1", Tolerable: true}, {ID: "T-2", Unmitigated: risk.Level{Index: 3}, Residual: risk.Level{Index: 3}}}},
				Findings: []finding.Finding{{Severity: finding.Critical}, {Severity: finding.Low}},
				Plan:     []assess.Action{{Title: "Meet SR 1.1", Subjects: []string{"z-b"}}}},
			want: []string{"1 of 2 zones", "7 FRs below target, with 1,184 requirements still to meet; the widest gap is zone z-b (B), 3 levels short on FR 3 System integrity.",
				"3 requirements claimed by implemented countermeasures have no current evidence and do not count",
				"1 of 2 threats stays above the tolerable risk (medium) after the implemented countermeasures: T-2.",
				"The assessment raises 2 findings, 1 critical.", "The remediation plan has one action, “Meet SR 1.1”, which reaches 1 zone or conduit."},
		},
		{
			// Issue 14: 17 zones, none with a target, was "none of the 17 zones meet
			// their target" and then "no zone falls short".
			name: "zones without a target",
			res: &assess.Result{Zones: []assess.Subject{{ID: "z-x", Kind: "zone"}, {ID: "z-y", Kind: "zone"}}, Summary: assess.Summary{Zones: 2},
				Risk: &risk.Result{Method: rm}},
			want: []string{"No zone or conduit has a target security level (SL-T) yet.", "2 zones have no SL-T (z-x, z-y): no threat in the model bears on them and none is stated, so they have nothing to meet yet.",
				"With no target there is nothing to fall short of"},
			not: []string{"none of the", "No zone or conduit with a target falls short"},
		},
		{
			name: "some zones without a target",
			res: &assess.Result{Zones: []assess.Subject{atTarget, {ID: "z-y", Kind: "zone"}}, Summary: assess.Summary{Zones: 2, ZonesAtTarget: 1, ZonesWithTarget: 1},
				Risk: &risk.Result{Method: rm}},
			want: []string{"The one zone with an SL-T", "1 zone has no SL-T (z-y)", "No zone or conduit with a target falls short of it."},
			not:  []string{"1 of 2 zones"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(summarySentences(tt.res), " ")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("summary lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("summary says %q:\n%s", w, got)
				}
			}
		})
	}
}

// BenchmarkAssessmentHTML renders the example's report: layout, SVG and template.
func BenchmarkAssessmentHTML(b *testing.B) {
	res := exampleResult(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := Assessment(io.Discard, res, HTML); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMarkList(t *testing.T) {
	tests := []struct {
		safety, wireless, temporary, external bool
		want                                  string
	}{
		{false, false, false, false, ""},
		{true, false, false, false, "SAFETY"},
		{false, true, true, false, "WIRELESS TEMP"},
		{true, true, true, true, "SAFETY WIRELESS TEMP EXTERNAL"},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range markList(tt.safety, tt.wireless, tt.temporary, tt.external) {
			if m.Title == "" {
				t.Errorf("mark %s has no words for screen readers", m.Text)
			}
			got = append(got, m.Text)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("markList(%v, %v, %v, %v) = %v, want %s", tt.safety, tt.wireless, tt.temporary, tt.external, got, tt.want)
		}
	}
}

// TestAssessmentTrafficInEveryFormat: the findings of the verification assess --capture
// runs reach the HTML report (they were only in Markdown), the Markdown, the table and
// the JSON, with what the traffic supports and where in the captures to look.
func TestAssessmentTrafficInEveryFormat(t *testing.T) {
	res := exampleResult(t)
	res.Traffic = &assess.Traffic{
		Supported: []assess.Support{{Subject: "c-dmz-operations", Requirement: "SR 5.1", Reason: "all 4 conversation(s) seen on the conduit matched its rules", Countermeasures: []string{"CM-firewalls"}}},
		Findings: []assess.TrafficFinding{{Finding: finding.Finding{Rule: "device/unknown", Severity: finding.Critical, Subject: "z-treatment",
			Message: "device 10.20.2.99 is in no model zone", Fix: "find it"}, Evidence: "10.20.2.99 -> 10.20.2.10 modbus/tcp 502; capture.pcapng packet 17"}},
	}
	for _, f := range []Format{HTML, Markdown, Table, JSON} {
		var b bytes.Buffer
		if err := Assessment(&b, res, f); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{"device 10.20.2.99 is in no model zone", "capture.pcapng packet 17", "all 4 conversation(s) seen on the conduit matched its rules"} {
			if f == Table && want != "device 10.20.2.99 is in no model zone" {
				continue // the terminal lists the findings only
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", f, want)
			}
		}
		if f == HTML && !strings.Contains(out, `id="traffic"`) {
			t.Error("the HTML report has no traffic section")
		}
	}
}
