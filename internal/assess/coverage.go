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

// Subject kinds, as indexes into the table's per-kind sets.
const (
	kZone    = 0
	kConduit = 1
)

func kindIndex(kind string) int {
	if kind == "conduit" {
		return kConduit
	}
	return kZone
}

// table indexes the 62443-3-3 catalog for the analysis.
type table struct {
	reqs []catalog.Requirement
	pos  map[string]int
	// applies[k] holds the requirements that apply to subjects of kind k (kZone,
	// kConduit).
	applies [2]reqSet
	// need[k][fr-1][sl-1] holds the requirements of FR fr that apply at level sl to
	// subjects of kind k.
	need [2][model.NumFR][model.MaxSL]reqSet
}

func newTable(c *catalog.Catalog, applies Applies) *table {
	t := &table{reqs: c.Standard(catalog.StandardSystem), pos: map[string]int{}}
	for i, r := range t.reqs {
		t.pos[r.ID] = i
		for k, kind := range []string{"zone", "conduit"} {
			if applies(kind, r.ID) {
				t.applies[k].add(i)
			}
		}
		if r.FR < 1 || r.FR > model.NumFR || r.LowestSL < 1 {
			continue
		}
		for k := range t.need {
			if !t.applies[k].has(i) {
				continue
			}
			for sl := r.LowestSL; sl <= model.MaxSL; sl++ {
				t.need[k][r.FR-1][sl-1].add(i)
			}
		}
	}
	return t
}

// achieved returns the highest level at which every requirement of FR fr that applies
// to a subject of kind k is in have, or 0. A level credits something only when some
// requirement of the FR applies up to it: nothing of FR 2 applies to a conduit at SL 1,
// so a conduit reaches FR 2 only with SR 2.6, at SL 2, never at SL 1 for having met
// nothing. A level that adds no requirement to the one below (FR 7 at SL 4) is credited
// only up to the target.
func (t *table) achieved(k, fr int, have reqSet, target int) int {
	a := 0
	prev := reqSet{}
	for sl := 1; sl <= model.MaxSL; sl++ {
		n := t.need[k][fr-1][sl-1]
		if !n.subsetOf(have) {
			break
		}
		if n.empty() {
			continue
		}
		if n.andNot(prev).empty() && sl > target {
			break
		}
		a, prev = sl, n
	}
	return a
}

// coverage is what the countermeasures in scope of one zone, conduit or asset give it.
// claimed holds the requirements that implemented countermeasures claim (plausibly);
// evidenced those of them backed by current evidence (records, or this run's traffic).
type coverage struct {
	claimed, evidenced, partial, planned, notApplicable reqSet
	// traffic holds the claimed requirements the captures of this run evidence.
	traffic reqSet
}

func (c *coverage) add(status string, evidenced bool, s reqSet) {
	switch status {
	case model.StatusImplemented:
		c.claimed = c.claimed.or(s)
		if evidenced {
			c.evidenced = c.evidenced.or(s)
		}
	case model.StatusPartial:
		c.partial = c.partial.or(s)
	case model.StatusPlanned:
		c.planned = c.planned.or(s)
	case model.StatusNotApplicable:
		c.notApplicable = c.notApplicable.or(s)
	}
}

// met is the set counted toward SL-A evidenced: implemented with current evidence, and
// requirements the model declares not applicable with a justification (validation
// insists on one). metClaimed counts every implemented claim.
func (c *coverage) met() reqSet        { return c.evidenced.or(c.notApplicable) }
func (c *coverage) metClaimed() reqSet { return c.claimed.or(c.notApplicable) }

// claim is one countermeasure as the coverage reads it: the requirements it plausibly
// claims and whether its evidence is current.
type claim struct {
	cm        *model.Countermeasure
	reqs      reqSet
	evidenced bool
}

// coverages resolves every countermeasure's scope: "*" reaches every zone and conduit; a
// zone reaches its subzones; an asset-scoped measure counts for its zone only where every
// asset of the zone has it, because a system requirement holds for a zone only when it
// holds throughout. A requirement reaches a zone or conduit only where it applies to it.
func coverages(m *model.Model, t *table, claims []claim) (zones, conduits map[string]*coverage) {
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
	var addZone func(id, status string, ev bool, s reqSet, depth int)
	addZone = func(id, status string, ev bool, s reqSet, depth int) {
		zones[id].add(status, ev, s)
		if depth < len(m.Zones) {
			for _, c := range children[id] {
				addZone(c, status, ev, s, depth+1)
			}
		}
	}
	assets := map[string]*coverage{}
	for _, cl := range claims {
		cm, s := cl.cm, cl.reqs
		if s.empty() {
			continue // component requirements only: evidence for SL-C, not SL-A
		}
		zs, cs := s.and(t.applies[kZone]), s.and(t.applies[kConduit])
		for _, id := range cm.Scope {
			switch {
			case id == "*":
				for zid := range zones {
					zones[zid].add(cm.Status, cl.evidenced, zs)
				}
				for cid := range conduits {
					conduits[cid].add(cm.Status, cl.evidenced, cs)
				}
			case zones[id] != nil:
				addZone(id, cm.Status, cl.evidenced, zs, 0)
			case conduits[id] != nil:
				conduits[id].add(cm.Status, cl.evidenced, cs)
			default:
				if assets[id] == nil {
					assets[id] = &coverage{}
				}
				assets[id].add(cm.Status, cl.evidenced, zs)
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
		// every: held by all the zone's assets (claimed, and evidenced); some: by at
		// least one (partial for the zone); planned: planned on at least one.
		every, everyEv, some, planned := full(), full(), reqSet{}, reqSet{}
		for _, a := range members {
			c := assets[a.ID]
			if c == nil {
				c = &coverage{}
			}
			every = every.and(c.metClaimed())
			everyEv = everyEv.and(c.met())
			some = some.or(c.claimed.or(c.partial))
			planned = planned.or(c.planned)
		}
		z := zones[m.Zones[i].ID]
		z.claimed = z.claimed.or(every)
		z.evidenced = z.evidenced.or(everyEv)
		z.partial = z.partial.or(some.andNot(every))
		z.planned = z.planned.or(planned.andNot(every))
	}
	return zones, conduits
}

func full() reqSet { return reqSet{^uint64(0), ^uint64(0)} }
