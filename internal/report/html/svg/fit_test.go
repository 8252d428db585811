package svg

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// fitByTrial and wrapByTrial are fit and wrap as they were: try every shorter start,
// every longer line. They are quadratic, and the reference the linear ones must equal.
func fitByTrial(s string, width, size float64, bold bool) string {
	if textWidth(s, size, bold) <= width {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 0; n-- {
		t := string(r[:n]) + "…"
		if textWidth(t, size, bold) <= width {
			return t
		}
	}
	return "…"
}

func wrapByTrial(s string, first, width, size float64, bold bool, n int) []string {
	words := strings.Fields(s)
	var lines []string
	w := first
	for len(words) > 0 && len(lines) < n-1 {
		k := 1
		for k < len(words) && textWidth(strings.Join(words[:k+1], " "), size, bold) <= w {
			k++
		}
		if k == len(words) && textWidth(strings.Join(words, " "), size, bold) <= w {
			break
		}
		lines = append(lines, fitByTrial(strings.Join(words[:k], " "), w, size, bold))
		words = words[k:]
		w = width
	}
	if len(words) > 0 {
		lines = append(lines, fitByTrial(strings.Join(words, " "), w, size, bold))
	}
	return lines
}

// TestFitAndWrapAgreeWithTrial holds the one-pass fit and wrap to the old trial of every
// length, on random names, so that no report changes by the rewrite.
func TestFitAndWrapAgreeWithTrial(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("aiWm MZ-r.lw0…—Ωé \t")
	for range 3000 {
		r := make([]rune, rng.IntN(60))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(r)
		width := rng.Float64() * 260
		size := []float64{8.5, 9.5, 10, 12, 13}[rng.IntN(5)]
		bold := rng.IntN(2) == 0
		if got, want := fit(s, width, size, bold), fitByTrial(s, width, size, bold); got != want {
			t.Fatalf("fit(%q, %v, %v, %v) = %q, the trial gives %q", s, width, size, bold, got, want)
		}
		first := width * rng.Float64()
		n := 1 + rng.IntN(3)
		got, want := wrap(s, first, width, size, bold, n), wrapByTrial(s, first, width, size, bold, n)
		if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Fatalf("wrap(%q, %v, %v, %v, %v, %d) = %q, the trial gives %q", s, first, width, size, bold, n, got, want)
		}
	}
	if got := fit("ab\xffcd", 20, 10, false); got != fitByTrial("ab\xffcd", 20, 10, false) && clean(got) != clean(fitByTrial("ab\xffcd", 20, 10, false)) {
		t.Errorf("invalid UTF-8: %q", got)
	}
}

// countAdvances counts the characters measured while f runs.
func countAdvances(t *testing.T, f func()) int {
	t.Helper()
	n := 0
	advanceOf = func(r rune) float64 { n++; return advance(r) }
	defer func() { advanceOf = advance }()
	f()
	return n
}

// TestHugeNamesAreMeasuredOnce draws a zone named with a megabyte, in one word and in
// many, with conduit ids and risk matrix labels as long. Every text is measured only as
// far as it can be shown: the characters measured stay in the thousands (the old trial
// of every length measured about n²/2, 5·10¹¹ for a megabyte, and never finished). The
// drawing clips the names and keeps them whole in the tooltips.
func TestHugeNamesAreMeasuredOnce(t *testing.T) {
	for _, name := range []string{
		strings.Repeat("W", 1<<20),
		strings.Repeat("pump ", 1<<18),
		strings.Repeat("a ", 1<<19),
	} {
		d := &Diagram{Title: "zones", Rows: []Row{{Label: name, Sub: name}, {Label: "L2"}},
			Nodes: []Node{{ID: "z1", Row: 0, Title: name, Lines: []string{name, name}, Marks: []Mark{{Text: "SAFETY", Title: name}}, Tooltip: name},
				{ID: "z2", Row: 0, Title: "b"}, {ID: "z3", Row: 1, Title: "c"}},
			Edges: []Edge{{ID: name, From: "z1", To: "z2", Tooltip: name}, {ID: name, From: "z1", To: "z3"}}}
		h := &Heatmap{Title: "risk", Rows: []string{name}, Cols: []string{name}, Class: [][]string{{"risk-1"}},
			Items: [][][]Mark{{{{Text: name, Title: name}}}}}
		var out, hm string
		calls := countAdvances(t, func() { out, hm = d.SVG(), h.SVG() })
		if calls > 20_000 {
			t.Errorf("%d characters measured for a name of %d bytes: the measuring is not bounded by what is shown", calls, len(name))
		}
		wellFormed(t, out)
		wellFormed(t, hm)
		for _, svg := range []string{out, hm} {
			for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllStringSubmatch(svg, -1) {
				if len(m[1]) > 400 {
					t.Errorf("a text of %d bytes is drawn: %.80s…", len(m[1]), m[1])
				}
			}
			if !strings.Contains(svg, "<title>"+name+"</title>") {
				t.Errorf("the full name is not kept in a tooltip")
			}
		}
	}
}
