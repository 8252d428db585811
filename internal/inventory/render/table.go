package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// Table writes the inventory for a terminal: the assets, the conversations, the
// anomalies and the captures read.
func Table(out io.Writer, inv *inventory.Inventory) error {
	w := textsafe.NewWriter(out) // keeps the first write error, whichever write met it
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	s := &inv.Summary
	fmt.Fprintf(tw, "%s, %s, %s from %s\n\n", count(s.Assets, "asset"), count(s.Flows, "conversation"),
		count(int(s.Packets), "packet"), count(len(inv.Sources), "source"))
	fmt.Fprintln(tw, "ADDRESS\tMAC\tMAC VENDOR\tIDENTITY\tROLE\tPURDUE\tPROTOCOLS")
	for i := range inv.Assets {
		a := &inv.Assets[i]
		id := identityLine(a.Identity)
		if name := personName(a.Identity); name != "" && !strings.Contains(id, name) {
			id = strings.TrimSuffix(name+", "+id, ", ")
		}
		if a.Behind != "" {
			id = strings.TrimPrefix(id+", via "+a.Behind, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s (%s)\t%s\t%s\n", clip(addresses(a), 60), clip(dash(a.MAC), 24), dash(clip(a.MACVendor, 24)), dash(clip(id, 72)),
			a.Role.Name, a.Role.Confidence, purdueText(a.Purdue), clip(protocolsText(a), 48))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "CLIENT\tSERVER\tPROTOCOL\tCONNS\tPACKETS\tBYTES\tOPERATIONS")
	for i := range inv.Flows {
		f := &inv.Flows[i]
		server := endText(f.Server)
		if f.ServerPort != 0 {
			server += fmt.Sprintf(":%d", f.ServerPort)
		}
		proto := f.Protocol + "/" + f.Transport
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", clip(endText(f.Client), 60), clip(server, 60), clip(proto, 40), f.Connections,
			thousands(f.ToServer.Packets+f.ToClient.Packets), thousands(f.ToServer.Bytes+f.ToClient.Bytes), clip(operationsText(f, 4), 90))
	}
	if len(inv.Anomalies) > 0 {
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "ANOMALY\tDETAIL")
		for _, an := range inv.Anomalies {
			fmt.Fprintf(tw, "%s\t%s\n", clip(an.Kind, 60), clip(an.Detail, 200))
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "SOURCE\tPACKETS\tSTATUS\tANOMALIES")
	for _, src := range inv.Sources {
		status := "complete"
		if !src.Complete {
			status = "incomplete: " + src.Error
		}
		var an []string
		for _, c := range src.Anomalies {
			an = append(an, fmt.Sprintf("%s ×%s", c.Kind, thousands(c.Count)))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", clip(src.File, 200), thousands(src.Packets), clip(status, 200), clip(dash(strings.Join(an, ", ")), 200))
	}
	tw.Flush()
	if err := w.Err(); err != nil {
		return fmt.Errorf("inventory table: %w", err)
	}
	return nil
}

// personName is the name people gave the device: its name in an industrial protocol,
// or the system or host name it announces.
func personName(id map[string]string) string {
	for _, f := range []string{"name", "system_name", "hostname"} {
		if v := id[f]; v != "" {
			return v
		}
	}
	return ""
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clip shortens s to n runes for a table cell, and writes control characters and other
// terminal escapes visibly (textsafe.Terminal): names come from the network, and escape
// sequences must not reach the terminal.
func clip(s string, n int) string {
	r := []rune(textsafe.Terminal(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// count writes n and the noun, plural unless n is 1, with thousands separated.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(uint64(n)) + " " + noun + "s"
}
