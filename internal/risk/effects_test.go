package risk

import (
	"strings"
	"testing"
)

// ransom is the scenario of issue 14: ransomware reaches the control zone over a legacy
// link that is still open, and the plant counts its firewall and its backups against it.
// A flood threat in the same zone is addressed by the firewall (through the firewall's
// own addresses list) and not by the backup.
const ransom = `version: 1
system: {name: t}
zones:
  - {id: z-ops, purdue: 3, networks: [10.2.0.0/24]}
  - {id: z-ctl, purdue: 2, networks: [10.3.0.0/24]}
conduits:
  - {id: c-legacy, zones: [z-ops, z-ctl], boundary: firewall, allow: [{from: z-ops, to: z-ctl, protocol: modbus}]}
assets:
  - {id: hist, zone: z-ops, kind: historian, ips: [10.2.0.5]}
  - {id: hmi, zone: z-ctl, kind: hmi, ips: [10.3.0.5]}
threats:
  - id: T-ransom
    source: {capability: simple}
    targets: [z-ctl, c-legacy]
    likelihood: 4
    consequences: {production: 4}
    countermeasures: [CM-fw, CM-backup, CM-remove-legacy]
    vulnerabilities: [{id: V-legacy, description: the legacy historian link bypasses the firewall, mitigated_by: [CM-remove-legacy]}]
  - id: T-flood
    source: {capability: casual}
    targets: [z-ctl]
    likelihood: 3
    consequences: {production: 3}
countermeasures:
  - {id: CM-fw, satisfies: [SR 5.1], scope: [c-legacy], status: implemented, effect: prevent, reduces_likelihood: 2, addresses: [T-flood]}
  - {id: CM-backup, satisfies: [SR 7.3], scope: ["*"], status: implemented, effect: recover, reduces_consequence: 1}
  - {id: CM-remove-legacy, satisfies: [SR 5.1 RE 2], scope: [c-legacy], status: planned, effect: prevent, reduces_likelihood: 1}
`

func threatByID(t *testing.T, r *Result, id string) ThreatRisk {
	t.Helper()
	for _, tr := range r.Threats {
		if tr.ID == id {
			return tr
		}
	}
	t.Fatalf("no threat %s", id)
	return ThreatRisk{}
}

func findingsOf(r *Result, rule string) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Rule == rule {
			out = append(out, f.Subject+": "+f.Message)
		}
	}
	return out
}

// TestBackupDoesNotLowerRansomwareLikelihood works the ransom scenario by hand on the
// default 5×5 matrix (rows likelihood, columns consequence; tolerable medium):
//
//	T-ransom unmitigated: L4 × C4 = high.
//	  CM-fw (prevent, −2 likelihood) is held back: V-legacy is open (its mitigation
//	  CM-remove-legacy is only planned), so the threat stays as likely as stated: L4.
//	  CM-backup (recover, −1 consequence): C4 → C3; L4 × C3 = high. A backup limits the
//	  harm; it does not make ransomware less likely, so L stays 4.
//	  CM-remove-legacy: planned, not counted.
//	  Residual L4 × C3 = high > medium: a finding. One likelihood level (L3 × C3 =
//	  medium) or one consequence level (L4 × C2 = medium) would do, once V-legacy closes.
//	T-flood unmitigated: L3 × C3 = medium. CM-fw names it in addresses: −2 → L1;
//	  L1 × C3 = low. CM-backup does not address T-flood (neither lists the other), so its
//	  consequence stays 3.
func TestBackupDoesNotLowerRansomwareLikelihood(t *testing.T) {
	r := Assess(load(t, ransom))
	tr := threatByID(t, r, "T-ransom")
	if tr.Unmitigated.Name != "high" || tr.ResidualLikelihood != 4 || tr.ResidualConsequence != 3 || tr.Residual.Name != "high" || tr.Tolerable {
		t.Errorf("T-ransom: unmitigated %s, residual L%d C%d %s", tr.Unmitigated.Name, tr.ResidualLikelihood, tr.ResidualConsequence, tr.Residual.Name)
	}
	want := []struct {
		cm, via, dim    string
		amount, applied int
		counted         bool
		l, c            int
		risk, note      string
	}{
		{"CM-fw", "threat", "likelihood", 2, 0, false, 4, 4, "high", "held back: open vulnerability V-legacy"},
		{"CM-backup", "threat", "consequence", 1, 1, true, 4, 3, "high", "recover: consequence −1"},
		{"CM-remove-legacy", "threat", "likelihood", 1, 0, false, 4, 3, "high", "planned: only implemented measures count"},
	}
	if len(tr.Mitigations) != len(want) {
		t.Fatalf("T-ransom steps: %+v", tr.Mitigations)
	}
	for i, w := range want {
		st := tr.Mitigations[i]
		if st.Countermeasure != w.cm || st.Via != w.via || st.Dimension != w.dim || st.Amount != w.amount || st.Applied != w.applied ||
			st.Counted != w.counted || st.Likelihood != w.l || st.Consequence != w.c || st.Risk.Name != w.risk || !strings.Contains(st.Note, w.note) {
			t.Errorf("step %d: got %+v, want %+v", i, st, w)
		}
	}
	if len(tr.HeldBy) != 1 || tr.HeldBy[0] != "V-legacy" || len(tr.Vulnerabilities) != 1 || !tr.Vulnerabilities[0].Open {
		t.Errorf("T-ransom vulnerabilities: held %v, %+v", tr.HeldBy, tr.Vulnerabilities)
	}
	if tr.Needed == nil || tr.Needed.Likelihood != 1 || tr.Needed.Consequence != 1 || len(tr.Needed.Vulnerabilities) != 1 {
		t.Errorf("T-ransom needed: %+v", tr.Needed)
	}
	over := findingsOf(r, "risk/residual-above-tolerable")
	if len(over) != 1 || !strings.Contains(over[0], "T-ransom") || !strings.Contains(over[0], "V-legacy") {
		t.Errorf("residual findings: %v", over)
	}

	fl := threatByID(t, r, "T-flood")
	if fl.Unmitigated.Name != "medium" || fl.ResidualLikelihood != 1 || fl.ResidualConsequence != 3 || fl.Residual.Name != "low" ||
		len(fl.Mitigations) != 1 || fl.Mitigations[0].Via != "addresses" || fl.Mitigations[0].Applied != 2 {
		t.Errorf("T-flood: residual L%d C%d %s, steps %+v", fl.ResidualLikelihood, fl.ResidualConsequence, fl.Residual.Name, fl.Mitigations)
	}
	for _, rule := range []string{"risk/effect-not-stated", "risk/reduction-outside-effect"} {
		if f := findingsOf(r, rule); len(f) != 0 {
			t.Errorf("unexpected %s: %v", rule, f)
		}
	}
}

