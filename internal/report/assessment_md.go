package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// mdEscape keeps a name from the model on its line and in its table cell, and keeps it
// from being read as Markdown or HTML: a name cannot add a column, a link or a tag.
var mdEscape = textsafe.Markdown

// mdList escapes each of ids and joins them with sep.
func mdList(ids []string, sep string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = mdEscape(id)
	}
	return strings.Join(out, sep)
}

func assessmentMarkdown(out io.Writer, res *assess.Result) error {
	w := textsafe.NewWriter(out)
	p := w.Printf
	s := res.Summary
	p("# %s — IEC 62443 assessment\n\n", mdEscape(res.System.Name))
	p("Date: %s", mdEscape(res.Date))
	if res.System.Owner != "" {
		p(" · Owner: %s", mdEscape(res.System.Owner))
	}
	p(" · Model: %s\n\n", mdList(res.System.Files, ", "))
	if res.Approval != nil {
		p("**Approval:** %s\n\n", mdEscape(res.Approval.Sentence()))
	}

	p("## Summary\n\n")
	p("| | |\n|---|---|\n")
	p("| Zones at target (of those with an SL-T) | %d of %d |\n| Conduits at target (of those with an SL-T) | %d of %d |\n", s.ZonesAtTarget, s.ZonesWithTarget, s.ConduitsAtTarget, s.ConduitsWithTarget)
	p("| FR gaps | %d (%d requirements missing) |\n| Requirements claimed, not evidenced | %d |\n| Threats above tolerable risk | %d of %d |\n", s.GapCount, s.MissingRequirements, s.ClaimedNotEvidenced, s.IntolerableThreats, s.Threats)
	p("| Assets / countermeasures | %d / %d |\n| Findings | %s |\n\n", s.Assets, s.Countermeasures, severityLine(res.Findings))

	p("## Security levels\n\nSL-T is the target; SL-A evidenced the level reached by implemented countermeasures with current evidence, SL-A claimed the level their claims would give if all were evidenced; both are capped by the lowest SL-C of the zone's components, per foundational requirement (FR 1 IAC … FR 7 RA).\n\n")
	p("| Zone / conduit | Purdue | Residual risk | SL-T | SL-A evidenced | SL-A claimed | Gap | SL-C (lowest) |\n|---|---|---|---|---|---|---|---|\n")
	for _, list := range [][]assess.Subject{res.Zones, res.Conduits} {
		for _, z := range list {
			purdue := z.Purdue
			if z.Kind == "conduit" {
				purdue = "conduit: " + mdList(z.Zones, " ↔ ")
			} else {
				purdue = mdEscape(purdue)
			}
			slc := capVec(z)
			p("| %s %s | %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(z.ID), mdEscape(z.Name), purdue, mdEscape(z.Risk.Residual.Name), vec(z.Target), vec(z.Evidenced), vec(z.Claimed), gapMarks(z.Gap), slc)
		}
	}

	if lines := capabilityLines(res); len(lines) > 0 {
		p("\n## Component capability (SL-C)\n\n")
		for _, l := range lines {
			p("- %s\n", mdEscape(l))
		}
	}

	p("\n## Countermeasures and their evidence\n\n| Countermeasure | Kind | Status | Evidence | Notes |\n|---|---|---|---|---|\n")
	for _, c := range res.Countermeasures {
		notes := c.Notes
		if len(c.Implausible) > 0 {
			notes = append(append([]string{}, notes...), "implausible for its kind: "+strings.Join(c.Implausible, ", "))
		}
		p("| %s %s | %s | %s | %s | %s |\n", mdEscape(c.ID), mdEscape(c.Name), dash(mdEscape(c.Kind)), mdEscape(c.Status), mdEscape(c.Evidence), dash(mdList(notes, "; ")))
	}

	p("\n## How each SL-T was set\n\n")
	for _, t := range res.Risk.Targets {
		src := "derived"
		if t.Stated {
			src = "stated"
		}
		p("- **%s** SL-T %s (%s)\n", mdEscape(t.ID), vec(t.Level), src)
		for _, st := range t.Steps {
			p("  - %s → %s\n", mdEscape(st.Text), vec(st.Level))
		}
	}

	p("\n## Risk register\n\n| Threat | Source (capability) | Targets | Unmitigated | Residual | Tolerable | Countermeasures counted |\n|---|---|---|---|---|---|---|\n")
	for _, t := range res.Risk.Threats {
		tol := "yes"
		if !t.Tolerable {
			tol = "**no**"
		}
		p("| %s %s | %s (%s) | %s | %s (L%d×C%d) | %s (L%d×C%d) | %s | %s |\n", mdEscape(t.ID), mdEscape(t.Name), mdEscape(t.Source), mdEscape(t.Capability),
			mdList(t.Targets, ", "), mdEscape(t.Unmitigated.Name), t.Likelihood, t.Consequence,
			mdEscape(t.Residual.Name), t.ResidualLikelihood, t.ResidualConsequence, tol, dash(mdList(t.Counted, ", ")))
	}

	p("\n## Gaps\n\n")
	if len(res.Gaps) == 0 {
		p("Every zone and conduit meets its target.\n")
	}
	for _, g := range res.Gaps {
		p("### %s — FR %d %s: SL-A %d, SL-T %d\n\n", mdEscape(g.Subject), g.FR, catalog.FRName(g.FR), g.Achieved, g.Target)
		for _, m := range g.Missing {
			p("- %s %s (SL %d) — %s\n", mdEscape(m.ID), mdEscape(m.Title), m.LowestSL, mdEscape(m.State))
		}
		if g.Capability != nil {
			p("- capped by component capability: %s at SL-C %d\n", mdList(g.CappedBy, ", "), *g.Capability)
		}
		p("\n")
	}
	p("Partial countermeasures do not count toward SL-A until they are implemented; claimed requirements count once their countermeasure has current evidence.\n")

	p("\n## Remediation plan\n\n| # | Action | Requirements | Where | Lifts | Owner | Due | Score |\n|---|---|---|---|---|---|---|---|\n")
	for _, a := range res.Plan {
		p("| %d | %s | %s | %s | %s | %s | %s | %.1f |\n", a.Rank, mdEscape(a.Title), mdList(a.Requirements, ", "),
			mdList(a.Subjects, ", "), dash(mdList(a.Lifts, "; ")), dash(mdEscape(a.Owner)), dash(mdEscape(a.Due)), a.Score)
	}

	p("\n## Findings\n\n")
	for _, f := range res.Findings {
		p("- **%s** `%s` %s  \n  Fix: %s", strings.ToUpper(f.Severity.String()), f.Rule, mdEscape(f.Message), mdEscape(f.Fix))
		if f.Location != "" {
			p(" (%s)", mdEscape(f.Location))
		}
		p("\n")
	}
	if tr := res.Traffic; tr != nil {
		p("\n## Traffic held against the model\n\n")
		if len(res.Observed) > 0 {
			p("| From zone | To zone | Protocol | Conduit | Violations | Conversations |\n|---|---|---|---|---|---|\n")
			for _, o := range res.Observed {
				p("| %s | %s | %s | %s | %s | %d |\n", mdEscape(o.FromZone), mdEscape(o.ToZone), mdEscape(o.Protocol), dash(mdEscape(o.Conduit)), mdList(o.Violations, ", "), o.Conversations)
			}
			p("\n")
		}
		p("Requirements the traffic supports (evidenced for this run where a countermeasure claims them):\n\n")
		if len(tr.Supported) == 0 {
			p("- none\n")
		}
		for _, s := range tr.Supported {
			p("- %s %s: %s; evidences %s\n", mdEscape(s.Subject), mdEscape(s.Requirement), mdEscape(s.Reason), dash(mdList(s.Countermeasures, ", ")))
		}
		p("\nFindings of the verification:\n\n")
		if len(tr.Findings) == 0 {
			p("- none\n")
		}
		for _, f := range tr.Findings {
			p("- **%s** `%s` %s  \n  Fix: %s", strings.ToUpper(f.Severity.String()), f.Rule, mdEscape(f.Message), mdEscape(f.Fix))
			if f.Evidence != "" {
				p(" (seen: %s)", mdEscape(f.Evidence))
			}
			p("\n")
		}
	}
	if err := w.Err(); err != nil {
		return fmt.Errorf("assessment markdown: %w", err)
	}
	return nil
}

// capVec writes a zone's SL-C per FR: the lowest known SL-C, or "—" where none caps the FR
// (no asset must provide it, none has a known SL-C, or a compensation stands in for them);
// "—" alone when no FR has one.
func capVec(z assess.Subject) string {
	s := make([]string, 0, len(z.FRs))
	known := false
	for _, st := range z.FRs {
		if c := st.Capability; c != nil && c.Level != nil {
			s = append(s, strconv.Itoa(*c.Level))
			known = true
		} else {
			s = append(s, "—")
		}
	}
	if !known {
		return "—"
	}
	return strings.Join(s, " ")
}
