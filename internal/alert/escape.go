package alert

import (
	"unicode/utf8"

	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// The renderers write strings that come from the network — asset names read from
// device identification, protocol details, capture file names — so every string goes
// through an escaper that knows its format's separators. Invalid UTF-8 never reaches
// the output: each bad byte becomes U+FFFD (or \xNN on the terminal).

const hexDigits = "0123456789abcdef"

const replacementChar = "\uFFFD"

// escaper appends the rendering of one rune; raw holds the rune's input bytes, one
// invalid byte when r is utf8.RuneError from bad input.
type escaper func(dst []byte, r rune, raw string) []byte

func appendEscaped(dst []byte, s string, esc escaper) []byte {
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		dst = esc(dst, r, s[i:i+size])
		i += size
	}
	return dst
}

// isControl reports C0 and C1 control characters and DEL.
func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// appendValid appends raw, or U+FFFD when raw is an invalid byte.
func appendValid(dst []byte, r rune, raw string) []byte {
	if r == utf8.RuneError {
		return append(dst, replacementChar...)
	}
	return append(dst, raw...)
}

// appendJSONString appends s as a JSON string. Control characters and the line
// separators U+2028 and U+2029 (which break JavaScript consumers) are escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// escCEFHeader escapes a CEF header field: backslash and pipe are escaped; line breaks
// and other controls, which the header may not hold, become spaces.
func escCEFHeader(dst []byte, r rune, raw string) []byte {
	switch {
	case r == '\\' || r == '|':
		return append(dst, '\\', byte(r))
	case isControl(r):
		return append(dst, ' ')
	}
	return appendValid(dst, r, raw)
}

// escCEFValue escapes a CEF extension value: backslash and equals sign are escaped,
// line breaks written as \n and \r, other controls become spaces.
func escCEFValue(dst []byte, r rune, raw string) []byte {
	switch {
	case r == '\\' || r == '=':
		return append(dst, '\\', byte(r))
	case r == '\n':
		return append(dst, '\\', 'n')
	case r == '\r':
		return append(dst, '\\', 'r')
	case isControl(r):
		return append(dst, ' ')
	}
	return appendValid(dst, r, raw)
}

// escSDValue escapes an RFC 5424 PARAM-VALUE: '"', '\' and ']' are escaped (section
// 6.3.3); controls become spaces so that no receiver splits the message.
func escSDValue(dst []byte, r rune, raw string) []byte {
	switch {
	case r == '"' || r == '\\' || r == ']':
		return append(dst, '\\', byte(r))
	case isControl(r):
		return append(dst, ' ')
	}
	return appendValid(dst, r, raw)
}

// escLine keeps text on one line: controls and the Unicode line and paragraph
// separators become spaces.
func escLine(dst []byte, r rune, raw string) []byte {
	if isControl(r) || r == 0x2028 || r == 0x2029 {
		return append(dst, ' ')
	}
	return appendValid(dst, r, raw)
}

// escTerminal makes text safe to print on a terminal: control characters (escape
// sequences start with one), invalid bytes, the Unicode line and paragraph separators
// and the bidirectional controls that can make text read differently from what it is
// are written as \xNN or \u{NNNN}. It is textsafe's terminal escaping, the one every
// table of the program uses.
func escTerminal(dst []byte, r rune, raw string) []byte {
	return textsafe.AppendTerminalRune(dst, r, raw)
}

// appendToken appends s as a syslog header token or SD name: printable US-ASCII
// (33-126) without the bytes in forbidden, at most max bytes, "-" (or "_" for names)
// when empty. Other bytes become '_'.
func appendToken(dst []byte, s string, max int, forbidden string, empty byte) []byte {
	if s == "" {
		return append(dst, empty)
	}
	if len(s) > max {
		s = s[:max]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 || containsByte(forbidden, c) {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// firstKey reports whether details[i] is the first detail with its key; renderers skip
// repeated keys so that JSON objects and structured data stay well formed.
func firstKey(details []Detail, i int) bool {
	for j := range i {
		if details[j].Key == details[i].Key {
			return false
		}
	}
	return true
}

func appendMAC(dst []byte, mac [6]byte) []byte {
	for i, b := range mac {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[b>>4], hexDigits[b&0xf])
	}
	return dst
}
