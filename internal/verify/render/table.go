package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/zonewarden/zonewarden/internal/verify"
)

// tableLimit bounds the lists a terminal shows; json and md hold everything.
const tableLimit = 40

// Table writes the verification for a terminal: the summary, the conversations across
// zones (violations first) and the findings, worst first, with their evidence.
func Table(w io.Writer, res *verify.Result) error {
	for _, line := range headline(res) {
		fmt.Fprintln(w, clean(line))
	}
	if rp := res.Replay; rp != nil {
		fmt.Fprintf(w, "Ruleset %s (%s, %d rules, policy %s): %d conversations across zones replayed: %d accepted, %d blocked (%s packets)",
			clean(rp.File), rp.Format, rp.Rules, rp.Policy, rp.Replayed, rp.Accepted, rp.Blocked, thousands(rp.BlockedPackets))
		if rp.NotFiltered > 0 {
			fmt.Fprintf(w, "; %d without IP not filtered", rp.NotFiltered)
		}
		fmt.Fprintln(w)
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
		fmt.Fprintf(w, "\nConversations across zones, with an end in no zone, or with forbidden operations (%d)\n", len(convs))
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
			line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", clip(endText(c.Client), 32), dash(c.Client.Zone), clip(endText(c.Server), 32),
				dash(c.Server.Zone), clip(protocolText(c), 28), dash(strings.Join(c.Operations, ",")), clip(verdictText(c), 60))
			if res.Replay != nil {
				line += "\t" + clip(firewallText(c.Firewall), 40)
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush()
	}
	if len(res.Findings) > 0 {
		fmt.Fprintf(w, "\nFindings (%d, worst first)\n", len(res.Findings))
		for i := range res.Findings {
			f := &res.Findings[i]
			if i == tableLimit {
				fmt.Fprintf(w, "  … %d more: see -f md or json\n", len(res.Findings)-tableLimit)
				break
			}
			fmt.Fprintf(w, "  %-8s %s\n", strings.ToUpper(f.Severity.String()), clean(f.Message))
			if ev := evidenceText(f.Evidence); ev != "" {
				fmt.Fprintf(w, "           evidence: %s\n", clean(ev))
			}
			fmt.Fprintf(w, "           fix: %s\n", clean(f.Fix))
		}
	} else {
		fmt.Fprintln(w, "\nNo findings: the traffic is the one the model describes.")
	}
	return nil
}
