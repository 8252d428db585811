package textsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The checks below are the sanitisers' rules read backwards: what each output must not
// carry raw. The renderers' tests hold their output against them, rendering the hostile
// names of internal/testutil; they share the sanitisers' character classes so that the
// two cannot drift apart.

// CheckTerminal reports what in s a terminal would act on or hide: a control character,
// a bidirectional control, a line separator or invalid UTF-8.
func CheckTerminal(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8 in %q", clip(s))
	}
	for i, r := range s {
		if terminalBad(r) {
			return fmt.Errorf("%U at byte %d: %q", r, i, clip(s[max(i-40, 0):]))
		}
	}
	return nil
}

// CheckLines reports what CheckTerminal reports, line by line: the output of a
// renderer for the terminal, a document of lines.
func CheckLines(s string) error {
	for n, line := range strings.Split(s, "\n") {
		if err := CheckTerminal(line); err != nil {
			return fmt.Errorf("line %d: %w", n+1, err)
		}
	}
	return nil
}

// CheckMarkup reports what in an HTML or SVG page Markup would have replaced.
func CheckMarkup(s string) error {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if markupBad(r, size) {
			return fmt.Errorf("%U at byte %d: %q", r, i, clip(s[max(i-40, 0):]))
		}
		i += size
	}
	return nil
}

func clip(s string) string { return s[:min(len(s), 120)] }
