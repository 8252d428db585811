package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// vec writes an SL vector compactly: "2 2 3 1 2 2 2".
func vec(v model.SLVector) string {
	s := make([]string, len(v))
	for i, l := range v {
		s[i] = fmt.Sprint(l)
	}
	return strings.Join(s, " ")
}

// gapMarks writes "·" for FRs at target and the shortfall elsewhere: "· 1 · · 2 · ·".
func gapMarks(v model.SLVector) string {
	s := make([]string, len(v))
	for i, l := range v {
		if l == 0 {
			s[i] = "·"
		} else {
			s[i] = fmt.Sprintf("-%d", l)
		}
	}
	return strings.Join(s, " ")
}

// tableLimit bounds the plan and finding lists on a terminal; the other formats hold all.
const tableLimit = 15

func assessmentTable(out io.Writer, res *assess.Result) error {
	w := textsafe.NewWriter(out)
	t := textsafe.Terminal // every string from the model goes through it
	s := res.Summary
	w.Printf("%s — IEC 62443 assessment, %s\n\n", t(res.System.Name), t(res.Date))
	if res.Approval != nil {
		w.Printf("Approval: %s\n\n", t(res.Approval.Sentence()))
	}
	w.Printf("Zones at target: %d of %d with an SL-T   Conduits at target: %d of %d with an SL-T   Gaps: %d FR(s), %d requirement(s)\n",
		s.ZonesAtTarget, s.ZonesWithTarget, s.ConduitsAtTarget, s.ConduitsWithTarget, s.GapCount, s.MissingRequirements)
	w.Printf("Threats above tolerable risk: %d of %d   Findings: %s\n\n", s.IntolerableThreats, s.Threats, severityLine(res.Findings))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ZONE / CONDUIT\tPURDUE\tRISK\tSL-T (FR1-7)\tSL-A EVIDENCED\tSL-A CLAIMED\tGAP")
	for _, list := range [][]assess.Subject{res.Zones, res.Conduits} {
		for _, z := range list {
			purdue := z.Purdue
			if z.Kind == "conduit" {
				purdue = "conduit"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t(z.ID), t(purdue), t(z.Risk.Residual.Name), vec(z.Target), vec(z.Evidenced), vec(z.Claimed), gapMarks(z.Gap))
		}
	}
	tw.Flush() // its error is w's, returned at the end
	w.Printf("SL-A evidenced counts claims with current evidence; claimed counts every plausible claim (%d requirement(s) claimed, not evidenced). Both are capped by SL-C.\n", s.ClaimedNotEvidenced)
	if lines := capabilityLines(res); len(lines) > 0 {
		w.Printf("\nComponent capability (SL-C)\n")
		for i, l := range lines {
			if i == tableLimit {
				w.Printf("  … %d more: see -f md, html or json\n", len(lines)-tableLimit)
				break
			}
			w.Printf("  %s\n", t(l))
		}
	}
	if tr := res.Traffic; tr != nil {
		w.Printf("\nTraffic held against the model: %d requirement(s) supported, %d finding(s) (%s)\n", len(tr.Supported), len(tr.Findings), severityLine(trafficPlain(tr)))
		for i, f := range tr.Findings {
			if i == tableLimit {
				w.Printf("  … %d more: see -f md, html or json\n", len(tr.Findings)-tableLimit)
				break
			}
			w.Printf("  %-8s %s\n", strings.ToUpper(f.Severity.String()), t(f.Message))
		}
	}

	if len(res.Plan) > 0 {
		w.Printf("\nRemediation plan (%d actions, highest risk reduction first)\n", len(res.Plan))
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#\tACTION\tWHERE\tOWNER\tDUE")
		for i, a := range res.Plan {
			if i == tableLimit {
				fmt.Fprintf(tw, "…\t%d more: see -f md, html or json\t\t\t\n", len(res.Plan)-tableLimit)
				break
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", a.Rank, t(a.Title), t(shortList(a.Subjects, 3)), t(dash(a.Owner)), t(dash(a.Due)))
		}
		tw.Flush()
	}
	if len(res.Findings) > 0 {
		w.Printf("\nFindings (%d, worst first)\n", len(res.Findings))
		for i, f := range res.Findings {
			if i == tableLimit {
				w.Printf("  … %d more: see -f md, html or json\n", len(res.Findings)-tableLimit)
				break
			}
			w.Printf("  %-8s %s\n           fix: %s\n", strings.ToUpper(f.Severity.String()), t(f.Message), t(f.Fix))
		}
	}
	if err := w.Err(); err != nil {
		return fmt.Errorf("assessment table: %w", err)
	}
	return nil
}

func severityLine(fs []finding.Finding) string {
	n := finding.Count(fs)
	var parts []string
	for sev := finding.Critical; sev >= finding.Info; sev-- {
		if n[sev] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[sev], sev))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func shortList(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:n], ", ") + fmt.Sprintf(" +%d", len(ids)-n)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// trafficPlain returns the traffic findings without their evidence.
func trafficPlain(tr *assess.Traffic) []finding.Finding {
	out := make([]finding.Finding, len(tr.Findings))
	for i := range tr.Findings {
		out[i] = tr.Findings[i].Finding
	}
	return out
}
