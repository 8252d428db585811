package textsafe

import (
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Replacement is what Markup writes in place of a character a page must not carry.
const Replacement = "\uFFFD"

// IsControl reports the C0 and C1 control characters and DEL.
func IsControl(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }

// IsBidi reports the characters that change the direction text is shown in: the
// embeddings and overrides (U+202A-U+202E), the isolates (U+2066-U+2069) and the marks
// (U+200E, U+200F, U+061C). With them a name can read differently from what it is.
func IsBidi(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// isLineSep reports the Unicode line and paragraph separators.
func isLineSep(r rune) bool { return r == 0x2028 || r == 0x2029 }

// terminalBad reports a rune Terminal writes as an escape.
func terminalBad(r rune) bool { return IsControl(r) || isLineSep(r) || IsBidi(r) }

// Terminal returns s with every control character, invalid byte, line separator and
// bidirectional control written visibly as \xNN or \u{NNNN}; s itself when it holds none.
func Terminal(s string) string {
	if !needsTerminal(s) {
		return s
	}
	return string(AppendTerminal(make([]byte, 0, len(s)+16), s))
}

func needsTerminal(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || terminalBad(r) {
			return true
		}
		i += size
	}
	return false
}

// AppendTerminal appends s to dst as Terminal writes it, without allocating.
func AppendTerminal(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		dst = AppendTerminalRune(dst, r, s[i:i+size])
		i += size
	}
	return dst
}

// AppendTerminalRune appends one rune as Terminal writes it; raw holds the rune's input
// bytes, a single byte when r is utf8.RuneError from invalid input.
func AppendTerminalRune(dst []byte, r rune, raw string) []byte {
	switch {
	case r == utf8.RuneError && len(raw) == 1:
		return append(dst, '\\', 'x', hexDigits[raw[0]>>4], hexDigits[raw[0]&0xf])
	case r < 0x80 && IsControl(r):
		return append(dst, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
	case terminalBad(r):
		dst = append(dst, '\\', 'u', '{')
		for shift := 12; shift >= 0; shift -= 4 {
			dst = append(dst, hexDigits[(r>>shift)&0xf])
		}
		return append(dst, '}')
	}
	return append(dst, raw...)
}

// CSV returns s ready for a CSV text cell: written as Terminal writes it and, when a
// spreadsheet would read it as a formula (it starts with = + - or @ and is longer than
// that one character and not a plain number such as "-1"), prefixed with a quote.
// Cells of numbers the program formats itself need not pass through it.
func CSV(s string) string {
	s = Terminal(s)
	if len(s) > 1 && strings.IndexByte("=+-@", s[0]) >= 0 && !plainNumber(s) {
		return "'" + s
	}
	return s
}

// plainNumber reports a decimal number: an optional sign, digits, an optional fraction
// and an optional exponent. A spreadsheet reads it as the number it is.
func plainNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// Markdown returns s ready for Markdown inline text or a table cell: backslash and the
// punctuation Markdown reads as markup (| * _ ` [ ] ~, and # first) are backslash-escaped, < > &
// written as &lt; &gt; &amp; (no tag, link or entity can be formed), line breaks and tabs
// become spaces (a cell stays on its line), and other controls, invalid bytes and
// bidirectional controls are written as Terminal writes them.
func Markdown(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf || strings.IndexByte(mdSpecial, c) >= 0 || i == 0 && c == '#' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	dst := make([]byte, 0, len(s)+16)
	if s[0] == '#' { // a heading if it begins a line
		dst = append(dst, '\\')
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		raw := s[i : i+size]
		i += size
		switch {
		case r < utf8.RuneSelf && strings.IndexByte(mdEscaped, byte(r)) >= 0:
			dst = append(dst, '\\', byte(r))
		case r == '<':
			dst = append(dst, "&lt;"...)
		case r == '>':
			dst = append(dst, "&gt;"...)
		case r == '&':
			dst = append(dst, "&amp;"...)
		case r == '\n' || r == '\r' || r == '\t' || isLineSep(r):
			dst = append(dst, ' ')
		default:
			dst = AppendTerminalRune(dst, r, raw)
		}
	}
	return string(dst)
}

const (
	mdEscaped = "\\|*_`[]~"
	mdSpecial = mdEscaped + "<>&"
)

// markupBad reports what Markup replaces; size is the rune's length in the input.
func markupBad(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r < 0x7f:
		return false
	}
	return IsControl(r) || IsBidi(r) || r == 0xfffe || r == 0xffff
}

// Markup returns s with what an HTML or SVG page must not carry raw replaced by U+FFFD:
// control characters other than tab, CR and LF, invalid UTF-8, the noncharacters U+FFFE
// and U+FFFF, and the bidirectional controls. It escapes no markup: html/template and
// the SVG writer do that.
func Markup(s string) string {
	ok := true
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if markupBad(r, size) {
			ok = false
			break
		}
		i += size
	}
	if ok {
		return s
	}
	return string(appendMarkup(make([]byte, 0, len(s)+8), []byte(s)))
}

// appendMarkup appends p to dst as Markup writes it.
func appendMarkup(dst, p []byte) []byte {
	start := 0
	for i := 0; i < len(p); {
		r, size := rune(p[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(p[i:])
		}
		if markupBad(r, size) {
			dst = append(dst, p[start:i]...)
			dst = append(dst, Replacement...)
			start = i + size
		}
		i += size
	}
	return append(dst, p[start:]...)
}
