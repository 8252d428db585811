package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/textsafe"
	"github.com/zonewarden/zonewarden/internal/verify"
)

// Formats lists the output formats Write knows, the default first.
var Formats = []string{"table", "json", "md"}

// Write writes res to w in format (one of Formats).
func Write(w io.Writer, res *verify.Result, format string) error {
	switch format {
	case "table", "":
		return Table(w, res)
	case "json":
		return JSON(w, res)
	case "md", "markdown":
		return Markdown(w, res)
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// JSON writes the verification as indented JSON.
func JSON(w io.Writer, res *verify.Result) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	e.SetEscapeHTML(false)
	if err := e.Encode(res); err != nil {
		return fmt.Errorf("verification json: %w", err)
	}
	return nil
}

// headline sums up a verification in three lines.
func headline(res *verify.Result) []string {
	s := &res.Summary
	var packets uint64
	for _, c := range res.Captures {
		packets += c.Packets
	}
	window := "no packet times"
	if !res.Window.Start.IsZero() {
		window = spanText(res.Window.Start, res.Window.End, "15:04:05") + " UTC"
	}
	return []string{
		fmt.Sprintf("%s: the model held against %d capture(s), %s packets, %s", res.System, len(res.Captures), thousands(packets), window),
		fmt.Sprintf("Devices: %d seen, %d in the model, %d unknown, %d in the wrong zone, %d with identity drift; %d declared device(s) not seen",
			s.Devices, s.InModel, s.Unknown, s.WrongZone, s.IdentityDrift, s.NotSeen),
		fmt.Sprintf("Conversations: %d: %d across zones (%d allowed), %d inside zones, %d local, %d with an end in no zone; %d violation(s); %d refuted claim(s)",
			s.Conversations, s.CrossZone, s.Allowed, s.IntraZone, s.Local, s.Unplaced, s.Violations, s.Refuted),
		"Findings: " + severityLine(res.Findings),
	}
}

func severityLine(fs []verify.Finding) string {
	var n [finding.Critical + 1]int
	for _, f := range fs {
		if f.Severity >= finding.Info && f.Severity <= finding.Critical {
			n[f.Severity]++
		}
	}
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

// evidenceText writes where to look: "capture.pcapng packet 7,754 (14 packets,
// 08:00:31 to 08:00:33): 10.1.4.20 -> 10.20.11.10 modbus/tcp 502".
func evidenceText(ev *verify.Evidence) string {
	if ev == nil {
		return ""
	}
	var b strings.Builder
	if ev.File != "" {
		fmt.Fprintf(&b, "%s packet %s", ev.File, thousands(ev.Packet))
	}
	var detail []string
	if ev.Packets > 0 {
		detail = append(detail, thousands(ev.Packets)+" packets")
	}
	if ev.Conversations > 1 {
		detail = append(detail, fmt.Sprintf("%d conversations", ev.Conversations))
	}
	if !ev.FirstSeen.IsZero() {
		detail = append(detail, timeSpan(ev.FirstSeen, ev.LastSeen))
	}
	if len(detail) > 0 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("(" + strings.Join(detail, ", ") + ")")
	}
	if ev.Flow != "" {
		b.WriteString(": " + ev.Flow)
	}
	return b.String()
}

func timeSpan(a, b time.Time) string {
	if b.IsZero() || b.Equal(a) {
		return a.UTC().Format("2006-01-02 15:04:05.000")
	}
	return spanText(a, b, "15:04:05.000")
}

// spanText writes "date clock to clock", with the end's date too when it is another
// day than the start's (a capture over midnight, or over weeks). clock is the time
// layout; both ends are in UTC.
func spanText(a, b time.Time, clock string) string {
	a, b = a.UTC(), b.UTC()
	end := b.Format(clock)
	if a.Format(time.DateOnly) != b.Format(time.DateOnly) {
		end = b.Format(time.DateOnly + " " + clock)
	}
	return a.Format(time.DateOnly+" "+clock) + " to " + end
}

// verdictText says why a conversation is allowed or not.
func verdictText(c *verify.Conversation) string {
	switch c.Verdict {
	case "allowed":
		if c.Conduit != "" && c.Allow != nil {
			return fmt.Sprintf("allowed: %s allow[%d]", c.Conduit, *c.Allow)
		}
		return "allowed"
	case "unplaced":
		return "no zone"
	}
	return strings.ReplaceAll(strings.Join(c.Violations, ", "), "_", " ")
}

func endText(e verify.End) string {
	s := e.ModelAsset
	if s == "" {
		s = e.IP
		if s == "" {
			s = e.MAC
		}
		s += " (unknown)"
	}
	return s
}

func protocolText(c *verify.Conversation) string {
	p := c.Protocol
	if p == "unknown" && c.As != "" {
		p = c.As + "?"
	}
	s := p + "/" + c.Transport
	if c.ServerPort != 0 {
		s += " " + strconv.Itoa(c.ServerPort)
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// clean makes a string safe for the terminal: names and identities come from the
// network, and escape sequences must not reach a terminal (textsafe.Terminal).
var clean = textsafe.Terminal

// clip shortens s to n runes for a table cell, cleaned.
func clip(s string, n int) string {
	r := []rune(clean(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// firewallText says what a replayed ruleset does to a conversation: "accept: line 42".
func firewallText(fv *verify.FirewallVerdict) string {
	switch {
	case fv == nil:
		return "-"
	case fv.Line == 0:
		return fv.Action + ": policy"
	}
	return fmt.Sprintf("%s: line %d", fv.Action, fv.Line)
}
