package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/approval"
	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/risk"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// crsPlant is a small plant with everything the specification reads: a boundary with
// access points, the environment, threats with a vulnerability, a stated and a derived
// target, and a subzone.
const crsPlant = `version: 1
system:
  name: Harbour pumping station
  owner: Harbour Water Board
  description: Two stormwater pumps, their PLC and a local HMI; monitored from the board's office.
  boundary:
    description: The station's control network from the DMZ switch down; the office network is outside.
    access_points:
      - {id: ap-office, name: Office link, kind: business-network, zone: z-dmz, conduit: c-office-dmz, description: Historian reports to the office}
      - {id: ap-vendor, name: Vendor VPN, kind: supplier, zone: z-dmz, conduit: c-office-dmz}
  environment:
    assumptions: [The station is locked and alarmed; only board staff hold keys., Mains power with a 4-hour UPS.]
    threat_environment: Opportunistic criminals and malware from the office network; no targeted attacker is expected.
    policies: [Board IT security policy ISP-3, Remote access procedure RA-1]
    regulations: [NIS2 (essential entity), National water sector guideline W-7]
zones:
  - {id: z-office, name: Office, purdue: 4, external: true, sl_target: {level: 1, rationale: The board's IT; outside this system.}}
  - {id: z-dmz, name: Station DMZ, purdue: 3.5}
  - {id: z-control, name: Pump control, purdue: 1, safety: false}
  - {id: z-control-local, name: Local panel, parent: z-control}
conduits:
  - {id: c-office-dmz, name: Office to DMZ, zones: [z-office, z-dmz], boundary: firewall, allow: [{from: z-office, to: z-dmz, protocol: https}]}
  - {id: c-dmz-control, name: DMZ to control, zones: [z-dmz, z-control], boundary: firewall, allow: [{from: z-dmz, to: plc, protocol: modbus, operations: [read]}]}
assets:
  - {id: plc, name: Pump PLC, zone: z-control, kind: plc}
  - {id: hist, name: Historian, zone: z-dmz, kind: historian}
threats:
  - id: t-malware
    name: Malware from the office
    source: {name: Criminal group, capability: simple}
    targets: [z-dmz, z-control]
    likelihood: 3
    consequences: {production: 4}
    vulnerabilities: [{id: V-1, description: The PLC accepts Modbus writes from any host}]
  - id: t-flood
    name: Network flood
    source: {name: Faulty device, capability: casual}
    targets: [c-dmz-control]
    frs: [7]
    likelihood: 2
    consequences: {production: 2}
`

// crsBare has nothing but zones: no boundary, no environment, no threats, a zone without
// a target.
const crsBare = `version: 1
system: {name: Bare plant}
zones:
  - {id: z-a, purdue: 2, sl_target: 2}
  - {id: z-b, purdue: 1}
conduits:
  - {id: c-ab, zones: [z-a, z-b], boundary: firewall, allow: [{from: z-a, to: z-b, protocol: modbus}]}
`

func crsInput(t *testing.T, src string, st *approval.Status) *CRSInput {
	t.Helper()
	m, err := model.Parse("plant.yaml", []byte(src), model.Options{Requirement: requirementID})
	if err != nil {
		t.Fatal(err)
	}
	return &CRSInput{Model: m, Risk: risk.Assess(m), Catalog: catalog.Default(), Date: "2026-11-21",
		Findings: risk.BoundaryChecks(m), Approval: st}
}

var crsContent = approval.NewContent([]approval.File{
	{Name: "plant.yaml", SHA256: strings.Repeat("ab", 32)},
	{Name: "threats.yaml", SHA256: strings.Repeat("cd", 32)},
})

func crsStatus(state approval.State) *approval.Status {
	st := &approval.Status{State: state, File: "plant.approvals.json", Current: crsContent}
	rec := approval.Record{By: "Jane Doe", Role: "Station manager", Comment: "Design review DR-7",
		ApprovedAt: "2026-11-20T09:30:00Z", Content: crsContent}
	switch state {
	case approval.Approved:
		st.Approval, st.Approvals = &rec, 1
	case approval.Void:
		rec.Content = approval.NewContent([]approval.File{{Name: "plant.yaml", SHA256: strings.Repeat("ef", 32)}})
		st.Approval, st.Approvals = &rec, 1
		st.Changes = []approval.Change{{Name: "plant.yaml", Change: "modified"}, {Name: "threats.yaml", Change: "added"}}
	}
	return st
}

func renderCRS(t *testing.T, in *CRSInput, f Format) string {
	t.Helper()
	var b bytes.Buffer
	if err := CRS(&b, in, f); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return b.String()
}

// crsGolden compares got with testdata/crs/name, or rewrites it with -update.
func crsGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "crs", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -run CRS -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; run go test ./internal/report -run CRSGolden -update and review the diff.\n--- got (first 1500 bytes):\n%.1500s", path, got)
	}
}

