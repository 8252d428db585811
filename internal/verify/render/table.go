package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/zonewarden/zonewarden/internal/textsafe"
	"github.com/zonewarden/zonewarden/internal/verify"
)

// tableLimit bounds the lists a terminal shows; json and md hold everything.
const tableLimit = 40

// Table writes the verification for a terminal: the summary, the conversations across
// zones (violations first) and the findings, worst first, with their evidence.
func Table(out io.Writer, res *verify.Result) error {
	w := textsafe.NewWriter(out)
	for _, line := range headline(res) {
		w.Println(clean(line))
	}
	for _, c := range res.Captures {
		if !c.Complete {
			w.Println(clean("Incomplete capture: " + c.Error))
		}
	}
	if rp := res.Replay; rp != nil {
		w.Printf("Ruleset %s (%s, %d rules, policy %s): %d conversations across zones replayed: %d accepted, %d blocked (%s packets)",
			clean(rp.File), rp.Format, rp.Rules, rp.Policy, rp.Replayed, rp.Accepted, rp.Blocked, thousands(rp.BlockedPackets))
		if rp.NotFiltered > 0 {
			w.Printf("; %d without IP not filtered", rp.NotFiltered)
		}
		w.Println()
	}
	var convs []*verify.Conversation
	for _, pass := range []bool{true, false} {
		for i := range res.Conversations {
			c := &res.Conversations[i]
			if (c.Verdict != "allowed") == pass {
				convs = append(convs, c)
			}
		}
	}
	if len(convs) > 0 {
		w.Printf("\nConversations across zones, with an end in no zone, or with forbidden operations (%d)\n", len(convs))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		head := "CLIENT\tZONE\tSERVER\tZONE\tPROTOCOL\tOPERATIONS\tVERDICT"
		if res.Replay != nil {
			head += "\tRULESET"
		}
		fmt.Fprintln(tw, head)
		for i, c := range convs {
			if i == tableLimit {
				fmt.Fprintf(tw, "…\t%d more: see -f md or json\t\t\t\t\t\n", len(convs)-tableLimit)
				break
			}
			line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", clip(endText(c.Client), 32), clean(dash(c.Client.Zone)), clip(endText(c.Server), 32),
				clean(dash(c.Server.Zone)), clip(protocolText(c), 28), clean(dash(strings.Join(c.Operations, ","))), clip(verdictText(c), 60))
			if res.Replay != nil {
				line += "\t" + clip(firewallText(c.Firewall), 40)
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush() // its error is w's, returned at the end
	}
	if len(res.Findings) > 0 {
		w.Printf("\nFindings (%d, worst first)\n", len(res.Findings))
		for i := range res.Findings {
			f := &res.Findings[i]
			if i == tableLimit {
				w.Printf("  … %d more: see -f md or json\n", len(res.Findings)-tableLimit)
				break
			}
			w.Printf("  %-8s %s\n", strings.ToUpper(f.Severity.String()), clean(f.Message))
			if ev := evidenceText(f.Evidence); ev != "" {
				w.Printf("           evidence: %s\n", clean(ev))
			}
			w.Printf("           fix: %s\n", clean(f.Fix))
		}
	} else {
		w.Println("\nNo findings: the traffic is the one the model describes.")
	}
	if err := w.Err(); err != nil {
		return fmt.Errorf("verification table: %w", err)
	}
	return nil
}
