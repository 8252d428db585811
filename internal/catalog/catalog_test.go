package catalog

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestSystemMatchesReferenceTable holds the 62443-3-3 catalog to the project's reference
// table row by row, in both directions.
func TestSystemMatchesReferenceTable(t *testing.T) {
	f, err := os.Open("testdata/iec62443-3-3-sl-applicability.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(rows[0], ","), "id,fr,kind,parent,title,lowest_sl"; got != want {
		t.Fatalf("reference header %q, want %q", got, want)
	}
	rows = rows[1:]

	c := Default()
	sys := c.Standard(StandardSystem)
	if len(sys) != len(rows) {
		t.Errorf("catalog has %d 62443-3-3 requirements, reference table %d", len(sys), len(rows))
	}
	for i, row := range rows {
		id := row[0]
		r, ok := c.Lookup(id)
		if !ok {
			t.Errorf("%s: missing from the catalog", id)
			continue
		}
		fr, _ := strconv.Atoi(row[1])
		sl, _ := strconv.Atoi(row[5])
		want := Requirement{ID: id, Standard: StandardSystem, FR: fr, Kind: row[2], Parent: row[3], Title: row[4], LowestSL: sl}
		got := r
		got.Description, got.Evidence = "", ""
		if got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", id, got, want)
		}
		if i < len(sys) && sys[i].ID != id {
			t.Errorf("position %d: catalog has %s, reference table %s", i, sys[i].ID, id)
		}
	}
}

func TestCumulativeCountsPerLevel(t *testing.T) {
	c := Default()
	for sl, want := range map[int]int{1: 37, 2: 60, 3: 90, 4: 100} {
		if got := len(c.Applicable(0, sl)); got != want {
			t.Errorf("Applicable(0, %d): %d requirements, want %d", sl, got, want)
		}
		sum := 0
		for fr := 1; fr <= 7; fr++ {
			sum += len(c.Applicable(fr, sl))
		}
		if sum != want {
			t.Errorf("SL %d: per-FR counts add up to %d, want %d", sl, sum, want)
		}
	}
}

func TestApplicable(t *testing.T) {
	c := Default()
	tests := []struct {
		fr, sl int
		want   []string
	}{
		{5, 1, []string{"SR 5.1", "SR 5.2", "SR 5.3", "SR 5.4"}},
		{5, 2, []string{"SR 5.1", "SR 5.1 RE 1", "SR 5.2", "SR 5.2 RE 1", "SR 5.3", "SR 5.4"}},
		{6, 1, []string{"SR 6.1"}},
		{6, 4, []string{"SR 6.1", "SR 6.1 RE 1", "SR 6.2"}},
		{3, 1, []string{"SR 3.1", "SR 3.2", "SR 3.3", "SR 3.5", "SR 3.6"}}, // SR 3.4 starts at SL 2
		{4, 0, nil},
		{0, -1, nil},
		{8, 4, nil},
	}
	for _, tt := range tests {
		got := ids(c.Applicable(tt.fr, tt.sl))
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Applicable(%d, %d) = %q, want %q", tt.fr, tt.sl, got, tt.want)
		}
	}
	if a, b := len(c.Applicable(0, 9)), len(c.Applicable(0, 4)); a != b {
		t.Errorf("SL 9 gives %d requirements, SL 4 gives %d; want levels above 4 treated as 4", a, b)
	}
}

func TestComponentCatalog(t *testing.T) {
	c := Default()
	comp := c.Standard(StandardComponent)
	if len(comp) == 0 {
		t.Fatal("no 62443-4-2 requirements")
	}
	// Every CR number from 1.1 to 7.8 that 62443-4-2 uses is present.
	crs := map[int][]int{1: seq(14), 2: seq(13), 3: seq(14), 4: seq(3), 5: seq(4), 6: seq(2), 7: seq(8)}
	for fr, minors := range crs {
		for _, m := range minors {
			id := "CR " + strconv.Itoa(fr) + "." + strconv.Itoa(m)
			if _, ok := c.Lookup(id); !ok {
				t.Errorf("%s missing", id)
			}
		}
	}
	want := map[string]string{
		"SAR 2.4":       "Mobile code",
		"EDR 2.13":      "Use of physical diagnostic and test interfaces",
		"EDR 3.10":      "Support for updates",
		"EDR 3.11":      "Physical tamper resistance and detection",
		"EDR 3.12":      "Provisioning product supplier roots of trust",
		"EDR 3.13":      "Provisioning asset owner roots of trust",
		"EDR 3.14":      "Integrity of the boot process",
		"HDR 3.14":      "Integrity of the boot process",
		"NDR 1.6":       "Wireless access management",
		"NDR 1.13":      "Access via untrusted networks",
		"NDR 2.4":       "Mobile code",
		"NDR 5.2":       "Zone boundary protection",
		"NDR 5.2 RE 1":  "Deny all, permit by exception",
		"NDR 5.3":       "General purpose person-to-person communication restrictions",
		"CR 1.14":       "Strength of symmetric key-based authentication",
		"CR 3.1 RE 1":   "Communication authentication",
		"EDR 3.14 RE 1": "Authenticity of the boot process",
	}
	for id, title := range want {
		r, ok := c.Lookup(id)
		if !ok || r.Title != title {
			t.Errorf("%s: got %q (found %v), want %q", id, r.Title, ok, title)
		}
	}
	// Type-specific requirements hang under the CR with the same number.
	for _, r := range comp {
		if r.Kind == KindEDR && !strings.HasPrefix(r.Parent, "CR ") {
			t.Errorf("%s: parent %q, want a CR", r.ID, r.Parent)
		}
	}
	// No 62443-4-2 entry leaks into Applicable, which is about 62443-3-3.
	for _, r := range c.Applicable(0, 4) {
		if r.Standard != StandardSystem {
			t.Errorf("Applicable returned %s of %s", r.ID, r.Standard)
		}
	}
}

