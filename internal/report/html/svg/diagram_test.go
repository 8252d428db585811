package svg

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func purdueRows() []Row {
	return []Row{{"Level 5", ""}, {"Level 4", ""}, {"Level 3.5", ""}, {"Level 3", ""}, {"Level 2", ""}, {"Level 1", ""}, {"Level 0", ""}}
}

// waterTreatment has the example plant's shape: a chain down the levels, two conduits
// that skip a level, two zones of one level joined, and a fan into the cells.
func waterTreatment() *Diagram {
	d := &Diagram{Title: "water", Rows: purdueRows()}
	for _, z := range []struct {
		id  string
		row int
	}{{"z-enterprise", 1}, {"z-vendor", 0}, {"z-dmz", 2}, {"z-operations", 3}, {"z-control", 4}, {"z-maintenance", 4},
		{"z-intake", 5}, {"z-treatment", 5}, {"z-distribution", 5}, {"z-sis", 5}} {
		d.Nodes = append(d.Nodes, Node{ID: z.id, Row: z.row, Title: "Zone " + z.id, Lines: []string{z.id, "gap 3"}, Class: "tone-gap3"})
	}
	for _, c := range [][2]string{{"z-enterprise", "z-dmz"}, {"z-vendor", "z-dmz"}, {"z-dmz", "z-operations"}, {"z-operations", "z-control"},
		{"z-control", "z-intake"}, {"z-control", "z-treatment"}, {"z-control", "z-distribution"}, {"z-control", "z-sis"},
		{"z-maintenance", "z-control"}, {"z-enterprise", "z-operations"}} {
		d.Edges = append(d.Edges, Edge{ID: "c-" + c[0][2:] + "-" + c[1][2:], From: c[0], To: c[1], Class: "edge-gap"})
	}
	return d
}

// twentyZones is a larger plant: eight cells under four supervisory zones, with
// conduits that pass one and two rows and zones of one row joined apart.
func twentyZones() *Diagram {
	d := &Diagram{Title: "twenty", Rows: purdueRows()}
	add := func(id string, row int) {
		d.Nodes = append(d.Nodes, Node{ID: id, Row: row, Title: "Zone with a long name " + id, Lines: []string{id}, Marks: []Mark{{"SAFETY", "safety"}}})
	}
	join := func(a, b string) {
		d.Edges = append(d.Edges, Edge{ID: fmt.Sprintf("c%d-%s-%s", len(d.Edges), a, b), From: a, To: b})
	}
	add("vendor", 0)
	add("corp", 1)
	add("cloud", 1)
	add("dmz", 2)
	add("ops-a", 3)
	add("ops-b", 3)
	add("hist", 3)
	for i := range 4 {
		add(fmt.Sprintf("sup-%d", i), 4)
	}
	for i := range 8 {
		add(fmt.Sprintf("cell-%d", i), 5)
		join(fmt.Sprintf("sup-%d", i/2), fmt.Sprintf("cell-%d", i))
	}
	add("field", 6)
	join("vendor", "dmz")
	join("corp", "dmz")
	join("cloud", "dmz")
	join("dmz", "ops-a")
	join("dmz", "ops-b")
	join("corp", "hist") // passes the DMZ row
	join("vendor", "sup-0")
	join("ops-a", "sup-0")
	join("ops-a", "sup-1")
	join("ops-b", "sup-2")
	join("ops-b", "sup-3")
	join("sup-0", "sup-3") // same row, apart
	join("sup-1", "sup-2")
	join("cell-7", "field")
	join("hist", "cell-3") // passes two rows
	return d
}

