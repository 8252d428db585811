package model

// index gives the analyses constant-time lookups by id once a model has loaded.
type index struct {
	zones           map[string]int
	conduits        map[string]int
	assets          map[string]int
	threats         map[string]int
	countermeasures map[string]int
	zoneAssets      map[string][]int
}

func (m *Model) buildIndex() {
	ix := &index{
		zones:           make(map[string]int, len(m.Zones)),
		conduits:        make(map[string]int, len(m.Conduits)),
		assets:          make(map[string]int, len(m.Assets)),
		threats:         make(map[string]int, len(m.Threats)),
		countermeasures: make(map[string]int, len(m.Countermeasures)),
		zoneAssets:      make(map[string][]int, len(m.Zones)),
	}
	for i := range m.Zones {
		ix.zones[m.Zones[i].ID] = i
	}
	for i := range m.Conduits {
		ix.conduits[m.Conduits[i].ID] = i
	}
	for i := range m.Assets {
		ix.assets[m.Assets[i].ID] = i
		ix.zoneAssets[m.Assets[i].Zone] = append(ix.zoneAssets[m.Assets[i].Zone], i)
	}
	for i := range m.Threats {
		ix.threats[m.Threats[i].ID] = i
	}
	for i := range m.Countermeasures {
		ix.countermeasures[m.Countermeasures[i].ID] = i
	}
	m.index = ix
}

func (m *Model) ix() *index {
	if m.index == nil {
		m.buildIndex()
	}
	return m.index
}

// Zone returns the zone with id.
func (m *Model) Zone(id string) (*Zone, bool) {
	i, ok := m.ix().zones[id]
	if !ok {
		return nil, false
	}
	return &m.Zones[i], true
}

// Conduit returns the conduit with id.
func (m *Model) Conduit(id string) (*Conduit, bool) {
	i, ok := m.ix().conduits[id]
	if !ok {
		return nil, false
	}
	return &m.Conduits[i], true
}

// Asset returns the asset with id.
func (m *Model) Asset(id string) (*Asset, bool) {
	i, ok := m.ix().assets[id]
	if !ok {
		return nil, false
	}
	return &m.Assets[i], true
}

// Countermeasure returns the countermeasure with id.
func (m *Model) Countermeasure(id string) (*Countermeasure, bool) {
	i, ok := m.ix().countermeasures[id]
	if !ok {
		return nil, false
	}
	return &m.Countermeasures[i], true
}

// ZoneAssets returns the assets of zone id, in model order.
func (m *Model) ZoneAssets(id string) []*Asset {
	idx := m.ix().zoneAssets[id]
	out := make([]*Asset, len(idx))
	for i, j := range idx {
		out[i] = &m.Assets[j]
	}
	return out
}

// Reindex rebuilds the lookups after the caller changed the model's lists (generators
// and tests that build models in code).
func (m *Model) Reindex() { m.buildIndex() }

// ZoneOf returns the zone of a zone or asset id.
func (m *Model) ZoneOf(id string) (string, bool) {
	if _, ok := m.Zone(id); ok {
		return id, true
	}
	if a, ok := m.Asset(id); ok {
		return a.Zone, true
	}
	return "", false
}