func TestEveryRequirementIsComplete(t *testing.T) {
	for _, r := range Default().All() {
		if r.Description == "" || r.Evidence == "" || r.Title == "" {
			t.Errorf("%s: title, description and evidence must all be set", r.ID)
		}
		if FRName(r.FR) == "" {
			t.Errorf("%s: FR %d has no name", r.ID, r.FR)
		}
		if StandardOfKind(r.Kind) != r.Standard {
			t.Errorf("%s: kind %s does not belong to %s", r.ID, r.Kind, r.Standard)
		}
		if r.IsEnhancement() != strings.Contains(r.ID, " RE ") {
			t.Errorf("%s: IsEnhancement %v disagrees with the identifier", r.ID, r.IsEnhancement())
		}
		if got, ok := Default().Lookup(r.ID); !ok || got != r {
			t.Errorf("Lookup(%q) does not return the requirement itself", r.ID)
		}
	}
}

func TestFilter(t *testing.T) {
	c := Default()
	tests := []struct {
		name string
		f    Filter
		want []string // nil: check count only
		n    int
	}{
		{name: "everything", f: Filter{}, n: len(c.All())},
		{name: "SL 2 FR 5 of 3-3", f: Filter{Standard: StandardSystem, FR: 5, SL: 2},
			want: []string{"SR 5.1", "SR 5.1 RE 1", "SR 5.2", "SR 5.2 RE 1", "SR 5.3", "SR 5.4"}},
		{name: "kind any case", f: Filter{Kind: "ndr-re", FR: 5},
			want: []string{"NDR 5.2 RE 1", "NDR 5.2 RE 2", "NDR 5.2 RE 3"}},
		{name: "query in title", f: Filter{Standard: StandardSystem, Query: "ISLAND"},
			want: []string{"SR 5.2 RE 2"}},
		{name: "query in id and description", f: Filter{Query: "edr 3.1"}, // the CR placeholders name their EDR
			want: []string{"CR 3.10", "CR 3.11", "CR 3.12", "CR 3.13", "CR 3.14", "EDR 3.10", "EDR 3.10 RE 1", "EDR 3.11", "EDR 3.11 RE 1", "EDR 3.12", "EDR 3.13", "EDR 3.14", "EDR 3.14 RE 1"}},
		{name: "unlevelled left out by SL", f: Filter{Standard: StandardComponent, FR: 5, SL: 4},
			want: []string{"CR 5.1", "NDR 5.2", "NDR 5.2 RE 1", "NDR 5.2 RE 2", "NDR 5.2 RE 3", "NDR 5.3"}},
		{name: "unknown standard", f: Filter{Standard: "62443-2-1"}, want: []string{}},
		{name: "no match", f: Filter{Query: "no such text anywhere"}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Filter(tt.f)
			if tt.want == nil {
				if len(got) != tt.n {
					t.Errorf("%d requirements, want %d", len(got), tt.n)
				}
				return
			}
			if strings.Join(ids(got), "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q\nwant %q", ids(got), tt.want)
			}
		})
	}
	if c.Standard("all") != nil || c.Standard("") != nil {
		t.Error("Standard of an unknown name should be nil")
	}
}

func TestCatalogIsImmutable(t *testing.T) {
	c := Default()
	all := c.All()
	all[0].Title = "changed"
	sys := c.Standard(StandardSystem)
	sys[0].Title = "changed"
	if r, _ := c.Lookup(all[0].ID); r.Title == "changed" {
		t.Error("changing the slice returned by All changed the catalog")
	}
}

func TestFRNames(t *testing.T) {
	codes := []string{"IAC", "UC", "SI", "DC", "RDF", "TRE", "RA"}
	for i, code := range codes {
		if got := FRCode(i + 1); got != code {
			t.Errorf("FRCode(%d) = %q, want %q", i+1, got, code)
		}
	}
	if FRName(1) != "Identification and authentication control" || FRName(7) != "Resource availability" {
		t.Errorf("FRName: %q, %q", FRName(1), FRName(7))
	}
	for _, fr := range []int{-1, 0, 8} {
		if FRName(fr) != "" || FRCode(fr) != "" {
			t.Errorf("FR %d should have no name", fr)
		}
	}
}

func TestStandardOfKind(t *testing.T) {
	for _, k := range Kinds() {
		if StandardOfKind(k) == "" || StandardOfKind(strings.ToLower(k)) == "" {
			t.Errorf("kind %s has no standard", k)
		}
	}
	if StandardOfKind("ZR") != "" {
		t.Error("unknown kind has a standard")
	}
}

func ids(reqs []Requirement) []string {
	out := []string{}
	for _, r := range reqs {
		out = append(out, r.ID)
	}
	return out
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// BenchmarkLoadEmbedded measures what the first call to Default costs.
func BenchmarkLoadEmbedded(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}
