package svg

import (
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// writer builds SVG markup. Attribute values and text are escaped here, in one place,
// so that callers can hand it any string.
type writer struct {
	b strings.Builder
}

// open writes a start tag; attrs are name, value pairs. Empty values are left out, so
// optional attributes need no branches at the call site.
func (w *writer) open(tag string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(tag)
	w.attrs(attrs)
	w.b.WriteByte('>')
}

// empty writes a self-closing element.
func (w *writer) empty(tag string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(tag)
	w.attrs(attrs)
	w.b.WriteString("/>")
}

func (w *writer) attrs(attrs []string) {
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		w.b.WriteByte(' ')
		w.b.WriteString(attrs[i])
		w.b.WriteString(`="`)
		w.b.WriteString(html.EscapeString(clean(attrs[i+1])))
		w.b.WriteByte('"')
	}
}

func (w *writer) close(tag string) {
	w.b.WriteString("</")
	w.b.WriteString(tag)
	w.b.WriteByte('>')
}

// text writes escaped character data.
func (w *writer) text(s string) { w.b.WriteString(html.EscapeString(clean(s))) }

// clean replaces what XML cannot hold, or a page must not carry raw (invalid UTF-8,
// control characters other than tab and line breaks, bidirectional controls), with
// U+FFFD, so that a stray byte in a model cannot break the page.
func clean(s string) string { return textsafe.Markup(s) }

// element writes <tag attrs>text</tag>.
func (w *writer) element(tag, text string, attrs ...string) {
	w.open(tag, attrs...)
	w.text(text)
	w.close(tag)
}

// title writes an SVG <title>, the accessible name and tooltip of its parent.
func (w *writer) title(s string) {
	if s != "" {
		w.element("title", s)
	}
}

func (w *writer) String() string { return w.b.String() }

// num formats a coordinate with one decimal at most, so output is compact and stable.
func num(x float64) string {
	r := math.Round(x*10) / 10
	if r == 0 { // no "-0"
		r = 0
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// points formats a polyline's points attribute.
func points(ps []Point) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(p.X))
		b.WriteByte(',')
		b.WriteString(num(p.Y))
	}
	return b.String()
}

// Point is a position in the drawing, y growing downwards.
type Point struct{ X, Y float64 }

// Rect is an axis-aligned box.
type Rect struct{ X, Y, W, H float64 }

// Overlaps reports whether r and o share interior area.
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

// Contains reports whether p lies strictly inside r.
func (r Rect) Contains(p Point) bool {
	return p.X > r.X && p.X < r.X+r.W && p.Y > r.Y && p.Y < r.Y+r.H
}

func (r Rect) grow(d float64) Rect { return Rect{r.X - d, r.Y - d, r.W + 2*d, r.H + 2*d} }

// advanceOf measures one character; tests count the measurements through it.
var advanceOf = advance

// textWidth estimates the width of s in a sans-serif font of the given size. The report
// names no web font, so the advances are those of DejaVu Sans, the widest of the common
// defaults, rounded up; bold is a tenth wider. The browser test checks the estimate.
func textWidth(s string, size float64, bold bool) float64 {
	em := 0.0
	for _, r := range s {
		em += advanceOf(r)
	}
	return scaled(em, size, bold)
}

// scaled turns a width in em into SVG units.
func scaled(em, size float64, bold bool) float64 {
	if bold {
		em *= 1.1
	}
	return em * size
}

// measure adds the advances of s to em and stops as soon as the text is wider than
// width: over reports that it is. Text is measured only as far as it can be shown, so a
// name of a megabyte costs no more than one that fits.
func measure(em float64, s string, width, size float64, bold bool) (_ float64, over bool) {
	for _, r := range s {
		em += advanceOf(r)
		if scaled(em, size, bold) > width {
			return em, true
		}
	}
	return em, false
}

// advance is a character's width in em.
func advance(r rune) float64 {
	switch {
	case strings.ContainsRune("ijl|!.,:;'", r):
		return 0.29
	case strings.ContainsRune(" ft()[]", r):
		return 0.4
	case r == 'r' || r == '-':
		return 0.43
	case r == 'm' || r == 'M' || r == 'W' || r == '…' || r == '—':
		return 1.0
	case r == 'w':
		return 0.83
	case r >= 'A' && r <= 'Z':
		return 0.75
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return 0.64
	}
	return 0.7
}

// wrap breaks s at spaces into at most n lines: the first fits first, the others
// width. The last line is shortened with an ellipsis when s does not fit in n. Each
// line is measured once, word by word, and no further than it can go.
func wrap(s string, first, width, size float64, bold bool, n int) []string {
	words := strings.Fields(s)
	var lines []string
	w := first
	for len(words) > 0 && len(lines) < n-1 {
		em, over := measure(0, words[0], w, size, bold)
		k := 1
		for k < len(words) && !over {
			next, o := measure(em, " ", w, size, bold)
			if !o {
				next, o = measure(next, words[k], w, size, bold)
			}
			if o {
				break
			}
			em = next
			k++
		}
		if k == len(words) && !over {
			break
		}
		lines = append(lines, fit(strings.Join(words[:k], " "), w, size, bold))
		words = words[k:]
		w = width
	}
	if len(words) > 0 {
		lines = append(lines, fit(strings.Join(words, " "), w, size, bold))
	}
	return lines
}

// fit shortens s with an ellipsis so that it fits width at the given font size: the
// longest start of s that leaves room for the ellipsis. It reads s once, and stops where
// the text no longer fits.
func fit(s string, width, size float64, bold bool) string {
	ellipsis := advanceOf('…')
	em, cut := 0.0, -1 // cut: bytes of the longest start that fits with the ellipsis
	for i, r := range s {
		if i > 0 && scaled(em+ellipsis, size, bold) <= width {
			cut = i
		}
		em += advanceOf(r)
		if scaled(em, size, bold) > width {
			if cut < 0 {
				return "…"
			}
			return s[:cut] + "…"
		}
	}
	return s
}

// safeHref keeps only links to fragments of the same page: the charts link to the
// report's own sections and nowhere else.
func safeHref(h string) string {
	if strings.HasPrefix(h, "#") {
		return h
	}
	return ""
}
