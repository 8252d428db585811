package risk

import (
	"fmt"
	"slices"
	"strings"

	"net/netip"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
)

// partition runs the checks of how the system is partitioned into zones and conduits
// (62443-3-2 ZCR 3) and of the SL-T that results. Each finding says what to change.
func partition(m *model.Model, r *Result) []finding.Finding {
	var out []finding.Finding
	add := func(rule string, sev finding.Severity, subject string, pos model.Pos, req, fix, format string, args ...any) {
		out = append(out, finding.Finding{Rule: rule, Severity: sev, Subject: subject,
			Message: fmt.Sprintf(format, args...), Fix: fix, Requirements: strings.Split(req, ","), Location: pos.String()})
	}
	for i := range m.Zones {
		z := &m.Zones[i]
		assets := m.ZoneAssets(z.ID)
		var business, control, safety, nonSafetyControl, laptops, wireless []string
		for _, a := range assets {
			switch {
			case model.IsBusinessKind(a.Kind):
				business = append(business, a.ID)
			case a.Kind == "safety-controller":
				safety = append(safety, a.ID)
			}
			if model.IsControlKind(a.Kind) {
				control = append(control, a.ID)
				if a.Kind != "safety-controller" {
					nonSafetyControl = append(nonSafetyControl, a.ID)
				}
			}
			if a.Kind == "engineering-laptop" && !z.Temporary {
				laptops = append(laptops, a.ID)
			}
			if a.Kind == "wireless-ap" && !z.Wireless {
				wireless = append(wireless, a.ID)
			}
		}
		if len(business) > 0 && len(control) > 0 {
			add("partition/business-and-control", finding.High, z.ID, z.Pos, "ZCR 3.2",
				"move the business systems to an enterprise zone and join it to this zone through a conduit with a DMZ",
				"zone %s mixes business systems (%s) with control assets (%s)", z.ID, list(business), list(control))
		}
		if len(safety) > 0 && !z.Safety {
			add("partition/safety-not-separated", finding.High, z.ID, z.Pos, "ZCR 3.3",
				"put the safety controllers in a zone of their own marked safety: true",
				"safety-related assets (%s) sit in zone %s, which is not a safety zone", list(safety), z.ID)
		}
		if z.Safety && len(nonSafetyControl) > 0 {
			add("partition/safety-shared", finding.High, z.ID, z.Pos, "ZCR 3.3",
				"move the basic process control assets out of the safety zone",
				"safety zone %s also holds basic process control assets (%s)", z.ID, list(nonSafetyControl))
		}
		if len(laptops) > 0 {
			add("partition/temporary-not-separated", finding.Medium, z.ID, z.Pos, "ZCR 3.4",
				"give temporarily connected devices a zone of their own (temporary: true) joined by a conduit",
				"temporarily connected devices (%s) sit in zone %s with permanent assets", list(laptops), z.ID)
		}
		if len(wireless) > 0 {
			add("partition/wireless-not-separated", finding.Medium, z.ID, z.Pos, "ZCR 3.5",
				"put wireless devices in a zone of their own (wireless: true) joined by a conduit",
				"wireless devices (%s) sit in zone %s, which is not a wireless zone", list(wireless), z.ID)
		}
		if (z.Wireless || z.Temporary || z.External) && len(control) > 0 {
			add("partition/special-zone-with-control", finding.Medium, z.ID, z.Pos, specialReqs(z),
				"keep wireless, temporary and external devices apart from controllers",
				"zone %s is for wireless, temporary or external devices but holds control assets (%s)", z.ID, list(control))
		}
		if len(assets) == 0 {
			add("partition/empty-zone", finding.Info, z.ID, z.Pos, "ZCR 3.1",
				"list the zone's assets, or remove the zone", "zone %s has no assets", z.ID)
		}
		t, _ := r.Target(z.ID)
		switch {
		case t.Level.IsZero():
			add("slt/zone-without-target", finding.High, z.ID, z.Pos, "ZCR 5",
				"state sl_target with a rationale, or add the threats that bear on the zone so that it can be derived",
				"zone %s has no target security level: none stated and no threat bears on it", z.ID)
		case t.Stated:
			out = append(out, statedChecks(m, t, z.ID, "zone", z.Pos)...)
		}
	}
	for i := range m.Conduits {
		c := &m.Conduits[i]
		out = append(out, conduitChecks(m, r, c)...)
	}
	out = append(out, addressChecks(m)...)
	return out
}

// specialReqs names the ZCR 3 clauses of a zone's marks: temporarily connected devices
// (ZCR 3.4), wireless (ZCR 3.5), external networks (ZCR 3.6).
func specialReqs(z *model.Zone) string {
	var r []string
	if z.Temporary {
		r = append(r, "ZCR 3.4")
	}
	if z.Wireless {
		r = append(r, "ZCR 3.5")
	}
	if z.External {
		r = append(r, "ZCR 3.6")
	}
	return strings.Join(r, ",")
}

