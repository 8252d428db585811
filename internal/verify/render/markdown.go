package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/textsafe"
	"github.com/zonewarden/zonewarden/internal/verify"
)

// mdEscape keeps a table cell on one line, stops pipes from splitting it and markup
// from the network from being read as Markdown or HTML (textsafe.Markdown).
var mdEscape = textsafe.Markdown

// Markdown writes the verification as a Markdown document: summary, findings with
// evidence, conversations across zones, devices.
func Markdown(out io.Writer, res *verify.Result) error {
	w := textsafe.NewWriter(out)
	w.Printf("# Verification: %s\n\n", mdEscape(res.System))
	for _, line := range headline(res)[1:] {
		w.Printf("- %s\n", mdEscape(line))
	}
	w.Printf("\nModel: %s  \nCaptures:\n\n", mdEscape(strings.Join(res.Model, ", ")))
	for _, c := range res.Captures {
		status := "complete"
		if !c.Complete {
			status = "incomplete: " + c.Error
		}
		w.Printf("- %s: %s packets, %s\n", mdEscape(c.File), thousands(c.Packets), mdEscape(status))
	}
	if rp := res.Replay; rp != nil {
		w.Printf("\nRuleset %s (%s, %d rules, policy %s): %d conversations across zones replayed, %d accepted, %d blocked (%s packets), %d without IP not filtered.\n",
			mdEscape(rp.File), rp.Format, rp.Rules, rp.Policy, rp.Replayed, rp.Accepted, rp.Blocked, thousands(rp.BlockedPackets), rp.NotFiltered)
	}
	w.Printf("\n## Findings\n\n")
	if len(res.Findings) == 0 {
		w.Println("None: the traffic is the one the model describes.")
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		w.Printf("%d. **%s** `%s` %s — %s\n", i+1, strings.ToUpper(f.Severity.String()), f.Rule, mdEscape(f.Subject), mdEscape(f.Message))
		if len(f.Requirements) > 0 {
			w.Printf("   - Requirements: %s\n", mdEscape(strings.Join(f.Requirements, ", ")))
		}
		if ev := evidenceText(f.Evidence); ev != "" {
			w.Printf("   - Evidence: %s\n", mdEscape(ev))
		}
		if f.Location != "" {
			w.Printf("   - Model: %s\n", mdEscape(f.Location))
		}
		w.Printf("   - Fix: %s\n", mdEscape(f.Fix))
	}
	if len(res.Conversations) > 0 {
		w.Printf("\n## Conversations across zones\n\n")
		head, sep := "| Client | Zone | Server | Zone | Protocol | Operations | Verdict | Why | First packet |", "|---|---|---|---|---|---|---|---|---|"
		if res.Replay != nil {
			head, sep = head+" Ruleset |", sep+"---|"
		}
		w.Println(head)
		w.Println(sep)
		for i := range res.Conversations {
			c := &res.Conversations[i]
			w.Printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |", mdEscape(endText(c.Client)), mdEscape(dash(c.Client.Zone)),
				mdEscape(endText(c.Server)), mdEscape(dash(c.Server.Zone)), mdEscape(protocolText(c)), mdEscape(dash(strings.Join(c.Operations, ", "))),
				mdEscape(verdictText(c)), mdEscape(c.Detail), mdEscape(fmt.Sprintf("%s #%d", c.Evidence.File, c.Evidence.Packet)))
			if res.Replay != nil {
				w.Printf(" %s |", mdEscape(firewallText(c.Firewall)))
			}
			w.Println()
		}
	}
	w.Printf("\n## Devices\n\n")
	w.Println("| Device | Addresses | Model asset | Matched by | Zone | Model zone | Issues |")
	w.Println("|---|---|---|---|---|---|---|")
	for i := range res.Devices {
		d := &res.Devices[i]
		addrs := strings.Join(d.IPs, ", ")
		if d.MAC != "" {
			addrs = strings.TrimPrefix(addrs+", "+d.MAC, ", ")
		}
		zone := dash(d.Zone)
		if d.ZoneBy != "" {
			zone += " (" + d.ZoneBy + ")"
		}
		name := d.Asset
		if d.Name != "" && d.Name != d.Asset && d.Name != d.MAC && !slices.Contains(d.IPs, d.Name) {
			name += " " + d.Name
		}
		w.Printf("| %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(name), mdEscape(addrs), mdEscape(dash(d.ModelAsset)), d.Match,
			mdEscape(zone), mdEscape(dash(d.ModelZone)), mdEscape(dash(strings.Join(d.Issues, ", "))))
	}
	if len(res.NotSeen) > 0 {
		w.Printf("\nDeclared but not seen: %s\n", mdEscape(strings.Join(res.NotSeen, ", ")))
	}
	if err := w.Err(); err != nil {
		return fmt.Errorf("verification markdown: %w", err)
	}
	return nil
}
