package verify

import (
	"net"
	"net/netip"
	"slices"

	"github.com/zonewarden/zonewarden/internal/model"
)

// zones places addresses and VLANs in the model's zones. Zone numbers are positions in
// the model's zone list; -1 is no zone.
type zones struct {
	m      *model.Model
	byID   map[string]int
	parent []int // the parent zone of each zone, -1 for none
	// byPrefix holds every network of every zone; lengths4 and lengths6 the prefix
	// lengths in use, longest first, so that the most specific network wins.
	byPrefix           map[netip.Prefix]int
	lengths4, lengths6 []int
	byVLAN             map[int]int
}

func newZones(m *model.Model) *zones {
	zs := &zones{m: m, byID: make(map[string]int, len(m.Zones)), parent: make([]int, len(m.Zones)),
		byPrefix: map[netip.Prefix]int{}, byVLAN: map[int]int{}}
	for i := range m.Zones {
		zs.byID[m.Zones[i].ID] = i
	}
	for i := range m.Zones {
		zs.parent[i] = -1
		if p, ok := zs.byID[m.Zones[i].Parent]; ok && p != i {
			zs.parent[i] = p
		}
	}
	for i := range m.Zones {
		z := &m.Zones[i]
		for _, p := range z.Prefixes {
			// A subzone may repeat its parent's network; the deeper zone is the precise one.
			if old, ok := zs.byPrefix[p]; ok && !zs.within(i, old) {
				continue
			}
			zs.byPrefix[p] = i
			if p.Addr().Is4() {
				if !slices.Contains(zs.lengths4, p.Bits()) {
					zs.lengths4 = append(zs.lengths4, p.Bits())
				}
			} else if !slices.Contains(zs.lengths6, p.Bits()) {
				zs.lengths6 = append(zs.lengths6, p.Bits())
			}
		}
		for _, vl := range z.VLANs {
			if old, ok := zs.byVLAN[vl]; ok && !zs.within(i, old) {
				continue
			}
			zs.byVLAN[vl] = i
		}
	}
	slices.SortFunc(zs.lengths4, func(a, b int) int { return b - a })
	slices.SortFunc(zs.lengths6, func(a, b int) int { return b - a })
	return zs
}

// Placeable reports whether ip names one host that a zone's networks could hold:
// unspecified, broadcast, multicast, loopback and link-local addresses say nothing
// about where a device sits.
func Placeable(ip netip.Addr) bool {
	return ip.IsValid() && !ip.IsUnspecified() && !ip.IsMulticast() && !ip.IsLoopback() &&
		!ip.IsLinkLocalUnicast() && !ip.IsLinkLocalMulticast() && ip != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// byAddr returns the zone whose most specific network holds ip, and that network.
func (zs *zones) byAddr(ip netip.Addr) (int, netip.Prefix) {
	ip = ip.Unmap()
	lengths := zs.lengths6
	if ip.Is4() {
		lengths = zs.lengths4
	}
	for _, bits := range lengths {
		p, err := ip.Prefix(bits)
		if err != nil {
			continue
		}
		if z, ok := zs.byPrefix[p]; ok {
			return z, p
		}
	}
	return -1, netip.Prefix{}
}

// within reports whether zone z is zone anc or lies inside it through parent links.
func (zs *zones) within(z, anc int) bool {
	for i := 0; z >= 0 && i <= len(zs.parent); i++ {
		if z == anc {
			return true
		}
		z = zs.parent[z]
	}
	return false
}

// related reports whether two zones are the same or one contains the other.
func (zs *zones) related(a, b int) bool { return zs.within(a, b) || zs.within(b, a) }

// id returns the id of zone z ("" for -1).
func (zs *zones) id(z int) string {
	if z < 0 {
		return ""
	}
	return zs.m.Zones[z].ID
}

// zone returns zone z of the model (nil for -1).
func (zs *zones) zone(z int) *model.Zone {
	if z < 0 {
		return nil
	}
	return &zs.m.Zones[z]
}

// hasNetworks reports whether any zone has a network or a VLAN: without either, no
// observed address can be placed.
func (zs *zones) hasNetworks() bool { return len(zs.byPrefix) > 0 || len(zs.byVLAN) > 0 }

// purdueSkip reports whether traffic between zones a and b skips Purdue levels, with the
// same rule assess applies to conduits: it joins a level below the DMZ (3.5) to a level
// above it without passing the DMZ, or two levels below the DMZ that are not adjacent.
func (zs *zones) purdueSkip(a, b int) (skip bool, hi, lo model.Purdue) {
	za, zb := zs.zone(a), zs.zone(b)
	if za == nil || zb == nil || za.Purdue == nil || zb.Purdue == nil {
		return false, 0, 0
	}
	hi, lo = max(*za.Purdue, *zb.Purdue), min(*za.Purdue, *zb.Purdue)
	return lo < 3.5 && (hi > 3.5 || hi-lo > 1), hi, lo
}

// normMAC writes a MAC address the way the inventory does (lower case, colons).
func normMAC(s string) string {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return ""
	}
	return hw.String()
}
