package catalog

import "strconv"

// An identifier is a prefix naming the family of the requirement, a number "major.minor"
// whose major part is the foundational requirement (1–7), and an optional enhancement
// number. The canonical spelling is "SR 1.1", "SR 1.1 RE 1", "CR 3.14", "EDR 3.10 RE 1".
//
// Parsing packs an identifier into a key so that Lookup needs neither allocation nor a
// map keyed by strings, whatever spelling the caller used.

// prefix is the family part of an identifier.
type prefix uint8

const (
	prefixNone prefix = iota
	prefixSR          // 62443-3-3 system requirement
	prefixCR          // 62443-4-2 component requirement, all component types
	prefixSAR         // 62443-4-2 software application requirement
	prefixEDR         // 62443-4-2 embedded device requirement
	prefixHDR         // 62443-4-2 host device requirement
	prefixNDR         // 62443-4-2 network device requirement
	prefixCount
)

var prefixNames = [prefixCount]string{"", "SR", "CR", "SAR", "EDR", "HDR", "NDR"}

// Bounds on the numeric parts. The standards use majors 1–7, minors up to 14 and
// enhancements up to 4; two digits leave room without admitting nonsense.
const (
	maxMajor = 7
	maxMinor = 99
	maxRE    = 99
)

// key is a parsed identifier: prefix<<24 | major<<16 | minor<<8 | enhancement.
// Enhancement 0 means the base requirement.
type key uint32

func makeKey(p prefix, major, minor, re int) key {
	return key(uint32(p)<<24 | uint32(major)<<16 | uint32(minor)<<8 | uint32(re))
}

func (k key) prefix() prefix { return prefix(k >> 24) }
func (k key) major() int     { return int(k>>16) & 0xff }
func (k key) minor() int     { return int(k>>8) & 0xff }
func (k key) re() int        { return int(k) & 0xff }

// base is the key of the requirement that k enhances (k itself for a base requirement).
func (k key) base() key { return k &^ 0xff }

// appendTo appends the canonical spelling of k to b.
func (k key) appendTo(b []byte) []byte {
	b = append(b, prefixNames[k.prefix()]...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(k.major()), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(k.minor()), 10)
	if re := k.re(); re != 0 {
		b = append(b, " RE "...)
		b = strconv.AppendInt(b, int64(re), 10)
	}
	return b
}

func (k key) String() string {
	var buf [24]byte
	return string(k.appendTo(buf[:0]))
}

// NormalizeID returns the canonical spelling of a requirement identifier, such as
// "SR 1.1 RE 1", and whether s is a well-formed identifier. It accepts any letter case,
// optional spaces, '-' or '_' between the parts, and the enhancement written as "RE 1",
// "RE1", "RE(1)", "(1)" or "-RE(1)": "sr1.1", "SR 1.1(1)", "cr-1.2-re(1)", "EDR 3.10 RE 1".
// It checks the form only, not whether the catalog holds such a requirement.
func NormalizeID(s string) (string, bool) {
	k, ok := parseKey(s)
	if !ok {
		return "", false
	}
	var buf [24]byte
	b := k.appendTo(buf[:0])
	if string(b) == s { // the comparison does not allocate; canonical input is returned as is
		return s, true
	}
	return string(b), true
}

// parseKey parses an identifier in any of the spellings NormalizeID accepts.
func parseKey(s string) (key, bool) {
	end := len(s)
	for end > 0 && isSpace(s[end-1]) {
		end--
	}
	i := 0
	for i < end && isSpace(s[i]) {
		i++
	}

	start := i
	for i < end && isLetter(s[i]) {
		i++
	}
	p := matchPrefix(s[start:i])
	if p == prefixNone {
		return 0, false
	}
	i = skipSeparators(s, i, end, false)

	major, i, ok := parseNumber(s, i, end)
	if !ok || major < 1 || major > maxMajor {
		return 0, false
	}
	if i >= end || s[i] != '.' {
		return 0, false
	}
	minor, i, ok := parseNumber(s, i+1, end)
	if !ok || minor < 1 || minor > maxMinor {
		return 0, false
	}
	if i == end {
		return makeKey(p, major, minor, 0), true
	}

	// The enhancement: separators, then "RE" with an optional "(n)", or a bare "(n)".
	i = skipSeparators(s, i, end, true)
	if i+1 < end && lower(s[i]) == 'r' && lower(s[i+1]) == 'e' {
		i = skipSeparators(s, i+2, end, true)
	} else if i >= end || s[i] != '(' {
		return 0, false
	}
	var re int
	if i < end && s[i] == '(' {
		re, i, ok = parseNumber(s, i+1, end)
		if !ok || i >= end || s[i] != ')' {
			return 0, false
		}
		i++
	} else {
		re, i, ok = parseNumber(s, i, end)
		if !ok {
			return 0, false
		}
	}
	if re < 1 || re > maxRE || i != end {
		return 0, false
	}
	return makeKey(p, major, minor, re), true
}

// parseNumber reads one or two decimal digits starting at s[i].
func parseNumber(s string, i, end int) (n, next int, ok bool) {
	start := i
	for i < end && s[i] >= '0' && s[i] <= '9' {
		if i-start == 2 {
			return 0, i, false
		}
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, i, i > start
}

func skipSeparators(s string, i, end int, dot bool) int {
	for i < end && (isSpace(s[i]) || s[i] == '-' || s[i] == '_' || (dot && s[i] == '.')) {
		i++
	}
	return i
}

// matchPrefix compares case-insensitively without allocating.
func matchPrefix(word string) prefix {
	for p := prefixSR; p < prefixCount; p++ {
		name := prefixNames[p]
		if len(word) != len(name) {
			continue
		}
		match := true
		for j := 0; j < len(word); j++ {
			if lower(word[j]) != lower(name[j]) {
				match = false
				break
			}
		}
		if match {
			return p
		}
	}
	return prefixNone
}

func isSpace(c byte) bool  { return c == ' ' || c == '\t' }
func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
