package assess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/model"
)

// Capability (SL-C) caps achievement: a zone cannot be credited, on an FR, above what the
// components that must provide the capability can do (62443-3-3 builds its system
// requirements on component capabilities; 62443-4-2 rates those).

// Capability states of one FR of a zone.
const (
	CapDemonstrated    = "demonstrated"     // every asset that must provide it has a known SL-C (or a compensation)
	CapNotDemonstrated = "not-demonstrated" // some asset has no SL-C: the FR is not capped by it, and a finding says so
	CapNone            = "none"             // no asset of the zone must provide it
)

// bearsCapability reports whether an asset must provide its zone's capabilities: every
// asset that runs software of its own (controllers, HMIs, workstations, servers, network
// and security devices, and kinds zonewarden cannot tell: other). Field devices (sensors,
// actuators, drives) are left out: in most plants they hang off their controller's
// fieldbus and the controller is what the zone's capabilities rest on; a data diode
// enforces one direction in hardware. An asset that states its SL-C or names a
// component counts whatever its kind: the modeller has said it takes part.
func bearsCapability(a *model.Asset) bool {
	if a.SLC != nil || a.Component != "" {
		return true
	}
	switch a.Kind {
	case "sensor", "actuator", "drive", "data-diode":
		return false
	}
	return true
}

// Where an asset's SL-C comes from (AssetCapability.Source).
const (
	SourceAsset            = "sl_capability"          // stated on the asset
	SourceCertificate      = "component-certificate"  // the level its component's current certificate attests
	SourceStatedLevel      = "component-level"        // its component's level, stated without a certificate
	SourceComponentAnswers = "component-requirements" // computed from its component's meets (ComponentLevel)
)

// AssetCapability is one asset's known SL-C and where it comes from, so that a reader can
// tell a stated capability from a computed or certified one.
type AssetCapability struct {
	Asset string         `json:"asset"`
	Zone  string         `json:"zone"`
	Level model.SLVector `json:"sl_c"`
	// Source is SourceAsset, SourceCertificate, SourceStatedLevel or
	// SourceComponentAnswers; Component names the component assessment for the last three.
	Source    string `json:"source"`
	Component string `json:"component,omitempty"`
}

// assetCap is what is known of one asset's SL-C.
type assetCap struct {
	level     model.SLVector
	known     bool
	source    string // a Source* constant
	component string // the component it comes from, if any
}

type staleCert struct{ id, why string }

// capabilities works out every asset's SL-C: sl_capability when stated, otherwise its
// component's.
type capabilities struct {
	assets map[string]assetCap
	// stale lists components whose certificate does not count, with why.
	stale []staleCert
}

func newCapabilities(m *model.Model, cat *catalog.Catalog, ev *evidenceChecker) *capabilities {
	comps := map[string]assetCap{}
	c := &capabilities{assets: map[string]assetCap{}}
	for i := range m.Components {
		comp := &m.Components[i]
		ac, staleWhy := componentCap(comp, cat, ev)
		comps[comp.ID] = ac
		if staleWhy != "" {
			c.stale = append(c.stale, staleCert{comp.ID, staleWhy})
		}
	}
	for i := range m.Assets {
		a := &m.Assets[i]
		switch {
		case a.SLC != nil:
			c.assets[a.ID] = assetCap{level: *a.SLC, known: true, source: SourceAsset}
		case a.Component != "":
			c.assets[a.ID] = comps[a.Component]
		}
	}
	return c
}

// list is the known SL-C of every asset, in the model's order.
func (c *capabilities) list(m *model.Model) []AssetCapability {
	out := []AssetCapability{}
	for i := range m.Assets {
		a := &m.Assets[i]
		if ac, ok := c.assets[a.ID]; ok && ac.known {
			out = append(out, AssetCapability{Asset: a.ID, Zone: a.Zone, Level: ac.level, Source: ac.source, Component: ac.component})
		}
	}
	return out
}

// componentCap is a component's SL-C: the level its certificate attests, when the
// certificate is current; a level stated without a certificate; otherwise the level its
// answers to 62443-4-2 reach (ComponentLevel). staleWhy says why a certificate given
// does not count.
func componentCap(comp *model.Component, cat *catalog.Catalog, ev *evidenceChecker) (ac assetCap, staleWhy string) {
	if comp.Level != nil {
		if comp.Certificate == nil {
			return assetCap{level: *comp.Level, known: true, source: SourceStatedLevel, component: comp.ID}, ""
		}
		s := ev.check(comp.Pos.File, []model.Evidence{*comp.Certificate})
		if s.current {
			return assetCap{level: *comp.Level, known: true, source: SourceCertificate, component: comp.ID}, ""
		}
		staleWhy = strings.Join(append(s.stale, s.incomplete...), "; ")
	}
	if len(comp.Meets) == 0 {
		return assetCap{}, staleWhy
	}
	return assetCap{level: ComponentLevel(cat, comp.Type, comp.Meets), known: true,
		source: SourceComponentAnswers, component: comp.ID}, staleWhy
}

