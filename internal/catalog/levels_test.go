package catalog

import (
	"slices"
	"strings"
	"testing"
)

// unsourcedLevels are the real 62443-4-2 requirements whose level no public source seen
// so far confirms (docs/catalog.md says why for each). The list is here so that a row can
// neither lose its level silently nor keep "unsourced" once someone fills it in: either
// way this test fails until the list and the data file agree.
var unsourcedLevels = []string{
	"NDR 1.13 RE 1",
	"SAR 2.4", "SAR 2.4 RE 1",
	"HDR 2.4", "HDR 2.4 RE 1",
	"HDR 2.13", "HDR 2.13 RE 1",
	"SAR 3.2",
	"HDR 3.2", "HDR 3.2 RE 1",
	"HDR 3.10", "HDR 3.10 RE 1",
	"HDR 3.11", "HDR 3.11 RE 1",
	"HDR 3.12", "HDR 3.13",
}

// placeholderCRs are the CR numbers that are not requirements on their own: their content
// is per component type (the value names the families that carry it), or there is no
// component-level requirement at all (no families).
var placeholderCRs = map[string][]string{
	"CR 1.6":  {"NDR"},
	"CR 1.13": {"NDR"},
	"CR 2.3":  nil,
	"CR 2.4":  {"SAR", "EDR", "HDR", "NDR"},
	"CR 2.13": {"EDR", "HDR", "NDR"},
	"CR 3.2":  {"SAR", "EDR", "HDR", "NDR"},
	"CR 3.10": {"EDR", "HDR", "NDR"},
	"CR 3.11": {"EDR", "HDR", "NDR"},
	"CR 3.12": {"EDR", "HDR", "NDR"},
	"CR 3.13": {"EDR", "HDR", "NDR"},
	"CR 3.14": {"EDR", "HDR", "NDR"},
	"CR 5.2":  {"NDR"},
	"CR 5.3":  {"NDR"},
	"CR 5.4":  nil,
	"CR 7.5":  nil,
}

// TestComponentLevelsAreSourced: every real 62443-4-2 requirement has a level, except the
// listed unsourced ones; every level above 0 names its source; level 0 is only ever a
// placeholder or a declared unsourced requirement.
func TestComponentLevelsAreSourced(t *testing.T) {
	c := Default()
	var unsourced []string
	for _, r := range c.Standard(StandardComponent) {
		kind := SourceKind(r.LevelSource)
		switch {
		case kind == "":
			t.Errorf("%s: level_source %q names no kind of source", r.ID, r.LevelSource)
		case kind == SourcePlaceholder:
			if _, ok := placeholderCRs[r.ID]; !ok {
				t.Errorf("%s: marked placeholder, but it is a real requirement", r.ID)
			}
		case kind == SourceUnsourced:
			unsourced = append(unsourced, r.ID)
		case r.LowestSL == 0:
			t.Errorf("%s: real requirement without a level", r.ID)
		case len(strings.TrimSpace(strings.TrimPrefix(r.LevelSource, kind+":"))) < 10:
			t.Errorf("%s: level %d with a source too short to find again: %q", r.ID, r.LowestSL, r.LevelSource)
		}
		if _, isPlaceholder := placeholderCRs[r.ID]; isPlaceholder && kind != SourcePlaceholder {
			t.Errorf("%s: a placeholder CR, but level_source is %q", r.ID, r.LevelSource)
		}
	}
	if !slices.Equal(unsourced, unsourcedLevels) {
		t.Errorf("unsourced rows in the data file:\n %q\nwant (unsourcedLevels):\n %q", unsourced, unsourcedLevels)
	}
	// A placeholder's families carry the content: each has a requirement of that number.
	for id, families := range placeholderCRs {
		num := strings.TrimPrefix(id, "CR ")
		for _, fam := range []string{"SAR", "EDR", "HDR", "NDR"} {
			_, has := c.Lookup(fam + " " + num)
			if want := slices.Contains(families, fam); has != want {
				t.Errorf("%s: %s %s present %v, want %v", id, fam, num, has, want)
			}
		}
	}
}

// TestComponentLevelFacts pins the levels this catalog states, with where each comes from.
func TestComponentLevelFacts(t *testing.T) {
	c := Default()
	tests := []struct {
		id   string
		sl   int
		kind string
	}{
		{"CR 2.12", 1, SourceVendor}, // SEW-EURODRIVE's SL 1 table lists it; 3-3 has SR 2.12 at SL 3
		{"CR 2.12 RE 1", 4, SourceStandard},
		{"CR 1.1", 1, SourceStandard},
		{"EDR 3.11", 2, SourceStandard},
		{"HDR 3.14", 1, SourceStandard},
		{"HDR 3.10", 0, SourceUnsourced},
		{"CR 3.10", 0, SourcePlaceholder},
	}
	for _, tt := range tests {
		r, ok := c.Lookup(tt.id)
		if !ok || r.LowestSL != tt.sl || SourceKind(r.LevelSource) != tt.kind {
			t.Errorf("%s: level %d source %q (found %v), want level %d from a %s source", tt.id, r.LowestSL, r.LevelSource, ok, tt.sl, tt.kind)
		}
	}
	if r, _ := c.Lookup("CR 2.12"); !strings.Contains(r.LevelSource, "sew-eurodrive.com") {
		t.Errorf("CR 2.12: source %q does not give the table's address", r.LevelSource)
	}
	// 62443-3-3 levels come from the reference table, not from a per-row source.
	for _, r := range c.Standard(StandardSystem) {
		if r.LevelSource != "" {
			t.Errorf("%s: 62443-3-3 entry with a level_source", r.ID)
		}
	}
}
