package model

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// MaxSL is the highest security level.
const MaxSL = 4

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)

// fieldAt returns the position of field key of the element written at node (of item idx
// when the field is a list and idx >= 0), falling back to the element's own position.
func fieldAt(elem Pos, node *yaml.Node, key string, idx int) Pos {
	v := mappingValue(node, key)
	if v == nil {
		return elem
	}
	if idx >= 0 {
		if seq := unwrap(v); seq.Kind == yaml.SequenceNode && idx < len(seq.Content) {
			return nodePos(elem.File, seq.Content[idx])
		}
	}
	return nodePos(elem.File, v)
}

type validator struct {
	m     *Model
	opts  Options
	diags []Diagnostic
	// kinds maps every id to what it names, ids share one namespace so that a target or
	// scope can name a zone, conduit or asset without saying which.
	kinds   map[string]string
	firstAt map[string]Pos
	zones   map[string]*Zone
	assets  map[string]*Asset
	// fragment: the root file has neither version nor system, so it is most likely a
	// file meant to be included, validated alone.
	fragment bool
}

func (v *validator) add(p Pos, fix, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Pos: p, Message: fmt.Sprintf(format, args...), Fix: fix})
}

func validate(m *Model, opts Options) []Diagnostic {
	v := &validator{m: m, opts: opts, kinds: map[string]string{}, firstAt: map[string]Pos{},
		zones: map[string]*Zone{}, assets: map[string]*Asset{}}
	for _, id := range m.unreadable {
		v.kinds[id] = "unreadable item"
	}
	root := Pos{File: firstFile(m), Line: 1, Col: 1}
	switch {
	case m.Version == SchemaVersion:
	case m.Version == 0 && m.System.Pos.File == "":
		v.fragment = true
		v.add(root, "validate the root model file that includes this one; or, to make this file a model of its own, add `version: 1` and `system: {name: ...}`",
			"%s has no version and no system: it looks like a fragment meant to be included by a model", root.File)
	case m.Version == 0:
		v.add(root, "add `version: 1` at the top of the root file", "the model has no version")
	default:
		v.add(root, "this zonewarden reads version 1 models", "unsupported model version %d", m.Version)
	}
	if strings.TrimSpace(m.System.Name) == "" && !v.fragment {
		p := m.System.Pos
		if p.File == "" {
			p = root
		}
		v.add(p, "add system: {name: ...}", "the system has no name")
	}
	v.riskMethod()
	for i := range m.Zones {
		v.id(m.Zones[i].ID, "zone", m.Zones[i].Pos, m.Zones[i].node)
		v.zones[m.Zones[i].ID] = &m.Zones[i]
	}
	for i := range m.Conduits {
		v.id(m.Conduits[i].ID, "conduit", m.Conduits[i].Pos, m.Conduits[i].node)
	}
	for i := range m.Assets {
		v.id(m.Assets[i].ID, "asset", m.Assets[i].Pos, m.Assets[i].node)
		v.assets[m.Assets[i].ID] = &m.Assets[i]
	}
	for i := range m.Threats {
		v.id(m.Threats[i].ID, "threat", m.Threats[i].Pos, m.Threats[i].node)
	}
	for i := range m.Countermeasures {
		v.id(m.Countermeasures[i].ID, "countermeasure", m.Countermeasures[i].Pos, m.Countermeasures[i].node)
	}
	for i := range m.Components {
		v.id(m.Components[i].ID, "component", m.Components[i].Pos, m.Components[i].node)
	}
	for i := range m.Zones {
		v.zone(&m.Zones[i])
	}
	v.zoneParents()
	v.overlaps()
	for i := range m.Conduits {
		v.conduit(&m.Conduits[i])
	}
	v.assetsCheck()
	v.assetComponents()
	v.boundary()
	for i := range m.Components {
		v.component(&m.Components[i])
	}
	for i := range m.Threats {
		v.threat(&m.Threats[i])
		v.vulnerabilities(&m.Threats[i])
	}
	for i := range m.Countermeasures {
		v.countermeasure(&m.Countermeasures[i])
		v.assurance(&m.Countermeasures[i])
	}
	return v.diags
}

