package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// Assessment writes an assessment result in format f.
func Assessment(w io.Writer, res *assess.Result, f Format) error {
	switch f {
	case Table:
		return assessmentTable(w, res)
	case JSON:
		return assessmentJSON(w, res)
	case Markdown:
		return assessmentMarkdown(w, res)
	case CSV:
		return gapCSV(w, res)
	case HTML:
		return assessmentHTML(w, res)
	}
	return fmt.Errorf("assessment: format %q is not supported", f)
}

// assessmentJSON writes the result as writeJSON would, but one zone, conduit, gap,
// action or finding at a time, so that the JSON of a plant with thousands of zones is
// never held in memory whole.
func assessmentJSON(w io.Writer, res *assess.Result) error {
	if err := writeAssessmentJSON(w, res); err != nil {
		return fmt.Errorf("assessment json: %w", err)
	}
	return nil
}

func writeAssessmentJSON(w io.Writer, res *assess.Result) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf bytes.Buffer
	// put writes v indented for its depth, without the newline the encoder appends.
	put := func(v any, prefix string) error {
		buf.Reset()
		e := json.NewEncoder(&buf)
		e.SetEscapeHTML(false)
		e.SetIndent(prefix, "  ")
		if err := e.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	bw.WriteString("{")
	for i, f := range []struct {
		name string
		v    any
	}{{"schema_version", res.SchemaVersion}, {"system", res.System}, {"date", res.Date}, {"summary", res.Summary}, {"risk", res.Risk}} {
		if i > 0 {
			bw.WriteString(",")
		}
		fmt.Fprintf(bw, "\n  %q: ", f.name)
		if err := put(f.v, "  "); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		name string
		n    int
		item func(i int) any
	}{
		{"zones", len(res.Zones), func(i int) any { return &res.Zones[i] }},
		{"conduits", len(res.Conduits), func(i int) any { return &res.Conduits[i] }},
		{"gaps", len(res.Gaps), func(i int) any { return &res.Gaps[i] }},
		{"plan", len(res.Plan), func(i int) any { return &res.Plan[i] }},
		{"findings", len(res.Findings), func(i int) any { return &res.Findings[i] }},
		{"observed_violations", len(res.Observed), func(i int) any { return &res.Observed[i] }},
	} {
		if l.name == "observed_violations" && l.n == 0 {
			continue // omitted without captures, as the struct's JSON tag says
		}
		fmt.Fprintf(bw, ",\n  %q: [", l.name)
		for i := 0; i < l.n; i++ {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			if err := put(l.item(i), "    "); err != nil {
				return err
			}
		}
		if l.n > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteString("]")
	}
	bw.WriteString("\n}\n")
	// bufio keeps its first error: every write above that failed shows here.
	return bw.Flush()
}

// gapCSV writes one row per missing requirement of each gap: the list a team works
// through in a spreadsheet or imports into a tracker. Text cells go through
// textsafe.CSV: no control character and no formula reaches the spreadsheet.
func gapCSV(w io.Writer, res *assess.Result) error {
	cw := csv.NewWriter(w)
	c := textsafe.CSV
	var err error
	put := func(row ...string) {
		if err == nil {
			err = cw.Write(row)
		}
	}
	put("subject", "kind", "fr", "sl_target", "sl_achieved", "requirement", "title", "lowest_sl", "state")
	for _, g := range res.Gaps {
		for _, m := range g.Missing {
			put(c(g.Subject), c(g.Kind), strconv.Itoa(g.FR), strconv.Itoa(g.Target), strconv.Itoa(g.Achieved),
				c(m.ID), c(m.Title), strconv.Itoa(m.LowestSL), c(m.State))
		}
	}
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		return fmt.Errorf("gap csv: %w", err)
	}
	return nil
}
