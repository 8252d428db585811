package catalog

import (
	"embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Standards held by the catalog.
const (
	StandardSystem    = "62443-3-3" // system security requirements and security levels
	StandardComponent = "62443-4-2" // technical security requirements for components
)

// Kinds of requirement. A 62443-3-3 entry is an SR or an RE of an SR. A 62443-4-2 entry
// is a CR common to all component types, or a requirement for one component type
// (SAR software application, EDR embedded device, HDR host device, NDR network device);
// an enhancement of either takes the base kind with "-RE" appended.
const (
	KindSR    = "SR"
	KindRE    = "RE"
	KindCR    = "CR"
	KindCRRE  = "CR-RE"
	KindSAR   = "SAR"
	KindSARRE = "SAR-RE"
	KindEDR   = "EDR"
	KindEDRRE = "EDR-RE"
	KindHDR   = "HDR"
	KindHDRRE = "HDR-RE"
	KindNDR   = "NDR"
	KindNDRRE = "NDR-RE"
)

// Standards returns the names of the standards in the catalog, in catalog order.
func Standards() []string { return []string{StandardSystem, StandardComponent} }

// Kinds returns every kind, in catalog order.
func Kinds() []string {
	return []string{KindSR, KindRE, KindCR, KindCRRE, KindSAR, KindSARRE,
		KindEDR, KindEDRRE, KindHDR, KindHDRRE, KindNDR, KindNDRRE}
}

// StandardOfKind names the standard a kind belongs to, or "" for an unknown kind.
func StandardOfKind(kind string) string {
	switch strings.ToUpper(kind) {
	case KindSR, KindRE:
		return StandardSystem
	case KindCR, KindCRRE, KindSAR, KindSARRE, KindEDR, KindEDRRE,
		KindHDR, KindHDRRE, KindNDR, KindNDRRE:
		return StandardComponent
	}
	return ""
}

// Requirement is one entry of a catalog. LowestSL is the lowest security level (1–4) at
// which the requirement applies; it applies at every level above as well. 0 means the
// catalog does not level it (see docs/catalog.md). Description and Evidence are this
// project's own words: what the requirement is for, and what an assessor looks for.
// LevelSource, set for 62443-4-2 entries only, names where LowestSL comes from; its first
// word is one of the Source* constants (SourceKind).
type Requirement struct {
	ID          string `json:"id"`
	Standard    string `json:"standard"`
	FR          int    `json:"fr"`
	Kind        string `json:"kind"`
	Parent      string `json:"parent"`
	Title       string `json:"title"`
	LowestSL    int    `json:"lowest_sl"`
	Description string `json:"description"`
	Evidence    string `json:"evidence"`
	LevelSource string `json:"level_source,omitempty"`
	Clause      string `json:"clause,omitempty"` // constraints only: the clause of the standard, "clause 4.2"
}

// IsEnhancement reports whether r enhances another requirement (its Parent).
func (r Requirement) IsEnhancement() bool { return strings.HasSuffix(r.Kind, "RE") }

// Catalog is an immutable set of requirements. Its methods are safe for concurrent use
// and return copies, so callers cannot change it.
type Catalog struct {
	reqs     []Requirement
	index    map[key]int32 // parsed identifier to position in reqs
	haystack []string      // lower-case id, title, description and evidence for Query

	constraints []Requirement // 62443-3-3 and 62443-4-2 clause 4, kind KindConstraint
	cHaystack   []string
	scope       map[key]Scope // 62443-3-3 requirement to where it applies
	plaus       plausibility
}

//go:embed data/*.csv
var dataFS embed.FS

// The embedded tables, in catalog order.
var dataFiles = []struct{ path, standard string }{
	{"data/iec62443-3-3.csv", StandardSystem},
	{"data/iec62443-4-2.csv", StandardComponent},
}

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
)

// Default returns the catalog embedded in the binary, parsed on first use. The
// embedded tables are checked by this package's tests; if they are broken anyway,
// Default panics, since no caller could do anything sensible without them.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := loadEmbedded()
		if err != nil {
			panic(fmt.Sprintf("catalog: embedded data: %v", err))
		}
		defaultCatalog = c
	})
	return defaultCatalog
}

func loadEmbedded() (*Catalog, error) {
	var all []Requirement
	for _, f := range dataFiles {
		data, err := dataFS.ReadFile(f.path)
		if err != nil {
			return nil, err
		}
		reqs, err := parseTable(f.path, f.standard, data)
		if err != nil {
			return nil, err
		}
		all = append(all, reqs...)
	}
	c, err := newCatalog(all)
	if err != nil {
		return nil, err
	}
	return c, c.loadSideTables(dataFS.ReadFile)
}

