package alert

import (
	"fmt"
	"strings"
)

// Reference parsers for CEF and RFC 5424, written from the formats' specifications and
// independent of the renderers, so that the tests check what a receiver would read.

type cefEvent struct {
	header [7]string // version (without "CEF:"), vendor, product, version, signature, name, severity
	ext    map[string]string
	keys   []string
}

// parseCEF splits a CEF line: seven '|' separators not preceded by a backslash end the
// header; the extension is key=value pairs where a key is the word before an unescaped
// '=' and a value runs to the space before the next key.
func parseCEF(line string) (*cefEvent, error) {
	if !strings.HasPrefix(line, "CEF:") {
		return nil, fmt.Errorf("no CEF: prefix")
	}
	ev := &cefEvent{ext: map[string]string{}}
	rest := line[len("CEF:"):]
	for f := range 7 {
		var b strings.Builder
		i := 0
		for ; i < len(rest); i++ {
			c := rest[i]
			if c == '\\' && i+1 < len(rest) && (rest[i+1] == '\\' || rest[i+1] == '|') {
				b.WriteByte(rest[i+1])
				i++
				continue
			}
			if c == '|' {
				break
			}
			if c == '\n' || c == '\r' {
				return nil, fmt.Errorf("line break in header field %d", f)
			}
			b.WriteByte(c)
		}
		if i == len(rest) {
			return nil, fmt.Errorf("header has %d fields, want 8", f+1)
		}
		ev.header[f] = b.String()
		rest = rest[i+1:]
	}
	if strings.ContainsAny(rest, "\r\n") {
		return nil, fmt.Errorf("raw line break in the extension")
	}
	// Find the unescaped '=' signs; each one ends a key that starts after a space.
	type pos struct{ keyStart, eq int }
	var eqs []pos
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '\\':
			i++
		case '=':
			j := i
			for j > 0 && rest[j-1] != ' ' {
				j--
			}
			eqs = append(eqs, pos{j, i})
		}
	}
	for n, p := range eqs {
		key := rest[p.keyStart:p.eq]
		for _, c := range key {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return nil, fmt.Errorf("bad extension key %q", key)
			}
		}
		end := len(rest)
		if n+1 < len(eqs) {
			end = eqs[n+1].keyStart - 1
		}
		if _, dup := ev.ext[key]; dup {
			return nil, fmt.Errorf("extension key %s twice", key)
		}
		ev.ext[key] = unescapeCEFValue(rest[p.eq+1 : end])
		ev.keys = append(ev.keys, key)
	}
	if len(eqs) > 0 && eqs[0].keyStart != 0 {
		return nil, fmt.Errorf("extension starts with %q, not a key", rest[:eqs[0].keyStart])
	}
	return ev, nil
}

func unescapeCEFValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

type sdElement struct {
	id     string
	params [][2]string
}

func (e *sdElement) param(name string) (string, bool) {
	for _, p := range e.params {
		if p[0] == name {
			return p[1], true
		}
	}
	return "", false
}

type syslogMessage struct {
	pri, version                        string
	timestamp, host, app, procID, msgID string
	sd                                  []sdElement
	msg                                 string
}

// parseSyslog parses an RFC 5424 message (section 6) strictly.
func parseSyslog(s string) (*syslogMessage, error) {
	m := &syslogMessage{}
	if !strings.HasPrefix(s, "<") {
		return nil, fmt.Errorf("no PRI")
	}
	end := strings.IndexByte(s, '>')
	if end < 2 || end > 4 {
		return nil, fmt.Errorf("bad PRI")
	}
	m.pri, s = s[1:end], s[end+1:]
	fields := make([]string, 6)
	for i := range fields {
		sp := strings.IndexByte(s, ' ')
		if sp <= 0 {
			return nil, fmt.Errorf("header field %d missing", i)
		}
		fields[i], s = s[:sp], s[sp+1:]
		for _, c := range []byte(fields[i]) {
			if c < 33 || c > 126 {
				return nil, fmt.Errorf("header field %d has byte %#x", i, c)
			}
		}
	}
	m.version, m.timestamp, m.host, m.app, m.procID, m.msgID = fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]
	if len(m.host) > 255 || len(m.app) > 48 || len(m.procID) > 128 || len(m.msgID) > 32 {
		return nil, fmt.Errorf("header field too long")
	}
	if strings.HasPrefix(s, "-") {
		s = s[1:]
	} else {
		for strings.HasPrefix(s, "[") {
			var el sdElement
			var err error
			el, s, err = parseSDElement(s[1:])
			if err != nil {
				return nil, err
			}
			m.sd = append(m.sd, el)
		}
		if len(m.sd) == 0 {
			return nil, fmt.Errorf("no structured data")
		}
	}
	if s != "" {
		if s[0] != ' ' {
			return nil, fmt.Errorf("no space before MSG")
		}
		m.msg = strings.TrimPrefix(s[1:], "\uFEFF")
	}
	return m, nil
}

func sdName(s string) (string, string, error) {
	i := 0
	for i < len(s) && s[i] > 32 && s[i] < 127 && s[i] != '=' && s[i] != ']' && s[i] != '"' {
		i++
	}
	if i == 0 || i > 32 {
		return "", "", fmt.Errorf("bad SD name at %q", s)
	}
	return s[:i], s[i:], nil
}

func parseSDElement(s string) (sdElement, string, error) {
	var el sdElement
	var err error
	if el.id, s, err = sdName(s); err != nil {
		return el, "", err
	}
	for {
		if strings.HasPrefix(s, "]") {
			return el, s[1:], nil
		}
		if !strings.HasPrefix(s, " ") {
			return el, "", fmt.Errorf("expected space or ] at %q", s)
		}
		var name string
		if name, s, err = sdName(s[1:]); err != nil {
			return el, "", err
		}
		if !strings.HasPrefix(s, `="`) {
			return el, "", fmt.Errorf("param %s: expected =\"", name)
		}
		s = s[2:]
		var v strings.Builder
		closed := false
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\' || s[i+1] == ']') {
				v.WriteByte(s[i+1])
				i++
				continue
			}
			if c == ']' {
				return el, "", fmt.Errorf("param %s: unescaped ]", name)
			}
			if c == '"' {
				s = s[i+1:]
				closed = true
				break
			}
			v.WriteByte(c)
		}
		if !closed {
			return el, "", fmt.Errorf("param %s: unterminated value", name)
		}
		el.params = append(el.params, [2]string{name, v.String()})
	}
}
