package textsafe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

func TestTerminal(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plc-1 Gerät", "plc-1 Gerät"},
		{"plc\x1b]0;pwned\x07", `plc\x1b]0;pwned\x07`},
		{"\x1b[2J", `\x1b[2J`},
		{"a\x00b\rc\nd\te", `a\x00b\x0dc\x0ad\x09e`},
		{"\x7f\u0085\u009b", `\x7f\u{0085}\u{009b}`},
		{"admin\u202Etxt", `admin\u{202e}txt`},
		{"\u2066x\u2069\u200f\u061c", `\u{2066}x\u{2069}\u{200f}\u{061c}`},
		{"bad\xff", `bad\xff`},
		{"\u2028", `\u{2028}`},
	} {
		if got := Terminal(tt.in); got != tt.want {
			t.Errorf("Terminal(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, s := range testutil.Hostile {
		assertTerminalSafe(t, "Terminal", Terminal(s))
	}
}

func assertTerminalSafe(t *testing.T, what, s string) {
	t.Helper()
	if err := CheckTerminal(s); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

func TestCSV(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"=HYPERLINK(\"x\")", `'=HYPERLINK("x")`},
		{"+cmd", "'+cmd"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-2+3", "'-2+3"},
		{"-1", "-1"},
		{"+1.5e3", "+1.5e3"},
		{"-.5", "-.5"},
		{"-", "-"},
		{"=", "="},
		{"-e5", "'-e5"},
		{"\t=1", `\x09=1`},
		{"\r=1", `\x0d=1`},
		{"=a\nb", `'=a\x0ab`},
		{"10.0.0.1", "10.0.0.1"},
	} {
		if got := CSV(tt.in); got != tt.want {
			t.Errorf("CSV(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, s := range testutil.Hostile {
		got := CSV(s)
		assertTerminalSafe(t, "CSV", got)
		if strings.ContainsAny(got[:1], "=+@") || got[0] == '-' && !plainNumber(got) {
			t.Errorf("CSV(%q) = %q starts a formula", s, got)
		}
	}
}

func TestMarkdown(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Process cell 1", "Process cell 1"},
		{"a|b", `a\|b`},
		{`a\|b`, `a\\\|b`},
		{"*b* _i_ `c`", "\\*b\\* \\_i\\_ \\`c\\`"},
		{"[l](http://x)", `\[l\](http://x)`},
		{"<script>", "&lt;script&gt;"},
		{"&#x202E;", "&amp;#x202E;"},
		{"~~s~~", `\~\~s\~\~`},
		{"#h #2", `\#h #2`},
		{"a\nb\r\nc\td", "a b  c d"},
		{"x\x1b[2Jy", `x\x1b\[2Jy`},
		{"admin\u202Etxt", `admin\u{202e}txt`},
		{"bad\xff", `bad\xff`},
	} {
		if got := Markdown(tt.in); got != tt.want {
			t.Errorf("Markdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, s := range testutil.Hostile {
		got := Markdown(s)
		assertTerminalSafe(t, "Markdown", got)
		if strings.ContainsAny(got, "<>\n") {
			t.Errorf("Markdown(%q) = %q", s, got)
		}
		// Every markup character is escaped: none follows an even run of backslashes.
		for i := 0; i < len(got); i++ {
			if !strings.ContainsRune("|*_`[]~", rune(got[i])) {
				continue
			}
			n := 0
			for j := i - 1; j >= 0 && got[j] == '\\'; j-- {
				n++
			}
			if n%2 == 0 {
				t.Errorf("Markdown(%q) = %q: %q at %d is not escaped", s, got, got[i], i)
			}
		}
	}
}

func TestMarkup(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plc <b>&", "plc <b>&"},
		{"a\tb\nc\rd", "a\tb\nc\rd"},
		{"plc\x1b]0;pwned\x07", "plc\uFFFD]0;pwned\uFFFD"},
		{"\x00\x7f\u0085", "\uFFFD\uFFFD\uFFFD"},
		{"admin\u202Etxt", "admin\uFFFDtxt"},
		{"bad\xff\xfe", "bad\uFFFD\uFFFD"},
		{"\uFFFE\uFFFF\uFFFD", "\uFFFD\uFFFD\uFFFD"},
	} {
		if got := Markup(tt.in); got != tt.want {
			t.Errorf("Markup(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMarkupWriterSplits writes hostile text and multibyte characters cut at every byte
// boundary and in one go: the output is the same and clean.
func TestMarkupWriterSplits(t *testing.T) {
	in := strings.Join(testutil.Hostile, "|") + "Gerät Ω 😀 \u202e end \xf0\x9f"
	want := Markup(in)
	for cut := 0; cut <= len(in); cut++ {
		for _, step := range []int{1, 2, 3, 7, len(in) + 1} {
			var out bytes.Buffer
			m := NewMarkupWriter(&out)
			parts := []string{in[:cut], in[cut:]}
			for _, p := range parts {
				for len(p) > 0 {
					k := min(step, len(p))
					if n, err := m.Write([]byte(p[:k])); n != k || err != nil {
						t.Fatalf("Write: %d, %v", n, err)
					}
					p = p[k:]
				}
			}
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Fatalf("cut %d step %d:\n got %q\nwant %q", cut, step, out.String(), want)
			}
		}
	}
}

func TestWritersKeepTheFirstError(t *testing.T) {
	f := &testutil.FailAfter{N: 5}
	w := NewWriter(f)
	w.Printf("%s", "hello")
	if w.Err() != nil {
		t.Fatalf("5 bytes fit: %v", w.Err())
	}
	w.Println("world")
	w.WriteString("more")
	if !errors.Is(w.Err(), testutil.ErrFull) {
		t.Fatalf("Err = %v", w.Err())
	}
	if n, err := w.Write([]byte("x")); n != 0 || !errors.Is(err, testutil.ErrFull) {
		t.Errorf("write after the error: %d, %v", n, err)
	}

	w = NewWriter(shortWriter{})
	w.Printf("abc")
	if !errors.Is(w.Err(), io.ErrShortWrite) {
		t.Errorf("short write: %v", w.Err())
	}

	m := NewMarkupWriter(&testutil.FailAfter{N: 2})
	if _, err := m.Write([]byte("ab")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Write([]byte("c")); !errors.Is(err, testutil.ErrFull) {
		t.Errorf("markup writer: %v", err)
	}
	if err := m.Close(); !errors.Is(err, testutil.ErrFull) {
		t.Errorf("markup Close: %v", err)
	}
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

func ExampleTerminal() {
	fmt.Println(Terminal("plc\x1b]0;pwned\x07 \u202eexe"))
	fmt.Println(CSV("=HYPERLINK(\"http://x\")"), CSV("-1"))
	fmt.Println(Markdown("a|b *c* <d>"))
	// Output:
	// plc\x1b]0;pwned\x07 \u{202e}exe
	// '=HYPERLINK("http://x") -1
	// a\|b \*c\* &lt;d&gt;
}
