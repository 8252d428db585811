package policy

import (
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/zonewarden/zonewarden/internal/model"
)

// Policy is a model compiled for the questions the analyses ask. It is read-only once
// compiled and safe for concurrent use. Zones and assets are numbered by their position
// in the model's lists; -1 stands for none.
type Policy struct {
	m        *model.Model
	zoneByID map[string]int
	parent   []int // the parent zone of each zone, -1 for none
	// byPrefix holds every network of every zone; lengths4 and lengths6 the prefix
	// lengths in use, longest first, so that the most specific network wins.
	byPrefix           map[netip.Prefix]int
	lengths4, lengths6 []int
	byVLAN             map[int]int

	assetByID  map[string]int
	assetByIP  map[netip.Addr]int
	assetByMAC map[[6]byte]int

	rules [][]Rule // per conduit
}

// Compile compiles m. m must not change while the policy is in use.
func Compile(m *model.Model) *Policy {
	p := &Policy{m: m, zoneByID: make(map[string]int, len(m.Zones)), parent: make([]int, len(m.Zones)),
		byPrefix: map[netip.Prefix]int{}, byVLAN: map[int]int{}, assetByID: make(map[string]int, len(m.Assets)),
		assetByIP: map[netip.Addr]int{}, assetByMAC: map[[6]byte]int{}}
	for i := range m.Zones {
		p.zoneByID[m.Zones[i].ID] = i
	}
	for i := range m.Zones {
		p.parent[i] = -1
		if z, ok := p.zoneByID[m.Zones[i].Parent]; ok && z != i {
			p.parent[i] = z
		}
	}
	for i := range m.Zones {
		z := &m.Zones[i]
		for _, pr := range z.Prefixes {
			pr = pr.Masked()
			// A subzone may repeat its parent's network; the deeper zone is the precise one.
			if old, ok := p.byPrefix[pr]; ok && !p.Within(i, old) {
				continue
			}
			p.byPrefix[pr] = i
			if pr.Addr().Is4() {
				if !slices.Contains(p.lengths4, pr.Bits()) {
					p.lengths4 = append(p.lengths4, pr.Bits())
				}
			} else if !slices.Contains(p.lengths6, pr.Bits()) {
				p.lengths6 = append(p.lengths6, pr.Bits())
			}
		}
		for _, vl := range z.VLANs {
			if old, ok := p.byVLAN[vl]; ok && !p.Within(i, old) {
				continue
			}
			p.byVLAN[vl] = i
		}
	}
	slices.SortFunc(p.lengths4, func(a, b int) int { return b - a })
	slices.SortFunc(p.lengths6, func(a, b int) int { return b - a })
	// The first asset to declare an address or a MAC address keeps it (validate reports
	// the duplicate).
	for i := range m.Assets {
		a := &m.Assets[i]
		if _, ok := p.assetByID[a.ID]; !ok {
			p.assetByID[a.ID] = i
		}
		for _, ip := range a.Addrs {
			if _, ok := p.assetByIP[ip.Unmap()]; !ok {
				p.assetByIP[ip.Unmap()] = i
			}
		}
		for _, s := range a.MACs {
			if mac, ok := parseMAC(s); ok {
				if _, dup := p.assetByMAC[mac]; !dup {
					p.assetByMAC[mac] = i
				}
			}
		}
	}
	p.compileRules()
	return p
}

// Model returns the model the policy was compiled from.
func (p *Policy) Model() *model.Model { return p.m }

// ZoneIndex returns the number of the zone called id.
func (p *Policy) ZoneIndex(id string) (int, bool) {
	z, ok := p.zoneByID[id]
	return z, ok
}

// ZoneID returns the id of zone z ("" for -1).
func (p *Policy) ZoneID(z int) string {
	if z < 0 || z >= len(p.m.Zones) {
		return ""
	}
	return p.m.Zones[z].ID
}

// Zone returns zone z of the model (nil for -1).
func (p *Policy) Zone(z int) *model.Zone {
	if z < 0 || z >= len(p.m.Zones) {
		return nil
	}
	return &p.m.Zones[z]
}

// Within reports whether zone z is zone anc or lies inside it through parent links.
func (p *Policy) Within(z, anc int) bool {
	for i := 0; z >= 0 && i <= len(p.parent); i++ {
		if z == anc {
			return true
		}
		z = p.parent[z]
	}
	return false
}

// Related reports whether two zones are the same or one contains the other.
func (p *Policy) Related(a, b int) bool { return p.Within(a, b) || p.Within(b, a) }

// HasNetworks reports whether any zone has a network or a VLAN: without either, no
// observed address can be placed.
func (p *Policy) HasNetworks() bool { return len(p.byPrefix) > 0 || len(p.byVLAN) > 0 }

