package detect

import (
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// policy answers what the plant model says of an address and an operation.
type policy struct {
	m *model.Model
}

// place is where an address sits in the model.
type place struct {
	asset *model.Asset // nil: no asset has the address
	zone  string       // "" : no zone's networks hold it
}

func (p *policy) locate(ip netip.Addr) place {
	if p.m == nil || !ip.IsValid() {
		return place{}
	}
	return p.locateIP(ip)
}

// locateEnd finds an end by its address, or by its MAC when it has none (protocols
// below IP).
func (p *policy) locateEnd(ip netip.Addr, mac [6]byte, hasMAC bool) place {
	if p.m == nil {
		return place{}
	}
	if ip.IsValid() {
		return p.locateIP(ip)
	}
	if !hasMAC {
		return place{}
	}
	want := net.HardwareAddr(mac[:]).String()
	for i := range p.m.Assets {
		a := &p.m.Assets[i]
		for _, m := range a.MACs {
			if strings.EqualFold(m, want) {
				return place{asset: a, zone: a.Zone}
			}
		}
	}
	return place{}
}

func (p *policy) locateIP(ip netip.Addr) place {
	for i := range p.m.Assets {
		a := &p.m.Assets[i]
		if slices.Contains(a.Addrs, ip) {
			return place{asset: a, zone: a.Zone}
		}
	}
	best, bits := "", -1
	for i := range p.m.Zones {
		z := &p.m.Zones[i]
		for _, pr := range z.Prefixes {
			if pr.Contains(ip) && pr.Bits() > bits {
				best, bits = z.ID, pr.Bits()
			}
		}
	}
	return place{zone: best}
}

// allows reports whether the model allows src to do an operation of class over proto
// on dst, and through which conduit. Traffic within one zone is the zone's own
// business: conduits govern what crosses zones.
func (p *policy) allows(src, dst place, proto string, class protocols.OpClass) (alert.Verdict, string) {
	if p.m == nil || src.zone == "" || dst.zone == "" {
		return alert.VerdictUnknown, ""
	}
	if src.zone == dst.zone {
		return alert.VerdictAllowed, ""
	}
	matches := func(ref string, pl place) bool {
		return ref == pl.zone || pl.asset != nil && ref == pl.asset.ID
	}
	crossing := ""
	for i := range p.m.Conduits {
		c := &p.m.Conduits[i]
		if !slices.Contains(c.Zones, src.zone) || !slices.Contains(c.Zones, dst.zone) {
			continue
		}
		crossing = c.ID
		for _, f := range c.Allow {
			if !protoMatches(f.Protocol, proto) {
				continue
			}
			fwd := matches(f.From, src) && matches(f.To, dst)
			back := f.Direction == "both" && matches(f.From, dst) && matches(f.To, src)
			if !fwd && !back {
				continue
			}
			if len(f.Operations) == 0 || class == protocols.OpNone || slices.Contains(f.Operations, class.String()) {
				return alert.VerdictAllowed, c.ID
			}
		}
	}
	return alert.VerdictForbidden, crossing
}

// protoMatches compares a model protocol name with a dissector's ("s7comm-plus" is
// carried by the s7comm dissector, "iec61850-mms" by mms).
func protoMatches(modelName, app string) bool {
	return modelName == app || strings.HasPrefix(modelName, app+"-") && app == "s7comm" ||
		app == "mms" && modelName == "iec61850-mms"
}

// engineeringKinds are the kinds whose job is to program and configure controllers.
var engineeringKinds = []string{"ews", "engineering-laptop"}

// operatorKinds are the kinds whose job is to read and write process values.
var operatorKinds = []string{"hmi", "scada-server", "historian", "opc-server"}

// rank turns a rule's severity into the alert's: forbidden by the model, or from a
// device the model does not know, it rises; allowed and done by the kind of device whose
// job it is, it falls to informational; allowed but from another kind, it falls a step.
func rank(base finding.Severity, class protocols.OpClass, v alert.Verdict, src place, haveModel bool) finding.Severity {
	if !haveModel {
		return base
	}
	s := base
	switch v {
	case alert.VerdictForbidden:
		s++
	case alert.VerdictAllowed:
		kind := ""
		if src.asset != nil {
			kind = src.asset.Kind
		}
		switch {
		case slices.Contains(engineeringKinds, kind):
			s = finding.Info
		case slices.Contains(operatorKinds, kind) && class != protocols.OpProgram && class != protocols.OpControl:
			s = finding.Info
		case src.asset != nil:
			s--
		}
	}
	if src.asset == nil && src.zone != "" {
		s++ // a device inside the plant's networks that the model does not know
	}
	return max(finding.Info, min(finding.Critical, s))
}