// componentKinds are the 62443-4-2 requirement kinds a component type answers: the
// common component requirements and the ones of its type.
var componentKinds = map[string][]string{
	"embedded-device":      {catalog.KindCR, catalog.KindCRRE, catalog.KindEDR, catalog.KindEDRRE},
	"host-device":          {catalog.KindCR, catalog.KindCRRE, catalog.KindHDR, catalog.KindHDRRE},
	"network-device":       {catalog.KindCR, catalog.KindCRRE, catalog.KindNDR, catalog.KindNDRRE},
	"software-application": {catalog.KindCR, catalog.KindCRRE, catalog.KindSAR, catalog.KindSARRE},
}

// ComponentLevel computes the SL-C vector of a component of type typ (model.ComponentTypes)
// that meets the 62443-4-2 requirements listed: per FR, the highest level L such that
// every requirement of that FR which applies to the type (common CRs and their REs, and
// the type's own) and whose lowest level is at most L is met. Requirements the catalog
// does not level (lowest_sl 0) are not counted.
func ComponentLevel(cat *catalog.Catalog, typ string, meets []string) model.SLVector {
	kinds := componentKinds[typ]
	have := map[string]bool{}
	for _, id := range meets {
		if n, ok := catalog.NormalizeID(id); ok {
			have[n] = true
		}
	}
	// lowestUnmet[fr] is the lowest level of an applicable requirement not met.
	var lowestUnmet [model.NumFR]int
	for i := range lowestUnmet {
		lowestUnmet[i] = model.MaxSL + 1
	}
	for _, r := range cat.Standard(catalog.StandardComponent) {
		if r.FR < 1 || r.FR > model.NumFR || r.LowestSL < 1 || !slices.Contains(kinds, r.Kind) || have[r.ID] {
			continue
		}
		lowestUnmet[r.FR-1] = min(lowestUnmet[r.FR-1], r.LowestSL)
	}
	var v model.SLVector
	for i, l := range lowestUnmet {
		v[i] = l - 1
	}
	return v
}

// Compensated is an asset whose SL-C does not cap an FR because an implemented,
// evidenced compensating countermeasure stands in for it.
type Compensated struct {
	Asset          string `json:"asset"`
	Countermeasure string `json:"countermeasure"`
	Rationale      string `json:"rationale"`
}

// frCap is what the components of a zone allow on one FR.
type frCap struct {
	state       string
	level       int      // the lowest known SL-C (MaxSL when none is known)
	cappedBy    []string // the assets at that level
	unknown     []string // assets with no SL-C, not compensated
	compensated []Compensated
}

// zoneCaps works out, per FR, the cap the zone's assets set. comps maps "asset\x00fr" to
// the compensation that lifts it.
func zoneCaps(m *model.Model, zone string, caps *capabilities, comps map[string]Compensated) [model.NumFR]frCap {
	var out [model.NumFR]frCap
	for fr := 1; fr <= model.NumFR; fr++ {
		c := frCap{state: CapNone, level: model.MaxSL}
		anyKnown := false
		for _, a := range m.ZoneAssets(zone) {
			if !bearsCapability(a) {
				continue
			}
			if comp, ok := comps[compKey(a.ID, fr)]; ok {
				c.compensated = append(c.compensated, comp)
				continue
			}
			ac := caps.assets[a.ID]
			if !ac.known {
				c.unknown = append(c.unknown, a.ID)
				continue
			}
			l := ac.level[fr-1]
			switch {
			case !anyKnown || l < c.level:
				c.level, c.cappedBy, anyKnown = l, []string{a.ID}, true
			case l == c.level:
				c.cappedBy = append(c.cappedBy, a.ID)
			}
		}
		switch {
		case len(c.unknown) > 0:
			c.state = CapNotDemonstrated
		case anyKnown || len(c.compensated) > 0:
			c.state = CapDemonstrated
		}
		out[fr-1] = c
	}
	return out
}

func compKey(asset string, fr int) string { return fmt.Sprintf("%s\x00%d", asset, fr) }