// TestLegacyLinkRemoved: once CM-remove-legacy is implemented, V-legacy is closed and the
// likelihood measures count: L4 −2 (CM-fw) −1 (CM-remove-legacy) = L1, C4 −1 (CM-backup)
// = C3; L1 × C3 = low, within the tolerable medium.
func TestLegacyLinkRemoved(t *testing.T) {
	src := strings.Replace(ransom, "scope: [c-legacy], status: planned", "scope: [c-legacy], status: implemented", 1)
	tr := threatByID(t, Assess(load(t, src)), "T-ransom")
	if tr.ResidualLikelihood != 1 || tr.ResidualConsequence != 3 || tr.Residual.Name != "low" || !tr.Tolerable ||
		len(tr.HeldBy) != 0 || tr.Vulnerabilities[0].Open || tr.Vulnerabilities[0].ClosedBy != "CM-remove-legacy" {
		t.Errorf("T-ransom after removal: L%d C%d %s, %+v", tr.ResidualLikelihood, tr.ResidualConsequence, tr.Residual.Name, tr)
	}
	// The second likelihood step stops at the bottom of the scale: L2 −1 = L1, applied 1.
	if st := tr.Mitigations[2]; st.Applied != 1 || st.Likelihood != 1 {
		t.Errorf("CM-remove-legacy step: %+v", st)
	}
}

// TestEffectFindings: claims the effect does not allow, or no effect at all, change no
// rating and are findings.
//
//	CM-backup written the old way (recover, reduces_likelihood 1, no consequence amount):
//	  the likelihood amount is ignored and nothing else is stated, so T-ransom keeps
//	  L4 × C4 = high and the measure is a reduction-outside-effect finding.
//	CM-fw with no effect: credits nothing; T-flood keeps L3 × C3 = medium and CM-fw is an
//	  effect-not-stated finding naming both threats it addresses.
//	A detect measure with reduces_consequence only: outside its effect, a finding.
func TestEffectFindings(t *testing.T) {
	src := strings.NewReplacer(
		"effect: recover, reduces_consequence: 1", "effect: recover, reduces_likelihood: 1",
		"status: implemented, effect: prevent, reduces_likelihood: 2,", "status: implemented,",
	).Replace(ransom) + "  - {id: CM-ids, satisfies: [SR 6.2], scope: [z-ctl], status: planned, effect: detect, reduces_consequence: 1}\n"
	r := Assess(load(t, src))
	tr := threatByID(t, r, "T-ransom")
	if tr.ResidualLikelihood != 4 || tr.ResidualConsequence != 4 || tr.Residual.Name != "high" || len(tr.Counted) != 0 {
		t.Errorf("T-ransom: L%d C%d %s counted %v", tr.ResidualLikelihood, tr.ResidualConsequence, tr.Residual.Name, tr.Counted)
	}
	if st := tr.Mitigations[1]; st.Counted || !strings.Contains(st.Note, "without reduces_consequence") || !strings.Contains(st.Note, "ignored") {
		t.Errorf("CM-backup step: %+v", st)
	}
	fl := threatByID(t, r, "T-flood")
	if fl.ResidualLikelihood != 3 || fl.Residual.Name != "medium" || fl.NotCounted[0] != "CM-fw (no effect stated)" {
		t.Errorf("T-flood: %+v", fl)
	}
	outside := findingsOf(r, "risk/reduction-outside-effect")
	if len(outside) != 2 || !strings.HasPrefix(outside[0], "CM-backup:") || !strings.HasPrefix(outside[1], "CM-ids:") {
		t.Errorf("reduction-outside-effect: %v", outside)
	}
	none := findingsOf(r, "risk/effect-not-stated")
	if len(none) != 1 || !strings.Contains(none[0], "CM-fw addresses T-ransom, T-flood") {
		t.Errorf("effect-not-stated: %v", none)
	}
}