func firstFile(m *Model) string {
	if len(m.Files) > 0 {
		return m.Files[0]
	}
	return ""
}

func (v *validator) id(id, kind string, p Pos, node *yaml.Node) {
	at := fieldAt(p, node, "id", -1)
	switch {
	case id == "":
		v.add(p, "give every "+kind+" an id: a short name such as z-cell1", "%s without an id", kind)
		return
	case !idPattern.MatchString(id):
		v.add(at, "use letters, digits and . _ : - only, starting with a letter or digit", "%s id %q has characters ids may not use", kind, id)
	}
	if prev, ok := v.kinds[id]; ok {
		v.add(at, "ids are shared by zones, conduits, assets, threats, countermeasures, components and access points; rename one",
			"duplicate id %q: already used by a %s at %s", id, prev, posString(v.firstAt[id]))
		return
	}
	v.kinds[id] = kind
	v.firstAt[id] = at
}

func (v *validator) level(p Pos, what string, sl SLVector) {
	var bad []string
	for i, l := range sl {
		if l < 0 || l > MaxSL {
			bad = append(bad, fmt.Sprintf("FR%d=%d", i+1, l))
		}
	}
	if len(bad) > 0 {
		v.add(p, "security levels run from 0 (none) to 4", "%s: security level outside 0–4 (%s)", what, strings.Join(bad, ", "))
	}
}

// unreadable reports whether id names an item that failed to decode (already reported).
func (v *validator) unreadable(id string) bool { return v.kinds[id] == "unreadable item" }

func (v *validator) riskMethod() {
	r := &v.m.System.Risk
	applyRiskDefaults(r)
	p := fieldAt(v.m.System.Pos, v.m.System.node, "risk", -1)
	scale := func(name string, s []ScaleLevel) {
		for i, l := range s {
			if l.Level != i+1 {
				v.add(p, "number the levels 1, 2, 3, ... in order", "risk %s scale: level %d is out of order (expected %d)", name, l.Level, i+1)
				return
			}
			if l.Label == "" {
				v.add(p, "give every level a label", "risk %s scale: level %d has no label", name, l.Level)
			}
		}
	}
	scale("likelihood", r.Likelihood)
	scale("consequence", r.Consequence)
	seen := map[string]bool{}
	for _, c := range r.Categories {
		if seen[c] {
			v.add(p, "list each consequence category once", "consequence category %q is listed twice", c)
		}
		seen[c] = true
	}
	if len(r.Matrix) != len(r.Likelihood) {
		v.add(p, "the matrix has one row per likelihood level, lowest first", "risk matrix has %d rows for %d likelihood levels", len(r.Matrix), len(r.Likelihood))
		return
	}
	for i, row := range r.Matrix {
		if len(row) != len(r.Consequence) {
			v.add(p, "each matrix row has one entry per consequence level", "risk matrix row %d has %d entries for %d consequence levels", i+1, len(row), len(r.Consequence))
			continue
		}
		for _, cell := range row {
			if !slices.Contains(r.Levels, cell) {
				v.add(p, "use a name from risk.levels: "+strings.Join(r.Levels, ", "), "risk matrix row %d names unknown risk level %q", i+1, cell)
			}
		}
	}
	if !slices.Contains(r.Levels, r.Tolerable) {
		v.add(p, "use a name from risk.levels: "+strings.Join(r.Levels, ", "), "tolerable risk %q is not one of the risk levels", r.Tolerable)
	}
}

