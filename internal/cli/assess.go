package cli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/report"
	"github.com/zonewarden/zonewarden/internal/risk"
	"github.com/zonewarden/zonewarden/internal/verify"
)

func init() { commands = append(commands, newAssessCmd) }

func newAssessCmd() *cobra.Command {
	var format, out, failOnFlag, asOf, date string
	var captures []string
	cmd := &cobra.Command{
		Use:   "assess MODEL.yaml",
		Short: "Risk assessment, SL-T and SL-A gap analysis, remediation plan and findings",
		Long: `assess runs the IEC 62443-3-2 risk assessment and the 62443-3-3 gap analysis of a
plant model: risk per threat, the target security level (SL-T) of every zone and
conduit with how it was derived, the achieved level (SL-A) from implemented
countermeasures, the gaps and the requirements missing, a remediation plan ordered
by the risk it reduces, and findings about how the plant is partitioned.

With --capture, the model is first held against the traffic of packet captures
(as zonewarden verify does): requirements the traffic refutes (deny by default,
SR 5.2 RE 1, on a conduit that let through a flow it does not list; the inventory,
SR 7.8, of a zone where a device not in the model was seen) no longer count toward
SL-A there, whatever the countermeasures claim, and a finding says why.

Formats: table (terminal, default), json, md, csv (the gap list), html (a
self-contained report that opens with no network); crs and crs-md write the
cybersecurity requirements specification of IEC 62443-3-2 ZCR 6 instead (HTML,
Markdown: docs/crs.md). Every format says whether the asset owner approved this
exact content of the model (zonewarden approve, docs/approval.md).`,
		Example: `  zonewarden assess plant.yaml
  zonewarden assess plant.yaml -f html -o report.html
  zonewarden assess plant.yaml --fail-on high      # exit 1 when a high or critical finding exists
  zonewarden assess plant.yaml --as-of 2026-11-21  # evidence and due dates judged on that day
  zonewarden assess plant.yaml --capture capture.pcapng -f html -o report.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := report.ParseFormat(format, assessFormats)
			if err != nil {
				return usageErr(err)
			}
			if err := checkFailOn(failOnFlag); err != nil {
				return err
			}
			opts := assess.Options{}
			if asOf == "" {
				asOf = date
			}
			if asOf != "" {
				if opts.Now, err = time.Parse(time.DateOnly, asOf); err != nil {
					return usageErr(fmt.Errorf("--as-of: want YYYY-MM-DD: %w", err))
				}
			}
			m, content, err := loadModelContent(cmd, args[0])
			if err != nil {
				return err
			}
			approved, err := approvalStatus(args[0], content)
			if err != nil {
				return err
			}
			if err := checkOutputs([]outputFlag{{"-o", out}}, append(append(slices.Clone(m.Files), captures...), approved.File)...); err != nil {
				return err
			}
			var runErr error
			if len(captures) > 0 {
				if err := verify.Check(m); err != nil {
					return usageErr(fmt.Errorf("%s: %w", args[0], err))
				}
				inv, rerr, err := observeFor(cmd, captures, "", 0, 0, false)
				if err != nil {
					return err
				}
				runErr = rerr
				vr := verify.Verify(m, inv, verify.Options{})
				seen := trafficOptions(vr)
				opts.Refuted, opts.Observed, opts.Supported, opts.Traffic = seen.Refuted, seen.Observed, seen.Supported, seen.Traffic
				// What the traffic showed weak (cleartext across boundaries, unknown
				// devices) is an open vulnerability of the threats that reach it.
				opts.Weaknesses = risk.WeaknessesFromFindings(m, vr.PlainFindings())
			}
			res := assess.Assess(m, opts)
			if ctx := cmdContext(cmd); ctx.Err() != nil {
				return interrupted(ctx)
			}
			o, err := openOutput(cmd, out)
			if err != nil {
				return err
			}
			if err := o.commit(writeAssessment(o.w, m, res, approved, f)); err != nil {
				return err
			}
			if out != "" && out != "-" {
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s)\n", out, f)
			}
			if runErr != nil {
				return usageErr(runErr)
			}
			return failOn(failOnFlag, allFindings(res))
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table, json, md, csv, html; crs or crs-md for the requirements specification")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	cmd.Flags().StringVar(&failOnFlag, "fail-on", "none", "exit 1 when a finding has this severity or worse: "+fmt.Sprint(finding.Names())+" or none")
	cmd.Flags().StringArrayVar(&captures, "capture", nil, "hold the model against this capture first (repeat for several); refuted requirements do not count toward SL-A")
	cmd.Flags().StringVar(&asOf, "as-of", "", "the assessment day (YYYY-MM-DD; default today, UTC): decides which evidence is current and which countermeasures are overdue")
	cmd.Flags().StringVar(&date, "date", "", "the old name of --as-of")
	_ = cmd.Flags().MarkHidden("date")
	addModelFlags(cmd)
	return cmd
}

// trafficOptions is fromVerification with what else the captures tell the assessment:
// the requirements the traffic supports, and the verification's own findings (less its
// refutations, which the assessment raises itself with their cost in SL-A).
func trafficOptions(vr *verify.Result) assess.Options {
	opts := fromVerification(vr)
	opts.Supported = trafficSupport(vr)
	opts.Traffic = []assess.TrafficFinding{}
	for _, f := range vr.Findings {
		if f.Rule == "countermeasure/refuted" {
			continue
		}
		tf := assess.TrafficFinding{Finding: f.Finding}
		if e := f.Evidence; e != nil {
			tf.Evidence = e.Flow
			if e.File != "" && e.Packet > 0 {
				tf.Evidence = strings.TrimPrefix(fmt.Sprintf("%s; %s packet %d", tf.Evidence, e.File, e.Packet), "; ")
			}
		}
		opts.Traffic = append(opts.Traffic, tf)
	}
	return opts
}

// trafficSupport lists what the captures support: SR 5.1 and SR 5.2 on a conduit that
// carried conversations, every one of them matching its rules (nothing crossed it
// unlisted); SR 7.8 in a zone where devices were seen and every one of them is an asset
// of that zone in the model.
func trafficSupport(vr *verify.Result) []assess.Support {
	type tally struct{ ok, bad int }
	conduits := map[string]*tally{}
	var corder []string
	for _, c := range vr.Conversations {
		if c.Conduit == "" {
			continue
		}
		t := conduits[c.Conduit]
		if t == nil {
			t = &tally{}
			conduits[c.Conduit] = t
			corder = append(corder, c.Conduit)
		}
		if c.Verdict == "allowed" {
			t.ok++
		} else {
			t.bad++
		}
	}
	var out []assess.Support
	for _, id := range corder {
		t := conduits[id]
		if t.bad > 0 || t.ok == 0 {
			continue
		}
		why := fmt.Sprintf("all %d conversation(s) seen on the conduit matched its rules", t.ok)
		out = append(out, assess.Support{Subject: id, Requirement: "SR 5.1", Reason: why},
			assess.Support{Subject: id, Requirement: "SR 5.2", Reason: why})
	}
	zones := map[string]*tally{}
	var zorder []string
	for _, d := range vr.Devices {
		if d.Zone == "" {
			continue
		}
		t := zones[d.Zone]
		if t == nil {
			t = &tally{}
			zones[d.Zone] = t
			zorder = append(zorder, d.Zone)
		}
		if d.ModelAsset != "" && d.ModelZone == d.Zone {
			t.ok++
		} else {
			t.bad++
		}
	}
	for _, id := range zorder {
		if t := zones[id]; t.bad == 0 && t.ok > 0 {
			out = append(out, assess.Support{Subject: id, Requirement: "SR 7.8",
				Reason: fmt.Sprintf("all %d device(s) seen in the zone are its assets in the model", t.ok)})
		}
	}
	return out
}

// allFindings is what --fail-on judges: the assessment's findings and those of the
// verification of its captures.
func allFindings(res *assess.Result) []finding.Finding {
	if res.Traffic == nil {
		return res.Findings
	}
	out := slices.Clone(res.Findings)
	for _, f := range res.Traffic.Findings {
		out = append(out, f.Finding)
	}
	return out
}
