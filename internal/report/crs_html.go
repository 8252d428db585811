package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/approval"
	"github.com/zonewarden/zonewarden/internal/report/html/svg"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// The specification as HTML is one file, like the assessment report: its template,
// stylesheet and drawing go inline, so it opens anywhere with no network, and prints on
// A4 as a document.
//
//go:embed templates/crs.html.tmpl templates/crs.css
var crsTemplates embed.FS

var crsTmpl = template.Must(template.New("crs.html.tmpl").
	Funcs(template.FuncMap{"join": strings.Join, "vec": vec, "short": approval.Short, "plural": plural,
		// sub1 is n-1-i: the matrix's rows run from the highest likelihood down.
		"sub1":           func(n, i int) int { return n - 1 - i },
		"concatSubjects": func(a, b []crsSubject) []crsSubject { return append(slices.Clip(a), b...) },
	}).
	ParseFS(crsTemplates, "templates/crs.html.tmpl"))

func crsHTML(w io.Writer, v *crsView) error {
	css, err := crsTemplates.ReadFile("templates/crs.css")
	if err != nil {
		return fmt.Errorf("requirements specification: %w", err)
	}
	v.CSS = template.CSS(css)
	if len(v.Zones) <= maxDiagramZones {
		v.Diagram = template.HTML(crsDiagram(v).SVG())
	} else {
		v.Diagram = template.HTML(fmt.Sprintf(`<p class="note">The drawing is made for plants of up to %d zones; this one has %d, more than a page can show legibly. The zone and conduit tables below hold the same facts.</p>`,
			maxDiagramZones, len(v.Zones)))
	}
	mw := textsafe.NewMarkupWriter(w)
	if err := crsTmpl.Execute(mw, v); err != nil {
		return fmt.Errorf("requirements specification: %w", err)
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("requirements specification: %w", err)
	}
	return nil
}

// crsDiagram draws the zones in Purdue rows and the conduits between them, each with its
// target level; zones without one are drawn dashed. Access points are marked on the
// zones they enter.
func crsDiagram(v *crsView) *svg.Diagram {
	d := &svg.Diagram{Title: "Zones by Purdue level, the conduits between them and their target security levels"}
	for _, r := range purdueRows {
		d.Rows = append(d.Rows, svg.Row{Label: r.label, Sub: r.sub})
	}
	entered := map[string][]string{}
	for _, ap := range v.AccessPoints {
		entered[ap.Zone] = append(entered[ap.Zone], ap.ID)
	}
	unassigned := -1
	for _, z := range v.Zones {
		level, _, _ := strings.Cut(z.Purdue, " ") // a subzone's "1 (of z-cell)" goes in row 1
		row := slices.IndexFunc(purdueRows, func(r struct{ level, label, sub string }) bool { return r.level == level })
		if row < 0 {
			if unassigned < 0 {
				unassigned = len(d.Rows)
				d.Rows = append(d.Rows, svg.Row{Label: "No level", Sub: "Purdue level not set"})
			}
			row = unassigned
		}
		line, class := "no SL-T", "tone-none"
		if z.HasTarget {
			line, class = "SL-T "+vec(z.Target), "tone-target"
		}
		marks := markList(slices.Contains(z.Flags, "safety"), slices.Contains(z.Flags, "wireless"),
			slices.Contains(z.Flags, "temporary"), slices.Contains(z.Flags, "external"))
		if aps := entered[z.ID]; len(aps) > 0 {
			marks = append(marks, svg.Mark{Text: "AP", Title: "access point: " + strings.Join(aps, ", ")})
		}
		d.Nodes = append(d.Nodes, svg.Node{ID: z.ID, Row: row, Title: orWord(z.Name, z.ID), Lines: []string{z.ID, line},
			Class: class, Marks: marks, Href: "#" + z.Anchor,
			Tooltip: fmt.Sprintf("%s %s: SL-T %s (%s)", z.ID, z.Name, vec(z.Target), z.targetBasis())})
	}
	for _, c := range v.Conduits {
		class := "edge-target"
		if !c.HasTarget {
			class = "edge-none"
		}
		tip := fmt.Sprintf("%s %s (%s): SL-T %s", c.ID, c.Name, c.Boundary, vec(c.Target))
		for i := 1; i < len(c.Zones); i++ {
			d.Edges = append(d.Edges, svg.Edge{ID: c.ID, From: c.Zones[0], To: c.Zones[i], Class: class, Href: "#" + c.Anchor, Tooltip: tip})
		}
	}
	return d
}