func (v *validator) zone(z *Zone) {
	what := "zone " + z.ID
	if z.Purdue != nil && !z.Purdue.Valid() {
		v.add(fieldAt(z.Pos, z.node, "purdue", -1), "Purdue levels are 0, 1, 2, 3, 3.5 (DMZ), 4 and 5", "%s: Purdue level %s is not a level", what, z.Purdue)
	}
	z.Prefixes = z.Prefixes[:0]
	for i, n := range z.Networks {
		pfx, err := netip.ParsePrefix(strings.TrimSpace(n))
		if err != nil {
			v.add(fieldAt(z.Pos, z.node, "networks", i), "write networks in CIDR notation, such as 10.10.20.0/24", "%s: %q is not a network: %v", what, n, err)
			continue
		}
		if pfx != pfx.Masked() {
			v.add(fieldAt(z.Pos, z.node, "networks", i), fmt.Sprintf("write the network address: %s", pfx.Masked()), "%s: %s has host bits set", what, n)
			pfx = pfx.Masked()
		}
		z.Prefixes = append(z.Prefixes, pfx)
	}
	for i, vl := range z.VLANs {
		if vl < 1 || vl > 4094 {
			v.add(fieldAt(z.Pos, z.node, "vlans", i), "VLAN ids run from 1 to 4094", "%s: VLAN %d is not a valid VLAN id", what, vl)
		}
	}
	if z.SLTarget != nil {
		v.level(fieldAt(z.Pos, z.node, "sl_target", -1), what+" sl_target", z.SLTarget.Level)
	}
	if z.Parent != "" {
		if _, ok := v.zones[z.Parent]; !ok && !v.unreadable(z.Parent) {
			v.add(fieldAt(z.Pos, z.node, "parent", -1), v.knownZones(), "%s: parent zone %q is not declared", what, z.Parent)
		}
	}
}

func (v *validator) knownZones() string {
	ids := make([]string, 0, len(v.m.Zones))
	for _, z := range v.m.Zones {
		ids = append(ids, z.ID)
	}
	if len(ids) > 12 {
		ids = append(ids[:12], "…")
	}
	switch {
	case len(ids) == 0 && v.fragment:
		return "this file declares no zones; the model that includes it may: validate that model instead"
	case len(ids) == 0:
		return "the model declares no zones: declare it under zones:"
	case v.fragment:
		return "this file declares only " + strings.Join(ids, ", ") + "; validate the model that includes it to see the others"
	}
	return "declared zones: " + strings.Join(ids, ", ")
}

func (v *validator) zoneParents() {
	for i := range v.m.Zones {
		z := &v.m.Zones[i]
		seen := map[string]bool{z.ID: true}
		for p := z.Parent; p != ""; {
			if seen[p] {
				v.add(fieldAt(z.Pos, z.node, "parent", -1), "a zone cannot contain itself; break the chain", "zone %s: parent chain loops back through %q", z.ID, p)
				break
			}
			seen[p] = true
			pz, ok := v.zones[p]
			if !ok {
				break
			}
			p = pz.Parent
		}
	}
}

// isAncestor reports whether zone a contains zone b through parent links.
func (v *validator) isAncestor(a, b string) bool {
	for i := 0; b != "" && i < len(v.m.Zones); i++ {
		z, ok := v.zones[b]
		if !ok {
			return false
		}
		if z.Parent == a {
			return true
		}
		b = z.Parent
	}
	return false
}

// overlaps reports networks that overlap across zones (a subzone inside its parent's
// network is fine) and VLANs used by two zones.
func (v *validator) overlaps() {
	type entry struct {
		zone string
		pfx  netip.Prefix
		pos  Pos
	}
	var all []entry
	for i := range v.m.Zones {
		z := &v.m.Zones[i]
		for j, p := range z.Prefixes {
			all = append(all, entry{z.ID, p, fieldAt(z.Pos, z.node, "networks", j)})
		}
	}
	// Sorting by address makes the check O(n log n) for large plants: only neighbours in
	// the order can overlap a prefix that starts before them.
	slices.SortFunc(all, func(a, b entry) int {
		if c := a.pfx.Addr().Compare(b.pfx.Addr()); c != 0 {
			return c
		}
		return a.pfx.Bits() - b.pfx.Bits()
	})
	for i := range all {
		for j := i + 1; j < len(all) && all[i].pfx.Overlaps(all[j].pfx); j++ {
			a, b := all[i], all[j]
			if a.zone == b.zone || v.isAncestor(a.zone, b.zone) || v.isAncestor(b.zone, a.zone) {
				continue
			}
			v.add(b.pos, "give each zone its own networks, or make one zone the parent of the other",
				"network %s of zone %s overlaps %s of zone %s (%s)", b.pfx, b.zone, a.pfx, a.zone, posString(a.pos))
		}
	}
	vlanZone := map[int]string{}
	for i := range v.m.Zones {
		z := &v.m.Zones[i]
		for j, vl := range z.VLANs {
			if other, ok := vlanZone[vl]; ok && other != z.ID && !v.isAncestor(other, z.ID) && !v.isAncestor(z.ID, other) {
				v.add(fieldAt(z.Pos, z.node, "vlans", j), "a VLAN belongs to one zone", "VLAN %d of zone %s is also in zone %s", vl, z.ID, other)
				continue
			}
			vlanZone[vl] = z.ID
		}
	}
}