// loadSideTables reads the constraints, the conduit scope table and the plausibility
// table, and checks that the scope table covers every 62443-3-3 requirement exactly once.
func (c *Catalog) loadSideTables(read func(string) ([]byte, error)) error {
	known := make(map[key]bool, len(c.index))
	for k := range c.index {
		known[k] = true
	}
	data, err := read(constraintsFile)
	if err != nil {
		return err
	}
	if c.constraints, err = parseConstraints(constraintsFile, data); err != nil {
		return err
	}
	for _, r := range c.constraints {
		c.cHaystack = append(c.cHaystack, strings.ToLower(r.ID+"\n"+r.Title+"\n"+r.Description+"\n"+r.Evidence))
	}
	if data, err = read(scopeFile); err != nil {
		return err
	}
	if c.scope, err = parseScope(scopeFile, data, known); err != nil {
		return err
	}
	for _, r := range c.reqs {
		if k, _ := parseKey(r.ID); r.Standard == StandardSystem {
			if _, ok := c.scope[k]; !ok {
				return fmt.Errorf("%s: %s has no row; every 62443-3-3 requirement needs one", scopeFile, r.ID)
			}
		}
	}
	if data, err = read(plausibilityFile); err != nil {
		return err
	}
	c.plaus, err = parsePlausibility(plausibilityFile, data, known)
	return err
}

// newCatalog indexes reqs, which parseTable has validated.
func newCatalog(reqs []Requirement) (*Catalog, error) {
	c := &Catalog{
		reqs:     reqs,
		index:    make(map[key]int32, len(reqs)),
		haystack: make([]string, len(reqs)),
	}
	for i, r := range reqs {
		k, ok := parseKey(r.ID)
		if !ok {
			return nil, fmt.Errorf("requirement %q: malformed identifier", r.ID)
		}
		if _, dup := c.index[k]; dup {
			return nil, fmt.Errorf("requirement %q: listed twice", r.ID)
		}
		c.index[k] = int32(i)
		c.haystack[i] = strings.ToLower(r.ID + "\n" + r.Title + "\n" + r.Description + "\n" + r.Evidence)
	}
	return c, nil
}

// Lookup finds a requirement by identifier in any spelling NormalizeID accepts.
// It does not allocate.
func (c *Catalog) Lookup(id string) (Requirement, bool) {
	k, ok := parseKey(id)
	if !ok {
		return Requirement{}, false
	}
	i, ok := c.index[k]
	if !ok {
		return Requirement{}, false
	}
	return c.reqs[i], true
}

// All returns every requirement: 62443-3-3 first, then 62443-4-2, each in the order of
// the standard, with enhancements right after the requirement they enhance.
func (c *Catalog) All() []Requirement { return slices.Clone(c.reqs) }

// Standard returns the requirements of one standard (StandardSystem or
// StandardComponent) in catalog order; nil for an unknown name.
func (c *Catalog) Standard(name string) []Requirement {
	if name != StandardSystem && name != StandardComponent {
		return nil
	}
	return c.Filter(Filter{Standard: name})
}

// Applicable returns the 62443-3-3 requirements (SR and RE) of foundational requirement
// fr that a zone or conduit with target security level sl must meet: those whose lowest
// level is at most sl. fr 0 means every FR. sl below 1 yields nothing; levels above 4
// are treated as 4.
func (c *Catalog) Applicable(fr, sl int) []Requirement {
	if sl < 1 {
		return nil
	}
	return c.Filter(Filter{Standard: StandardSystem, FR: fr, SL: min(sl, 4)})
}

// Filter selects requirements; a zero field matches anything.
type Filter struct {
	Standard string // StandardSystem or StandardComponent
	FR       int    // foundational requirement 1–7
	SL       int    // keep requirements that apply at this level: 1 <= LowestSL <= SL
	Kind     string // one of Kinds() or KindConstraint, any letter case
	Query    string // case-insensitive text in id, title, description or evidence
}

// Filter returns the requirements that match f, in catalog order. Kind "constraint"
// selects the constraints (KindConstraint) instead of requirements; they have FR 0 and
// level 0, so an FR or SL filter leaves them out.
func (c *Catalog) Filter(f Filter) []Requirement {
	query := strings.ToLower(strings.TrimSpace(f.Query))
	reqs, haystack := c.reqs, c.haystack
	if strings.EqualFold(f.Kind, KindConstraint) {
		reqs, haystack = c.constraints, c.cHaystack
	}
	var out []Requirement
	for i, r := range reqs {
		switch {
		case f.Standard != "" && r.Standard != f.Standard,
			f.FR != 0 && r.FR != f.FR,
			f.SL != 0 && (r.LowestSL < 1 || r.LowestSL > f.SL),
			f.Kind != "" && !strings.EqualFold(r.Kind, f.Kind),
			query != "" && !strings.Contains(haystack[i], query):
			continue
		}
		out = append(out, r)
	}
	return out
}

var frNames = [...]struct{ name, code string }{
	1: {"Identification and authentication control", "IAC"},
	2: {"Use control", "UC"},
	3: {"System integrity", "SI"},
	4: {"Data confidentiality", "DC"},
	5: {"Restricted data flow", "RDF"},
	6: {"Timely response to events", "TRE"},
	7: {"Resource availability", "RA"},
}

// FRName returns the name of foundational requirement fr (1–7), or "" if there is none.
func FRName(fr int) string {
	if fr < 1 || fr >= len(frNames) {
		return ""
	}
	return frNames[fr].name
}

// FRCode returns the abbreviation of foundational requirement fr ("IAC", "UC", "SI",
// "DC", "RDF", "TRE", "RA"), or "" if there is none.
func FRCode(fr int) string {
	if fr < 1 || fr >= len(frNames) {
		return ""
	}
	return frNames[fr].code
}
