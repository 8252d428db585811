package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The table format, shared by the embedded data files and `zonewarden catalog -f csv`:
// RFC 4180 CSV with this header, lines starting with '#' ignored.
var tableHeader = []string{"id", "standard", "fr", "kind", "parent", "title", "lowest_sl", "description", "evidence"}

// Limits that keep a hostile table from using unbounded memory.
const (
	maxTableBytes = 1 << 20
	maxRows       = 2000
	maxTitleLen   = 200
	maxTextLen    = 1000
)

// parseTable reads one standard's table and checks every row: canonical identifier,
// consistent FR, kind and parent, level in range, text present. name is used in errors.
func parseTable(name, standard string, data []byte) ([]Requirement, error) {
	if len(data) > maxTableBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d allowed", name, len(data), maxTableBytes)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: not valid UTF-8", name)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(tableHeader)

	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty table", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !slices.Equal(header, tableHeader) {
		return nil, fmt.Errorf("%s: header is %q, want %q", name, strings.Join(header, ","), strings.Join(tableHeader, ","))
	}

	var reqs []Requirement
	levels := make(map[key]int) // level of every requirement seen so far, to check parents
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		if len(reqs) == maxRows {
			return nil, fmt.Errorf("%s line %d: more than %d requirements", name, line, maxRows)
		}
		req, k, err := parseRow(rec, standard, levels)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		levels[k] = req.LowestSL
		reqs = append(reqs, req)
	}
	if len(reqs) == 0 {
		return nil, fmt.Errorf("%s: no requirements", name)
	}
	return reqs, nil
}

func parseRow(rec []string, standard string, levels map[key]int) (Requirement, key, error) {
	req := Requirement{
		ID:          rec[0],
		Standard:    rec[1],
		Kind:        rec[3],
		Parent:      rec[4],
		Title:       rec[5],
		Description: rec[7],
		Evidence:    rec[8],
	}
	k, ok := parseKey(req.ID)
	if !ok {
		return req, 0, fmt.Errorf("id %q: not a requirement identifier", req.ID)
	}
	if canon := k.String(); canon != req.ID {
		return req, 0, fmt.Errorf("id %q: write it as %q", req.ID, canon)
	}
	if _, dup := levels[k]; dup {
		return req, 0, fmt.Errorf("id %q: listed twice", req.ID)
	}
	if req.Standard != standard {
		return req, 0, fmt.Errorf("%s: standard %q, want %q", req.ID, req.Standard, standard)
	}
	wantKind, err := kindOf(k, standard)
	if err != nil {
		return req, 0, fmt.Errorf("%s: %w", req.ID, err)
	}
	if req.Kind != wantKind {
		return req, 0, fmt.Errorf("%s: kind %q, want %q", req.ID, req.Kind, wantKind)
	}

	fr, err := strconv.Atoi(rec[2])
	if err != nil || fr != k.major() {
		return req, 0, fmt.Errorf("%s: fr %q, want %d", req.ID, rec[2], k.major())
	}
	req.FR = fr

	sl, err := strconv.Atoi(rec[6])
	minSL := 0
	if standard == StandardSystem {
		minSL = 1 // 62443-3-3 levels every requirement
	}
	if err != nil || sl < minSL || sl > 4 {
		return req, 0, fmt.Errorf("%s: lowest_sl %q, want %d to 4", req.ID, rec[6], minSL)
	}
	req.LowestSL = sl

	if err := checkParent(req, k, levels); err != nil {
		return req, 0, fmt.Errorf("%s: %w", req.ID, err)
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"title", req.Title, maxTitleLen}, {"description", req.Description, maxTextLen}, {"evidence", req.Evidence, maxTextLen}} {
		switch {
		case strings.TrimSpace(f.value) != f.value || f.value == "":
			return req, 0, fmt.Errorf("%s: %s is empty or has surrounding space", req.ID, f.name)
		case strings.ContainsAny(f.value, "\r\n\t"):
			return req, 0, fmt.Errorf("%s: %s spans lines", req.ID, f.name)
		case len(f.value) > f.max:
			return req, 0, fmt.Errorf("%s: %s longer than %d bytes", req.ID, f.name, f.max)
		}
	}
	return req, k, nil
}

// kindOf derives the kind from the identifier, so the kind column cannot drift.
func kindOf(k key, standard string) (string, error) {
	p := k.prefix()
	switch {
	case standard == StandardSystem && p == prefixSR:
		if k.re() != 0 {
			return KindRE, nil
		}
		return KindSR, nil
	case standard == StandardComponent && p != prefixSR:
		if k.re() != 0 {
			return prefixNames[p] + "-RE", nil
		}
		return prefixNames[p], nil
	}
	return "", fmt.Errorf("a %s identifier does not belong to %s", prefixNames[p], standard)
}

// checkParent: an enhancement's parent is its base requirement; a requirement for one
// component type specialises the CR of the same number; everything else has none.
// Parents come first, and an enhancement never applies below its parent's level.
func checkParent(req Requirement, k key, levels map[key]int) error {
	var want key
	switch {
	case k.re() != 0:
		want = k.base()
	case k.prefix() >= prefixSAR:
		want = makeKey(prefixCR, k.major(), k.minor(), 0)
	default:
		if req.Parent != "" {
			return fmt.Errorf("parent %q, want none", req.Parent)
		}
		return nil
	}
	if req.Parent != want.String() {
		return fmt.Errorf("parent %q, want %q", req.Parent, want.String())
	}
	parentSL, ok := levels[want]
	if !ok {
		return fmt.Errorf("parent %q must come earlier in the table", req.Parent)
	}
	if k.re() != 0 && parentSL != 0 && req.LowestSL != 0 && req.LowestSL < parentSL {
		return fmt.Errorf("lowest_sl %d below its parent's %d", req.LowestSL, parentSL)
	}
	return nil
}

// WriteCSV writes reqs in the table format of the embedded data files, header first.
func WriteCSV(w io.Writer, reqs []Requirement) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(tableHeader); err != nil {
		return err
	}
	for _, r := range reqs {
		rec := []string{r.ID, r.Standard, strconv.Itoa(r.FR), r.Kind, r.Parent, r.Title,
			strconv.Itoa(r.LowestSL), r.Description, r.Evidence}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
