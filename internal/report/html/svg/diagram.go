package svg

import (
	"cmp"
	"math"
	"slices"
)

// Diagram is a drawing of boxes in horizontal rows joined by lines: zones laid out by
// Purdue level and the conduits between them. Boxes are spread evenly in their row and
// ordered to keep lines from crossing; lines run between box edges and go around the
// boxes of the rows they pass.
type Diagram struct {
	// Title is the drawing's accessible name.
	Title string
	// Rows from top to bottom.
	Rows  []Row
	Nodes []Node
	Edges []Edge
}

// Row is one horizontal band; Label is written large, Sub beneath it.
type Row struct{ Label, Sub string }

// Node is a box.
type Node struct {
	ID string
	// Row is the index in Diagram.Rows; a node with no valid row is not drawn.
	Row   int
	Title string
	// Lines are written beneath the title in a smaller face; at most two fit.
	Lines []string
	// Class styles the box (CSS), Marks are small badges in its top right corner.
	Class string
	Marks []Mark
	// Href links the box to a fragment of the page ("#zone-x"); other links are dropped.
	Href    string
	Tooltip string
}

// Mark is a badge on a box: short text and the words it stands for.
type Mark struct{ Text, Title string }

// Edge is a line between two nodes, labelled with its ID.
type Edge struct {
	ID, From, To string
	Class        string
	Href         string
	Tooltip      string
}

// Layout is where everything goes; Diagram.Layout computes it and SVG draws it.
type Layout struct {
	W, H float64
	// Bands are the rows' backgrounds; RowY the top of each row's boxes.
	Bands []Rect
	RowY  []float64
	// Boxes holds each node's box; Placed is false for nodes that are not drawn.
	Boxes  []Rect
	Placed []bool
	// Paths holds each edge's polyline (nil when not drawn), Labels its label's box and
	// LabelText its label, the ID clipped to dgMaxLabelW (the tooltip holds it whole).
	Paths     [][]Point
	Labels    []Rect
	LabelText []string
	// BoxH is the height of every box: titles wrap to two lines if one needs it.
	BoxH float64
	// Titles are the nodes' titles broken into lines; MarksW the width their badges take.
	Titles [][]string
	MarksW []float64
}

// Diagram geometry, in SVG units; the page scales the drawing to its width.
const (
	dgMinW      = 960.0
	dgLabelW    = 132.0 // row label column
	dgPad       = 16.0
	dgBoxH      = 58.0 // with a one-line title; each further title line adds dgTitleLead
	dgTitleLead = 14.0
	dgEmptyH    = 22.0 // height of a row without boxes
	dgRowGap    = 50.0
	dgMinBoxW   = 118.0
	dgMaxBoxW   = 230.0
	dgBoxGap    = 26.0 // least space between boxes, room for lines to pass
	dgClear     = 9.0  // how far a passing line keeps from a box
	dgLabelPx   = 9.5  // edge label font size
	dgMaxLabelW = 220.0
	dgTitlePx   = 12.0
	dgLinePx    = 10.0
	dgMarkPx    = 8.5
	dgSweeps    = 4
	dgChanStep  = 2.0
)

type side int

const (
	top side = iota
	bottom
	left
	right
)

type routeKind int

const (
	direct  routeKind = iota // straight between facing edges of adjacent rows
	channel                  // around the boxes of the rows between
	beside                   // same row, neighbours: side to side
	below                    // same row, not neighbours: under the row
)

// attachment is one end of an edge on a box side, sorted by key to spread the ports.
type attachment struct {
	edge, end int
	key       float64
}

type route struct {
	kind   routeKind
	a, b   int // node indexes; for direct and channel, a is the upper node
	chanX  float64
	belowY float64
	ends   [2]Point
}