// Placeable reports whether ip names one host that a zone's networks could hold:
// unspecified, broadcast, multicast, loopback and link-local addresses say nothing about
// where a device sits.
func Placeable(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsUnspecified() && !ip.IsMulticast() && !ip.IsLoopback() &&
		!ip.IsLinkLocalUnicast() && !ip.IsLinkLocalMulticast() && ip != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// ZoneOfAddr returns the zone whose most specific network holds ip, and that network
// (-1 when none does).
func (p *Policy) ZoneOfAddr(ip netip.Addr) (int, netip.Prefix) {
	ip = ip.Unmap()
	lengths := p.lengths6
	if ip.Is4() {
		lengths = p.lengths4
	}
	for _, bits := range lengths {
		pr, err := ip.Prefix(bits)
		if err != nil {
			continue
		}
		if z, ok := p.byPrefix[pr]; ok {
			return z, pr
		}
	}
	return -1, netip.Prefix{}
}

// ZoneOfVLAN returns the zone that lists VLAN vl (-1 when none does).
func (p *Policy) ZoneOfVLAN(vl int) int {
	if z, ok := p.byVLAN[vl]; ok {
		return z
	}
	return -1
}

// Broadcast reports whether ip is a broadcast or multicast address, including the
// directed broadcast address of a zone's IPv4 network.
func (p *Policy) Broadcast(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsMulticast() || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return true
	}
	if z, pr := p.ZoneOfAddr(ip); z >= 0 && ip.Is4() && pr.Bits() < 31 {
		return ip == lastAddr(pr)
	}
	return false
}

func lastAddr(pr netip.Prefix) netip.Addr {
	a := pr.Masked().Addr().As4()
	host := uint32(1)<<(32-pr.Bits()) - 1
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]) | host
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// PurdueSkip reports whether traffic between zones a and b skips Purdue levels, with the
// rule assess applies to conduits: it joins a level below the DMZ (3.5) to a level above
// it without passing the DMZ, or two levels below the DMZ that are not adjacent.
func (p *Policy) PurdueSkip(a, b int) (skip bool, hi, lo model.Purdue) {
	za, zb := p.Zone(a), p.Zone(b)
	if za == nil || zb == nil || za.Purdue == nil || zb.Purdue == nil {
		return false, 0, 0
	}
	hi, lo = max(*za.Purdue, *zb.Purdue), min(*za.Purdue, *zb.Purdue)
	return lo < 3.5 && (hi > 3.5 || hi-lo > 1), hi, lo
}

// AssetIndex returns the number of the asset called id.
func (p *Policy) AssetIndex(id string) (int, bool) {
	a, ok := p.assetByID[id]
	return a, ok
}

// Asset returns asset a of the model (nil for -1).
func (p *Policy) Asset(a int) *model.Asset {
	if a < 0 || a >= len(p.m.Assets) {
		return nil
	}
	return &p.m.Assets[a]
}

// AssetByIP returns the asset the model gives address ip (-1 when none).
func (p *Policy) AssetByIP(ip netip.Addr) int {
	if a, ok := p.assetByIP[ip.Unmap()]; ok {
		return a
	}
	return -1
}

// AssetByMAC returns the asset the model gives MAC address mac (-1 when none).
func (p *Policy) AssetByMAC(mac [6]byte) int {
	if a, ok := p.assetByMAC[mac]; ok {
		return a
	}
	return -1
}

// AssetByMACText is AssetByMAC for a MAC address in text ("00:1b:1b:..." in any case).
func (p *Policy) AssetByMACText(s string) int {
	if mac, ok := parseMAC(s); ok {
		return p.AssetByMAC(mac)
	}
	return -1
}

func parseMAC(s string) ([6]byte, bool) {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return [6]byte{}, false
	}
	return [6]byte(hw), true
}

// NormMAC writes a MAC address the way the inventory does (lower case, colons), or ""
// when s is not one.
func NormMAC(s string) string {
	mac, ok := parseMAC(s)
	if !ok {
		return ""
	}
	return net.HardwareAddr(mac[:]).String()
}

// Place is where one end of a flow sits in the model.
type Place struct {
	Asset int // the model asset, -1 when the model declares none with this end's address
	Zone  int // -1 when no zone holds it
	// By says how the zone was decided: "network 10.20.2.0/24", "model" (the asset's
	// declared zone), "vlan 20".
	By string
}

// Nowhere is the place of an end the model says nothing about.
var Nowhere = Place{Asset: -1, Zone: -1}

// Locate places one end of a packet: its asset by its IP address, or by its MAC address
// when it has no IP address (a packet that crossed a router carries the router's MAC,
// so the MAC names the device only below IP); its zone by the most specific network that
// holds the address, else the zone the model declares for its asset, else its VLAN.
func (p *Policy) Locate(ip netip.Addr, mac [6]byte, hasMAC bool, vlan int, hasVLAN bool) Place {
	pl := Nowhere
	switch {
	case ip.IsValid():
		pl.Asset = p.AssetByIP(ip)
	case hasMAC:
		pl.Asset = p.AssetByMAC(mac)
	}
	pl.Zone, pl.By = p.ZoneOf(ip, pl.Asset, vlan, hasVLAN)
	return pl
}

// ZoneOf decides the zone of an end from its address, the model asset it was matched to
// (-1 for none) and its VLAN: the network that holds the address, else the asset's
// declared zone, else the VLAN's zone.
func (p *Policy) ZoneOf(ip netip.Addr, asset, vlan int, hasVLAN bool) (int, string) {
	if Placeable(ip) {
		if z, pr := p.ZoneOfAddr(ip); z >= 0 {
			return z, "network " + pr.String()
		}
	}
	if a := p.Asset(asset); a != nil {
		if z, ok := p.zoneByID[a.Zone]; ok {
			return z, "model"
		}
	}
	if hasVLAN {
		if z := p.ZoneOfVLAN(vlan); z >= 0 {
			return z, fmt.Sprintf("vlan %d", vlan)
		}
	}
	return -1, ""
}
