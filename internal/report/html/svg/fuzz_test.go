package svg

import (
	"strings"
	"testing"
)

// FuzzDiagram draws diagrams described by a small language, one item per line:
// "n ID ROW TITLE" for a node, "e ID FROM TO" for an edge; the first line is the number
// of rows. Whatever the input, the drawing must be well-formed, keep its boxes apart
// and lead nowhere outside the page.
func FuzzDiagram(f *testing.F) {
	f.Add("7\nn z-ent 1 Enterprise network\nn z-dmz 2 DMZ\nn z-ops 3 Site operations\ne c1 z-ent z-dmz\ne c2 z-ent z-ops\ne c3 z-dmz z-ops")
	f.Add("2\nn a 0 A\nn b 0 B\nn c 0 C\ne ab a b\ne ac a c\ne self a a\ne dangling a x")
	f.Add("3\nn a 0 <b>&\"\nn a 1 duplicate\nn b 9 lost\nn c -1 negative\ne <x> a c")
	f.Add("1\nn a 0 " + strings.Repeat("very long title ", 40) + "\nn b 0 b\ne " + strings.Repeat("x", 300) + " a b")
	f.Add("0\nn a 0 a")
	f.Fuzz(func(t *testing.T, spec string) {
		lines := strings.Split(spec, "\n")
		if len(lines) > 200 {
			return // bound the work, not the input's content
		}
		d := &Diagram{Title: spec}
		rows := 0
		for _, c := range lines[0] {
			if c >= '0' && c <= '9' {
				rows = rows*10 + int(c-'0')
			}
		}
		for i := range min(rows, 12) {
			d.Rows = append(d.Rows, Row{Label: lines[0], Sub: string(rune('A' + i))})
		}
		for _, line := range lines[1:] {
			f := strings.SplitN(line, " ", 4)
			switch {
			case len(f) >= 3 && f[0] == "n":
				row := 0
				neg := strings.HasPrefix(f[2], "-")
				for _, c := range f[2] {
					if c >= '0' && c <= '9' && row < 1000 {
						row = row*10 + int(c-'0')
					}
				}
				if neg {
					row = -row
				}
				title := ""
				if len(f) == 4 {
					title = f[3]
				}
				d.Nodes = append(d.Nodes, Node{ID: f[1], Row: row, Title: title, Lines: []string{f[1], title},
					Marks: []Mark{{Text: title, Title: title}}, Href: "#" + f[1], Tooltip: title, Class: title})
			case len(f) >= 4 && f[0] == "e":
				d.Edges = append(d.Edges, Edge{ID: f[1], From: f[2], To: f[3], Class: f[1], Href: f[1], Tooltip: line})
			}
		}
		out := d.SVG()
		wellFormed(t, out)
		if strings.Contains(out, `href="`) && strings.Contains(out, `href="`+"j") {
			t.Fatalf("a link that does not start with #: %.200s", out)
		}
		l := d.Layout()
		for i, b := range l.Boxes {
			for j := i + 1; j < len(l.Boxes); j++ {
				if l.Placed[i] && l.Placed[j] && b.Overlaps(l.Boxes[j]) {
					t.Fatalf("boxes %q and %q overlap", d.Nodes[i].ID, d.Nodes[j].ID)
				}
			}
		}
	})
}

// FuzzHeatmap draws risk matrices of any shape with any labels.
func FuzzHeatmap(f *testing.F) {
	f.Add(5, 5, "Rare", "T-ransomware", 2)
	f.Add(0, 3, "", "", 0)
	f.Add(3, 0, "<x>", "&", 9)
	f.Add(1, 1, strings.Repeat("w", 100), "T-a", 40)
	f.Fuzz(func(t *testing.T, nr, nc int, label, item string, items int) {
		nr, nc, items = min(max(nr, 0), 20), min(max(nc, 0), 20), min(max(items, 0), 50)
		h := &Heatmap{Title: label, Caption: label, RowAxis: label, ColAxis: label}
		for range nr {
			h.Rows = append(h.Rows, label)
			h.Class = append(h.Class, make([]string, max(nc-1, 0))) // ragged on purpose
			h.Items = append(h.Items, make([][]Mark, nc))
		}
		for range nc {
			h.Cols = append(h.Cols, label)
		}
		if nr > 0 && nc > 0 {
			for range items {
				h.Items[nr-1][nc-1] = append(h.Items[nr-1][nc-1], Mark{Text: item, Title: label})
			}
		}
		wellFormed(t, h.SVG())
	})
}

// FuzzRadar draws radars with any number of axes, levels and values.
func FuzzRadar(f *testing.F) {
	f.Add(7, 4, "FR1", 3, -2)
	f.Add(0, 0, "", 0, 0)
	f.Add(2, -5, "<", 99, 1)
	f.Fuzz(func(t *testing.T, axes, levels int, label string, v1, v2 int) {
		axes, levels = min(max(axes, 0), 64), min(max(levels, -10), 64)
		r := &Radar{Title: label, Max: levels}
		for range axes {
			r.Axes = append(r.Axes, Axis{Label: label, Sub: label})
		}
		r.Series = []Series{{Name: label, Values: []int{v1, v2}, Class: label, Dots: true}}
		wellFormed(t, r.SVG())
	})
}