// zoneOf returns the zone of a zone or asset id ("" when it is neither).
func (v *validator) zoneOf(id string) string {
	if _, ok := v.zones[id]; ok {
		return id
	}
	if a, ok := v.assets[id]; ok {
		return a.Zone
	}
	return ""
}

func (v *validator) conduit(c *Conduit) {
	what := "conduit " + c.ID
	if len(c.Zones) < 2 {
		v.add(fieldAt(c.Pos, c.node, "zones", -1), "list the two (or more) zones the conduit joins: zones: [z-a, z-b]", "%s joins %d zone(s); a conduit joins at least two", what, len(c.Zones))
	}
	for i, z := range c.Zones {
		if _, ok := v.zones[z]; !ok && !v.unreadable(z) {
			v.add(fieldAt(c.Pos, c.node, "zones", i), v.knownZones(), "%s: unknown zone %q", what, z)
		}
		if slices.Index(c.Zones, z) != i {
			v.add(fieldAt(c.Pos, c.node, "zones", i), "list each zone once", "%s lists zone %q twice", what, z)
		}
	}
	if c.Boundary != "" && !slices.Contains(Boundaries, c.Boundary) {
		v.add(fieldAt(c.Pos, c.node, "boundary", -1), "use one of: "+strings.Join(Boundaries, ", "), "%s: unknown boundary technology %q", what, c.Boundary)
	}
	if c.SLTarget != nil {
		v.level(fieldAt(c.Pos, c.node, "sl_target", -1), what+" sl_target", c.SLTarget.Level)
	}
	for i := range c.Allow {
		v.flow(c, &c.Allow[i], i)
	}
}

func (v *validator) flow(c *Conduit, f *Flow, i int) {
	what := fmt.Sprintf("conduit %s allow[%d]", c.ID, i)
	for _, end := range []struct{ key, id string }{{"from", f.From}, {"to", f.To}} {
		p := fieldAt(f.Pos, f.node, end.key, -1)
		if end.id == "" {
			v.add(f.Pos, "name a zone or asset id", "%s has no %s", what, end.key)
			continue
		}
		if v.unreadable(end.id) {
			continue
		}
		z := v.zoneOf(end.id)
		if z == "" {
			v.add(p, "name a zone or asset declared in the model", "%s: %s %q is neither a zone nor an asset", what, end.key, end.id)
			continue
		}
		if !slices.Contains(c.Zones, z) && !v.inChildOf(z, c.Zones) {
			v.add(p, fmt.Sprintf("conduit %s joins %s; name an end inside those zones", c.ID, strings.Join(c.Zones, ", ")), "%s: %s %q lies in zone %s, outside the conduit", what, end.key, end.id, z)
		}
	}
	proto, ok := LookupProtocol(f.Protocol)
	if !ok {
		v.add(fieldAt(f.Pos, f.node, "protocol", -1), "known protocols: "+protocolNames(), "%s: unknown protocol %q", what, f.Protocol)
	}
	for j, port := range f.Ports {
		if port < 1 || port > 65535 {
			v.add(fieldAt(f.Pos, f.node, "ports", j), "ports run from 1 to 65535", "%s: port %d is not a port", what, port)
		}
	}
	if f.Direction != "" && !slices.Contains(Directions, f.Direction) {
		v.add(fieldAt(f.Pos, f.node, "direction", -1), "use one-way (only from initiates) or both", "%s: unknown direction %q", what, f.Direction)
	}
	for j, op := range f.Operations {
		if _, ok := protocols.ParseOpClass(op); !ok || op == "none" {
			v.add(fieldAt(f.Pos, f.node, "operations", j), "operation classes: "+strings.Join(protocols.OpClassNames(), ", "), "%s: unknown operation class %q", what, op)
		}
	}
	if ok && len(f.Operations) > 0 && !proto.OT && proto.Name != "any" {
		v.add(fieldAt(f.Pos, f.node, "operations", -1), "operation classes apply to OT protocols (modbus, enip, s7comm, ...); remove them here", "%s: %s has no OT operations to restrict", what, f.Protocol)
	}
}

