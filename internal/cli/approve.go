package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/approval"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

func init() { commands = append(commands, newApproveCmd) }

// approveNow is the clock approvals are dated by; tests set it.
var approveNow = time.Now

func newApproveCmd() *cobra.Command {
	var by, role, comment, format string
	var check bool
	cmd := &cobra.Command{
		Use:   "approve MODEL.yaml --by NAME --role ROLE [--comment TEXT]",
		Short: "Record the asset owner's approval of a model, or check that it still holds",
		Long: `approve records the asset owner's approval of a plant model (IEC 62443-3-2 ZCR 7):
who approved it, in which role, on which day (UTC), and for exactly which content.
The content is a SHA-256 over every file the model is loaded from, the root and
its includes, each named relative to the model's folder; an assessor recomputes it
with
    sha256sum FILES | LC_ALL=C sort -k2 | sha256sum
in the model's folder.

The approval is appended to a history beside the model, never written into it:
plant.yaml's approvals are in plant.approvals.json (written whole or not at all).
Commit that file with the model. Any later change to any model file voids the
approval; assess reports and the cybersecurity requirements specification
(assess -f crs) say whether the model they describe is approved, void (and which
files changed) or was never approved.

Only a valid model can be approved: one that validate rejects exits 2.

approve --check says whether the model as it is now carries a valid approval:
exit 0 when it does, 1 when the approval is void or there is none, 2 on bad input
(an invalid model, an unreadable approvals file). -f json prints the verdict as
JSON (docs/schemas/approvals.schema.json describes the history file).

Exit codes: 0 recorded (or, with --check, approved); 1 with --check only, no valid
approval; 2 bad input or usage; 3 the approvals file could not be written.`,
		Example: `  zonewarden approve plant.yaml --by "Jane Doe" --role "Plant manager" --comment "Design review DR-7"
  zonewarden approve --check plant.yaml          # exit 1 unless approved as it is now
  zonewarden approve --check plant.yaml -f json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if format != "text" && format != "json" {
				return usageErr(fmt.Errorf("unknown format %q: use text or json", format))
			}
			if check {
				if cmd.Flags().Changed("by") || cmd.Flags().Changed("role") || cmd.Flags().Changed("comment") {
					return usageErr(errors.New("--check checks the approval; it takes no --by, --role or --comment"))
				}
				return approveCheck(cmd, path, format)
			}
			if format != "text" {
				return usageErr(errors.New("-f applies to --check only"))
			}
			m, content, err := loadModelContent(cmd, path)
			if err != nil {
				return err
			}
			rec, err := approval.NewRecord(by, role, comment, approveNow(), content)
			if err != nil {
				return usageErr(err)
			}
			file := approval.PathFor(path)
			h, _, err := approval.Read(file)
			if err != nil {
				return usageErr(err)
			}
			before := approval.Check(h, file, content)
			if err := approval.Append(cmdContext(cmd), file, filepath.Base(path), rec); err != nil {
				if errors.Is(err, approval.ErrChanged) {
					return usageErr(fmt.Errorf("%s: %w", file, err))
				}
				return outputErr(err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s approved by %s (%s) on %s\n", path, textsafe.Terminal(rec.By), textsafe.Terminal(rec.Role), rec.Date())
			fmt.Fprintf(w, "content SHA-256 %s over %s: %s\n", content.SHA256, nouns(len(m.Files), "file"), fileNames(content))
			if before.State == approval.Approved {
				fmt.Fprintf(w, "this content was already approved by %s on %s; this approval is added beside it\n",
					textsafe.Terminal(before.Approval.By), before.Approval.Date())
			}
			fmt.Fprintf(w, "recorded in %s: commit it with the model; any change to a model file voids the approval\n", file)
			return nil
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "who approves: the asset owner's representative, by name")
	cmd.Flags().StringVar(&role, "role", "", "the approver's role (plant manager, OT security lead, ...)")
	cmd.Flags().StringVar(&comment, "comment", "", "a reference or remark kept with the approval (a review, a ticket)")
	cmd.Flags().BoolVar(&check, "check", false, "check that the model as it is now carries a valid approval: exit 0 if so, 1 if not")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output of --check: text or json")
	addModelFlags(cmd)
	return cmd
}

// approveCheck prints the verdict on the model at path and exits 1 unless it is approved.
func approveCheck(cmd *cobra.Command, path, format string) error {
	_, content, err := loadModelContent(cmd, path)
	if err != nil {
		return err
	}
	st, err := approvalStatus(path, content)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if format == "json" {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		if err := e.Encode(st); err != nil {
			return outputErr(err)
		}
	} else {
		fmt.Fprintf(w, "%s: %s\n", path, textsafe.Terminal(st.Sentence()))
		if st.Approval != nil && st.Approval.Comment != "" {
			fmt.Fprintf(w, "comment: %s\n", textsafe.Terminal(st.Approval.Comment))
		}
	}
	if st.State != approval.Approved {
		return errNotApproved
	}
	return nil
}

// errNotApproved is approve --check's exit 1: the verdict has been printed.
var errNotApproved = &exitError{code: ExitFindings, err: errors.New("no valid approval")}

// loadModelContent loads a model as loadModelFor does and returns, beside it, the content
// digest of the bytes it was loaded from: the content an approval is given for.
func loadModelContent(cmd *cobra.Command, path string) (*model.Model, approval.Content, error) {
	ctx := cmdContext(cmd)
	if ctx.Err() != nil {
		return nil, approval.Content{}, interrupted(ctx)
	}
	rec := approval.NewRecorder(model.ReadModelFile)
	opts := modelOptions(cmd)
	opts.ReadFile = rec.ReadFile
	type result struct {
		m   *model.Model
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, err := loadModel(path, opts)
		done <- result{m, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, approval.Content{}, r.err
		}
		content, err := rec.Content(path, r.m.Files)
		if err != nil {
			return nil, approval.Content{}, usageErr(err)
		}
		return r.m, content, nil
	case <-ctx.Done():
		return nil, approval.Content{}, interrupted(ctx)
	}
}

// approvalStatus is the verdict on the approval of the model at path whose content was
// loaded: the reports and approve --check show it. An unreadable approvals file is bad
// input (exit 2).
func approvalStatus(path string, content approval.Content) (*approval.Status, error) {
	file := approval.PathFor(path)
	h, _, err := approval.Read(file)
	if err != nil {
		return nil, usageErr(err)
	}
	st := approval.Check(h, file, content)
	return &st, nil
}

// fileNames lists the content's files by name.
func fileNames(c approval.Content) string {
	names := make([]string, len(c.Files))
	for i, f := range c.Files {
		names[i] = textsafe.Terminal(f.Name)
	}
	return strings.Join(names, ", ")
}
