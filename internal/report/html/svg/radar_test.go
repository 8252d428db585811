package svg

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var polygonRe = regexp.MustCompile(`<g class="radar-series ([^"]*)"><title>[^<]*</title><polygon points="([^"]*)"/>`)

// seriesPoints reads back the vertices drawn for each series class.
func seriesPoints(t *testing.T, out string) map[string][]Point {
	t.Helper()
	got := map[string][]Point{}
	for _, m := range polygonRe.FindAllStringSubmatch(out, -1) {
		for _, pair := range strings.Fields(m[2]) {
			x, y, _ := strings.Cut(pair, ",")
			px, err1 := strconv.ParseFloat(x, 64)
			py, err2 := strconv.ParseFloat(y, 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("bad point %q", pair)
			}
			got[m[1]] = append(got[m[1]], Point{px, py})
		}
	}
	return got
}

func TestRadar(t *testing.T) {
	axes := make([]Axis, 7)
	for i := range axes {
		axes[i] = Axis{Label: "FR" + strconv.Itoa(i+1)}
	}
	r := &Radar{Title: "z", Axes: axes, Max: 4, Series: []Series{
		{Name: "SL-A", Values: []int{0, 0, 0, 0, 0, 0, 0}, Class: "sl-a"},
		{Name: "SL-C", Values: nil, Class: "sl-c"}, // not declared: not drawn
		{Name: "SL-T", Values: []int{4, 2, 9, -1, 1, 3, 4}, Class: "sl-t", Dots: true},
	}}
	out := r.SVG()
	wellFormed(t, out)
	pts := seriesPoints(t, out)
	if _, ok := pts["sl-c"]; ok {
		t.Error("a series without values was drawn")
	}
	if n := strings.Count(out, "<polygon"); n != 4+2 {
		t.Errorf("%d polygons, want 4 rings and 2 series", n)
	}
	if n := strings.Count(out, "<circle"); n != 7 {
		t.Errorf("%d dots, want one per SL-T vertex", n)
	}
	for _, p := range pts["sl-a"] {
		if math.Abs(p.X-radarCX) > 0.1 || math.Abs(p.Y-radarCY) > 0.1 {
			t.Errorf("level 0 drawn at %v, want the centre", p)
		}
	}
	// Distance from the centre is proportional to the level, clamped to 0..Max.
	want := []int{4, 2, 4, 0, 1, 3, 4}
	tl := pts["sl-t"]
	if len(tl) != 7 {
		t.Fatalf("SL-T has %d vertices, want 7", len(tl))
	}
	for i, p := range tl {
		d := math.Hypot(p.X-radarCX, p.Y-radarCY)
		if math.Abs(d-radarR*float64(want[i])/4) > 0.2 {
			t.Errorf("FR%d: vertex %.1f from the centre, want %.1f", i+1, d, radarR*float64(want[i])/4)
		}
	}
	// FR1 points straight up.
	if math.Abs(tl[0].X-radarCX) > 0.1 || tl[0].Y >= radarCY {
		t.Errorf("FR1 vertex at %v, want above the centre", tl[0])
	}
	if !strings.Contains(out, "<desc>SL-A: 0 0 0 0 0 0 0; SL-T: 4 2 9 -1 1 3 4</desc>") {
		t.Errorf("description for screen readers missing: %.300s", out)
	}
}

func TestRadarTooFewAxes(t *testing.T) {
	out := (&Radar{Axes: []Axis{{Label: "a"}, {Label: "b"}}, Max: 4, Series: []Series{{Values: []int{1, 2}}}}).SVG()
	wellFormed(t, out)
	if strings.Contains(out, "<polygon") {
		t.Error("a two-axis radar drew polygons")
	}
}