func (v *validator) inChildOf(zone string, parents []string) bool {
	for _, p := range parents {
		if v.isAncestor(p, zone) {
			return true
		}
	}
	return false
}

func protocolNames() string {
	names := make([]string, len(Protocols))
	for i, p := range Protocols {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

func (v *validator) assetsCheck() {
	ipOwner := map[netip.Addr]string{}
	for i := range v.m.Assets {
		a := &v.m.Assets[i]
		what := "asset " + a.ID
		if a.Zone == "" {
			v.add(a.Pos, "put every asset in a zone: zone: z-...", "%s has no zone", what)
		} else if _, ok := v.zones[a.Zone]; !ok && !v.unreadable(a.Zone) {
			v.add(fieldAt(a.Pos, a.node, "zone", -1), v.knownZones(), "%s: unknown zone %q", what, a.Zone)
		}
		if a.Kind == "" {
			v.add(a.Pos, "kinds: "+strings.Join(Kinds, ", "), "%s has no kind", what)
		} else if !slices.Contains(Kinds, a.Kind) {
			v.add(fieldAt(a.Pos, a.node, "kind", -1), "kinds: "+strings.Join(Kinds, ", "), "%s: unknown kind %q", what, a.Kind)
		}
		if a.Criticality != "" && CriticalityRank(a.Criticality) == 0 {
			v.add(fieldAt(a.Pos, a.node, "criticality", -1), "use one of: "+strings.Join(Criticalities, ", "), "%s: unknown criticality %q", what, a.Criticality)
		}
		a.Addrs = a.Addrs[:0]
		for j, s := range a.IPs {
			ip, err := netip.ParseAddr(strings.TrimSpace(s))
			if err != nil {
				v.add(fieldAt(a.Pos, a.node, "ips", j), "write an IPv4 or IPv6 address, such as 10.10.20.5", "%s: %q is not an IP address", what, s)
				continue
			}
			if other, ok := ipOwner[ip]; ok {
				v.add(fieldAt(a.Pos, a.node, "ips", j), "an address belongs to one asset; model a shared (virtual) address on the device that answers it", "%s: address %s is also given to asset %s", what, ip, other)
			}
			ipOwner[ip] = a.ID
			a.Addrs = append(a.Addrs, ip)
		}
		for j, s := range a.MACs {
			if hw, err := net.ParseMAC(s); err != nil || len(hw) != 6 {
				v.add(fieldAt(a.Pos, a.node, "macs", j), "write a MAC as 00:1d:9c:c7:b0:70", "%s: %q is not a MAC address", what, s)
			}
		}
		if a.SLC != nil {
			v.level(fieldAt(a.Pos, a.node, "sl_capability", -1), what+" sl_capability", *a.SLC)
		}
	}
}

func (v *validator) threat(t *Threat) {
	what := "threat " + t.ID
	r := &v.m.System.Risk
	if t.Source.Capability == "" {
		v.add(fieldAt(t.Pos, t.node, "source", -1), "capabilities: "+strings.Join(Capabilities, ", "), "%s: the threat source has no capability", what)
	} else if CapabilityLevel(t.Source.Capability) == 0 {
		v.add(fieldAt(t.Pos, t.node, "source", -1), "capabilities: "+strings.Join(Capabilities, ", "), "%s: unknown threat source capability %q", what, t.Source.Capability)
	}
	if len(t.Targets) == 0 {
		v.add(t.Pos, "name the zones, conduits or assets the threat is aimed at", "%s has no targets", what)
	}
	for i, id := range t.Targets {
		if k := v.kinds[id]; k != "zone" && k != "conduit" && k != "asset" && !v.unreadable(id) {
			v.add(fieldAt(t.Pos, t.node, "targets", i), "a target is a zone, conduit or asset id", "%s: unknown target %q", what, id)
		}
	}
	for i, fr := range t.FRs {
		if fr < 1 || fr > NumFR {
			v.add(fieldAt(t.Pos, t.node, "frs", i), "foundational requirements are numbered 1–7", "%s: FR %d does not exist", what, fr)
		}
	}
	if t.Likelihood < 1 || t.Likelihood > len(r.Likelihood) {
		v.add(fieldAt(t.Pos, t.node, "likelihood", -1), fmt.Sprintf("likelihood runs from 1 to %d on this model's scale", len(r.Likelihood)), "%s: likelihood %d is off the scale", what, t.Likelihood)
	}
	if len(t.Consequences) == 0 {
		v.add(t.Pos, "rate at least one consequence category: "+strings.Join(r.Categories, ", "), "%s has no consequences", what)
	}
	for _, cat := range sortedKeys(t.Consequences) {
		l := t.Consequences[cat]
		p := fieldAt(t.Pos, t.node, "consequences", -1)
		if !slices.Contains(r.Categories, cat) {
			v.add(p, "categories: "+strings.Join(r.Categories, ", "), "%s: unknown consequence category %q", what, cat)
		}
		if l < 1 || l > len(r.Consequence) {
			v.add(p, fmt.Sprintf("consequences run from 1 to %d on this model's scale", len(r.Consequence)), "%s: %s consequence %d is off the scale", what, cat, l)
		}
	}
	for i, id := range t.Countermeasures {
		if v.kinds[id] != "countermeasure" && !v.unreadable(id) {
			v.add(fieldAt(t.Pos, t.node, "countermeasures", i), "name a countermeasure declared in the model", "%s: unknown countermeasure %q", what, id)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (v *validator) countermeasure(c *Countermeasure) {
	what := "countermeasure " + c.ID
	if c.Status == "" {
		v.add(c.Pos, "statuses: "+strings.Join(Statuses, ", "), "%s has no status", what)
	} else if !slices.Contains(Statuses, c.Status) {
		v.add(fieldAt(c.Pos, c.node, "status", -1), "statuses: "+strings.Join(Statuses, ", "), "%s: unknown status %q", what, c.Status)
	}
	if c.Status == StatusNotApplicable && strings.TrimSpace(c.Justification) == "" {
		v.add(fieldAt(c.Pos, c.node, "status", -1), "say why in justification:", "%s is not-applicable without a justification", what)
	}
	for i, id := range c.Satisfies {
		if v.opts.Requirement == nil {
			continue
		}
		canon, ok := v.opts.Requirement(id)
		if !ok {
			v.add(fieldAt(c.Pos, c.node, "satisfies", i), "write ids as SR 1.1, SR 1.1 RE 1 or CR 3.14; `zonewarden catalog` lists them", "%s: unknown requirement %q", what, id)
			continue
		}
		c.Satisfies[i] = canon
	}
	if len(c.Scope) == 0 {
		v.add(c.Pos, "name the zones, conduits or assets it covers, or \"*\" for the whole system", "%s has no scope", what)
	}
	for i, id := range c.Scope {
		if id == "*" {
			continue
		}
		if k := v.kinds[id]; k != "zone" && k != "conduit" && k != "asset" && !v.unreadable(id) {
			v.add(fieldAt(c.Pos, c.node, "scope", i), "scope takes zone, conduit or asset ids, or \"*\"", "%s: unknown scope %q", what, id)
		}
	}
	if c.Due != "" {
		if _, err := time.Parse(time.DateOnly, c.Due); err != nil {
			v.add(fieldAt(c.Pos, c.node, "due", -1), "write dates as YYYY-MM-DD", "%s: due date %q is not a date", what, c.Due)
		}
	}
	if c.LikelihoodReduction() < 0 || c.ConsequenceReduction() < 0 {
		v.add(c.Pos, "reductions are 0 or more levels", "%s: a negative reduction", what)
	}
}
