package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// crsMarkdown writes the specification as Markdown: the same sections as the HTML,
// without the drawing (the zone and conduit tables carry its facts). Every name from the
// model goes through mdEscape, so it stays in its cell and cannot become markup.
func crsMarkdown(out io.Writer, v *crsView) error {
	w := textsafe.NewWriter(out)
	p := w.Printf
	e := mdEscape
	// codes writes ids as escaped text: a code span would keep a | from being escaped,
	// which would split a table cell.
	codes := func(ids []string, sep string) string { return mdList(ids, sep) }
	missing := func(s string) { p("*%s*\n\n", e(s)) }

	p("# %s — Cybersecurity requirements specification\n\n", e(v.System))
	p("IEC 62443-3-2 ZCR 6 · Issued %s", e(v.Date))
	if v.Owner != "" {
		p(" · Asset owner: %s", e(v.Owner))
	} else {
		p(" · Asset owner: *not stated in the model (system.owner)*")
	}
	p("\n\n")
	if v.Content != nil {
		p("Model content: SHA-256 `%s` over %s\n\n", v.Content.SHA256, countWord(len(v.Content.Files), "file", "files"))
	}
	p("**Approval:** %s\n\n", e(v.ApprovalText))

	p("## 1. System under consideration\n\n")
	if v.Description != "" {
		p("%s\n\n", e(v.Description))
	} else {
		missing("The model gives no description of the system (system.description).")
	}
	p("### Boundary\n\n")
	if v.BoundaryText != "" {
		p("%s\n\n", e(v.BoundaryText))
	}
	for _, g := range v.BoundaryGaps {
		missing(g)
	}
	if len(v.AccessPoints) > 0 {
		p("### Access points\n\nWhere the system is reached from outside its boundary.\n\n")
		p("| Id | Name | Kind | Enters zone | Through conduit | Conduit boundary | Description |\n|---|---|---|---|---|---|---|\n")
		for _, a := range v.AccessPoints {
			conduit := "*none named*"
			if a.Conduit != "" {
				conduit = codes([]string{a.Conduit}, "")
			}
			p("| %s | %s | %s | %s | %s | %s | %s |\n", codes([]string{a.ID}, ""), e(a.Name), e(a.Kind), codes([]string{a.Zone}, ""), conduit, e(a.Boundary), e(a.Description))
		}
		p("\n")
	}

	p("## 2. Target security levels\n\nSL-T per foundational requirement, FR 1 to FR 7 (")
	for i, f := range v.FRs {
		if i > 0 {
			p(", ")
		}
		p("FR %d %s", f.FR, f.Code)
	}
	p(").\n\n### Zones\n\n| Zone | Purdue | SL-T | Basis | Rationale and derivation |\n|---|---|---|---|---|\n")
	for _, s := range v.Zones {
		name := codes([]string{s.ID}, "") + " " + e(s.Name)
		if len(s.Flags) > 0 {
			name += " (" + e(strings.Join(s.Flags, ", ")) + ")"
		}
		if s.Parent != "" {
			name += ", subzone of " + codes([]string{s.Parent}, "")
		}
		p("| %s | %s | %s | %s | %s |\n", name, e(orWord(s.Purdue, "not set")), mdTarget(&s), e(s.targetBasis()), mdRationale(&s))
	}
	p("\n### Conduits\n\n")
	if len(v.Conduits) == 0 {
		missing("The model has no conduits.")
	} else {
		p("| Conduit | Joins | Boundary | SL-T | Basis | Rationale and derivation |\n|---|---|---|---|---|---|\n")
		for _, s := range v.Conduits {
			p("| %s %s | %s | %s | %s | %s | %s |\n", codes([]string{s.ID}, ""), e(s.Name), codes(s.Zones, " ↔ "), e(s.Boundary), mdTarget(&s), e(s.targetBasis()), mdRationale(&s))
		}
		p("\n")
	}

	p("## 3. Operating environment, policies and regulations\n\n")
	for _, g := range v.EnvironmentGaps {
		missing(g)
	}
	list := func(title string, items []string, field string) {
		p("### %s\n\n", title)
		if len(items) == 0 {
			missing("None recorded (system.environment." + field + ").")
			return
		}
		for _, it := range items {
			p("- %s\n", e(it))
		}
		p("\n")
	}
	list("Assumptions about the operating environment", v.Assumptions, "assumptions")
	p("### Threat environment\n\n")
	if v.ThreatEnvironment != "" {
		p("%s\n\n", e(v.ThreatEnvironment))
	} else {
		missing("Not described (system.environment.threat_environment).")
	}
	list("Organisational policies", v.Policies, "policies")
	list("Regulatory requirements", v.Regulations, "regulations")

	p("## 4. Tolerable risk and threats considered\n\n")
	p("The organisation accepts risk up to **%s** on its risk matrix (rows: likelihood, highest first; columns: consequence).\n\n", e(v.Tolerable))
	p("| Likelihood \\\\ consequence |")
	for _, c := range v.Method.Consequence {
		p(" %d %s |", c.Level, e(c.Label))
	}
	p("\n|---|%s\n", strings.Repeat("---|", len(v.Method.Consequence)))
	for i, row := range v.Matrix {
		l := v.Method.Likelihood[len(v.Method.Likelihood)-1-i]
		p("| %d %s |", l.Level, e(l.Label))
		for _, c := range row {
			p(" %s |", e(c.Level))
		}
		p("\n")
	}
	p("\n### Threats considered\n\n")
	for _, g := range v.ThreatGaps {
		missing(g)
	}
	if len(v.Threats) > 0 {
		p("| Threat | Source (capability) | Targets | FRs | L × C | Unmitigated | Residual | Vulnerabilities |\n|---|---|---|---|---|---|---|---|\n")
		for _, t := range v.Threats {
			res := e(t.Residual)
			if !t.Tolerable {
				res += " **above tolerable**"
			}
			var vulns []string
			for _, vu := range t.Vulnerabilities {
				vulns = append(vulns, codes([]string{vu.ID}, "")+" "+e(vu.Description))
			}
			if len(vulns) == 0 {
				vulns = []string{"—"}
			}
			p("| %s %s | %s (%s) | %s | %s | %d × %d (%s) | %s | %s | %s |\n", codes([]string{t.ID}, ""), e(t.Name), e(t.Source), e(t.Capability),
				codes(t.Targets, ", "), e(t.FRs), t.Likelihood, t.Consequence, e(t.WorstCategory), e(t.Unmitigated), res, strings.Join(vulns, "; "))
		}
		p("\n")
	}

	p("## 5. Security requirements per zone and conduit\n\n")
	p("Each zone and conduit must meet the IEC 62443-3-3 system requirements (SR) and requirement enhancements (RE) that apply up to its target level on each foundational requirement; a conduit is held to those that concern communication between zones, a zone to those that concern the systems in it.\n\n")
	for _, group := range [][]crsSubject{v.Zones, v.Conduits} {
		for _, s := range group {
			p("### %s %s %s — SL-T %s\n\n", s.Kind, codes([]string{s.ID}, ""), e(s.Name), mdTarget(&s))
			if !s.HasTarget {
				missing(fmt.Sprintf("No target security level: none is stated and no threat bears on this %s, so no requirement can be specified for it.", s.Kind))
				continue
			}
			p("%s apply.\n\n| FR | SL-T | Requirements |\n|---|---|---|\n", capitalize(countWord(s.Count, "requirement", "requirements")))
			for _, f := range s.FRs {
				var reqs []string
				for _, r := range f.Reqs {
					reqs = append(reqs, fmt.Sprintf("%s %s", r.ID, e(r.Title)))
				}
				cell := strings.Join(reqs, "; ")
				if cell == "" {
					cell = fmt.Sprintf("none at level %d", f.Level)
				}
				p("| FR %d %s | %d | %s |\n", f.FR, f.Code, f.Level, cell)
			}
			p("\n")
		}
	}

	p("## 6. Open points\n\n")
	if len(v.Findings) == 0 {
		p("None: the boundary and its access points raise no finding.\n\n")
	} else {
		p("| Severity | Subject | What | To do |\n|---|---|---|---|\n")
		for _, f := range v.Findings {
			p("| %s | %s | %s (%s; %s) | %s |\n", f.Severity, codes([]string{f.Subject}, ""), e(f.Message), e(f.Rule), e(strings.Join(f.Requirements, ", ")), e(f.Fix))
		}
		p("\n")
	}

	p("## 7. Asset owner approval\n\n%s\n\n", e(v.ApprovalText))
	if st := v.Approval; st != nil {
		if a := st.Approval; a != nil {
			who := "Last approved by"
			if st.State == "approved" {
				who = "Approved by"
			}
			p("| | |\n|---|---|\n| %s | %s |\n| Role | %s |\n| At (UTC) | %s |\n", who, e(a.By), e(a.Role), e(a.ApprovedAt))
			if a.Comment != "" {
				p("| Comment | %s |\n", e(a.Comment))
			}
			p("| Content approved | SHA-256 `%s` |\n\n", a.Content.SHA256)
		}
		if len(st.Changes) > 0 {
			p("Changed since that approval:\n\n")
			for _, c := range st.Changes {
				p("- %s %s\n", codes([]string{c.Name}, ""), c.Change)
			}
			p("\n")
		}
		p("This document describes the model content below (%s holds %s). The content digest is the SHA-256 of the lines `sha256  name` in name order: `sha256sum FILES | LC_ALL=C sort -k2 | sha256sum` in the model's folder.\n\n",
			codes([]string{st.File}, ""), countWord(st.Approvals, "approval", "approvals"))
		p("| File | SHA-256 |\n|---|---|\n")
		for _, f := range st.Current.Files {
			p("| %s | `%s` |\n", codes([]string{f.Name}, ""), f.SHA256)
		}
		p("\n")
	}
	if v.ApprovalTone != "ok" {
		p("To approve it: `zonewarden approve MODEL.yaml --by NAME --role ROLE`, then issue this document again.\n\n")
	}
	p("---\nWritten by zonewarden from the plant model. IEC 62443 requirement titles are this project's own short wording, not the standard's text.\n")
	return w.Err()
}

func mdTarget(s *crsSubject) string {
	if !s.HasTarget {
		return "none"
	}
	return vec(s.Target)
}

// mdRationale puts the rationale, the derivation steps and the threats in one cell.
func mdRationale(s *crsSubject) string {
	var parts []string
	if s.Rationale != "" {
		parts = append(parts, mdEscape(s.Rationale))
	} else if s.NoRationale {
		parts = append(parts, "*stated without a rationale*")
	}
	for i, st := range s.Steps {
		parts = append(parts, fmt.Sprintf("%d. %s → %s", i+1, mdEscape(st.Text), vec(st.Level)))
	}
	if len(s.Threats) > 0 {
		parts = append(parts, fmt.Sprintf("threats: %s; risk %s unmitigated, %s residual", mdList(s.Threats, ", "), mdEscape(s.Unmitigated), mdEscape(s.Residual)))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, "; ")
}
