package verify

import (
	"math/big"
	"slices"
	"strings"
	"unicode"
)

// Identities written by people in a model and identities a device states on the wire
// rarely agree to the letter: "Rockwell Automation/Allen-Bradley" and "Rockwell",
// firmware "33.011" and revision "33.11", serial "0x00614A2C" and "00614a2c". The
// comparisons here accept such differences and nothing more: a different number, a
// different product or a different maker still differ.

// words splits s into lower-case runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// vendorNoise are words of company names that do not tell makers apart.
var vendorNoise = []string{"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
	"gmbh", "ag", "kg", "sa", "sas", "spa", "bv", "b", "v", "nv", "ab", "oy", "as", "plc", "pty", "ulc", "the", "and", "of",
	"group", "holding", "holdings", "international", "automation", "electric", "electrical", "electronics",
	"electronic", "systems", "system", "technologies", "technology", "tech", "industrial", "industries",
	"engineering", "laboratories", "labs", "solutions", "products", "controls", "control", "networks", "devices"}

// sameVendor reports whether two vendor names plausibly name the same maker: they share
// a distinctive word ("Rockwell Automation/Allen-Bradley" and "Rockwell"), or one is the
// initials of the other ("SEL" and "Schweitzer Engineering Laboratories").
func sameVendor(a, b string) bool {
	wa, wb := words(a), words(b)
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	sa, sb := distinctive(wa), distinctive(wb)
	if slices.Contains(sb, initials(wa)) || slices.Contains(sa, initials(wb)) {
		return true
	}
	for _, w := range sa {
		if slices.Contains(sb, w) {
			return true
		}
	}
	// Names made only of common words ("General Electric" is "general" and "electric")
	// still match themselves.
	return strings.Join(wa, " ") == strings.Join(wb, " ")
}

func distinctive(ws []string) []string {
	var out []string
	for _, w := range ws {
		if len(w) >= 2 && !slices.Contains(vendorNoise, w) {
			out = append(out, w)
		}
	}
	return out
}

func initials(ws []string) string {
	if len(ws) < 2 {
		return "\x00" // a single word has no initials to compare
	}
	var b strings.Builder
	for _, w := range ws {
		b.WriteByte(w[0])
	}
	return b.String()
}

// sameModel reports whether two product names name the same product: the words of the
// shorter are all words of the longer ("1756-L83E" and "1756-L83E/B", "System Platform"
// and "AVEVA System Platform"), compared without case, spaces or punctuation.
func sameModel(a, b string) bool {
	wa, wb := words(a), words(b)
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	if strings.Join(wa, "") == strings.Join(wb, "") {
		return true
	}
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	for _, w := range wa {
		if !slices.Contains(wb, w) {
			return false
		}
	}
	return true
}

// sameFirmware reports whether two version strings name the same version: their numbers
// agree without leading zeros ("33.011" and "33.11", "V2.9.4" and "2.9.4"), and any
// words agree without case. The model may give fewer parts than the device states
// ("2.70" for "2.70.3"), never more.
func sameFirmware(model, observed string) bool {
	pm, po := versionParts(model), versionParts(observed)
	if len(pm) == 0 || len(po) == 0 {
		return strings.EqualFold(strings.TrimSpace(model), strings.TrimSpace(observed))
	}
	if len(pm) > len(po) {
		return false
	}
	return slices.Equal(pm, po[:len(pm)])
}

// versionParts splits a version into its numbers and words, numbers without leading
// zeros, a leading "v" or "version" dropped.
func versionParts(s string) []string {
	var out []string
	for i, w := range words(s) {
		if i == 0 && (w == "v" || w == "version" || w == "rev" || w == "fw") {
			continue
		}
		// "v2" → "2": a version written with its v attached.
		if i == 0 && len(w) > 1 && w[0] == 'v' && isDigits(w[1:]) {
			w = w[1:]
		}
		if isDigits(w) {
			w = strings.TrimLeft(w, "0")
			if w == "" {
				w = "0"
			}
		}
		out = append(out, w)
	}
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// sameSerial reports whether two serial numbers are the same: equal without case,
// spaces and punctuation, or the same number written in hex ("0x00614a2c") and decimal
// ("6376492").
func sameSerial(a, b string) bool {
	na, nb := strings.Join(words(a), ""), strings.Join(words(b), "")
	if na == "" || nb == "" {
		return false
	}
	if na == nb || trimHex(na) == trimHex(nb) {
		return true
	}
	va, oka := serialNumber(a)
	vb, okb := serialNumber(b)
	return oka && okb && va.Cmp(vb) == 0
}

// trimHex drops a 0x prefix and leading zeros.
func trimHex(s string) string {
	if rest, ok := strings.CutPrefix(s, "0x"); ok {
		s = rest
	}
	return strings.TrimLeft(s, "0")
}

// serialNumber reads a serial that is a number: hex with 0x, or decimal digits.
func serialNumber(s string) (*big.Int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	base := 10
	if rest, ok := strings.CutPrefix(s, "0x"); ok {
		s, base = rest, 16
	}
	if s == "" || len(s) > 40 {
		return nil, false
	}
	v, ok := new(big.Int).SetString(s, base)
	return v, ok
}
