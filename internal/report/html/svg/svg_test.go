package svg

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// wellFormed fails the test unless s parses as XML: the report inlines these drawings
// into HTML, and a stray '<' or '&' from a label would break the page.
func wellFormed(t testing.TB, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%.500s", err, s)
		}
	}
}

func TestEscaping(t *testing.T) {
	const evil = `<script>&"'</script>`
	outs := []string{
		(&Radar{Title: evil, Axes: []Axis{{evil, evil}, {evil, ""}, {"c", ""}}, Max: 4,
			Series: []Series{{Name: evil, Values: []int{1, 2, 3}, Class: evil}}}).SVG(),
		(&Diagram{Title: evil, Rows: []Row{{evil, evil}}, Nodes: []Node{{ID: evil, Title: evil, Lines: []string{evil},
			Class: evil, Marks: []Mark{{"S", evil}}, Href: "#" + evil, Tooltip: evil}, {ID: "b", Title: "b"}},
			Edges: []Edge{{ID: evil, From: evil, To: "b", Class: evil, Tooltip: evil, Href: "#x"}}}).SVG(),
		(&Heatmap{Title: evil, Caption: evil, RowAxis: evil, ColAxis: evil, Rows: []string{evil}, Cols: []string{evil},
			Class: [][]string{{evil}}, Items: [][][]Mark{{{{evil, evil}}}}}).SVG(),
	}
	for _, out := range outs {
		wellFormed(t, out)
		if strings.Contains(out, "<script>") {
			t.Errorf("unescaped markup: %.300s", out)
		}
	}
}

func TestSafeHref(t *testing.T) {
	tests := []struct{ in, want string }{
		{"#zone-a", "#zone-a"},
		{"javascript:alert(1)", ""},
		{"https://example.com/#x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := safeHref(tt.in); got != tt.want {
			t.Errorf("safeHref(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	out := (&Diagram{Rows: []Row{{}}, Nodes: []Node{{ID: "a", Href: "javascript:alert(1)"}}}).SVG()
	if strings.Contains(out, "javascript") || strings.Contains(out, "<a ") {
		t.Errorf("a link leaving the page was drawn: %s", out)
	}
}

func TestNum(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{{0, "0"}, {-0.01, "0"}, {1.25, "1.3"}, {-3.14159, "-3.1"}, {960, "960"}}
	for _, tt := range tests {
		if got := num(tt.in); got != tt.want {
			t.Errorf("num(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFitAndWrap(t *testing.T) {
	const title = "Distribution pumping cell"
	w := textWidth(title, 12, true)
	if got := fit(title, w, 12, true); got != title {
		t.Errorf("fit at its own width changed %q to %q", title, got)
	}
	short := fit(title, w/2, 12, true)
	if !strings.HasSuffix(short, "…") || textWidth(short, 12, true) > w/2 {
		t.Errorf("fit to half width gave %q", short)
	}
	tests := []struct {
		s     string
		width float64
		n     int
		want  []string
	}{
		{title, w, 2, []string{title}},
		{title, textWidth("Distribution pumping", 12, true), 2, []string{"Distribution pumping", "cell"}},
		{title, max(textWidth("Distribution", 12, true), textWidth("pumping cell", 12, true)), 2, []string{"Distribution", "pumping cell"}},
		{title, textWidth("Distribution", 12, true), 2, []string{"Distribution", fit("pumping cell", textWidth("Distribution", 12, true), 12, true)}},
		{title, textWidth("Distribution", 12, true), 1, []string{fit(title, textWidth("Distribution", 12, true), 12, true)}},
		{"", 100, 2, nil},
	}
	if got := wrap("Zone with a long name", textWidth("Zone", 12, true), textWidth("with a long name", 12, true), 12, true, 2); strings.Join(got, "|") != "Zone|with a long name" {
		t.Errorf("wrap with a narrower first line: %q", got)
	}
	for _, tt := range tests {
		got := wrap(tt.s, tt.width, tt.width, 12, true, tt.n)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %.0f, %d) = %q, want %q", tt.s, tt.width, tt.n, got, tt.want)
		}
		for _, line := range got {
			if textWidth(line, 12, true) > tt.width+0.01 {
				t.Errorf("wrap(%q): line %q is wider than %.0f", tt.s, line, tt.width)
			}
		}
	}
}
