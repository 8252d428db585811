package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// csvRow is one record of a side table with the line it started on.
type csvRow struct {
	line int
	rec  []string
}

// openCSV opens one of the catalog's tables: bounded in size, valid UTF-8, RFC 4180 with
// '#' comments. It returns the reader after the header line, and that header; callers
// check the header and the number of fields of each record.
func openCSV(name string, data []byte) (*csv.Reader, []string, error) {
	if len(data) > maxTableBytes {
		return nil, nil, fmt.Errorf("%s: %d bytes, more than the %d allowed", name, len(data), maxTableBytes)
	}
	if !utf8.Valid(data) {
		return nil, nil, fmt.Errorf("%s: not valid UTF-8", name)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("%s: empty table", name)
		}
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, header, nil
}

// readCSV reads one of the catalog's side tables (constraints, scope, plausibility):
// openCSV's rules, the given header, bounded in rows.
func readCSV(name string, data []byte, header []string) ([]csvRow, error) {
	r, got, err := openCSV(name, data)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(got, header) {
		return nil, fmt.Errorf("%s: header is %q, want %q", name, strings.Join(got, ","), strings.Join(header, ","))
	}
	r.FieldsPerRecord = len(header)
	var rows []csvRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		if len(rows) == maxRows {
			return nil, fmt.Errorf("%s line %d: more than %d rows", name, line, maxRows)
		}
		rows = append(rows, csvRow{line, rec})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows", name)
	}
	return rows, nil
}

// checkText applies the rules every text column of the catalog follows: present, no
// surrounding space, one line, bounded.
func checkText(id string, fields map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		v := fields[name]
		limit := maxTextLen
		if name == "title" {
			limit = maxTitleLen
		}
		switch {
		case strings.TrimSpace(v) != v || v == "":
			return fmt.Errorf("%s: %s is empty or has surrounding space", id, name)
		case strings.ContainsAny(v, "\r\n\t"):
			return fmt.Errorf("%s: %s spans lines", id, name)
		case len(v) > limit:
			return fmt.Errorf("%s: %s longer than %d bytes", id, name, limit)
		}
	}
	return nil
}
