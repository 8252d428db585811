package alert

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zonewarden/zonewarden/internal/finding"
)

// Expected renderings of one string field, by format, written from the formats' rules
// rather than from the escapers.
func controlToSpace(r rune) string {
	if isControl(r) {
		return " "
	}
	return string(r)
}

func cefValueText(s string) string {
	return mapRunes(s, func(r rune) string {
		if r == '\n' || r == '\r' {
			return string(r)
		}
		return controlToSpace(r)
	})
}

func lineText(s string) string {
	return mapRunes(s, func(r rune) string {
		if r == 0x2028 || r == 0x2029 {
			return " "
		}
		return controlToSpace(r)
	})
}

func tokenText(s string, max int, forbidden string, empty string) string {
	if s == "" {
		return empty
	}
	if len(s) > max {
		s = s[:max]
	}
	b := []byte(s)
	for i, c := range b {
		if c < 33 || c > 126 || strings.IndexByte(forbidden, c) >= 0 {
			b[i] = '_'
		}
	}
	return string(b)
}

// FuzzEscaping feeds hostile strings into every field and reads the four renderings back
// with independent parsers: whatever the input, JSON stays valid JSON, CEF and syslog
// keep their structure (no unescaped separator) and give the field values back, and the
// table line holds nothing a terminal would act on.
func FuzzEscaping(f *testing.F) {
	f.Add("s7comm/plc-stop", "PLC STOP sent to plc-1", "plc-1", "cell-1", "function", "0x29", "T0858")
	f.Add(`a|b\c=d]e"f`, "x\ny\rz\x00\x1b[0m end", "\xff\xfe", "\u2028\u202e\u0085", "k=v", `v]"\`, "T|0=")
	f.Add("", "", "", "", "", "", "")
	f.Add(" ", " = ", "= =", `\`, " ", "\\=", " x=y")
	f.Add("rule with spaces and a very long name beyond thirty-two bytes", "Gerät Ω", "é\u00a0", "\t", "key with space", "\r\n", "T0843.001")
	f.Add("\x80", "\xef\xbb\xbfBOM first", "a\\", "b\\|", "]", "\"", "]")
	f.Fuzz(fuzzBody)
}

func fuzzBody(t *testing.T, rule, title, asset, zone, key, value, technique string) {
	{
		a := &Alert{
			Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Severity: finding.High,
			Rule: rule, Title: title,
			Src:      Endpoint{IP: netip.MustParseAddr("10.0.0.1"), Port: 1, Asset: asset, Zone: zone},
			Dst:      Endpoint{IP: netip.MustParseAddr("10.0.0.2"), Port: 2, Asset: value},
			Protocol: key, Operation: value,
			Details:    []Detail{{Key: key, Value: value}},
			Packets:    []uint64{1, 2},
			File:       title,
			Techniques: []string{technique},
			Conduit:    zone, Allowed: VerdictForbidden,
		}

		js := AppendJSON(nil, a)
		var w wireAlert
		if err := json.Unmarshal(js, &w); err != nil {
			t.Fatalf("JSON: %v\n%s", err, js)
		}
		if w.Rule != valid(rule) || w.Title != valid(title) || w.Src.Asset != valid(asset) || w.Src.Zone != valid(zone) ||
			w.Details[valid(key)] != valid(value) || w.File != valid(title) || w.Techniques[0].ID != valid(technique) || w.Conduit != valid(zone) {
			t.Fatalf("JSON read back as %+v", w)
		}

		cef := string(AppendCEF(nil, a, CEFOptions{}))
		ev, err := parseCEF(cef)
		if err != nil {
			t.Fatalf("CEF: %v\n%q", err, cef)
		}
		if ev.header[4] != lineText(rule) && ev.header[4] != mapRunes(rule, controlToSpace) || ev.header[5] != mapRunes(title, controlToSpace) {
			t.Fatalf("CEF header %q", ev.header)
		}
		for k, want := range map[string]string{"shost": asset, "cs1": zone, "cs3": zone, "dhost": value, "act": value, "app": key, "fname": title, "cs4": technique} {
			got, ok := ev.ext[k]
			if want == "" && k != "cs4" { // the techniques list is written even when its one id is empty
				if ok {
					t.Fatalf("CEF %s present for an empty value: %q", k, got)
				}
				continue
			}
			if got != cefValueText(want) {
				t.Fatalf("CEF %s = %q, want %q\n%q", k, got, cefValueText(want), cef)
			}
		}
		if got := ev.ext["cs5"]; got != cefValueText(key)+"="+cefValueText(value) {
			t.Fatalf("CEF cs5 = %q", got)
		}

		sl := string(AppendSyslog(nil, a, SyslogOptions{Hostname: asset, ProcID: zone}))
		m, err := parseSyslog(sl)
		if err != nil {
			t.Fatalf("syslog: %v\n%q", err, sl)
		}
		if strings.ContainsAny(sl, "\r\n\x00") {
			t.Fatalf("syslog message holds a line break or NUL: %q", sl)
		}
		if m.msgID != tokenText(rule, 32, "", "-") || m.host != tokenText(asset, 255, "", "-") || m.procID != tokenText(zone, 128, "", "-") {
			t.Fatalf("syslog header %+v", m)
		}
		for name, want := range map[string]string{"rule": rule, "src_asset": asset, "src_zone": zone, "dst_asset": value, "operation": value, "file": title, "techniques": technique} {
			got, ok := m.sd[0].param(name)
			if want == "" && name != "techniques" {
				if ok {
					t.Fatalf("syslog %s present for an empty value", name)
				}
				continue
			}
			if got != mapRunes(want, controlToSpace) {
				t.Fatalf("syslog %s = %q, want %q", name, got, mapRunes(want, controlToSpace))
			}
		}
		if len(m.sd) != 2 || len(m.sd[1].params) != 1 || m.sd[1].params[0] != [2]string{tokenText(key, 32, `="]`, "_"), mapRunes(value, controlToSpace)} {
			t.Fatalf("syslog details %+v", m.sd)
		}
		if title != "" && m.msg != lineText(title) {
			t.Fatalf("syslog MSG %q, want %q", m.msg, lineText(title))
		}

		line := AppendTable(nil, a)
		if !utf8.Valid(line) {
			t.Fatalf("table line is not UTF-8: %q", line)
		}
		for _, r := range string(line) {
			if isControl(r) || r == 0x2028 || r == 0x2029 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("table line holds %U: %q", r, line)
			}
		}
	}
}