// Layout places the nodes and routes the edges.
func (d *Diagram) Layout() *Layout {
	n := len(d.Nodes)
	l := &Layout{Boxes: make([]Rect, n), Placed: make([]bool, n), Paths: make([][]Point, len(d.Edges)),
		Labels: make([]Rect, len(d.Edges)), LabelText: make([]string, len(d.Edges)), RowY: make([]float64, len(d.Rows)),
		Titles: make([][]string, n), MarksW: make([]float64, n)}
	index := make(map[string]int, n)
	members := make([][]int, len(d.Rows))
	for i, nd := range d.Nodes {
		if nd.Row < 0 || nd.Row >= len(d.Rows) {
			continue
		}
		if _, dup := index[nd.ID]; dup {
			continue
		}
		index[nd.ID] = i
		l.Placed[i] = true
		members[nd.Row] = append(members[nd.Row], i)
	}
	// Edges whose ends are both drawn, as node index pairs.
	ends := make([][2]int, len(d.Edges))
	neighbours := make([][]int, n)
	for k, e := range d.Edges {
		l.LabelText[k] = fit(e.ID, dgMaxLabelW, dgLabelPx, false)
		a, okA := index[e.From]
		b, okB := index[e.To]
		if !okA || !okB || a == b {
			ends[k] = [2]int{-1, -1}
			continue
		}
		ends[k] = [2]int{a, b}
		neighbours[a] = append(neighbours[a], b)
		neighbours[b] = append(neighbours[b], a)
	}

	widest := 1
	for _, m := range members {
		widest = max(widest, len(m))
	}
	l.W = max(dgMinW, dgLabelW+2*dgPad+float64(widest)*(dgMinBoxW+dgBoxGap))
	x0, x1 := dgLabelW+dgPad, l.W-dgPad
	boxW := func(r int) float64 { return min(dgMaxBoxW, (x1-x0)/float64(len(members[r]))-dgBoxGap) }

	titleLines := 1
	for r, m := range members {
		for _, i := range m {
			l.MarksW[i] = marksWidth(d.Nodes[i].Marks, boxW(r))
			l.Titles[i] = wrap(d.Nodes[i].Title, boxW(r)-18-l.MarksW[i], boxW(r)-18, dgTitlePx, true, 2)
			titleLines = max(titleLines, len(l.Titles[i]))
		}
	}
	l.BoxH = dgBoxH + float64(titleLines-1)*dgTitleLead

	y := dgRowGap/2 + 6
	for r := range d.Rows {
		h := l.rowHeight(members[r])
		l.RowY[r] = y
		l.Bands = append(l.Bands, Rect{0, y - dgRowGap/2, l.W, h + dgRowGap})
		y += h + dgRowGap
	}
	l.H = y - dgRowGap/2 + 6

	// Order each row by the mean position of its neighbours in the rows above (sweeping
	// down) or below (sweeping up): the barycentre heuristic, which keeps most lines from
	// crossing. A box with no neighbour that way keeps its place, so the first row keeps
	// the order it was given unless the rows below call for a change.
	xs := make([]float64, n)
	place := func(r int) {
		m := members[r]
		slot := (x1 - x0) / float64(len(m))
		w := boxW(r)
		for j, i := range m {
			cx := x0 + slot*(float64(j)+0.5)
			xs[i] = cx
			l.Boxes[i] = Rect{cx - w/2, l.RowY[r], w, l.BoxH}
		}
	}
	for r := range members {
		if len(members[r]) > 0 {
			place(r)
		}
	}
	for s := 0; s < dgSweeps; s++ {
		for k := range members {
			r := k
			if s%2 == 1 {
				r = len(members) - 1 - k
			}
			if len(members[r]) < 2 {
				continue
			}
			down := s%2 == 0
			bary := make(map[int]float64, len(members[r]))
			for _, i := range members[r] {
				sum, cnt := 0.0, 0
				for _, j := range neighbours[i] {
					if rj := d.Nodes[j].Row; down && rj < r || !down && rj > r {
						sum += xs[j]
						cnt++
					}
				}
				bary[i] = xs[i]
				if cnt > 0 {
					bary[i] = sum / float64(cnt)
				}
			}
			slices.SortStableFunc(members[r], func(a, b int) int { return cmp.Compare(bary[a], bary[b]) })
			place(r)
		}
	}
	pos := make([]int, n) // position of each node in its row
	for _, m := range members {
		for j, i := range m {
			pos[i] = j
		}
	}

	// Classify the edges and find a channel for those that pass other rows.
	routes := make([]route, len(d.Edges))
	type used struct{ x, y0, y1 float64 }
	var channels []used
	belowCount := make([]int, len(d.Rows))
	att := make([][4][]attachment, n)
	for k := range d.Edges {
		a, b := ends[k][0], ends[k][1]
		if a < 0 {
			continue
		}
		ra, rb := d.Nodes[a].Row, d.Nodes[b].Row
		rt := route{a: a, b: b}
		switch {
		case ra == rb && absInt(pos[a]-pos[b]) == 1 && sideGap(l.Boxes[a], l.Boxes[b]) >= textWidth(l.LabelText[k], dgLabelPx, false)+12:
			// Neighbours with room for the label between them: side to side.
			rt.kind = beside
			if pos[a] > pos[b] {
				rt.a, rt.b = b, a
			}
			att[rt.a][right] = append(att[rt.a][right], attachment{k, 0, float64(k)})
			att[rt.b][left] = append(att[rt.b][left], attachment{k, 1, float64(k)})
		case ra == rb: // otherwise beneath the row
			rt.kind = below
			// Up to three lanes beneath a row, a label's height apart.
			rt.belowY = l.RowY[ra] + l.BoxH + 12 + float64(belowCount[ra]%3)*(dgLabelPx+3.5)
			belowCount[ra]++
			att[a][bottom] = append(att[a][bottom], attachment{k, 0, xs[b]})
			att[b][bottom] = append(att[b][bottom], attachment{k, 1, xs[a]})
		default:
			if ra > rb {
				rt.a, rt.b = b, a
			}
			ru, rl := d.Nodes[rt.a].Row, d.Nodes[rt.b].Row
			var obstacles []Rect
			for r := ru + 1; r < rl; r++ {
				for _, i := range members[r] {
					obstacles = append(obstacles, l.Boxes[i].grow(dgClear))
				}
			}
			if len(obstacles) == 0 {
				rt.kind = direct
				att[rt.a][bottom] = append(att[rt.a][bottom], attachment{k, 0, xs[rt.b]})
				att[rt.b][top] = append(att[rt.b][top], attachment{k, 1, xs[rt.a]})
				break
			}
			rt.kind = channel
			y0, y1 := l.RowY[ru+1]-dgClear, l.RowY[rl-1]+l.rowHeight(members[rl-1])+dgClear
			want := (xs[rt.a] + xs[rt.b]) / 2
			best, bestD := l.W-dgPad/2, math.Inf(1)
			for x := x0 - dgPad/2; x <= l.W-dgPad/2; x += dgChanStep {
				free := true
				for _, o := range obstacles {
					if x >= o.X && x <= o.X+o.W {
						free = false
						break
					}
				}
				// Channels keep apart where they run side by side and also where one
				// ends a row before the other begins, or the two would read as one line.
				for _, c := range channels {
					if free && math.Abs(c.x-x) < 2*dgClear && c.y0 < y1+dgRowGap && y0 < c.y1+dgRowGap {
						free = false
					}
				}
				if dd := math.Abs(x - want); free && dd < bestD {
					best, bestD = x, dd
				}
			}
			rt.chanX = best
			channels = append(channels, used{best, y0, y1})
			att[rt.a][bottom] = append(att[rt.a][bottom], attachment{k, 0, best})
			att[rt.b][top] = append(att[rt.b][top], attachment{k, 1, best})
		}
		routes[k] = rt
	}

	// Spread the ports along each side in the order of where their lines go.
	for i := range att {
		for s := top; s <= right; s++ {
			list := att[i][s]
			slices.SortStableFunc(list, func(p, q attachment) int {
				if c := cmp.Compare(p.key, q.key); c != 0 {
					return c
				}
				return cmp.Compare(p.edge, q.edge)
			})
			b := l.Boxes[i]
			for j, at := range list {
				f := float64(j+1) / float64(len(list)+1)
				var p Point
				switch s {
				case top:
					p = Point{b.X + b.W*f, b.Y}
				case bottom:
					p = Point{b.X + b.W*f, b.Y + b.H}
				case left:
					p = Point{b.X, b.Y + b.H*f}
				case right:
					p = Point{b.X + b.W, b.Y + b.H*f}
				}
				routes[at.edge].ends[at.end] = p
			}
		}
	}

	for k, rt := range routes {
		if ends[k][0] < 0 {
			continue
		}
		p, q := rt.ends[0], rt.ends[1]
		switch rt.kind {
		case direct, beside:
			l.Paths[k] = []Point{p, q}
		case below:
			l.Paths[k] = []Point{p, {p.X, rt.belowY}, {q.X, rt.belowY}, q}
		case channel:
			ru, rl := d.Nodes[rt.a].Row, d.Nodes[rt.b].Row
			y0 := l.RowY[ru+1] - dgClear
			y1 := l.RowY[rl-1] + l.rowHeight(members[rl-1]) + dgClear
			l.Paths[k] = []Point{p, {rt.chanX, y0}, {rt.chanX, y1}, q}
		}
	}
	l.placeLabels()
	return l
}

