package catalog

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// The table format, shared by the embedded data files and `zonewarden catalog -f csv`:
// RFC 4180 CSV with this header, lines starting with '#' ignored. The 62443-4-2 data file
// adds a last column, level_source, saying where each row's level comes from (see
// LevelSource); `catalog -f csv` writes the common columns only.
var tableHeader = []string{"id", "standard", "fr", "kind", "parent", "title", "lowest_sl", "description", "evidence"}

var componentHeader = append(slices.Clip(tableHeader), "level_source")

// headerOK reports whether header is one a standard's table may have: 62443-4-2 tables
// must carry level_source; 62443-3-3 tables may (empty, as WriteCSV writes them beside
// 62443-4-2 rows), since their levels come from the reference table the file names.
func headerOK(standard string, header []string) bool {
	if slices.Equal(header, componentHeader) {
		return true
	}
	return standard == StandardSystem && slices.Equal(header, tableHeader)
}

// The first word of a level_source, which says what kind of source it is.
const (
	SourceStandard    = "standard"    // the standard's SL-C table of the clause named
	SourceVendor      = "vendor"      // a vendor's published 62443-4-2 compliance table
	SourceCertifier   = "certifier"   // a certification body's published document (ISASecure...)
	SourcePlaceholder = "placeholder" // not a requirement on its own: level 0
	SourceUnsourced   = "unsourced"   // a real requirement whose level is not yet confirmed: level 0
)

// SourceKind returns the kind of a level_source ("standard", "vendor", "certifier",
// "placeholder", "unsourced"), or "" when it has none of these forms.
func SourceKind(levelSource string) string {
	kind, _, ok := strings.Cut(levelSource, ": ")
	if !ok {
		return ""
	}
	switch kind {
	case SourceStandard, SourceVendor, SourceCertifier, SourcePlaceholder, SourceUnsourced:
		return kind
	}
	return ""
}

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
	r, header, err := openCSV(name, data)
	if err != nil {
		return nil, err
	}
	if !headerOK(standard, header) {
		want := componentHeader
		if standard == StandardSystem && len(header) < len(componentHeader) {
			want = tableHeader
		}
		if len(header) != len(want) {
			return nil, fmt.Errorf("%s: record on line 1: wrong number of fields: %d, want %d (%s)", name, len(header), len(want), strings.Join(want, ","))
		}
		return nil, fmt.Errorf("%s: header is %q, want %q", name, strings.Join(header, ","), strings.Join(want, ","))
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
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s line %d: wrong number of fields: %d, want %d", name, line, len(rec), len(header))
		}
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
	if len(rec) > len(tableHeader) {
		src := rec[len(tableHeader)]
		if standard == StandardSystem {
			if src != "" {
				return req, 0, fmt.Errorf("%s: level_source %q: 62443-3-3 levels come from the reference table; leave it empty", req.ID, clip(src))
			}
		} else if err := checkLevelSource(&req, k, src); err != nil {
			return req, 0, fmt.Errorf("%s: %w", req.ID, err)
		}
	}

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

// checkLevelSource: every 62443-4-2 row names where its level comes from; a level of 0 is
// either a placeholder (a CR, never an enhancement) or a real requirement marked unsourced,
// and a level above 0 always has a source.
func checkLevelSource(req *Requirement, k key, src string) error {
	switch {
	case strings.TrimSpace(src) != src || src == "" || strings.ContainsAny(src, "\r\n\t"):
		return fmt.Errorf("level_source is empty, has surrounding space or spans lines")
	case len(src) > maxTextLen:
		return fmt.Errorf("level_source longer than %d bytes", maxTextLen)
	}
	kind := SourceKind(src)
	switch {
	case kind == "":
		return fmt.Errorf("level_source %q: start it with %s:, %s:, %s:, %s: or %s:", clip(src), SourceStandard,
			SourceVendor, SourceCertifier, SourcePlaceholder, SourceUnsourced)
	case kind == SourcePlaceholder && (k.prefix() != prefixCR || k.re() != 0):
		return fmt.Errorf("only a CR can be a placeholder")
	case (kind == SourcePlaceholder || kind == SourceUnsourced) && req.LowestSL != 0:
		return fmt.Errorf("lowest_sl %d with a %s level_source: a %s entry has level 0", req.LowestSL, kind, kind)
	case kind != SourcePlaceholder && kind != SourceUnsourced && req.LowestSL == 0:
		return fmt.Errorf("lowest_sl 0 with a %s source: mark the row %s: or %s: and say why", kind, SourcePlaceholder, SourceUnsourced)
	}
	req.LevelSource = src
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
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

// WriteCSV writes reqs in the table format of the embedded data files, header first. The
// level_source column is written when any of reqs has one (62443-4-2 entries do).
func WriteCSV(w io.Writer, reqs []Requirement) error {
	cw := csv.NewWriter(w)
	header := tableHeader
	if slices.ContainsFunc(reqs, func(r Requirement) bool { return r.LevelSource != "" }) {
		header = componentHeader
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range reqs {
		rec := []string{r.ID, r.Standard, strconv.Itoa(r.FR), r.Kind, r.Parent, r.Title,
			strconv.Itoa(r.LowestSL), r.Description, r.Evidence}
		if len(header) == len(componentHeader) {
			rec = append(rec, r.LevelSource)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
