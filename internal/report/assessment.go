package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/zonewarden/zonewarden/internal/assess"
)

// Assessment writes an assessment result in format f.
func Assessment(w io.Writer, res *assess.Result, f Format) error {
	switch f {
	case Table:
		return assessmentTable(w, res)
	case JSON:
		return writeJSON(w, res)
	case Markdown:
		return assessmentMarkdown(w, res)
	case CSV:
		return gapCSV(w, res)
	case HTML:
		return assessmentHTML(w, res)
	}
	return fmt.Errorf("assessment: format %q is not supported", f)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// gapCSV writes one row per missing requirement of each gap: the list a team works
// through in a spreadsheet or imports into a tracker.
func gapCSV(w io.Writer, res *assess.Result) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"subject", "kind", "fr", "sl_target", "sl_achieved", "requirement", "title", "lowest_sl", "state"})
	for _, g := range res.Gaps {
		for _, m := range g.Missing {
			_ = cw.Write([]string{g.Subject, g.Kind, strconv.Itoa(g.FR), strconv.Itoa(g.Target), strconv.Itoa(g.Achieved),
				m.ID, m.Title, strconv.Itoa(m.LowestSL), m.State})
		}
	}
	cw.Flush()
	return cw.Error()
}
