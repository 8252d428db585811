package model

import (
	"strings"
	"testing"
	"time"
)

// assured is the minimal model with every assurance part: a boundary with an access
// point, the environment, evidence records, a compensating countermeasure with its
// effect, a vulnerability, and a component assessment an asset names.
var assured = strings.Replace(strings.Replace(strings.Replace(minimal, "  name: Test plant\n", `  name: Test plant
  evidence_months: 24
  boundary:
    description: the packaging line and its supervisory network
    access_points:
      - {id: ap-vpn, name: Vendor VPN, kind: remote-access, zone: z-a, conduit: c-ab}
  environment:
    assumptions: [the control room is staffed around the clock]
    threat_environment: opportunistic ransomware and insiders
    policies: [site security policy rev 4]
    regulations: [NIS2]
`, 1), "  - {id: cm1, satisfies: [SR 5.1], scope: [c-ab], status: implemented}\n", `  - id: cm1
    satisfies: [SR 5.1]
    scope: [c-ab]
    status: implemented
    kind: technical
    effect: prevent
    addresses: [t1]
    compensates: [{fr: 1, assets: [plc], rationale: the PLC has no user authentication; the firewall admits only the EWS}]
    evidence:
      - {kind: configuration, ref: fw/rules.txt, sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, date: 2026-03-01, reviewed_by: A. Auditor, expires: 2027-03-01}
      - old-style reference
components:
  - {id: cp-plc, vendor: Acme, product: P1, type: embedded-device, meets: [CR 1.1], certificate: {kind: certificate, ref: https://example.org/cert, date: 2025-01-01, reviewed_by: CB}, level: {FR1: 2}}
`, 1), "  - {id: plc, zone: z-b, kind: plc, ips: [10.0.2.10]}\n", "  - {id: plc, zone: z-b, kind: plc, ips: [10.0.2.10], component: cp-plc}\n", 1)

func TestAssuranceLoads(t *testing.T) {
	src := strings.Replace(assured, "    countermeasures: [cm1]\n", "    countermeasures: [cm1]\n    vulnerabilities: [{id: CVE-2021-0001, assets: [plc], source: declared, mitigated_by: [cm1]}]\n", 1)
	m, err := parse(t, src)
	if err != nil {
		t.Fatal(err)
	}
	cm := &m.Countermeasures[0]
	if len(cm.Evidence) != 2 || cm.Evidence[0].Kind != "configuration" || !cm.Evidence[1].Legacy || cm.Evidence[1].Ref != "old-style reference" {
		t.Errorf("evidence: %+v", cm.Evidence)
	}
	if m.System.Boundary == nil || len(m.System.Boundary.AccessPoints) != 1 || m.System.Environment == nil || m.System.EvidenceMonths != 24 {
		t.Errorf("system: %+v", m.System)
	}
	if len(m.Components) != 1 || m.Assets[0].Component != "cp-plc" || len(m.Threats[0].Vulnerabilities) != 1 || m.Threats[0].Vulnerabilities[0].MitigatedBy[0] != "cm1" {
		t.Errorf("components, asset, vulnerabilities: %+v %+v %+v", m.Components, m.Assets[0], m.Threats[0].Vulnerabilities)
	}
	if err := compileSchema(t).Validate(yamlToInstance(t, []byte(src))); err != nil {
		t.Errorf("the schema rejects it: %v", err)
	}
}

// TestVulnerabilityMitigatedBy: mitigated_by names countermeasures; anything else is an
// error at load, which the schema (blind to references) cannot see.
func TestVulnerabilityMitigatedBy(t *testing.T) {
	src := strings.Replace(assured, "    countermeasures: [cm1]\n", "    countermeasures: [cm1]\n    vulnerabilities: [{id: V-1, mitigated_by: [t1]}]\n", 1)
	if _, err := parse(t, src); err == nil || !strings.Contains(err.Error(), `mitigated_by unknown countermeasure "t1"`) {
		t.Errorf("want an error naming the unknown countermeasure, got %v", err)
	}
}

func TestAssuranceRejects(t *testing.T) {
	s := compileSchema(t)
	for _, bad := range []struct{ old, new, msg string }{
		{"kind: technical", "kind: paperwork", `unknown kind "paperwork"`},
		{"effect: prevent", "effect: pray", `unknown effect "pray"`},
		{"addresses: [t1]", "addresses: [t9]", `addresses unknown threat "t9"`},
		{"{fr: 1, assets: [plc]", "{fr: 9, assets: [plc]", "compensates FR 9"},
		{"rationale: the PLC has no user authentication; the firewall admits only the EWS", "rationale: ''", "without a rationale"},
		{"kind: configuration", "kind: rumour", `evidence kind "rumour"`},
		{"date: 2026-03-01", "date: last spring", `evidence date "last spring" is not a date`},
		{"sha256: 9f86d0", "sha256: 9f86d", "not a SHA-256 digest"},
		{"kind: remote-access", "kind: wormhole", `unknown kind "wormhole"`},
		{"zone: z-a, conduit: c-ab", "zone: z-q, conduit: c-ab", `unknown zone "z-q"`},
		{"type: embedded-device", "type: toaster", `unknown type "toaster"`},
		{"component: cp-plc", "component: cp-none", `unknown component "cp-none"`},
	} {
		src := strings.Replace(assured, bad.old, bad.new, 1)
		if src == assured {
			t.Fatalf("%q is not in the model", bad.old)
		}
		_, err := parse(t, src)
		if err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("%q: want an error with %q, got %v", bad.new, bad.msg, err)
		}
		if bad.msg == "not a SHA-256 digest" || strings.Contains(bad.msg, "unknown zone") || strings.Contains(bad.msg, "unknown component") ||
			strings.Contains(bad.msg, "unknown threat") || strings.Contains(bad.msg, "rationale") || strings.Contains(bad.msg, "is not a date") {
			continue // the schema cannot see references or dates' meaning
		}
		if err := s.Validate(yamlToInstance(t, []byte(src))); err == nil {
			t.Errorf("the schema accepts %q", bad.new)
		}
	}
}

func TestEvidenceCurrency(t *testing.T) {
	day := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		e    Evidence
		want Currency
	}{
		{Evidence{Kind: "test", Ref: "r", Date: "2026-01-10", ReviewedBy: "x"}, EvidenceCurrent},
		{Evidence{Kind: "test", Ref: "r", Date: "2025-05-01", ReviewedBy: "x"}, EvidenceExpired},                        // older than 12 months
		{Evidence{Kind: "test", Ref: "r", Date: "2025-05-01", ReviewedBy: "x", Expires: "2027-01-01"}, EvidenceCurrent}, // its expiry rules
		{Evidence{Kind: "test", Ref: "r", Date: "2026-01-10", ReviewedBy: "x", Expires: "2026-06-01"}, EvidenceExpired}, // expires that day
		{Evidence{Kind: "test", Ref: "r", Date: "2026-01-10"}, EvidenceIncomplete},                                      // nobody reviewed it
		{Evidence{Kind: "document", Ref: "r", Legacy: true}, EvidenceIncomplete},
		{Evidence{Kind: "test", Ref: "r", Date: "2026-07-01", ReviewedBy: "x"}, EvidenceFuture},
	} {
		if got, why := tc.e.Currency(day, DefaultEvidenceMonths); got != tc.want {
			t.Errorf("%+v: %s (%s), want %s", tc.e, got, why, tc.want)
		}
	}
}
