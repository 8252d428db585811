package catalog

import "fmt"

// Scope says where a 62443-3-3 requirement applies. A zone is assessed against the
// requirements that apply to zones, a conduit against those that apply to conduits; a
// countermeasure scoped to a conduit, or to every zone and conduit ("*"), credits a
// requirement on a conduit only where Conduit is true (docs/catalog.md).
type Scope struct {
	Zone      bool   `json:"zone"`
	Conduit   bool   `json:"conduit"`
	Rationale string `json:"rationale"` // one line, this project's own words
}

// Values of the applies_to column.
const (
	AppliesZone    = "zone"
	AppliesConduit = "conduit"
	AppliesBoth    = "both"
)

const scopeFile = "data/iec62443-3-3-scope.csv"

var scopeHeader = []string{"id", "applies_to", "rationale"}

// Scope returns where the 62443-3-3 requirement id (any spelling NormalizeID accepts)
// applies, and false for an id that is not a 62443-3-3 SR or RE of the catalog.
func (c *Catalog) Scope(id string) (Scope, bool) {
	k, ok := parseKey(id)
	if !ok {
		return Scope{}, false
	}
	s, ok := c.scope[k]
	return s, ok
}

// AppliesTo reports whether the 62443-3-3 requirement id applies to zones and to
// conduits. An unknown id applies to neither.
func (c *Catalog) AppliesTo(id string) (zone, conduit bool) {
	s, _ := c.Scope(id)
	return s.Zone, s.Conduit
}

// AppliesTo is Default().AppliesTo.
func AppliesTo(id string) (zone, conduit bool) { return Default().AppliesTo(id) }

// ConduitRequirements returns the 62443-3-3 requirements that apply to conduits, in
// catalog order.
func (c *Catalog) ConduitRequirements() []Requirement {
	var out []Requirement
	for _, r := range c.Standard(StandardSystem) {
		if _, conduit := c.AppliesTo(r.ID); conduit {
			out = append(out, r)
		}
	}
	return out
}

// parseScope reads the scope table: every row a canonical 62443-3-3 identifier of reqs,
// each once, a known applies_to value and a rationale. Coverage of every SR/RE is checked
// by newCatalog.
func parseScope(name string, data []byte, known map[key]bool) (map[key]Scope, error) {
	rows, err := readCSV(name, data, scopeHeader)
	if err != nil {
		return nil, err
	}
	out := make(map[key]Scope, len(rows))
	for _, row := range rows {
		id, applies, why := row.rec[0], row.rec[1], row.rec[2]
		k, ok := parseKey(id)
		switch {
		case !ok || k.String() != id || k.prefix() != prefixSR:
			return nil, fmt.Errorf("%s line %d: id %q: want a canonical SR identifier", name, row.line, id)
		case !known[k]:
			return nil, fmt.Errorf("%s line %d: %s is not in the 62443-3-3 catalog", name, row.line, id)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("%s line %d: %s listed twice", name, row.line, id)
		}
		s := Scope{Rationale: why}
		switch applies {
		case AppliesZone:
			s.Zone = true
		case AppliesConduit:
			s.Conduit = true
		case AppliesBoth:
			s.Zone, s.Conduit = true, true
		default:
			return nil, fmt.Errorf("%s line %d: %s: applies_to %q, want zone, conduit or both", name, row.line, id, applies)
		}
		if err := checkText(id, map[string]string{"rationale": why}); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, row.line, err)
		}
		out[k] = s
	}
	return out, nil
}
