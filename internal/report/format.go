package report

import (
	"fmt"
	"slices"
	"strings"
)

// Format is an output format.
type Format string

// The formats; not every result supports every format.
const (
	Table    Format = "table"
	JSON     Format = "json"
	Markdown Format = "md"
	CSV      Format = "csv"
	HTML     Format = "html"
)

// AssessmentFormats are the formats of an assessment.
var AssessmentFormats = []Format{Table, JSON, Markdown, CSV, HTML}

// ParseFormat reads a format name ("markdown" is accepted for md) and checks that it is
// one of allowed.
func ParseFormat(s string, allowed []Format) (Format, error) {
	f := Format(strings.ToLower(s))
	if f == "markdown" {
		f = Markdown
	}
	if !slices.Contains(allowed, f) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		return "", fmt.Errorf("unknown format %q: use one of %s", s, strings.Join(names, ", "))
	}
	return f, nil
}