func (l *Layout) rowHeight(members []int) float64 {
	if len(members) == 0 {
		return dgEmptyH
	}
	return l.BoxH
}

// marksWidth is the room a node's badges take on its first line: as many as fit in
// half the box.
func marksWidth(marks []Mark, boxW float64) float64 {
	w := 0.0
	for j := len(marks) - 1; j >= 0; j-- {
		mw := textWidth(marks[j].Text, dgMarkPx, true) + 8 + 3
		if w+mw > boxW/2 {
			break
		}
		w += mw
	}
	return w
}

// sideGap is the horizontal space between two boxes of one row.
func sideGap(a, b Rect) float64 {
	if a.X > b.X {
		a, b = b, a
	}
	return b.X - (a.X + a.W)
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// placeLabels puts each edge's label on one of its segments, longest first, at the
// first of a few positions that covers no box and no other label; failing that, in the
// middle of the longest segment.
func (l *Layout) placeLabels() {
	var taken []Rect
	for i, b := range l.Boxes {
		if l.Placed[i] {
			taken = append(taken, b.grow(2))
		}
	}
	for k, path := range l.Paths {
		if len(path) < 2 {
			continue
		}
		segs := make([]int, len(path)-1)
		for s := range segs {
			segs[s] = s
		}
		length := func(s int) float64 { return math.Hypot(path[s+1].X-path[s].X, path[s+1].Y-path[s].Y) }
		slices.SortStableFunc(segs, func(a, b int) int { return cmp.Compare(length(b), length(a)) })
		w, h := textWidth(l.LabelText[k], dgLabelPx, false)+4, dgLabelPx+3
		at := func(s int, t float64) Rect {
			p, q := path[s], path[s+1]
			c := Point{p.X + (q.X-p.X)*t, p.Y + (q.Y-p.Y)*t}
			return Rect{c.X - w/2, c.Y - h/2, w, h}
		}
		pick, found := at(segs[0], 0.5), false
		for _, s := range segs {
			for _, t := range []float64{0.5, 0.36, 0.64, 0.24, 0.76, 0.44, 0.56, 0.3, 0.7} {
				r := at(s, t)
				if !slices.ContainsFunc(taken, r.Overlaps) {
					pick, found = r, true
					break
				}
			}
			if found {
				break
			}
		}
		l.Labels[k] = pick
		taken = append(taken, pick)
	}
}

// SVG lays the diagram out and draws it.
func (d *Diagram) SVG() string {
	l := d.Layout()
	var w writer
	w.open("svg", "class", "diagram", "viewBox", "0 0 "+num(l.W)+" "+num(l.H), "role", "img")
	w.title(d.Title)

	w.open("g", "class", "bands")
	for r, band := range l.Bands {
		cls := "band"
		if r%2 == 1 {
			cls = "band band-alt"
		}
		w.empty("rect", "class", cls, "x", num(band.X), "y", num(band.Y), "width", num(band.W), "height", num(band.H))
		mid := l.RowY[r] + (band.H-dgRowGap)/2
		w.element("text", fit(d.Rows[r].Label, dgLabelW-16, 13, true), "class", "band-label", "x", "12", "y", num(mid-1))
		if d.Rows[r].Sub != "" {
			w.element("text", fit(d.Rows[r].Sub, dgLabelW-16, 9.5, false), "class", "band-sub", "x", "12", "y", num(mid+12))
		}
	}
	w.empty("line", "class", "band-rule", "x1", num(dgLabelW), "y1", "0", "x2", num(dgLabelW), "y2", num(l.H))
	w.close("g")

	w.open("g", "class", "conduits")
	for k, e := range d.Edges {
		path := l.Paths[k]
		if path == nil {
			continue
		}
		href := safeHref(e.Href)
		if href != "" {
			w.open("a", "href", href)
		}
		w.open("g", "class", "conduit "+e.Class, "data-id", e.ID)
		w.title(cmp.Or(e.Tooltip, e.ID))
		w.empty("polyline", "class", "hit", "points", points(path))
		w.empty("polyline", "class", "line", "points", points(path))
		w.close("g")
		if href != "" {
			w.close("a")
		}
	}
	w.close("g")

	w.open("g", "class", "zones")
	for i, nd := range d.Nodes {
		if !l.Placed[i] {
			continue
		}
		b := l.Boxes[i]
		href := safeHref(nd.Href)
		if href != "" {
			w.open("a", "href", href)
		}
		w.open("g", "class", "zone "+nd.Class, "data-id", nd.ID)
		w.title(cmp.Or(nd.Tooltip, nd.Title))
		w.empty("rect", "x", num(b.X), "y", num(b.Y), "width", num(b.W), "height", num(b.H), "rx", "7")
		// Badges from the right edge leftwards, as many as marksWidth made room for.
		right := b.X + b.W - 6
		for j := len(nd.Marks) - 1; j >= 0; j-- {
			m := nd.Marks[j]
			mw := textWidth(m.Text, dgMarkPx, true) + 8
			if b.X+b.W-6-(right-mw) > l.MarksW[i] {
				break
			}
			right -= mw
			w.open("g", "class", "mark")
			w.title(m.Title)
			w.empty("rect", "x", num(right), "y", num(b.Y+6), "width", num(mw), "height", "13", "rx", "6.5")
			w.element("text", m.Text, "x", num(right+mw/2), "y", num(b.Y+15.5), "text-anchor", "middle")
			w.close("g")
			right -= 3
		}
		for j, t := range l.Titles[i] {
			w.element("text", t, "class", "zone-title", "x", num(b.X+9), "y", num(b.Y+18+float64(j)*dgTitleLead))
		}
		below := b.Y + l.BoxH - 25
		for j, line := range nd.Lines {
			if j == 2 {
				break
			}
			w.element("text", fit(line, b.W-16, dgLinePx, false), "class", "zone-line", "x", num(b.X+9), "y", num(below+float64(j)*14))
		}
		w.close("g")
		if href != "" {
			w.close("a")
		}
	}
	w.close("g")

	w.open("g", "class", "conduit-labels")
	for k, e := range d.Edges {
		if l.Paths[k] == nil {
			continue
		}
		r := l.Labels[k]
		w.element("text", l.LabelText[k], "x", num(r.X+r.W/2), "y", num(r.Y+r.H/2+dgLabelPx*0.35), "text-anchor", "middle", "data-id", e.ID)
	}
	w.close("g")
	w.close("svg")
	return w.String()
}
