package report

import (
	"fmt"
	"io"
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

	p("## Summary\n\n")
	p("| | |\n|---|---|\n")
	p("| Zones at target | %d of %d |\n| Conduits at target | %d of %d |\n", s.ZonesAtTarget, s.Zones, s.ConduitsAtTarget, s.Conduits)
	p("| FR gaps | %d (%d requirements missing) |\n| Threats above tolerable risk | %d of %d |\n", s.GapCount, s.MissingRequirements, s.IntolerableThreats, s.Threats)
	p("| Assets / countermeasures | %d / %d |\n| Findings | %s |\n\n", s.Assets, s.Countermeasures, severityLine(res.Findings))

	p("## Security levels\n\nSL-T is the target, SL-A the level achieved by implemented countermeasures, per foundational requirement (FR 1 IAC … FR 7 RA).\n\n")
	p("| Zone / conduit | Purdue | Residual risk | SL-T | SL-A | Gap | SL-C (lowest) |\n|---|---|---|---|---|---|---|\n")
	for _, list := range [][]assess.Subject{res.Zones, res.Conduits} {
		for _, z := range list {
			purdue := z.Purdue
			if z.Kind == "conduit" {
				purdue = "conduit: " + mdList(z.Zones, " ↔ ")
			} else {
				purdue = mdEscape(purdue)
			}
			slc := "—"
			if !z.Capability.IsZero() {
				slc = vec(z.Capability)
			}
			p("| %s %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(z.ID), mdEscape(z.Name), purdue, mdEscape(z.Risk.Residual.Name), vec(z.Target), vec(z.Achieved), gapMarks(z.Gap), slc)
		}
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
		p("\n")
	}
	p("Partial countermeasures do not count toward SL-A until they are implemented.\n")

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
	if err := w.Err(); err != nil {
		return fmt.Errorf("assessment markdown: %w", err)
	}
	return nil
}
