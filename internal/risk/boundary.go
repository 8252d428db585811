package risk

import (
	"fmt"
	"slices"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
)

// The checks of the system under consideration (62443-3-2 ZCR 1.1): the organisation
// says what the system holds and where its edge is, and names every point where the
// system is reached from outside it. An assessment of zones and conduits means little if
// nobody knows which connections cross the edge, or whether a remote connection lands
// straight in a control zone.
//
// Assess adds these findings to the risk result's; BoundaryChecks is exported for the
// requirements specification, which lists them as open points (docs/risk.md, "System
// under consideration").

// StrongBoundaries are the conduit boundary technologies that may carry an access point
// from an untrusted network (remote access, the internet, a supplier): each one enforces
// what may cross, in one direction or with authenticated, encrypted sessions. A router
// ACL or a proxy alone does not.
var StrongBoundaries = []string{"firewall", "data-diode", "vpn", "unidirectional-gateway"}

// untrustedKinds are the access point kinds that bring in a network the plant does not
// control.
var untrustedKinds = []string{"remote-access", "internet", "supplier"}

// BoundaryChecks returns the findings about the boundary of the system under
// consideration and its access points, in a stable order:
//
//   - boundary/not-described: the model has no system.boundary, or it has no description;
//   - boundary/external-zone-without-access-point: a zone marked external, or at Purdue
//     level 5, that no access point names (by entering it, or through a conduit that
//     joins it);
//   - boundary/external-conduit-without-access-point: a conduit joining such a zone to
//     the rest of the system that no access point names;
//   - boundary/access-point-without-conduit: an access point into a zone below the DMZ
//     (Purdue below 3.5) that names no conduit, unless the zone is one set apart for
//     such devices (temporary, wireless or external: ZCR 3.4-3.6), whose own conduits
//     are the control;
//   - boundary/access-point-conduit-mismatch: an access point whose conduit does not
//     join the zone it enters;
//   - boundary/untrusted-access-unprotected: a remote-access, internet or supplier access
//     point whose conduit is missing or not protected by a firewall, data diode, VPN or
//     unidirectional gateway.
func BoundaryChecks(m *model.Model) []finding.Finding {
	var out []finding.Finding
	sys := m.System.Pos.String()
	add := func(rule string, sev finding.Severity, subject, loc, fix string, reqs []string, format string, args ...any) {
		out = append(out, finding.Finding{Rule: rule, Severity: sev, Subject: subject,
			Message: fmt.Sprintf(format, args...), Fix: fix, Requirements: reqs, Location: loc})
	}
	b := m.System.Boundary
	switch {
	case b == nil:
		add("boundary/not-described", finding.Medium, "system", sys,
			"add system.boundary with a description of what the system under consideration holds and where it ends, and its access_points",
			[]string{"ZCR 1.1"},
			"the model does not describe the boundary of the system under consideration: ZCR 1.1 asks for the system's edge and every point where it is reached from outside to be identified")
		b = &model.Boundary{}
	case b.Description == "":
		add("boundary/not-described", finding.Low, "system", sys,
			"add system.boundary.description: what the system holds, what lies outside it, and who is responsible for it",
			[]string{"ZCR 1.1"},
			"system.boundary lists %d access point(s) but does not describe what the system under consideration holds and where it ends", len(b.AccessPoints))
	}

	// An access point names a zone when it enters it or comes in through a conduit that
	// joins it: the supplier's zone outside a VPN conduit into the DMZ is named by the
	// access point that enters the DMZ through that conduit.
	names := map[string]bool{}   // zones some access point names
	carries := map[string]bool{} // conduits some access point names
	for _, ap := range b.AccessPoints {
		names[ap.Zone] = true
		if ap.Conduit == "" {
			continue
		}
		carries[ap.Conduit] = true
		if c, ok := m.Conduit(ap.Conduit); ok {
			for _, z := range c.Zones {
				names[z] = true
			}
		}
	}
	external := map[string]bool{}
	for i := range m.Zones {
		z := &m.Zones[i]
		if !isExternal(z) {
			continue
		}
		external[z.ID] = true
		if !names[z.ID] {
			add("boundary/external-zone-without-access-point", finding.Medium, z.ID, z.Pos.String(),
				"add an access point to system.boundary.access_points naming this zone (zone:) and the conduit that carries it (conduit:)",
				[]string{"ZCR 1.1", "ZCR 3.6"},
				"zone %s reaches outside the system under consideration (%s) but no access point of the boundary enters it or comes in through one of its conduits", z.ID, externalWhy(z))
		}
	}
	for i := range m.Conduits {
		c := &m.Conduits[i]
		var ext, inside []string
		for _, zid := range c.Zones {
			if external[zid] {
				ext = append(ext, zid)
			} else {
				inside = append(inside, zid)
			}
		}
		// A connection across the edge: an external zone joined to the rest. An external
		// zone with no access point at all is reported once, above.
		if len(ext) == 0 || len(inside) == 0 || carries[c.ID] || !slices.ContainsFunc(ext, func(z string) bool { return names[z] }) {
			continue
		}
		add("boundary/external-conduit-without-access-point", finding.Medium, c.ID, c.Pos.String(),
			"name this conduit (conduit:) in the access point that uses it, or add an access point for it",
			[]string{"ZCR 1.1"},
			"conduit %s joins external zone %s to %s, but no access point of the boundary names it", c.ID, list(ext), list(inside))
	}

	for _, ap := range b.AccessPoints {
		subject := "access point " + ap.ID
		z, zok := m.Zone(ap.Zone)
		level, hasLevel := purdueOf(m, ap.Zone)
		var c *model.Conduit
		if ap.Conduit != "" {
			c, _ = m.Conduit(ap.Conduit)
		}
		switch {
		case c == nil && zok && hasLevel && level < 3.5 && !landing(z):
			add("boundary/access-point-without-conduit", finding.High, ap.ID, sys,
				"model the connection as a conduit into the zone, with its boundary device and allowed flows, and name it in the access point (conduit:)",
				[]string{"ZCR 1.1", "ZCR 3.1", "SR 5.1"},
				"%s (%s) enters zone %s at Purdue level %s, below the DMZ, and no conduit carries it: nothing in the model controls what crosses there", subject, ap.Kind, ap.Zone, level)
		case c != nil && zok && !slices.Contains(c.Zones, z.ID):
			add("boundary/access-point-conduit-mismatch", finding.Medium, ap.ID, sys,
				"name the conduit that joins zone "+ap.Zone+", or correct the zone",
				[]string{"ZCR 1.1"},
				"%s enters zone %s through conduit %s, which does not join that zone (it joins %s)", subject, ap.Zone, c.ID, list(c.Zones))
		}
		if !slices.Contains(untrustedKinds, ap.Kind) {
			continue
		}
		switch {
		case c == nil:
			add("boundary/untrusted-access-unprotected", finding.High, ap.ID, sys,
				"carry it through a conduit protected by a firewall, data diode, VPN or unidirectional gateway, and name that conduit in the access point",
				[]string{"ZCR 1.1", "SR 1.13", "SR 5.2"},
				"%s (%s) enters zone %s from a network the plant does not control, and no conduit with a boundary device carries it", subject, ap.Kind, ap.Zone)
		case !slices.Contains(StrongBoundaries, c.Boundary):
			got := c.Boundary
			if got == "" {
				got = "not stated"
			}
			add("boundary/untrusted-access-unprotected", finding.High, ap.ID, sys,
				"protect conduit "+c.ID+" with a firewall, data diode, VPN or unidirectional gateway, and state it in boundary:",
				[]string{"ZCR 1.1", "SR 1.13", "SR 5.2"},
				"%s (%s) enters zone %s from a network the plant does not control through conduit %s, whose boundary (%s) is not a firewall, data diode, VPN or unidirectional gateway", subject, ap.Kind, ap.Zone, c.ID, got)
		}
	}
	finding.Sort(out)
	return out
}

// isExternal reports whether a zone lies at or beyond the system's edge: marked external,
// or at Purdue level 5 (the internet or another organisation's network).
func isExternal(z *model.Zone) bool {
	return z.External || (z.Purdue != nil && *z.Purdue == 5)
}

// landing reports whether a zone is set apart to receive what comes from outside:
// temporarily connected devices, wireless devices or devices on external networks. An
// access point may enter it directly; its conduits to the rest are the control.
func landing(z *model.Zone) bool { return z.Temporary || z.Wireless || z.External }

func externalWhy(z *model.Zone) string {
	if z.External {
		return "it is marked external"
	}
	return "it is at Purdue level 5"
}

// purdueOf is the zone's Purdue level, or its nearest ancestor's when it states none.
func purdueOf(m *model.Model, id string) (model.Purdue, bool) {
	for i := 0; id != "" && i <= len(m.Zones); i++ {
		z, ok := m.Zone(id)
		if !ok {
			return 0, false
		}
		if z.Purdue != nil {
			return *z.Purdue, true
		}
		id = z.Parent
	}
	return 0, false
}
