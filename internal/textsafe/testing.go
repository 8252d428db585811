package textsafe

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// What follows serves the renderers' tests: hostile names to render in every format,
// checks of the output, and a writer that fails like a full disk.

// Hostile are names a device or a model can give itself: terminal escape sequences (OSC
// window title, OSC 8 hyperlink, CSI clear screen), raw C0 and C1 controls, a
// bidirectional override, NUL, CR, line breaks, invalid UTF-8, markup and formulas.
var Hostile = []string{
	"plc\x1b]0;pwned\x07",
	"\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
	"\x1b[2Jcleared",
	"a\x00b\x01c\x7fd\u0085e\u009bf",
	"admin\u202Etxt.exe",
	"safe\rEVIL",
	"line1\nline2\tcol",
	"bad\xff\xfebytes",
	"<script>alert(1)</script> | *b* _i_ `c` [l](http://x) ~~s~~ &#x202E; \\| #h",
	"=HYPERLINK(\"http://x\")",
	"+cmd", "-2+3", "@SUM(A1)",
	"sep\u2028par\u2029",
}

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

// FailAfter is a writer for tests: it takes N bytes and then fails every write, as a full
// disk does. Renderers are tested with it at several N to show that they return the error.
type FailAfter struct {
	N       int
	written int
}

// ErrFull is FailAfter's error.
var ErrFull = errors.New("no space left on device (test writer)")

// Write takes what fits in N and fails when p does not fit.
func (f *FailAfter) Write(p []byte) (int, error) {
	room := max(f.N-f.written, 0)
	if len(p) <= room {
		f.written += len(p)
		return len(p), nil
	}
	f.written += room
	return room, ErrFull
}

// Cuts are the points at which a renderer's output of n bytes is cut in the tests: the
// start, the end and a spread between.
func Cuts(n int) []int {
	out := []int{0}
	for _, k := range []int{1, 2, 3, 5, 7, 9, 11} {
		if c := n * k / 12; c > out[len(out)-1] {
			out = append(out, c)
		}
	}
	if n > 0 && n-1 > out[len(out)-1] {
		out = append(out, n-1)
	}
	return out
}