func TestCRSGolden(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		st        *approval.Status
	}{
		{"complete", crsPlant, crsStatus(approval.Approved)},
		{"bare", crsBare, crsStatus(approval.None)},
	} {
		in := crsInput(t, tc.src, tc.st)
		crsGolden(t, tc.name+".md", renderCRS(t, in, CRSMarkdown))
		crsGolden(t, tc.name+".html", renderCRS(t, in, CRSHTML))
	}
}

// Every input the model lacks is said in words: the bare plant's document names each
// missing part, where it belongs in the model, and the zone with no target.
func TestCRSMissingInputsSaidPlainly(t *testing.T) {
	in := crsInput(t, crsBare, nil)
	for _, f := range CRSFormats {
		out := renderCRS(t, in, f)
		if f == CRSMarkdown {
			out = strings.ReplaceAll(out, `\_`, "_")
		}
		for _, want := range []string{
			"does not describe the boundary of the system under consideration (system.boundary)",
			"gives no description of the system (system.description)",
			"records no operating environment, threat environment, organisational policies or regulatory requirements (system.environment)",
			"None recorded (system.environment.assumptions)",
			"Not described (system.environment.threat_environment)",
			"None recorded (system.environment.policies)",
			"None recorded (system.environment.regulations)",
			"No threats are recorded in the model",
			"No target security level: none is stated and no threat bears on this zone",
			"not stated in the model (system.owner)",
			"approval was not checked for this document",
			"boundary/not-described",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", f, want)
			}
		}
	}
	// A complete model says none of that.
	out := renderCRS(t, crsInput(t, crsPlant, crsStatus(approval.Approved)), CRSMarkdown)
	for _, not := range []string{"None recorded", "Not described", "does not describe the boundary", "No threats are recorded"} {
		if strings.Contains(out, not) {
			t.Errorf("the complete plant's document says %q", not)
		}
	}
}

// The requirements listed for a subject are those of 62443-3-3 that apply to its kind
// up to its target on each FR: a zone at SL-T 2 gets SR 5.4 (application partitioning,
// a zone property) and not SR 1.13 (access from untrusted networks, met at the
// conduit); the conduit joining it gets the reverse. Counted against the catalog.
func TestCRSRequirementsPerSubject(t *testing.T) {
	in := crsInput(t, crsBare, nil)
	v := newCRSView(in)
	cat := catalog.Default()
	za, conduit := v.Zones[0], v.Conduits[0]
	if za.ID != "z-a" || !za.HasTarget || conduit.ID != "c-ab" {
		t.Fatalf("subjects: %+v %+v", za, conduit)
	}
	want := map[string]int{}
	for fr := 1; fr <= 7; fr++ {
		for _, r := range cat.Applicable(fr, 2) {
			zone, c := cat.AppliesTo(r.ID)
			if zone {
				want["zone"]++
			}
			if c {
				want["conduit"]++
			}
		}
	}
	if za.Count != want["zone"] || conduit.Count != want["conduit"] || za.Count == conduit.Count {
		t.Errorf("zone %d (want %d), conduit %d (want %d) requirements", za.Count, want["zone"], conduit.Count, want["conduit"])
	}
	has := func(s crsSubject, id string) bool {
		for _, f := range s.FRs {
			for _, r := range f.Reqs {
				if r.ID == id {
					return true
				}
			}
		}
		return false
	}
	for _, c := range []struct {
		s    crsSubject
		id   string
		want bool
	}{{za, "SR 5.4", true}, {za, "SR 1.13", false}, {conduit, "SR 5.4", false}, {conduit, "SR 1.13", true},
		{za, "SR 1.1 RE 1", true}, {za, "SR 1.1 RE 2", false}} { // RE 2 from SL 3
		if has(c.s, c.id) != c.want {
			t.Errorf("%s lists %s: %v, want %v", c.s.ID, c.id, !c.want, c.want)
		}
	}
	if zb := v.Zones[1]; zb.HasTarget || zb.Count != 0 || len(zb.FRs) != 0 {
		t.Errorf("zone without a target lists requirements: %+v", zb)
	}
	// The conduit takes the zone's level (derived), and the document says so.
	if conduit.Target != za.Target || conduit.Stated {
		t.Errorf("conduit target %v stated %v", conduit.Target, conduit.Stated)
	}
}

// Each approval verdict is stated in both formats, at the top and in its section: who
// and when for an approval, which files changed for a void one, none for none.
func TestCRSApproval(t *testing.T) {
	for _, tc := range []struct {
		state approval.State
		want  []string
	}{
		{approval.Approved, []string{"Approved by Jane Doe (Station manager) on 2026-11-20 for this exact content", "Design review DR-7", crsContent.SHA256}},
		{approval.Void, []string{"The approval by Jane Doe (Station manager) on 2026-11-20 is void: the model changed since (plant.yaml modified, threats.yaml added)", "Changed since that approval", "zonewarden approve"}},
		{approval.None, []string{"No asset owner approval is recorded for this model (plant.approvals.json holds none)", "zonewarden approve"}},
	} {
		in := crsInput(t, crsPlant, crsStatus(tc.state))
		for _, f := range CRSFormats {
			out := renderCRS(t, in, f)
			if f == CRSHTML {
				out = strings.ReplaceAll(out, "&#39;", "'")
			} else {
				out = strings.ReplaceAll(out, `\_`, "_")
			}
			for _, w := range tc.want {
				if n := strings.Count(out, w); n == 0 {
					t.Errorf("%s %s lacks %q", tc.state, f, w)
				}
			}
			if first := tc.want[0]; strings.Count(out, first) < 2 {
				t.Errorf("%s %s: the verdict is not both at the top and in its section", tc.state, f)
			}
			if tc.state == approval.Approved && strings.Contains(out, "zonewarden approve") {
				t.Errorf("%s %s: an approved document asks for approval", tc.state, f)
			}
		}
	}
}

