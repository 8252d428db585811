package render

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// The page is one file: template, stylesheet and the map (SVG drawn here) go inline, so
// it opens anywhere with no network.
//
//go:embed templates/inventory.html.tmpl templates/inventory.css
var templates embed.FS

var inventoryTmpl = template.Must(template.New("inventory.html.tmpl").Funcs(template.FuncMap{
	"thousands": thousands,
	"identity":  identityLine,
	"add":       func(a, b uint64) uint64 { return a + b },
	"deref":     func(p *int) int { return *p },
	"count":     count,
}).ParseFS(templates, "templates/inventory.html.tmpl"))

type htmlView struct {
	Inv    *inventory.Inventory
	CSS    template.CSS
	Map    template.HTML
	Period string
}

// HTML writes the inventory as a self-contained HTML page with a communication map.
func HTML(w io.Writer, inv *inventory.Inventory) error {
	css, err := templates.ReadFile("templates/inventory.css")
	if err != nil {
		return fmt.Errorf("html inventory: %w", err)
	}
	v := htmlView{Inv: inv, CSS: template.CSS(css), Map: template.HTML(commMap(inv))}
	var first, last time.Time
	for _, s := range inv.Sources {
		if s.FirstSeen != nil && (first.IsZero() || s.FirstSeen.Before(first)) {
			first = *s.FirstSeen
		}
		if s.LastSeen != nil && s.LastSeen.After(last) {
			last = *s.LastSeen
		}
	}
	if !first.IsZero() {
		v.Period = first.UTC().Format("2006-01-02 15:04:05") + " to " + last.UTC().Format("2006-01-02 15:04:05") + " UTC"
	}
	// The page streams through MarkupWriter: no control character, invalid byte or
	// bidirectional control a device announced reaches the file raw.
	mw := textsafe.NewMarkupWriter(w)
	if err := inventoryTmpl.Execute(mw, v); err != nil {
		return fmt.Errorf("html inventory: %w", err)
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("html inventory: %w", err)
	}
	return nil
}
