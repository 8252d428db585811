package assess

import (
	"math/bits"

	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/model"
)

// reqSet is a set of 62443-3-3 requirements as a bitset over their position in the
// catalog (100 requirements fit in two words), so that SL-A over thousands of zones is
// a few bitwise operations per zone.
type reqSet [2]uint64

func (s *reqSet) add(i int)             { s[i>>6] |= 1 << (i & 63) }
func (s *reqSet) del(i int)             { s[i>>6] &^= 1 << (i & 63) }
func (s reqSet) has(i int) bool         { return s[i>>6]&(1<<(i&63)) != 0 }
func (s reqSet) or(t reqSet) reqSet     { return reqSet{s[0] | t[0], s[1] | t[1]} }
func (s reqSet) and(t reqSet) reqSet    { return reqSet{s[0] & t[0], s[1] & t[1]} }
func (s reqSet) andNot(t reqSet) reqSet { return reqSet{s[0] &^ t[0], s[1] &^ t[1]} }
func (s reqSet) empty() bool            { return s[0]|s[1] == 0 }
func (s reqSet) len() int               { return bits.OnesCount64(s[0]) + bits.OnesCount64(s[1]) }
func (s reqSet) subsetOf(t reqSet) bool { return s.andNot(t).empty() }

// each calls f with every member in catalog order.
func (s reqSet) each(f func(i int)) {
	for w := range s {
		for x := s[w]; x != 0; x &= x - 1 {
			f(w<<6 | bits.TrailingZeros64(x))
		}
	}
}

// table indexes the 62443-3-3 catalog for the analysis.
type table struct {
	reqs []catalog.Requirement
	pos  map[string]int
	// need[fr-1][sl-1] holds the requirements of FR fr that apply at level sl.
	need [model.NumFR][model.MaxSL]reqSet
}

func newTable(c *catalog.Catalog) *table {
	t := &table{reqs: c.Standard(catalog.StandardSystem), pos: map[string]int{}}
	for i, r := range t.reqs {
		t.pos[r.ID] = i
		if r.FR < 1 || r.FR > model.NumFR || r.LowestSL < 1 {
			continue
		}
		for sl := r.LowestSL; sl <= model.MaxSL; sl++ {
			t.need[r.FR-1][sl-1].add(i)
		}
	}
	return t
}

// achieved returns the highest level at which every requirement of FR fr that applies
// is in have, or 0.
func (t *table) achieved(fr int, have reqSet) int {
	a := 0
	for sl := 1; sl <= model.MaxSL; sl++ {
		if !t.need[fr-1][sl-1].subsetOf(have) {
			break
		}
		a = sl
	}
	return a
}

// coverage is what the countermeasures in scope of one zone, conduit or asset give it.
type coverage struct {
	implemented, partial, planned, notApplicable reqSet
}

func (c *coverage) add(status string, s reqSet) {
	switch status {
	case model.StatusImplemented:
		c.implemented = c.implemented.or(s)
	case model.StatusPartial:
		c.partial = c.partial.or(s)
	case model.StatusPlanned:
		c.planned = c.planned.or(s)
	case model.StatusNotApplicable:
		c.notApplicable = c.notApplicable.or(s)
	}
}

// met is the set counted toward SL-A: implemented, and requirements the model declares
// not applicable with a justification (validation insists on one).
func (c *coverage) met() reqSet { return c.implemented.or(c.notApplicable) }

// coverages resolves every countermeasure's scope: "*" reaches every zone and conduit; a
// zone reaches its subzones; an asset-scoped measure counts for its zone only where every
// asset of the zone has it, because a system requirement holds for a zone only when it
// holds throughout.
func coverages(m *model.Model, t *table) (zones, conduits map[string]*coverage) {
	zones = make(map[string]*coverage, len(m.Zones))
	conduits = make(map[string]*coverage, len(m.Conduits))
	for i := range m.Zones {
		zones[m.Zones[i].ID] = &coverage{}
	}
	for i := range m.Conduits {
		conduits[m.Conduits[i].ID] = &coverage{}
	}
	children := map[string][]string{}
	for i := range m.Zones {
		if p := m.Zones[i].Parent; p != "" {
			children[p] = append(children[p], m.Zones[i].ID)
		}
	}
	var addZone func(id, status string, s reqSet, depth int)
	addZone = func(id, status string, s reqSet, depth int) {
		zones[id].add(status, s)
		if depth < len(m.Zones) {
			for _, c := range children[id] {
				addZone(c, status, s, depth+1)
			}
		}
	}
	assets := map[string]*coverage{}
	for i := range m.Countermeasures {
		cm := &m.Countermeasures[i]
		var s reqSet
		for _, id := range cm.Satisfies {
			if p, ok := t.pos[id]; ok {
				s.add(p)
			}
		}
		if s.empty() {
			continue // component requirements only: evidence for SL-C, not SL-A
		}
		for _, id := range cm.Scope {
			switch {
			case id == "*":
				for zid := range zones {
					zones[zid].add(cm.Status, s)
				}
				for cid := range conduits {
					conduits[cid].add(cm.Status, s)
				}
			case zones[id] != nil:
				addZone(id, cm.Status, s, 0)
			case conduits[id] != nil:
				conduits[id].add(cm.Status, s)
			default:
				if assets[id] == nil {
					assets[id] = &coverage{}
				}
				assets[id].add(cm.Status, s)
			}
		}
	}
	if len(assets) == 0 {
		return zones, conduits
	}
	for i := range m.Zones {
		members := m.ZoneAssets(m.Zones[i].ID)
		if len(members) == 0 {
			continue
		}
		// every: held by all the zone's assets; some: by at least one (partial for the
		// zone); planned: planned on at least one.
		every, some, planned := full(), reqSet{}, reqSet{}
		for _, a := range members {
			c := assets[a.ID]
			if c == nil {
				c = &coverage{}
			}
			every = every.and(c.met())
			some = some.or(c.implemented.or(c.partial))
			planned = planned.or(c.planned)
		}
		z := zones[m.Zones[i].ID]
		z.implemented = z.implemented.or(every)
		z.partial = z.partial.or(some.andNot(every))
		z.planned = z.planned.or(planned.andNot(every))
	}
	return zones, conduits
}

func full() reqSet { return reqSet{^uint64(0), ^uint64(0)} }