func statedChecks(m *model.Model, t *Target, id, kind string, pos model.Pos) []finding.Finding {
	var out []finding.Finding
	if t.Rationale == "" {
		out = append(out, finding.Finding{Rule: "slt/no-rationale", Severity: finding.Low, Subject: id,
			Message:      fmt.Sprintf("%s %s states SL-T %s without a rationale", kind, id, t.Level),
			Fix:          "add sl_target.rationale: why this level, so an assessor can check it",
			Requirements: []string{"ZCR 5"}, Location: pos.String()})
	}
	var below []string
	for fr := range t.Level {
		if t.Level[fr] < t.Derived[fr] {
			below = append(below, fmt.Sprintf("FR%d %d<%d", fr+1, t.Level[fr], t.Derived[fr]))
		}
	}
	if len(below) > 0 {
		out = append(out, finding.Finding{Rule: "slt/stated-below-derived", Severity: finding.Medium, Subject: id,
			Message:      fmt.Sprintf("%s %s states SL-T %s, below what its threats call for %s (%s)", kind, id, t.Level, t.Derived, strings.Join(below, ", ")),
			Fix:          "raise the stated level, or explain in the rationale why the threats are over-rated",
			Requirements: []string{"ZCR 5"}, Location: pos.String()})
	}
	return out
}

func conduitChecks(m *model.Model, r *Result, c *model.Conduit) []finding.Finding {
	var out []finding.Finding
	add := func(rule string, sev finding.Severity, req, fix, format string, args ...any) {
		out = append(out, finding.Finding{Rule: rule, Severity: sev, Subject: c.ID,
			Message: fmt.Sprintf(format, args...), Fix: fix, Requirements: strings.Split(req, ","), Location: c.Pos.String()})
	}
	var levels []model.Purdue
	for _, zid := range c.Zones {
		if z, ok := m.Zone(zid); ok && z.Purdue != nil {
			levels = append(levels, *z.Purdue)
		}
	}
	if len(levels) >= 2 {
		lo, hi := slices.Min(levels), slices.Max(levels)
		switch {
		case lo < 3.5 && hi > 3.5 && !slices.Contains(levels, 3.5):
			add("partition/no-dmz", finding.High, "ZCR 3.1,SR 5.1",
				"route the traffic through a DMZ zone (Purdue 3.5) with two conduits, one on each side",
				"conduit %s joins Purdue level %s straight to level %s, crossing the enterprise/control boundary without a DMZ", c.ID, hi, lo)
		case lo < 3.5 && hi-lo > 1:
			add("partition/skipped-purdue-level", finding.Medium, "ZCR 3.1",
				"join adjacent levels only, or record why this path is needed",
				"conduit %s skips Purdue levels: it joins level %s to level %s", c.ID, hi, lo)
		}
		if c.Boundary == "none" && lo != hi {
			add("partition/unprotected-boundary", finding.High, "SR 5.1,SR 5.2",
				"put a firewall, data diode or another boundary device on the conduit",
				"conduit %s joins different Purdue levels (%s and %s) with no boundary device", c.ID, lo, hi)
		}
	}
	if c.Boundary == "" {
		add("partition/boundary-unknown", finding.Low, "SR 5.2",
			"state the boundary technology: firewall, data-diode, vpn, router-acl, unidirectional-gateway, proxy or none",
			"conduit %s does not say what protects its boundary", c.ID)
	}
	if len(c.Allow) == 0 {
		add("partition/no-allowed-flows", finding.Medium, "SR 5.2",
			"list the communication the conduit allows, so that everything else can be denied by default",
			"conduit %s lists no allowed communication", c.ID)
	}
	t, _ := r.Target(c.ID)
	if t.Stated {
		out = append(out, statedChecks(m, t, c.ID, "conduit", c.Pos)...)
	}
	return out
}

// addressChecks finds assets whose addresses lie in another zone's networks. Prefixes are
// looked up by masking each address to every prefix length in use, so large plants cost
// assets × (distinct lengths) instead of assets × zones.
func addressChecks(m *model.Model) []finding.Finding {
	var out []finding.Finding
	owners := map[netip.Prefix][]string{}
	var lengths []int
	for i := range m.Zones {
		for _, p := range m.Zones[i].Prefixes {
			owners[p] = append(owners[p], m.Zones[i].ID)
			if !slices.Contains(lengths, p.Bits()) {
				lengths = append(lengths, p.Bits())
			}
		}
	}
	for i := range m.Assets {
		a := &m.Assets[i]
		for _, ip := range a.Addrs {
			for _, bits := range lengths {
				p, err := ip.Prefix(bits)
				if err != nil {
					continue
				}
				for _, zid := range owners[p] {
					if zid == a.Zone || isAncestor(m, zid, a.Zone) || isAncestor(m, a.Zone, zid) {
						continue
					}
					out = append(out, finding.Finding{Rule: "partition/address-in-other-zone", Severity: finding.Medium, Subject: a.ID,
						Message:      fmt.Sprintf("asset %s is in zone %s but its address %s lies in network %s of zone %s", a.ID, a.Zone, ip, p, zid),
						Fix:          "move the asset to the zone whose network it is in, or fix its address or the zone's networks",
						Requirements: []string{"ZCR 3.1"}, Location: a.Pos.String()})
				}
			}
		}
	}
	return out
}

func isAncestor(m *model.Model, a, b string) bool {
	for i := 0; b != "" && i <= len(m.Zones); i++ {
		z, ok := m.Zone(b)
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

func list(ids []string) string {
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + fmt.Sprintf(" and %d more", len(ids)-5)
	}
	return strings.Join(ids, ", ")
}
