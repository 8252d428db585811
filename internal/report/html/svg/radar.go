package svg

import (
	"math"
	"strconv"
	"strings"
)

// Radar is a spider chart: one axis per label, rings for levels 1..Max, and one
// polygon per series.
type Radar struct {
	// Title is the chart's accessible name.
	Title string
	// Axes label the axes clockwise from the top; Sub is a second, smaller line.
	Axes []Axis
	// Max is the outermost ring's level.
	Max    int
	Series []Series
}

// Axis is one spoke of a radar.
type Axis struct{ Label, Sub string }

// Series is one polygon of a radar. Values are clamped to 0..Max; a nil series is not
// drawn. Class is the CSS class that styles it (fill, stroke, dashes).
type Series struct {
	Name   string
	Values []int
	Class  string
	// Dots marks the vertices, for the series read most closely.
	Dots bool
}

// Radar geometry, in SVG units; the page scales the drawing.
const (
	radarW, radarH = 260.0, 236.0
	radarCX        = radarW / 2
	radarCY        = 120.0
	radarR         = 78.0
)

// radarPoint is where level l of axis i of n lies.
func radarPoint(i, n int, l, maxLevel float64) Point {
	a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
	r := radarR * l / maxLevel
	return Point{radarCX + r*math.Cos(a), radarCY + r*math.Sin(a)}
}

// SVG draws the radar.
func (r *Radar) SVG() string {
	var w writer
	n := len(r.Axes)
	maxLevel := max(r.Max, 1)
	w.open("svg", "class", "radar", "viewBox", "0 0 "+num(radarW)+" "+num(radarH), "role", "img")
	w.title(r.Title)
	w.element("desc", r.describe())
	if n < 3 { // a radar needs three axes to enclose an area
		w.close("svg")
		return w.String()
	}
	w.open("g", "class", "radar-grid")
	for l := 1; l <= maxLevel; l++ {
		ring := make([]Point, n)
		for i := range ring {
			ring[i] = radarPoint(i, n, float64(l), float64(maxLevel))
		}
		w.empty("polygon", "points", points(ring))
	}
	for i := 0; i < n; i++ {
		p := radarPoint(i, n, float64(maxLevel), float64(maxLevel))
		w.empty("line", "x1", num(radarCX), "y1", num(radarCY), "x2", num(p.X), "y2", num(p.Y))
	}
	w.close("g")
	w.open("g", "class", "radar-ticks")
	for l := 1; l <= maxLevel; l++ {
		p := radarPoint(0, n, float64(l), float64(maxLevel))
		w.element("text", strconv.Itoa(l), "x", num(p.X+3), "y", num(p.Y+3))
	}
	w.close("g")
	for _, s := range r.Series {
		if s.Values == nil {
			continue
		}
		poly := make([]Point, n)
		for i := range poly {
			v := 0
			if i < len(s.Values) {
				v = min(max(s.Values[i], 0), maxLevel)
			}
			poly[i] = radarPoint(i, n, float64(v), float64(maxLevel))
		}
		w.open("g", "class", "radar-series "+s.Class)
		w.title(s.Name)
		w.empty("polygon", "points", points(poly))
		if s.Dots {
			for _, p := range poly {
				w.empty("circle", "cx", num(p.X), "cy", num(p.Y), "r", "2.6")
			}
		}
		w.close("g")
	}
	w.open("g", "class", "radar-axes")
	for i, ax := range r.Axes {
		p := radarPoint(i, n, float64(maxLevel)*1.16, float64(maxLevel))
		anchor := "middle"
		switch dx := p.X - radarCX; {
		case dx > 8:
			anchor = "start"
		case dx < -8:
			anchor = "end"
		}
		y := p.Y
		if p.Y < radarCY-radarR*0.9 { // the top label sits above its spoke
			y -= 10
		} else if p.Y > radarCY+radarR*0.5 {
			y += 4
		}
		w.open("text", "x", num(p.X), "y", num(y), "text-anchor", anchor)
		w.element("tspan", ax.Label, "class", "radar-axis")
		if ax.Sub != "" {
			w.element("tspan", ax.Sub, "class", "radar-axis-sub", "x", num(p.X), "dy", "11")
		}
		w.close("text")
	}
	w.close("g")
	w.close("svg")
	return w.String()
}

// describe writes the values in words for screen readers: "SL-T: 3 3 3 3 3 3 3; ...".
func (r *Radar) describe() string {
	var parts []string
	for _, s := range r.Series {
		if s.Values == nil {
			continue
		}
		v := make([]string, len(s.Values))
		for i, x := range s.Values {
			v[i] = strconv.Itoa(x)
		}
		parts = append(parts, s.Name+": "+strings.Join(v, " "))
	}
	return strings.Join(parts, "; ")
}