// The complete plant's document holds what a certification body looks for, each in its
// place: the boundary and access points, the drawing, SL-T with rationale, the
// environment, the tolerable risk, the threats with their vulnerability, and the
// requirements per subject.
func TestCRSContent(t *testing.T) {
	in := crsInput(t, crsPlant, crsStatus(approval.Approved))
	html := renderCRS(t, in, CRSHTML)
	for _, want := range []string{
		`<section id="suc">`, "The station&#39;s control network from the DMZ switch down",
		"<code>ap-vendor</code>", "supplier",
		`<svg`, `class="diagram"`,
		`id="zone-z-control-local"`, "subzone of <code>z-control</code>",
		"The board&#39;s IT; outside this system.",
		"The station is locked and alarmed", "Opportunistic criminals", "Board IT security policy ISP-3", "NIS2 (essential entity)",
		"accepts risk up to <strong>medium</strong>",
		"<code>V-1</code> The PLC accepts Modbus writes from any host",
		`id="req-conduit-c-dmz-control"`, "SR 7.1</code> Denial of service protection",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if err := textsafe.CheckMarkup(html); err != nil {
		t.Error(err)
	}
	if strings.Contains(html, "<script") || regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(html) {
		t.Error("the document loads something from outside")
	}
	// Every section the table of contents names exists.
	for _, id := range regexp.MustCompile(`href="#([a-z]+)"`).FindAllStringSubmatch(html[strings.Index(html, `<nav`):strings.Index(html, `</nav>`)], -1) {
		if !strings.Contains(html, `<section id="`+id[1]+`">`) {
			t.Errorf("contents link to missing section %s", id[1])
		}
	}
}

// Names carrying terminal escapes, controls, bidirectional overrides and markup reach
// neither format as anything but text, and keep every Markdown table row whole.
func TestCRSHostileNames(t *testing.T) {
	cell := regexp.MustCompile(`(^|[^\\])(\\\\)*\|`)
	for i, name := range testutil.Hostile {
		in := crsInput(t, crsPlant, crsStatus(approval.Void))
		m := in.Model
		m.System.Name, m.System.Owner, m.System.Description = name, name, name
		m.System.Boundary.Description = name
		m.System.Boundary.AccessPoints[0].Name = name
		m.System.Boundary.AccessPoints[0].Description = name
		m.System.Environment.Assumptions[0] = name
		m.System.Environment.ThreatEnvironment = name
		m.Zones[1].Name = name
		m.Conduits[0].Name = name
		m.Threats[0].Vulnerabilities[0].Description = name
		in.Risk.Threats[0].Name = name
		in.Approval.Approval.By = name
		in.Approval.Changes[0].Name = name
		md := renderCRS(t, in, CRSMarkdown)
		html := renderCRS(t, in, CRSHTML)
		if err := textsafe.CheckLines(md); err != nil {
			t.Errorf("name %d, md: %v", i, err)
		}
		if err := textsafe.CheckMarkup(html); err != nil {
			t.Errorf("name %d, html: %v", i, err)
		}
		if strings.Contains(html, "<script") {
			t.Errorf("name %d, html: markup from the model", i)
		}
		for _, line := range strings.Split(md, "\n") {
			if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
				continue
			}
			header := line
			_ = header
			if n := len(cell.FindAllString(line, -1)); n < 3 || n > 9 {
				t.Errorf("name %d, md: a row with %d cell borders: %q", i, n, line)
			}
		}
		if strings.Contains(md, "<") || regexp.MustCompile(`(^|[^\\])\]\(`).MatchString(md) {
			t.Errorf("name %d, md: markup reaches the document", i)
		}
	}
}

// A write error is returned, never a document reported written in part.
func TestCRSReturnsWriteErrors(t *testing.T) {
	in := crsInput(t, crsPlant, crsStatus(approval.Approved))
	for _, f := range CRSFormats {
		full := renderCRS(t, in, f)
		for _, n := range testutil.Cuts(len(full)) {
			if err := CRS(&testutil.FailAfter{N: n}, in, f); !errors.Is(err, testutil.ErrFull) {
				t.Errorf("%s cut at byte %d of %d: returned %v", f, n, len(full), err)
			}
		}
	}
	if err := CRS(&bytes.Buffer{}, in, HTML); err == nil {
		t.Error("the assessment's HTML format was accepted for the specification")
	}
}
