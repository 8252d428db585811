package alert

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zonewarden/zonewarden/internal/finding"
)

// Column widths of the terminal table. Longer values push the line out rather than being
// cut, so nothing an operator needs is lost.
const (
	tableTimeWidth     = 23 // "2006-01-02 15:04:05.000"
	tableSeverityWidth = 8
	tableRuleWidth     = 26
	tableFlowWidth     = 46
)

const tableTimeLayout = "2006-01-02 15:04:05.000"

// AppendTableHeader appends the column titles that line up with AppendTable's lines.
func AppendTableHeader(dst []byte) []byte {
	start := len(dst)
	dst = append(dst, "TIME"...)
	dst = pad(dst, start, tableTimeWidth)
	col := len(dst)
	dst = append(dst, "SEVERITY"...)
	dst = pad(dst, col, tableSeverityWidth)
	col = len(dst)
	dst = append(dst, "RULE"...)
	dst = pad(dst, col, tableRuleWidth)
	col = len(dst)
	dst = append(dst, "SOURCE -> DESTINATION"...)
	dst = pad(dst, col, tableFlowWidth)
	return append(dst, "ALERT"...)
}

// AppendTable appends a as one line of the terminal table (no trailing newline): time in
// the alert's own time zone, severity, rule, source and destination (asset names when the
// model knows them), the title, the ATT&CK technique ids and, with a model, the
// conduit's verdict. Control characters and other terminal escapes in the fields are
// written as \xNN.
func AppendTable(dst []byte, a *Alert) []byte {
	line := len(dst)
	col := line
	dst = a.Time.AppendFormat(dst, tableTimeLayout)
	dst = pad(dst, col, tableTimeWidth)
	col = len(dst)
	dst = append(dst, upperSeverity(a.Severity)...)
	dst = pad(dst, col, tableSeverityWidth)
	col = len(dst)
	dst = appendEscaped(dst, a.Rule, escTerminal)
	dst = pad(dst, col, tableRuleWidth)
	col = len(dst)
	dst = appendTableEndpoint(dst, &a.Src)
	dst = append(dst, " -> "...)
	dst = appendTableEndpoint(dst, &a.Dst)
	dst = pad(dst, col, tableFlowWidth)
	dst = appendEscaped(dst, a.Title, escTerminal)
	if len(a.Techniques) > 0 {
		dst = append(dst, "  ["...)
		for i, t := range a.Techniques {
			if i > 0 {
				dst = append(dst, ' ')
			}
			dst = appendEscaped(dst, t, escTerminal)
		}
		dst = append(dst, ']')
	}
	if a.Allowed != VerdictUnknown {
		dst = append(dst, "  conduit "...)
		if a.Conduit == "" {
			dst = append(dst, '-')
		}
		dst = appendEscaped(dst, a.Conduit, escTerminal)
		dst = append(dst, ": "...)
		dst = append(dst, a.Allowed.String()...)
	}
	for len(dst) > line && dst[len(dst)-1] == ' ' { // no title: no padding at the end
		dst = dst[:len(dst)-1]
	}
	return dst
}

// appendTableEndpoint writes "asset (ip:port)", or "ip:port" when the asset is unknown,
// or the MAC address below IP.
func appendTableEndpoint(dst []byte, e *Endpoint) []byte {
	paren := e.Asset != ""
	if paren {
		dst = appendEscaped(dst, e.Asset, escTerminal)
		dst = append(dst, " ("...)
	}
	switch {
	case e.IP.IsValid():
		if e.IP.Is6() && e.Port != 0 {
			dst = append(dst, '[')
			dst = e.IP.AppendTo(dst)
			dst = append(dst, ']')
		} else {
			dst = e.IP.AppendTo(dst)
		}
		if e.Port != 0 {
			dst = append(dst, ':')
			dst = strconv.AppendUint(dst, uint64(e.Port), 10)
		}
	case e.MAC != ([6]byte{}):
		dst = appendMAC(dst, e.MAC)
	default:
		dst = append(dst, '?')
	}
	if paren {
		dst = append(dst, ')')
	}
	return dst
}

// pad appends spaces until dst[start:] spans width runes, and always at least two so
// that columns never run together.
func pad(dst []byte, start, width int) []byte {
	n := utf8.RuneCount(dst[start:])
	for ; n < width; n++ {
		dst = append(dst, ' ')
	}
	return append(dst, ' ', ' ')
}

var upperSeverities = [...]string{"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

func upperSeverity(s finding.Severity) string {
	if s >= 0 && int(s) < len(upperSeverities) {
		return upperSeverities[s]
	}
	return strings.ToUpper(s.String())
}
