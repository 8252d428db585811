package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// TestAssessmentReturnsWriteErrors renders every format into a writer that fails after
// n bytes, for n from the start to the last byte: each must return the error, never
// report a truncated output as written (assess -f md > /dev/full exited 0).
func TestAssessmentReturnsWriteErrors(t *testing.T) {
	res := exampleResult(t)
	for _, f := range AssessmentFormats {
		t.Run(string(f), func(t *testing.T) {
			var full bytes.Buffer
			if err := Assessment(&full, res, f); err != nil {
				t.Fatal(err)
			}
			for _, n := range testutil.Cuts(full.Len()) {
				if err := Assessment(&testutil.FailAfter{N: n}, res, f); !errors.Is(err, testutil.ErrFull) {
					t.Errorf("output cut at byte %d of %d: returned %v", n, full.Len(), err)
				}
			}
		})
	}
}

// hostileResult is the example's assessment with names from testutil.Hostile in the
// places each format writes a name from the model.
func hostileResult(m *model.Model, name string) *assess.Result {
	res := assess.Assess(m, assess.Options{Now: exampleDate})
	res.System.Name = name
	res.System.Owner = name
	res.Zones[0].Name = name
	res.Zones[0].ID = name
	res.Risk.Threats[0].Name = name
	res.Plan[0].Title = name
	res.Plan[0].Owner = name
	res.Findings[0].Message = name
	res.Findings[0].Fix = name
	res.Gaps[0].Subject = name
	res.Gaps[0].Missing[0].Title = name
	return res
}

// TestAssessmentHostileNames renders names carrying terminal escapes, controls,
// bidirectional overrides, markup and formulas in every format. None reaches a terminal,
// a spreadsheet, a Markdown table or a page as anything but text.
func TestAssessmentHostileNames(t *testing.T) {
	cell := regexp.MustCompile(`(^|[^\\])(\\\\)*\|`) // an unescaped pipe
	t.Chdir("../..")
	m, err := model.Load("examples/water-treatment/plant.yaml", model.Options{Requirement: requirementID})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range testutil.Hostile {
		res := hostileResult(m, name)
		out := map[Format]string{}
		for _, f := range AssessmentFormats {
			var b bytes.Buffer
			if err := Assessment(&b, res, f); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[f] = b.String()
		}
		if err := textsafe.CheckLines(out[Table]); err != nil {
			t.Errorf("name %d, table: %v", i, err)
		}
		if err := textsafe.CheckLines(out[Markdown]); err != nil {
			t.Errorf("name %d, md: %v", i, err)
		}
		if err := textsafe.CheckMarkup(out[HTML]); err != nil {
			t.Errorf("name %d, html: %v", i, err)
		}
		if strings.Count(out[HTML], "<script>") != 1 { // the page's own, that opens sections for printing
			t.Errorf("name %d, html: markup from the model", i)
		}
		// Markdown: every table row keeps its column count; no tag, link or entity.
		for _, line := range strings.Split(out[Markdown], "\n") {
			if strings.HasPrefix(line, "|") && !strings.HasPrefix(line, "|---") {
				if n := len(cell.FindAllString(line, -1)); n != 8 && n != 9 && n != 3 && n != 6 && n != 7 { // the tables' widths
					t.Errorf("name %d, md: a row with %d cell borders: %q", i, n, line)
				}
			}
		}
		if strings.Contains(out[Markdown], "<") || regexp.MustCompile(`(^|[^\\])\]\(`).MatchString(out[Markdown]) ||
			strings.Contains(strings.ReplaceAll(out[Markdown], "&amp;", ""), "&#") {
			t.Errorf("name %d, md: markup reaches the document:\n%.600s", i, out[Markdown])
		}
		// CSV: no controls, no formula in any cell.
		rows, err := csv.NewReader(strings.NewReader(out[CSV])).ReadAll()
		if err != nil {
			t.Fatalf("name %d, csv: %v", i, err)
		}
		for _, row := range rows {
			for _, c := range row {
				if err := textsafe.CheckTerminal(c); err != nil {
					t.Errorf("name %d, csv cell: %v", i, err)
				}
				if c != "" && strings.ContainsRune("=+-@", rune(c[0])) && c != "-" && !regexp.MustCompile(`^-?[0-9]`).MatchString(c) {
					t.Errorf("name %d, csv: formula cell %q", i, c)
				}
			}
		}
		// JSON keeps the name as it is: it is data, and encoding/json escapes controls.
		var back struct {
			System struct{ Name string } `json:"system"`
		}
		if err := json.Unmarshal([]byte(out[JSON]), &back); err != nil {
			t.Fatalf("name %d, json: %v", i, err)
		}
		if want := string([]rune(name)); back.System.Name != want { // invalid bytes as U+FFFD
			t.Errorf("name %d, json: %q, want %q", i, back.System.Name, want)
		}
		if strings.ContainsAny(out[JSON], "\x1b\x07\x00\r") {
			t.Errorf("name %d, json: raw controls", i)
		}
	}
}
