package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/verify"
)

// mdEscape keeps a table cell on one line, stops pipes from splitting it and markup
// from the network from being read as Markdown or HTML.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	return r.Replace(clean(s))
}

// Markdown writes the verification as a Markdown document: summary, findings with
// evidence, conversations across zones, devices.
func Markdown(w io.Writer, res *verify.Result) error {
	fmt.Fprintf(w, "# Verification: %s\n\n", mdEscape(res.System))
	for _, line := range headline(res)[1:] {
		fmt.Fprintf(w, "- %s\n", mdEscape(line))
	}
	fmt.Fprintf(w, "\nModel: %s  \nCaptures:\n\n", mdEscape(strings.Join(res.Model, ", ")))
	for _, c := range res.Captures {
		status := "complete"
		if !c.Complete {
			status = "incomplete: " + c.Error
		}
		fmt.Fprintf(w, "- %s: %s packets, %s\n", mdEscape(c.File), thousands(c.Packets), mdEscape(status))
	}
	if rp := res.Replay; rp != nil {
		fmt.Fprintf(w, "\nRuleset %s (%s, %d rules, policy %s): %d conversations across zones replayed, %d accepted, %d blocked (%s packets), %d without IP not filtered.\n",
			mdEscape(rp.File), rp.Format, rp.Rules, rp.Policy, rp.Replayed, rp.Accepted, rp.Blocked, thousands(rp.BlockedPackets), rp.NotFiltered)
	}
	fmt.Fprintf(w, "\n## Findings\n\n")
	if len(res.Findings) == 0 {
		fmt.Fprintln(w, "None: the traffic is the one the model describes.")
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		fmt.Fprintf(w, "%d. **%s** `%s` %s — %s\n", i+1, strings.ToUpper(f.Severity.String()), f.Rule, mdEscape(f.Subject), mdEscape(f.Message))
		if len(f.Requirements) > 0 {
			fmt.Fprintf(w, "   - Requirements: %s\n", mdEscape(strings.Join(f.Requirements, ", ")))
		}
		if ev := evidenceText(f.Evidence); ev != "" {
			fmt.Fprintf(w, "   - Evidence: %s\n", mdEscape(ev))
		}
		if f.Location != "" {
			fmt.Fprintf(w, "   - Model: %s\n", mdEscape(f.Location))
		}
		fmt.Fprintf(w, "   - Fix: %s\n", mdEscape(f.Fix))
	}
	if len(res.Conversations) > 0 {
		fmt.Fprintf(w, "\n## Conversations across zones\n\n")
		head, sep := "| Client | Zone | Server | Zone | Protocol | Operations | Verdict | Why | First packet |", "|---|---|---|---|---|---|---|---|---|"
		if res.Replay != nil {
			head, sep = head+" Ruleset |", sep+"---|"
		}
		fmt.Fprintln(w, head)
		fmt.Fprintln(w, sep)
		for i := range res.Conversations {
			c := &res.Conversations[i]
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |", mdEscape(endText(c.Client)), mdEscape(dash(c.Client.Zone)),
				mdEscape(endText(c.Server)), mdEscape(dash(c.Server.Zone)), mdEscape(protocolText(c)), mdEscape(dash(strings.Join(c.Operations, ", "))),
				mdEscape(verdictText(c)), mdEscape(c.Detail), mdEscape(fmt.Sprintf("%s #%d", c.Evidence.File, c.Evidence.Packet)))
			if res.Replay != nil {
				fmt.Fprintf(w, " %s |", mdEscape(firewallText(c.Firewall)))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "\n## Devices\n\n")
	fmt.Fprintln(w, "| Device | Addresses | Model asset | Matched by | Zone | Model zone | Issues |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
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
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(name), mdEscape(addrs), mdEscape(dash(d.ModelAsset)), d.Match,
			mdEscape(zone), mdEscape(dash(d.ModelZone)), mdEscape(dash(strings.Join(d.Issues, ", "))))
	}
	if len(res.NotSeen) > 0 {
		fmt.Fprintf(w, "\nDeclared but not seen: %s\n", mdEscape(strings.Join(res.NotSeen, ", ")))
	}
	return nil
}
