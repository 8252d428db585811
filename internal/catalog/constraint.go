package catalog

import (
	"fmt"
	"strings"
)

// KindConstraint is the kind of the constraints of 62443-3-3 clause 4 (CSC 1–3) and
// 62443-4-2 clause 4 (CCSC 1–4): conditions on how every requirement of the standard is
// met, not requirements of their own. A constraint has FR 0 and level 0; the catalog keeps
// constraints apart from requirements, so All, Standard and Applicable never return them
// and they are not counted toward SL-A. Filter returns them only for Kind "constraint".
const KindConstraint = "constraint"

const constraintsFile = "data/constraints.csv"

var constraintHeader = []string{"id", "standard", "clause", "title", "description", "evidence"}

// Constraints returns the constraints of one standard (StandardSystem or
// StandardComponent), or of both for "", in catalog order: 62443-3-3 first.
func (c *Catalog) Constraints(standard string) []Requirement {
	return c.Filter(Filter{Standard: standard, Kind: KindConstraint})
}

// Constraint finds a constraint by identifier ("CSC 1", "ccsc 4", "CCSC-2"), ignoring
// letter case and the separator.
func (c *Catalog) Constraint(id string) (Requirement, bool) {
	want := normalizeConstraintID(id)
	for _, r := range c.constraints {
		if r.ID == want {
			return r, true
		}
	}
	return Requirement{}, false
}

func normalizeConstraintID(id string) string {
	s := strings.ToUpper(strings.TrimSpace(id))
	for _, p := range []string{"CCSC", "CSC"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			rest = strings.TrimLeft(rest, " -_")
			return p + " " + rest
		}
	}
	return s
}

// parseConstraints reads the constraints table: every row names a standard the catalog
// holds, a clause, and carries a title, description and evidence.
func parseConstraints(name string, data []byte) ([]Requirement, error) {
	rows, err := readCSV(name, data, constraintHeader)
	if err != nil {
		return nil, err
	}
	var out []Requirement
	seen := map[string]bool{}
	for _, row := range rows {
		rec := row.rec
		r := Requirement{ID: rec[0], Standard: rec[1], Kind: KindConstraint, Title: rec[3],
			Description: rec[4], Evidence: rec[5]}
		switch {
		case normalizeConstraintID(r.ID) != r.ID || !(strings.HasPrefix(r.ID, "CSC ") || strings.HasPrefix(r.ID, "CCSC ")):
			return nil, fmt.Errorf("%s line %d: id %q: want CSC n (62443-3-3) or CCSC n (62443-4-2)", name, row.line, r.ID)
		case seen[r.ID]:
			return nil, fmt.Errorf("%s line %d: %s listed twice", name, row.line, r.ID)
		case strings.HasPrefix(r.ID, "CCSC ") != (r.Standard == StandardComponent),
			r.Standard != StandardSystem && r.Standard != StandardComponent:
			return nil, fmt.Errorf("%s line %d: %s: standard %q does not fit the identifier", name, row.line, r.ID, r.Standard)
		case rec[2] == "":
			return nil, fmt.Errorf("%s line %d: %s: clause is empty", name, row.line, r.ID)
		}
		if err := checkText(r.ID, map[string]string{"title": r.Title, "description": r.Description, "evidence": r.Evidence}); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, row.line, err)
		}
		r.Clause = "clause " + rec[2]
		seen[r.ID] = true
		out = append(out, r)
	}
	return out, nil
}
