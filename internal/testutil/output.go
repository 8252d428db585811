package testutil

import "errors"

// Hostile are names a device or a model can give itself, for the renderers' tests:
// terminal escape sequences (OSC window title, OSC 8 hyperlink, CSI clear screen), raw C0
// and C1 controls, a bidirectional override, NUL, CR, line breaks, invalid UTF-8, markup
// and formulas. textsafe.CheckTerminal, CheckLines and CheckMarkup say whether an output
// carries any of it raw.
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

// FailAfter is a writer that takes N bytes and then fails every write, as a full disk
// does. Renderers are tested with it at several N (see Cuts) to show that they return
// the error.
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
