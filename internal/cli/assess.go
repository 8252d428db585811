package cli

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/report"
	"github.com/zonewarden/zonewarden/internal/verify"
)

func init() { commands = append(commands, newAssessCmd) }

func newAssessCmd() *cobra.Command {
	var format, out, failOnFlag, date string
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
self-contained report that opens with no network).`,
		Example: `  zonewarden assess plant.yaml
  zonewarden assess plant.yaml -f html -o report.html
  zonewarden assess plant.yaml --fail-on high      # exit 1 when a high or critical finding exists
  zonewarden assess plant.yaml --capture capture.pcapng -f html -o report.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := report.ParseFormat(format, report.AssessmentFormats)
			if err != nil {
				return usageErr(err)
			}
			if err := checkFailOn(failOnFlag); err != nil {
				return err
			}
			opts := assess.Options{}
			if date != "" {
				if opts.Now, err = time.Parse(time.DateOnly, date); err != nil {
					return usageErr(fmt.Errorf("--date: want YYYY-MM-DD: %w", err))
				}
			}
			m, err := loadModelFor(cmd, args[0])
			if err != nil {
				return err
			}
			if err := checkOutputs([]outputFlag{{"-o", out}}, append(slices.Clone(m.Files), captures...)...); err != nil {
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
				seen := fromVerification(verify.Verify(m, inv, verify.Options{}))
				opts.Refuted, opts.Observed = seen.Refuted, seen.Observed
			}
			res := assess.Assess(m, opts)
			if ctx := cmdContext(cmd); ctx.Err() != nil {
				return interrupted(ctx)
			}
			o, err := openOutput(cmd, out)
			if err != nil {
				return err
			}
			if err := o.commit(report.Assessment(o.w, res, f)); err != nil {
				return err
			}
			if out != "" && out != "-" {
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s)\n", out, f)
			}
			if runErr != nil {
				return usageErr(runErr)
			}
			return failOn(failOnFlag, res.Findings)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table, json, md, csv, html")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	cmd.Flags().StringVar(&failOnFlag, "fail-on", "none", "exit 1 when a finding has this severity or worse: "+fmt.Sprint(finding.Names())+" or none")
	cmd.Flags().StringArrayVar(&captures, "capture", nil, "hold the model against this capture first (repeat for several); refuted requirements do not count toward SL-A")
	cmd.Flags().StringVar(&date, "date", "", "assess as of this date (YYYY-MM-DD) instead of today; decides overdue countermeasures")
	addModelFlags(cmd)
	return cmd
}
