package catalog

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestScopeCoversEverySystemRequirementOnce reads the scope table itself: each of the 100
// SR/RE exactly once, in catalog order, and nothing else.
func TestScopeCoversEverySystemRequirementOnce(t *testing.T) {
	f, err := os.Open(scopeFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows[1:] {
		got = append(got, row[0])
	}
	want := ids(Default().Standard(StandardSystem))
	if len(want) != 100 || !slices.Equal(got, want) {
		t.Errorf("scope table rows (%d):\n %q\nwant the %d SR/RE in catalog order:\n %q", len(got), got, len(want), want)
	}
	for _, id := range want {
		s, ok := Default().Scope(id)
		if !ok || (!s.Zone && !s.Conduit) || len(s.Rationale) < 20 {
			t.Errorf("%s: scope %+v (found %v): want a side and a one-line rationale", id, s, ok)
		}
	}
}

// TestScopeDecisions pins the decisions docs/catalog.md explains.
func TestScopeDecisions(t *testing.T) {
	tests := []struct {
		id            string
		zone, conduit bool
	}{
		{"SR 5.4", true, false},      // application partitioning: a zone property (issue 14)
		{"SR 7.3", true, false},      // a backup has nothing to back up on a network path
		{"SR 7.3 RE 2", true, false}, //
		{"SR 3.1", true, true},       // integrity on intra-zone links and across conduits
		{"SR 3.1 RE 1", true, true},
		{"SR 4.1 RE 2", false, true}, // confidentiality across zone boundaries
		{"SR 1.13", false, true},     // access via untrusted networks enters through a conduit
		{"SR 1.13 RE 1", false, true},
		{"SR 5.1", true, true}, // segmentation: the segment and the only path between segments
		{"SR 5.2", true, true}, // the boundary of a zone, guarded on its conduits
		{"SR 5.2 RE 3", true, true},
		{"SR 5.3", true, true},
		{"SR 3.8", true, true},
		{"SR 7.1", true, true},
		{"SR 7.2", true, false},
		{"SR 7.6", true, true},
		{"SR 7.7", true, true},
		{"SR 1.1", true, false},
		{"SR 1.2", true, true},
		{"sr1.6re(1)", true, true}, // any spelling
		{"SR 9.9", false, false},   // not an identifier
		{"CR 3.1", false, false},   // 62443-4-2 has no zones or conduits
		{"SR 1.14", false, false},  // well-formed, not in the catalog
	}
	for _, tt := range tests {
		zone, conduit := AppliesTo(tt.id)
		if zone != tt.zone || conduit != tt.conduit {
			t.Errorf("AppliesTo(%q) = zone %v conduit %v, want %v %v", tt.id, zone, conduit, tt.zone, tt.conduit)
		}
	}
}

// TestConduitRequirementSet: the case issue 14 opened with. A conduit that meets SR 5.1,
// 5.1 RE 1, 5.2, 5.2 RE 1 and 5.3 meets everything SL 2 asks of a conduit in FR 5; SR 5.4
// is not asked of it.
func TestConduitRequirementSet(t *testing.T) {
	c := Default()
	var got []string
	for _, r := range c.Applicable(5, 2) {
		if _, conduit := c.AppliesTo(r.ID); conduit {
			got = append(got, r.ID)
		}
	}
	want := []string{"SR 5.1", "SR 5.1 RE 1", "SR 5.2", "SR 5.2 RE 1", "SR 5.3"}
	if !slices.Equal(got, want) {
		t.Errorf("FR 5 at SL 2 on a conduit: %q, want %q", got, want)
	}
	// No FR of a conduit is left empty at SL 4, so every FR of a conduit can be assessed.
	all := c.ConduitRequirements()
	for fr := 1; fr <= 7; fr++ {
		if !slices.ContainsFunc(all, func(r Requirement) bool { return r.FR == fr }) {
			t.Errorf("FR %d: no requirement applies to conduits", fr)
		}
	}
	for _, r := range all {
		if r.Standard != StandardSystem {
			t.Errorf("ConduitRequirements returned %s", r.ID)
		}
	}
}

// TestPlausibleExamples: every example issue 14 cites, and the kinds that do count.
func TestPlausibleExamples(t *testing.T) {
	tests := []struct {
		kind, id string
		ok       bool
		why      string // a word the reason must contain
	}{
		// An ISO/IEC 27001 certificate claimed 37 system requirements: none is plausible.
		{CMManagementCertificate, "SR 1.1", false, "organisation"},
		{CMManagementCertificate, "SR 7.3", false, "organisation"},
		{CMManagementCertificate, "SR 5.2 RE 1", false, "organisation"},
		{CMManagementCertificate, "CR 1.1", false, "organisation"},
		// Locked cabinets claimed SR 1.2, 3.5-3.7 and 4.3.
		{CMPhysical, "SR 1.2", false, "identity"},
		{CMPhysical, "SR 1.2 RE 1", false, "identity"}, // inherits its base requirement's row
		{CMPhysical, "SR 3.5", false, "input"},
		{CMPhysical, "SR 3.6", false, "outputs"},
		{CMPhysical, "SR 3.7", false, "error"},
		{CMPhysical, "SR 4.3", false, "cryptography"},
		// A fence claimed SR 7.5.
		{CMPhysical, "SR 7.5", false, "power"},
		// An inventory claimed SR 7.2, 7.5 and 7.7.
		{CMDocumentation, "SR 7.2", false, "resources"},
		{CMDocumentation, "SR 7.5", false, "power"},
		{CMDocumentation, "SR 7.7", false, "ports"},
		// What does count.
		{CMDocumentation, "SR 7.8", true, "inventory"},
		{CMTechnical, "SR 1.1", true, "control"},
		{CMProcedure, "SR 7.3", true, "backup"},
		{CMProcedure, "SR 7.3 RE 1", true, "restore"},
		{CMProcedure, "SR 7.3 RE 2", false, "by itself"},
		{CMProcedure, "SR 1.1", false, "capability"},
		{CMPhysical, "SR 5.1 RE 1", true, "segmentation"}, // inherits SR 5.1
		{CMPhysical, "SR 2.3", true, "portable"},
		{CMPhysical, "SR 2.3 RE 1", false, "status"},
		{CMProductCertificate, "SR 3.1", true, "SL-C"},
		{CMProductCertificate, "CR 1.1", true, "SL-C"},
		{CMProductCertificate, "EDR 3.10 RE 1", true, "SL-C"},
		{CMProcedure, "CR 7.3", false, "product itself"},
		{CMPhysical, "EDR 3.11", false, "compensating"},
		// Unknown inputs are never plausible, and say why.
		{"firewall", "SR 5.2", false, "unknown countermeasure kind"},
		{CMTechnical, "XR 1.1", false, "not a requirement identifier"},
		{CMTechnical, "SR 1.14", false, "not in the catalog"},
	}
	for _, tt := range tests {
		ok, why := Plausible(tt.kind, tt.id)
		if ok != tt.ok || !strings.Contains(why, tt.why) {
			t.Errorf("Plausible(%q, %q) = %v, %q; want %v and a reason containing %q", tt.kind, tt.id, ok, why, tt.ok, tt.why)
		}
	}
}

// TestPlausibleIsTotal: every kind has an answer with a reason for every requirement.
func TestPlausibleIsTotal(t *testing.T) {
	c := Default()
	if got := CountermeasureKinds(); !slices.Equal(got, []string{"technical", "procedure", "physical", "documentation", "management-certificate", "product-certificate"}) {
		t.Errorf("CountermeasureKinds() = %q", got)
	}
	for _, r := range c.All() {
		plausible := 0
		for _, kind := range CountermeasureKinds() {
			ok, why := c.Plausible(kind, r.ID)
			if why == "" {
				t.Errorf("Plausible(%s, %s): no reason", kind, r.ID)
			}
			if ok {
				plausible++
			}
		}
		if ok, _ := c.Plausible(CMTechnical, r.ID); !ok {
			t.Errorf("%s: a technical control should always be plausible", r.ID)
		}
		if ok, _ := c.Plausible(CMManagementCertificate, r.ID); ok {
			t.Errorf("%s: a management-system certificate is never enough on its own", r.ID)
		}
		if plausible == 0 {
			t.Errorf("%s: no kind of countermeasure can satisfy it", r.ID)
		}
	}
}

// TestConstraints: the clause 4 constraints of both standards are in the catalog, shown by
// the constraint kind, and never among the requirements counted toward SL-A.
func TestConstraints(t *testing.T) {
	c := Default()
	if got, want := ids(c.Constraints("")), []string{"CSC 1", "CSC 2", "CSC 3", "CCSC 1", "CCSC 2", "CCSC 3", "CCSC 4"}; !slices.Equal(got, want) {
		t.Errorf("Constraints(\"\") = %q, want %q", got, want)
	}
	if got := ids(c.Constraints(StandardComponent)); len(got) != 4 {
		t.Errorf("62443-4-2 constraints: %q", got)
	}
	titles := map[string]string{"CSC 1": "Support of essential functions", "CSC 2": "Compensating countermeasures",
		"CSC 3": "Least privilege", "CCSC 4": "Software development process"}
	for id, title := range titles {
		r, ok := c.Constraint(strings.ToLower(strings.Replace(id, " ", "-", 1)))
		if !ok || r.Title != title || r.Kind != KindConstraint || r.FR != 0 || r.LowestSL != 0 || !strings.HasPrefix(r.Clause, "clause 4.") {
			t.Errorf("Constraint(%s) = %+v (found %v)", id, r, ok)
		}
	}
	if _, ok := c.Constraint("CSC 4"); ok {
		t.Error("CSC 4 does not exist")
	}
	for _, r := range c.All() {
		if r.Kind == KindConstraint {
			t.Errorf("All() returned constraint %s", r.ID)
		}
	}
	if n := len(c.Standard(StandardSystem)); n != 100 {
		t.Errorf("62443-3-3 has %d requirements with constraints kept apart, want 100", n)
	}
	if got := c.Filter(Filter{Kind: "Constraint", Query: "least privilege"}); len(got) != 2 {
		t.Errorf("query among constraints: %q", ids(got))
	}
	if got := c.Filter(Filter{Kind: KindConstraint, SL: 1}); len(got) != 0 {
		t.Errorf("constraints have no level, --sl leaves them out: %q", ids(got))
	}
	if _, ok := c.Lookup("CSC 1"); ok {
		t.Error("a constraint is not a requirement Lookup finds")
	}
}

func TestSideTableErrors(t *testing.T) {
	known := map[key]bool{makeKey(prefixSR, 1, 1, 0): true}
	tests := []struct {
		name, body, want string
		parse            func(string, []byte) error
	}{
		{"scope unknown side", "id,applies_to,rationale\n\"SR 1.1\",network,\"r\"\n", "want zone, conduit or both",
			func(n string, d []byte) error { _, err := parseScope(n, d, known); return err }},
		{"scope twice", "id,applies_to,rationale\n\"SR 1.1\",zone,\"r\"\n\"SR 1.1\",zone,\"r\"\n", "listed twice",
			func(n string, d []byte) error { _, err := parseScope(n, d, known); return err }},
		{"scope not in catalog", "id,applies_to,rationale\n\"SR 1.2\",zone,\"r\"\n", "not in the 62443-3-3 catalog",
			func(n string, d []byte) error { _, err := parseScope(n, d, known); return err }},
		{"scope no rationale", "id,applies_to,rationale\n\"SR 1.1\",zone,\"\"\n", "rationale is empty",
			func(n string, d []byte) error { _, err := parseScope(n, d, known); return err }},
		{"plausibility unknown kind", "requirement,kind,plausible,why\n62443-3-3,firewall,yes,\"w\"\n", "kind \"firewall\"",
			func(n string, d []byte) error { _, err := parsePlausibility(n, d, known); return err }},
		{"plausibility maybe", "requirement,kind,plausible,why\n62443-3-3,technical,maybe,\"w\"\n", "want yes or no",
			func(n string, d []byte) error { _, err := parsePlausibility(n, d, known); return err }},
		{"plausibility missing default", "requirement,kind,plausible,why\n62443-3-3,technical,yes,\"w\"\n", "no default",
			func(n string, d []byte) error { _, err := parsePlausibility(n, d, known); return err }},
		{"plausibility unknown id", "requirement,kind,plausible,why\n\"SR 1.2\",technical,yes,\"w\"\n", "canonical identifier of the catalog",
			func(n string, d []byte) error { _, err := parsePlausibility(n, d, known); return err }},
		{"constraint wrong standard", "id,standard,clause,title,description,evidence\n\"CCSC 1\",\"62443-3-3\",\"4.2\",\"t\",\"d\",\"e\"\n", "does not fit",
			func(n string, d []byte) error { _, err := parseConstraints(n, d); return err }},
		{"constraint bad id", "id,standard,clause,title,description,evidence\n\"SR 1.1\",\"62443-3-3\",\"4.2\",\"t\",\"d\",\"e\"\n", "want CSC n",
			func(n string, d []byte) error { _, err := parseConstraints(n, d); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse("t.csv", []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "t.csv") {
				t.Errorf("error %v, want one starting with the file name and containing %q", err, tt.want)
			}
		})
	}
}
