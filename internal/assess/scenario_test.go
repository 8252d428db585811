package assess

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/model"
)

// Scenario models, one per rule of the assessment, with the expected vectors worked out
// by hand from the catalog (docs/risk.md, "Achieved security level"). The assessment day
// is 2026-11-21 throughout, and evidence holds 12 months unless it says otherwise.

var day = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)

// assessFile writes src as plant.yaml into dir (with any other files) and assesses it.
func assessFile(t *testing.T, dir, src string, opts Options) *Result {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "plant.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := model.Load(path, model.Options{Requirement: func(id string) (string, bool) { return catalog.NormalizeID(id) }})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Now.IsZero() {
		opts.Now = day
	}
	return Assess(m, opts)
}

func findingsOf(r *Result, rule string) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Rule == rule {
			out = append(out, f.Message)
		}
	}
	return out
}

// TestScenarioEvidence: one zone, SL-T FR5 1, and one technical countermeasure claiming
// SR 5.1–5.4, the four requirements of FR5 at SL 1. Claimed, FR5 reaches 1 (SL 2 would
// also need SR 5.1 RE 1 and SR 5.2 RE 1). Evidenced, FR5 is 1 only when a record is
// current on 2026-11-21, otherwise 0 with a gap of 1 and the four requirements listed
// as claimed, not evidenced.
func TestScenarioEvidence(t *testing.T) {
	const head = `version: 1
system: {name: t}
zones:
  - {id: z-a, purdue: 2, sl_target: {level: {FR5: 1}, rationale: test}}
countermeasures:
  - id: cm-seg
    name: segmentation
    kind: technical
    satisfies: [SR 5.1, SR 5.2, SR 5.3, SR 5.4]
    scope: [z-a]
    status: implemented
`
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	cases := []struct {
		name     string
		evidence string
		file     string // written as rules.txt beside the model
		ev       int    // SL-A evidenced FR5
		rule     string // the finding expected
		why      string // in its message
	}{
		{"no record", "", "", 0, "countermeasure/no-evidence", "names no evidence"},
		{"plain string", "    evidence: [Firewall export]\n", "", 0, "countermeasure/no-evidence", "no date or no reviewer"},
		{"no reviewer", "    evidence: [{kind: configuration, ref: rules.txt, date: 2026-09-01}]\n", "", 0, "countermeasure/no-evidence", "no date or no reviewer"},
		// 2025-10-01 + 12 months = 2026-10-01, before the assessment day.
		{"older than 12 months", "    evidence: [{kind: configuration, ref: rules.txt, date: 2025-10-01, reviewed_by: QA}]\n", "", 0, "countermeasure/stale-evidence", "older than 12 months"},
		{"expired", "    evidence: [{kind: audit, ref: https://audit.example/r1, date: 2026-09-01, reviewed_by: QA, expires: 2026-11-01}]\n", "", 0, "countermeasure/stale-evidence", "expired on 2026-11-01"},
		{"future", "    evidence: [{kind: test, ref: https://t.example/1, date: 2026-12-01, reviewed_by: QA}]\n", "", 0, "countermeasure/stale-evidence", "after the assessment day"},
		{"file changed", "    evidence: [{kind: configuration, ref: rules.txt, sha256: " + sum("rules v1") + ", date: 2026-09-01, reviewed_by: QA}]\n", "rules v2", 0, "countermeasure/stale-evidence", "not the " + sum("rules v1")},
		{"file missing", "    evidence: [{kind: configuration, ref: rules.txt, sha256: " + sum("rules v1") + ", date: 2026-09-01, reviewed_by: QA}]\n", "", 0, "countermeasure/stale-evidence", "is not there"},
		{"current, file matches", "    evidence: [{kind: configuration, ref: rules.txt, sha256: " + sum("rules v1") + ", date: 2026-09-01, reviewed_by: QA}]\n", "rules v1", 1, "", ""},
		{"one stale, one current", "    evidence:\n      - {kind: audit, ref: https://a.example/old, date: 2024-01-01, reviewed_by: QA}\n      - {kind: audit, ref: https://a.example/new, date: 2026-06-01, reviewed_by: QA}\n", "", 1, "countermeasure/stale-evidence", "another record of it is current"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.file != "" {
				if err := os.WriteFile(filepath.Join(dir, "rules.txt"), []byte(tc.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := assessFile(t, dir, head+tc.evidence, Options{})
			z := subjectOf(r, "z-a")
			if z.Claimed[4] != 1 || z.Evidenced[4] != tc.ev || z.Achieved[4] != tc.ev || z.Gap[4] != 1-tc.ev {
				t.Errorf("FR5 claimed %d evidenced %d achieved %d gap %d, want 1, %d, %d, %d", z.Claimed[4], z.Evidenced[4], z.Achieved[4], z.Gap[4], tc.ev, tc.ev, 1-tc.ev)
			}
			fr5 := z.FRs[4]
			if tc.ev == 0 && !slices.Equal(fr5.Claimed, []string{"SR 5.1", "SR 5.2", "SR 5.3", "SR 5.4"}) {
				t.Errorf("claimed, not evidenced: %v", fr5.Claimed)
			}
			if tc.ev == 1 && (len(fr5.Claimed) != 0 || len(fr5.Met) != 4) {
				t.Errorf("evidenced: met %v claimed %v", fr5.Met, fr5.Claimed)
			}
			for _, rule := range []string{"countermeasure/no-evidence", "countermeasure/stale-evidence"} {
				msgs := findingsOf(r, rule)
				switch {
				case rule == tc.rule && (len(msgs) != 1 || !strings.Contains(msgs[0], tc.why) || !strings.Contains(msgs[0], "cm-seg")):
					t.Errorf("%s findings %q, want one naming cm-seg and %q", rule, msgs, tc.why)
				case rule != tc.rule && len(msgs) > 0:
					t.Errorf("unexpected %s: %q", rule, msgs)
				}
			}
			if tc.ev == 0 && len(r.Plan) > 0 && !strings.HasPrefix(r.Plan[0].Title, "Record current evidence for cm-seg") {
				t.Errorf("the first action should be to evidence cm-seg: %+v", r.Plan[0])
			}
		})
	}
}

// TestScenarioEvidenceMonths: system.evidence_months 24 keeps a record dated 2025-10-01
// current on 2026-11-21 (it holds until 2027-10-01).
func TestScenarioEvidenceMonths(t *testing.T) {
	src := `version: 1
system: {name: t, evidence_months: 24}
zones:
  - {id: z-a, purdue: 2, sl_target: {level: {FR5: 1}, rationale: test}}
countermeasures:
  - {id: cm-seg, name: s, kind: technical, satisfies: [SR 5.1, SR 5.2, SR 5.3, SR 5.4], scope: [z-a], status: implemented,
     evidence: [{kind: configuration, ref: https://x.example/1, date: 2025-10-01, reviewed_by: QA}]}
`
	if z := subjectOf(assessFile(t, "", src, Options{}), "z-a"); z.Evidenced[4] != 1 {
		t.Errorf("FR5 evidenced %d, want 1", z.Evidenced[4])
	}
}

// TestScenarioTrafficEvidence: a conduit with SL-T FR5 2. cm-fw (technical, no evidence
// record) claims SR 5.1, 5.1 RE 1, 5.2, 5.2 RE 1 and 5.3; cm-p2p (technical: messaging
// blocked at the boundary, evidenced) SR 5.3. On a conduit FR5 at SL 1 is SR 5.1, 5.2, 5.3 and at SL 2 adds SR 5.1 RE 1 and
// SR 5.2 RE 1 (SR 5.4 is a zone's). Claimed: 2. Evidenced without captures: SR 5.3 only,
// so 0. With this run's traffic supporting SR 5.1 and SR 5.2 on the conduit: SL 1 is
// complete, SL 2 is not (its REs are not evidenced), so 1. If the traffic also refutes
// SR 5.2, it counts neither claimed nor evidenced: claimed 0 and evidenced 0.
func TestScenarioTrafficEvidence(t *testing.T) {
	const src = `version: 1
system: {name: t}
zones:
  - {id: z-a, purdue: 2}
  - {id: z-b, purdue: 1}
conduits:
  - {id: c-ab, zones: [z-a, z-b], boundary: firewall, sl_target: {level: {FR5: 2}, rationale: test}, allow: [{from: z-a, to: z-b, protocol: modbus}]}
countermeasures:
  - {id: cm-fw, name: firewall, kind: technical, satisfies: [SR 5.1, SR 5.1 RE 1, SR 5.2, SR 5.2 RE 1, SR 5.3], scope: [c-ab], status: implemented}
  - {id: cm-p2p, name: messaging blocked, kind: technical, satisfies: [SR 5.3], scope: [c-ab], status: implemented,
     evidence: [{kind: document, ref: https://x.example/p2p, date: 2026-06-01, reviewed_by: QA}]}
`
	sup := []Support{{Subject: "c-ab", Requirement: "SR 5.1", Reason: "every conversation matched"}, {Subject: "c-ab", Requirement: "sr 5.2", Reason: "every conversation matched"}}
	cases := []struct {
		name        string
		opts        Options
		claimed, ev int
		traffic     []string
	}{
		{"no captures", Options{}, 2, 0, nil},
		{"traffic supports", Options{Supported: sup}, 2, 1, []string{"SR 5.1", "SR 5.2"}},
		{"traffic refutes", Options{Supported: sup, Refuted: []Refutation{{Subject: "c-ab", Requirement: "SR 5.2", Reason: "ssh crossed"}}}, 0, 0, []string{"SR 5.1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := assessFile(t, "", src, tc.opts)
			c := subjectOf(r, "c-ab")
			if c.Claimed[4] != tc.claimed || c.Evidenced[4] != tc.ev {
				t.Errorf("FR5 claimed %d evidenced %d, want %d and %d", c.Claimed[4], c.Evidenced[4], tc.claimed, tc.ev)
			}
			if !slices.Equal(c.TrafficEvidenced, tc.traffic) {
				t.Errorf("traffic evidenced %v, want %v", c.TrafficEvidenced, tc.traffic)
			}
			if tc.opts.Supported != nil {
				if r.Traffic == nil || len(r.Traffic.Supported) != 2 || !slices.Equal(r.Traffic.Supported[0].Countermeasures, []string{"cm-fw"}) {
					t.Errorf("traffic section: %+v", r.Traffic)
				}
			} else if r.Traffic != nil {
				t.Errorf("traffic section without captures: %+v", r.Traffic)
			}
		})
	}
}

// TestScenarioCapability: zone z-c with SL-T FR1 2 and cm-iac (technical, evidenced)
// meeting every FR1 requirement of SL 1 and SL 2 (SR 1.1, 1.3–1.7, 1.10–1.13 and SR 1.1
// RE 1, 1.2, 1.6 RE 1, 1.8, 1.9, 1.13 RE 1): uncapped, FR1 is 2 claimed and evidenced.
func TestScenarioCapability(t *testing.T) {
	const head = `version: 1
system: {name: t}
zones:
  - {id: z-c, purdue: 1, sl_target: {level: {FR1: 2}, rationale: test}}
countermeasures:
  - id: cm-iac
    name: identification and authentication
    kind: technical
    satisfies: [SR 1.1, SR 1.3, SR 1.4, SR 1.5, SR 1.6, SR 1.7, SR 1.10, SR 1.11, SR 1.12, SR 1.13,
      SR 1.1 RE 1, SR 1.2, SR 1.6 RE 1, SR 1.8, SR 1.9, SR 1.13 RE 1]
    scope: [z-c]
    status: implemented
    evidence: [{kind: test, ref: https://x.example/t, date: 2026-06-01, reviewed_by: QA}]
`
	const comp = `  - id: cm-comp
    name: authenticating proxy in front of the PLC
    kind: technical
    satisfies: []
    scope: [z-c]
    status: implemented
    compensates: [{fr: 1, assets: [plc1], rationale: the proxy authenticates every user before the PLC is reached}]
`
	const current = "    evidence: [{kind: test, ref: https://x.example/p, date: 2026-06-01, reviewed_by: QA}]\n"
	cases := []struct {
		name      string
		assets    string
		extra     string // countermeasures appended
		fr1       int    // SL-A FR1 (claimed and evidenced)
		state     string
		cappedBy  []string
		unknown   []string
		rules     []string // findings expected
		noRules   []string // findings not expected
		atTarget  bool
		compByCM  string
		component string
		sources   []string // "asset source component" of r.Capabilities
	}{
		// plc1 states SL-C 1 on FR1, hmi1 SL-C 3: the cap is 1, set by plc1; FR1 2 → 1,
		// a gap of 1, and the zone is not at target (no "is at target" beside "cannot
		// reach its target").
		{name: "SL-C caps", assets: "  - {id: plc1, zone: z-c, kind: plc, sl_capability: {FR1: 1}}\n  - {id: hmi1, zone: z-c, kind: hmi, sl_capability: 3}\n",
			fr1: 1, state: CapDemonstrated, cappedBy: []string{"plc1"}, rules: []string{"capability/below-target", "gap/below-target"},
			sources: []string{"plc1 sl_capability ", "hmi1 sl_capability "}},
		// An implemented, evidenced compensation for plc1 on FR1 takes plc1 out of the
		// cap: hmi1's 3 remains, above the uncapped 2, so FR1 is 2 and the zone at target.
		{name: "compensation lifts the cap", assets: "  - {id: plc1, zone: z-c, kind: plc, sl_capability: {FR1: 1}}\n  - {id: hmi1, zone: z-c, kind: hmi, sl_capability: 3}\n",
			extra: comp + current, fr1: 2, state: CapDemonstrated, cappedBy: []string{"hmi1"}, noRules: []string{"capability/below-target", "gap/below-target"}, atTarget: true, compByCM: "cm-comp"},
		// The same compensation without evidence does not count: the cap stays 1.
		{name: "compensation without evidence", assets: "  - {id: plc1, zone: z-c, kind: plc, sl_capability: {FR1: 1}}\n  - {id: hmi1, zone: z-c, kind: hmi, sl_capability: 3}\n",
			extra: comp, fr1: 1, state: CapDemonstrated, cappedBy: []string{"plc1"}, rules: []string{"capability/below-target", "countermeasure/no-evidence"}},
		// An EWS with no SL-C: not demonstrated. It does not cap, so FR1 shows the 2
		// the requirements give, and a finding says the capability is not demonstrated.
		// The sensor is a field device and is not counted.
		{name: "unknown SL-C", assets: "  - {id: ews1, zone: z-c, kind: ews}\n  - {id: hmi1, zone: z-c, kind: hmi, sl_capability: 3}\n  - {id: ft1, zone: z-c, kind: sensor}\n",
			fr1: 2, state: CapNotDemonstrated, cappedBy: []string{"hmi1"}, unknown: []string{"ews1"}, rules: []string{"capability/not-demonstrated"}, atTarget: true},
		// plc2 inherits SL-C 1 on FR1 from its component's current certificate: cap 1.
		{name: "component certificate", assets: "  - {id: plc2, zone: z-c, kind: plc, component: comp-plc}\n",
			component: "components:\n  - {id: comp-plc, type: embedded-device, level: {FR1: 1, FR2: 1, FR3: 1, FR4: 1, FR5: 1, FR6: 1, FR7: 1}, certificate: {kind: certificate, ref: https://cb.example/c1, date: 2026-01-10, reviewed_by: QA, expires: 2029-01-10}}\n",
			fr1:       1, state: CapDemonstrated, cappedBy: []string{"plc2"}, rules: []string{"capability/below-target"},
			sources: []string{"plc2 component-certificate comp-plc"}},
		// The certificate expired and the component lists no answers: SL-C unknown.
		{name: "component certificate expired", assets: "  - {id: plc2, zone: z-c, kind: plc, component: comp-plc}\n",
			component: "components:\n  - {id: comp-plc, type: embedded-device, level: 1, certificate: {kind: certificate, ref: https://cb.example/c1, date: 2023-01-10, reviewed_by: QA, expires: 2026-01-10}}\n",
			fr1:       2, state: CapNotDemonstrated, unknown: []string{"plc2"}, rules: []string{"capability/not-demonstrated", "capability/certificate-not-current"}, atTarget: true,
			sources: []string{}},
		// No certificate: the level is computed from the answers (FR1 needs all of its
		// SL 1 CRs; none are listed, so FR1 is 0).
		{name: "component answers", assets: "  - {id: plc2, zone: z-c, kind: plc, component: comp-plc}\n",
			component: "components:\n  - {id: comp-plc, type: embedded-device, meets: [CR 7.1]}\n",
			fr1:       0, state: CapDemonstrated, cappedBy: []string{"plc2"}, rules: []string{"capability/below-target"},
			sources: []string{"plc2 component-requirements comp-plc"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := head + tc.extra + "assets:\n" + tc.assets + tc.component
			r := assessFile(t, "", src, Options{})
			z := subjectOf(r, "z-c")
			fr1 := z.FRs[0]
			if z.Achieved[0] != tc.fr1 || z.Claimed[0] != tc.fr1 || fr1.Achieved != tc.fr1 {
				t.Errorf("FR1 SL-A %d (claimed %d), want %d", z.Achieved[0], z.Claimed[0], tc.fr1)
			}
			c := fr1.Capability
			if c == nil || c.State != tc.state || !slices.Equal(c.CappedBy, append([]string{}, tc.cappedBy...)) || !slices.Equal(c.Unknown, append([]string{}, tc.unknown...)) {
				t.Errorf("capability %+v, want state %s capped by %v unknown %v", c, tc.state, tc.cappedBy, tc.unknown)
			}
			if tc.compByCM != "" && (len(c.Compensated) != 1 || c.Compensated[0].Countermeasure != tc.compByCM || c.Compensated[0].Asset != "plc1") {
				t.Errorf("compensated: %+v", c.Compensated)
			}
			if z.AtTarget() != tc.atTarget {
				t.Errorf("at target %v, want %v", z.AtTarget(), tc.atTarget)
			}
			for _, rule := range tc.rules {
				if len(findingsOf(r, rule)) == 0 {
					t.Errorf("no %s finding", rule)
				}
			}
			for _, rule := range tc.noRules {
				if msgs := findingsOf(r, rule); len(msgs) > 0 {
					t.Errorf("unexpected %s: %q", rule, msgs)
				}
			}
			if tc.sources != nil {
				got := []string{}
				for _, c := range r.Capabilities {
					got = append(got, c.Asset+" "+c.Source+" "+c.Component)
				}
				if !slices.Equal(got, tc.sources) {
					t.Errorf("asset capabilities %q, want %q", got, tc.sources)
				}
			}
			// Never "cannot reach its target" beside "at target".
			if z.AtTarget() && len(findingsOf(r, "capability/below-target")) > 0 {
				t.Error("the zone is at target and a finding says it cannot reach it")
			}
		})
	}
}

// TestComponentLevel: 62443-4-2 FR7 for any component type is CR 7.1, 7.2, 7.3, 7.4,
// 7.6, 7.7 at SL 1 (CR 7.5 too once the catalog levels it), CR 7.1 RE 1, 7.3 RE 1 and
// 7.8 at SL 2, CR 7.6 RE 1 at SL 3. Meeting the SL 1 set gives FR7 1; adding the SL 2
// set gives 2. Meeting nothing of FR1 gives 0.
func TestComponentLevel(t *testing.T) {
	sl1 := []string{"CR 7.1", "CR 7.2", "CR 7.3", "CR 7.4", "CR 7.5", "CR 7.6", "CR 7.7"}
	sl2 := append(slices.Clone(sl1), "CR 7.1 RE 1", "CR 7.3 RE 1", "CR 7.8")
	cat := catalog.Default()
	for _, typ := range model.ComponentTypes {
		if v := ComponentLevel(cat, typ, sl1); v[6] != 1 || v[0] != 0 {
			t.Errorf("%s SL 1 set: %v", typ, v)
		}
		if v := ComponentLevel(cat, typ, sl2); v[6] != 2 {
			t.Errorf("%s SL 2 set: %v", typ, v)
		}
	}
}

// TestScenarioConduitSet: the conduit meets SR 5.1, 5.1 RE 1, 5.2, 5.2 RE 1 and
// 5.3 with evidence. On a conduit FR5 is SR 5.1–5.3 at SL 1 and the two REs at SL 2, so
// FR5 is 2 (it was 0 when SR 5.4, a zone's application partitioning, was asked of it). A
// backup scoped to "*" claims SR 7.3, 7.3 RE 1 and 7.4: the zone counts them (FR7 met
// lists them), the conduit does not (backup is no property of a network path), so the
// conduit's FR7 at SL 1 misses SR 7.1, 7.6 and 7.7 (the catalog's conduit set) only.
func TestScenarioConduitSet(t *testing.T) {
	const src = `version: 1
system: {name: t}
zones:
  - {id: z-a, purdue: 2, sl_target: {level: {FR7: 1}, rationale: test}}
  - {id: z-b, purdue: 1}
conduits:
  - {id: c-ab, zones: [z-a, z-b], boundary: firewall, sl_target: {level: {FR2: 1, FR5: 2, FR7: 1}, rationale: test}, allow: [{from: z-a, to: z-b, protocol: modbus}]}
countermeasures:
  - {id: cm-fw, name: firewall, kind: technical, satisfies: [SR 5.1, SR 5.1 RE 1, SR 5.2, SR 5.2 RE 1, SR 5.3], scope: [c-ab], status: implemented,
     evidence: [{kind: configuration, ref: https://x.example/fw, date: 2026-06-01, reviewed_by: QA}]}
  - {id: cm-backup, name: backup, kind: technical, satisfies: [SR 7.3, SR 7.3 RE 1, SR 7.4], scope: ["*"], status: implemented,
     evidence: [{kind: test, ref: https://x.example/restore, date: 2026-06-01, reviewed_by: QA}]}
`
	r := assessFile(t, "", src, Options{})
	c := subjectOf(r, "c-ab")
	if c.Achieved[4] != 2 || c.Gap[4] != 0 {
		t.Errorf("conduit FR5 SL-A %d gap %d, want 2 and 0", c.Achieved[4], c.Gap[4])
	}
	if fr7 := c.FRs[6]; slices.Contains(fr7.Met, "SR 7.3") || !slices.Equal(fr7.Missing, []string{"SR 7.1", "SR 7.6", "SR 7.7"}) {
		t.Errorf("conduit FR7 met %v missing %v, want SR 7.3 nowhere and SR 7.1, 7.6, 7.7 missing", fr7.Met, fr7.Missing)
	}
	if fr7 := subjectOf(r, "z-a").FRs[6]; !slices.Equal(fr7.Met, []string{"SR 7.3", "SR 7.4"}) {
		t.Errorf("zone FR7 met %v, want SR 7.3 and SR 7.4", fr7.Met)
	}
	// Nothing of FR 2 applies to a conduit below SL 2 (SR 2.6): with SL-T FR2 1 and
	// nothing met, the conduit's FR 2 is 0, not 1 for having met nothing.
	if c.Achieved[1] != 0 {
		t.Errorf("conduit FR2 SL-A %d with nothing met, want 0", c.Achieved[1])
	}
}

// TestScenarioPlausibility: an ISO/IEC 27001 certificate (management-certificate)
// claiming SR 5.1 and SR 5.2, locked cabinets (physical) claiming SR 3.5 and SR 5.1, and
// a measure without a kind claiming SR 5.3 and SR 5.4, all evidenced, in a zone with
// SL-T FR5 1. The certificate's claims and the cabinets' SR 3.5 count nowhere (one
// finding each naming the requirements); the cabinets' SR 5.1 is plausible (physical
// separation) and the kind-less claims count with a low finding. So FR5 has SR 5.1, 5.3,
// 5.4 but not SR 5.2: SL-A 0, and SR 5.2 is open, not claimed.
func TestScenarioPlausibility(t *testing.T) {
	const src = `version: 1
system: {name: t}
zones:
  - {id: z-a, purdue: 2, sl_target: {level: {FR5: 1}, rationale: test}}
countermeasures:
  - {id: cm-iso, name: ISO 27001 certificate, kind: management-certificate, satisfies: [SR 5.1, SR 5.2], scope: [z-a], status: implemented,
     evidence: [{kind: certificate, ref: https://x.example/iso, date: 2026-06-01, reviewed_by: QA}]}
  - {id: cm-cab, name: locked cabinets, kind: physical, satisfies: [SR 3.5, SR 5.1], scope: [z-a], status: implemented,
     evidence: [{kind: audit, ref: https://x.example/walk, date: 2026-06-01, reviewed_by: QA}]}
  - {id: cm-x, name: something, satisfies: [SR 5.3, SR 5.4], scope: [z-a], status: implemented,
     evidence: [{kind: document, ref: https://x.example/x, date: 2026-06-01, reviewed_by: QA}]}
`
	r := assessFile(t, "", src, Options{})
	z := subjectOf(r, "z-a")
	if z.Claimed[4] != 0 || !slices.Equal(z.FRs[4].Met, []string{"SR 5.1", "SR 5.3", "SR 5.4"}) || !slices.Equal(z.FRs[4].Missing, []string{"SR 5.2"}) || len(z.FRs[4].Claimed) != 0 {
		t.Errorf("FR5: claimed SL-A %d, %+v", z.Claimed[4], z.FRs[4])
	}
	got := findingsOf(r, "countermeasure/implausible-claim")
	if len(got) != 2 || !strings.Contains(got[0]+got[1], "cm-iso") || !strings.Contains(got[0]+got[1], "SR 5.1, SR 5.2") ||
		!strings.Contains(got[0]+got[1], "cm-cab") || !strings.Contains(got[0]+got[1], "claims SR 3.5,") || !strings.Contains(got[0]+got[1], "management-system certificate") {
		t.Errorf("implausible-claim findings: %q", got)
	}
	if got := findingsOf(r, "countermeasure/kind-not-stated"); len(got) != 1 || !strings.Contains(got[0], "cm-x") || !strings.Contains(got[0], "unchecked") {
		t.Errorf("kind-not-stated findings: %q", got)
	}
	for _, st := range r.Countermeasures {
		if st.ID == "cm-iso" && !slices.Equal(st.Implausible, []string{"SR 5.1", "SR 5.2"}) {
			t.Errorf("cm-iso status: %+v", st)
		}
	}
}

// TestScenarioSubzone: a measure scoped to a zone reaches its subzone. z-p (parent) and
// z-s (its subzone) both have SL-T FR5 1; cm-seg on z-p meets SR 5.1–5.4 with evidence:
// both reach FR5 1.
func TestScenarioSubzone(t *testing.T) {
	const src = `version: 1
system: {name: t}
zones:
  - {id: z-p, purdue: 2, sl_target: {level: {FR5: 1}, rationale: test}}
  - {id: z-s, purdue: 2, parent: z-p, sl_target: {level: {FR5: 1}, rationale: test}}
countermeasures:
  - {id: cm-seg, name: s, kind: technical, satisfies: [SR 5.1, SR 5.2, SR 5.3, SR 5.4], scope: [z-p], status: implemented,
     evidence: [{kind: configuration, ref: https://x.example/1, date: 2026-06-01, reviewed_by: QA}]}
`
	r := assessFile(t, "", src, Options{})
	for _, id := range []string{"z-p", "z-s"} {
		if z := subjectOf(r, id); z.Achieved[4] != 1 || !z.AtTarget() {
			t.Errorf("%s FR5 SL-A %d", id, z.Achieved[4])
		}
	}
}

// TestNoTargetNoGapFinding: a zone with no SL-T has no gap finding ("below its target:
// 0 requirements missing" was nonsense); its missing target has its own finding.
func TestNoTargetNoGapFinding(t *testing.T) {
	const src = `version: 1
system: {name: t}
zones:
  - {id: z-none, purdue: 2}
`
	r := assessFile(t, "", src, Options{})
	for _, f := range r.Findings {
		if f.Rule == "gap/below-target" {
			t.Errorf("gap finding for a zone without target: %s", f.Message)
		}
	}
	if r.Summary.ZonesWithTarget != 0 || r.Summary.ZonesAtTarget != 0 {
		t.Errorf("summary: %+v", r.Summary)
	}
}

// TestPlanCappedActionRanksLast: zone z-big (criticality critical, SL-T FR1 2 and FR7 1)
// has a PLC at SL-C 1 on FR1 and nothing implemented. Meeting FR1's SL 2 requirements
// there raises nothing (the PLC caps FR1 at 1), so every action made only of SL 2
// requirements of FR1 (SR 1.2, 1.8, 1.9 have no SL 1 part) must come after every action
// that lifts an SL-A, whatever their scores.
func TestPlanCappedActionRanksLast(t *testing.T) {
	const src = `version: 1
system: {name: t}
zones:
  - {id: z-big, purdue: 1, sl_target: {level: {FR1: 2, FR7: 1}, rationale: test}}
assets:
  - {id: plc1, zone: z-big, kind: plc, criticality: critical, sl_capability: 1}
`
	r := assessFile(t, "", src, Options{})
	seenDead := false
	for _, a := range r.Plan {
		if len(a.Lifts) == 0 {
			seenDead = true
			continue
		}
		if seenDead {
			t.Errorf("action %q lifts %v but ranks after one that lifts nothing", a.Title, a.Lifts)
		}
	}
	var dead []string
	for _, a := range r.Plan {
		if len(a.Lifts) == 0 {
			dead = append(dead, a.Title)
		}
	}
	if !slices.Contains(dead, "Meet SR 1.2 Software process and device identification and authentication") {
		t.Errorf("SR 1.2 (SL 2 only, capped) should lift nothing: %q", dead)
	}
}
