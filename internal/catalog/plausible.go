package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// Kinds of countermeasure. Other packages name these exact strings.
const (
	CMTechnical             = "technical"              // a configured control in a device or system
	CMProcedure             = "procedure"              // an operating or maintenance procedure people follow
	CMPhysical              = "physical"               // locks, fences, cabinets, guards
	CMDocumentation         = "documentation"          // inventories, drawings, registers
	CMManagementCertificate = "management-certificate" // ISO/IEC 27001, 62443-2-1 certificate of an organisation
	CMProductCertificate    = "product-certificate"    // ISASecure CSA/EDSA/SSA, 62443-4-2 or 3-3 certificate of a product
)

// CountermeasureKinds returns every kind of countermeasure, in a fixed order.
func CountermeasureKinds() []string {
	return []string{CMTechnical, CMProcedure, CMPhysical, CMDocumentation, CMManagementCertificate, CMProductCertificate}
}

const plausibilityFile = "data/plausibility.csv"

var plausibilityHeader = []string{"requirement", "kind", "plausible", "why"}

// verdict is one row of the plausibility table.
type verdict struct {
	ok  bool
	why string
}

// plausibility holds the table: defaults per standard and kind, and rows per requirement.
type plausibility struct {
	defaults map[string]map[string]verdict // standard -> kind -> verdict
	byReq    map[key]map[string]verdict    // requirement -> kind -> verdict
}

// Plausible reports whether a countermeasure of the given kind can satisfy the
// requirement id (62443-3-3 SR/RE or 62443-4-2 CR/RE, any spelling NormalizeID accepts),
// and why. The answer comes from the requirement's own row, else its base requirement's
// (for an enhancement), else the default of its standard. why is never empty: for a
// plausible kind it says what makes it count, for an implausible one what a practitioner
// would object. An unknown kind or requirement is not plausible.
func (c *Catalog) Plausible(kind, id string) (ok bool, why string) {
	if !slices.Contains(CountermeasureKinds(), kind) {
		return false, fmt.Sprintf("unknown countermeasure kind %q: want one of %s", kind, strings.Join(CountermeasureKinds(), ", "))
	}
	k, okID := parseKey(id)
	if !okID {
		return false, fmt.Sprintf("%q is not a requirement identifier", id)
	}
	i, found := c.index[k]
	if !found {
		return false, fmt.Sprintf("%s is not in the catalog", k.String())
	}
	for _, kk := range []key{k, k.base()} {
		if v, ok := c.plaus.byReq[kk][kind]; ok {
			return v.ok, v.why
		}
	}
	v := c.plaus.defaults[c.reqs[i].Standard][kind]
	return v.ok, v.why
}

// Plausible is Default().Plausible.
func Plausible(kind, id string) (ok bool, why string) { return Default().Plausible(kind, id) }

// parsePlausibility reads the plausibility table; every standard must have a default for
// every kind, and every requirement row must name a requirement of the catalog.
func parsePlausibility(name string, data []byte, known map[key]bool) (plausibility, error) {
	p := plausibility{defaults: map[string]map[string]verdict{}, byReq: map[key]map[string]verdict{}}
	rows, err := readCSV(name, data, plausibilityHeader)
	if err != nil {
		return p, err
	}
	for _, row := range rows {
		req, kind, yes, why := row.rec[0], row.rec[1], row.rec[2], row.rec[3]
		if !slices.Contains(CountermeasureKinds(), kind) {
			return p, fmt.Errorf("%s line %d: kind %q, want one of %s", name, row.line, kind, strings.Join(CountermeasureKinds(), ", "))
		}
		if yes != "yes" && yes != "no" {
			return p, fmt.Errorf("%s line %d: plausible %q, want yes or no", name, row.line, yes)
		}
		if err := checkText(req, map[string]string{"why": why}); err != nil {
			return p, fmt.Errorf("%s line %d: %w", name, row.line, err)
		}
		v := verdict{ok: yes == "yes", why: why}
		var m map[string]verdict
		if req == StandardSystem || req == StandardComponent {
			if p.defaults[req] == nil {
				p.defaults[req] = map[string]verdict{}
			}
			m = p.defaults[req]
		} else {
			k, ok := parseKey(req)
			if !ok || k.String() != req || !known[k] {
				return p, fmt.Errorf("%s line %d: requirement %q: want a standard name or a canonical identifier of the catalog", name, row.line, req)
			}
			if p.byReq[k] == nil {
				p.byReq[k] = map[string]verdict{}
			}
			m = p.byReq[k]
		}
		if _, dup := m[kind]; dup {
			return p, fmt.Errorf("%s line %d: %s %s listed twice", name, row.line, req, kind)
		}
		m[kind] = v
	}
	for _, std := range Standards() {
		for _, kind := range CountermeasureKinds() {
			if _, ok := p.defaults[std][kind]; !ok {
				return p, fmt.Errorf("%s: no default for %s %s", name, std, kind)
			}
		}
	}
	return p, nil
}