func TestDiagramLayout(t *testing.T) {
	tests := []struct {
		name string
		d    *Diagram
	}{
		{"water treatment", waterTreatment()},
		{"twenty zones", twentyZones()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.d.Layout()
			for i, b := range l.Boxes {
				if !l.Placed[i] {
					t.Fatalf("node %s not placed", tt.d.Nodes[i].ID)
				}
				if b.X < 0 || b.Y < 0 || b.X+b.W > l.W || b.Y+b.H > l.H {
					t.Errorf("box %s %v outside the drawing %gx%g", tt.d.Nodes[i].ID, b, l.W, l.H)
				}
				if b.W < dgMinBoxW-dgBoxGap {
					t.Errorf("box %s is %.0f wide, too narrow to read", tt.d.Nodes[i].ID, b.W)
				}
				for j := i + 1; j < len(l.Boxes); j++ {
					if b.Overlaps(l.Boxes[j]) {
						t.Errorf("boxes %s and %s overlap", tt.d.Nodes[i].ID, tt.d.Nodes[j].ID)
					}
				}
			}
			for k, path := range l.Paths {
				e := tt.d.Edges[k]
				if len(path) < 2 {
					t.Fatalf("edge %s not routed", e.ID)
				}
				for _, end := range []struct {
					p  Point
					id string
				}{{path[0], e.From}, {path[len(path)-1], e.To}} {
					if !onAnyBorder(l, tt.d, end.p, e.From, e.To) {
						t.Errorf("edge %s ends at %v, not on the edge of %s or %s", e.ID, end.p, e.From, e.To)
					}
				}
				// No line runs through a box: it would hide the zone.
				for s := 0; s+1 < len(path); s++ {
					p, q := path[s], path[s+1]
					n := int(math.Hypot(q.X-p.X, q.Y-p.Y))
					for i := 1; i < n; i++ {
						pt := Point{p.X + (q.X-p.X)*float64(i)/float64(n), p.Y + (q.Y-p.Y)*float64(i)/float64(n)}
						for b, box := range l.Boxes {
							if box.grow(-1).Contains(pt) {
								t.Fatalf("edge %s runs through box %s at %v", e.ID, tt.d.Nodes[b].ID, pt)
							}
						}
					}
				}
				for b, box := range l.Boxes {
					if l.Labels[k].Overlaps(box) {
						t.Errorf("label of %s covers box %s", e.ID, tt.d.Nodes[b].ID)
					}
				}
				for j := k + 1; j < len(l.Labels); j++ {
					if l.Labels[k].Overlaps(l.Labels[j]) {
						t.Errorf("labels of %s and %s overlap", e.ID, tt.d.Edges[j].ID)
					}
				}
			}
			out := tt.d.SVG()
			wellFormed(t, out)
			if out != tt.d.SVG() {
				t.Error("two drawings of one diagram differ")
			}
			if n := strings.Count(out, `<g class="zone `); n != len(tt.d.Nodes) {
				t.Errorf("%d zones drawn, want %d", n, len(tt.d.Nodes))
			}
			if n := strings.Count(out, `<g class="conduit `); n != len(tt.d.Edges) {
				t.Errorf("%d conduits drawn, want %d", n, len(tt.d.Edges))
			}
		})
	}
}

func onAnyBorder(l *Layout, d *Diagram, p Point, ids ...string) bool {
	for i, n := range d.Nodes {
		for _, id := range ids {
			if n.ID != id {
				continue
			}
			b := l.Boxes[i]
			inX, inY := p.X >= b.X-0.01 && p.X <= b.X+b.W+0.01, p.Y >= b.Y-0.01 && p.Y <= b.Y+b.H+0.01
			onX := math.Abs(p.X-b.X) < 0.01 || math.Abs(p.X-b.X-b.W) < 0.01
			onY := math.Abs(p.Y-b.Y) < 0.01 || math.Abs(p.Y-b.Y-b.H) < 0.01
			if inX && onY || inY && onX {
				return true
			}
		}
	}
	return false
}

// TestDiagramOrder checks that rows are ordered so that lines do not cross: the boxes
// under A and B swap places to sit beneath them.
func TestDiagramOrder(t *testing.T) {
	d := &Diagram{Rows: []Row{{}, {}}, Nodes: []Node{{ID: "A", Row: 0}, {ID: "B", Row: 0}, {ID: "b", Row: 1}, {ID: "a", Row: 1}},
		Edges: []Edge{{ID: "Aa", From: "A", To: "a"}, {ID: "Bb", From: "B", To: "b"}}}
	l := d.Layout()
	if l.Boxes[0].X > l.Boxes[1].X {
		t.Fatal("A and B changed order without need")
	}
	if l.Boxes[3].X > l.Boxes[2].X {
		t.Errorf("a is right of b: the lines A–a and B–b cross")
	}
}

// TestDiagramSameRow checks the two ways of joining zones of one row.
func TestDiagramSameRow(t *testing.T) {
	d := &Diagram{Rows: []Row{{}}, Nodes: []Node{{ID: "a"}, {ID: "b"}, {ID: "c"}},
		Edges: []Edge{{ID: "ab", From: "a", To: "b"}, {ID: "ac", From: "a", To: "c"}}}
	l := d.Layout()
	ab, ac := l.Paths[0], l.Paths[1]
	if len(ab) != 2 || ab[0].Y != ab[1].Y {
		t.Errorf("neighbours a and b should be joined side to side, got %v", ab)
	}
	if len(ac) != 4 || ac[1].Y <= l.Boxes[0].Y+l.Boxes[0].H {
		t.Errorf("a and c, with b between, should be joined beneath the row, got %v", ac)
	}
}

func TestDiagramBadInput(t *testing.T) {
	d := &Diagram{Rows: []Row{{"r", ""}},
		Nodes: []Node{{ID: "a"}, {ID: "a", Title: "duplicate"}, {ID: "lost", Row: 7}, {ID: "neg", Row: -1}, {ID: "b"}},
		Edges: []Edge{{ID: "self", From: "a", To: "a"}, {ID: "dangling", From: "a", To: "nowhere"}, {ID: "ok", From: "a", To: "b"}, {ID: "lost", From: "lost", To: "a"}}}
	out := d.SVG()
	wellFormed(t, out)
	if n := strings.Count(out, `<g class="zone `); n != 2 {
		t.Errorf("%d zones drawn, want 2 (a and b)", n)
	}
	if n := strings.Count(out, `<g class="conduit `); n != 1 {
		t.Errorf("%d conduits drawn, want 1", n)
	}
	wellFormed(t, (&Diagram{}).SVG())
}
