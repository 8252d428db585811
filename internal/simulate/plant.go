package simulate

import (
	"encoding/binary"
	"hash/fnv"
	"iter"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync"

	"github.com/gopacket/gopacket/macs"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/protocols/bacnet"
	"github.com/zonewarden/zonewarden/internal/protocols/enip"
	"github.com/zonewarden/zonewarden/internal/simulate/wire"
)

// zone is a model zone as the simulator places it on the network.
type zone struct {
	m        *model.Zone
	id       string
	vlan     uint16
	prefix   netip.Prefix // first IPv4 network, or invalid
	external bool
	hosts    []*host
	nextFree uint32 // next candidate host number when assigning addresses
}

// host is one device on the simulated network: a model asset or an injected device.
type host struct {
	idx   int
	id    string
	name  string
	kind  string
	asset *model.Asset // nil for injected devices
	zone  *zone
	mac   wire.MAC
	ip    [4]byte
	hasIP bool
	ttl   uint8
	win   uint16 // TCP receive window
	ipID  uint16
	port  uint16 // next ephemeral port

	windows bool // a Windows machine: TTL 128, DHCP vendor class "MSFT 5.0"
	ident   identities
	// arpSeen[j] is when this host last resolved host j, to refresh ARP like a cache.
	arpSeen map[int]int64
	macFrom string // where the MAC came from: model, oui, derived
}

// nextIPID returns the IPv4 identification for the host's next datagram.
func (h *host) nextIPID() uint16 {
	h.ipID++
	return h.ipID
}

// ephemeral returns the host's next client port, cycling as Windows and Linux do
// through the dynamic range.
func (h *host) ephemeral() uint16 {
	h.port++
	if h.port < 49152 || h.port > 65000 {
		h.port = 49152
	}
	return h.port
}

func (h *host) ipString() string {
	if !h.hasIP {
		return ""
	}
	return netip.AddrFrom4(h.ip).String()
}

// Kinds that run Windows in a typical plant.
var windowsKinds = map[string]bool{
	"hmi": true, "ews": true, "historian": true, "scada-server": true, "opc-server": true,
	"engineering-laptop": true, "domain-controller": true, "jump-host": true, "server": true,
	"workstation": true, "patch-server": true, "av-server": true,
}

// infrastructureKinds forward or filter traffic rather than originate application
// sessions.
var infrastructureKinds = map[string]bool{
	"switch": true, "router": true, "firewall": true, "data-diode": true, "wireless-ap": true,
	"vpn-gateway": true,
}

// plant is the model placed on the network.
type plant struct {
	m     *model.Model
	zones []*zone
	hosts []*host
	byID  map[string]*host
	zone  map[string]*zone
	// skipped lists assets and flows the simulator could not place, with the reason.
	skipped []Skipped
}

func newPlant(m *model.Model) *plant {
	p := &plant{m: m, byID: map[string]*host{}, zone: map[string]*zone{}}
	for i := range m.Zones {
		mz := &m.Zones[i]
		z := &zone{m: mz, id: mz.ID, external: mz.External, nextFree: 200}
		if len(mz.VLANs) > 0 && mz.VLANs[0] > 0 && mz.VLANs[0] < 4095 {
			z.vlan = uint16(mz.VLANs[0])
		}
		for _, pfx := range mz.Prefixes {
			if pfx.Addr().Is4() {
				z.prefix = pfx.Masked()
				break
			}
		}
		p.zones = append(p.zones, z)
		p.zone[z.id] = z
	}
	ouis := vendorOUIs(m)
	used := map[[4]byte]bool{}
	for i := range m.Assets {
		for _, a := range m.Assets[i].Addrs {
			if a.Is4() {
				used[a.As4()] = true
			}
		}
	}
	usedMAC := map[wire.MAC]bool{}
	for i := range m.Assets {
		a := &m.Assets[i]
		h := &host{idx: len(p.hosts), id: a.ID, name: a.Name, kind: a.Kind, asset: a, zone: p.zone[a.Zone]}
		if h.zone == nil {
			continue // validation rejects this; stay safe
		}
		for _, ad := range a.Addrs {
			if ad.Is4() {
				h.ip, h.hasIP = ad.As4(), true
				break
			}
		}
		if !h.hasIP {
			if ip, ok := h.zone.freeAddr(used); ok {
				h.ip, h.hasIP = ip, true
			}
		}
		h.mac, h.macFrom = assetMAC(a, ouis, usedMAC)
		usedMAC[h.mac] = true
		h.configureStack()
		p.addHost(h)
	}
	return p
}

func (p *plant) addHost(h *host) {
	h.idx = len(p.hosts)
	h.arpSeen = map[int]int64{}
	p.hosts = append(p.hosts, h)
	p.byID[h.id] = h
	h.zone.hosts = append(h.zone.hosts, h)
}

// configureStack sets the TCP/IP stack's visible habits from the host's kind.
func (h *host) configureStack() {
	h.windows = windowsKinds[h.kind]
	switch {
	case h.windows:
		h.ttl, h.win = 128, 64240
	case h.kind == "switch" || h.kind == "router" || h.kind == "firewall":
		h.ttl, h.win = 255, 4128
	default:
		h.ttl, h.win = 64, 8192
	}
	sum := fnv32(h.id)
	h.ipID = uint16(sum)
	h.port = 49152 + uint16(sum%8000)
}

// freeAddr picks an unused address of the zone's network for an asset the model gives
// none, from host number 200 upwards.
func (z *zone) freeAddr(used map[[4]byte]bool) ([4]byte, bool) {
	if !z.prefix.IsValid() || z.prefix.Bits() > 30 {
		return [4]byte{}, false
	}
	base := binary.BigEndian.Uint32(z.prefix.Addr().AsSlice())
	size := uint32(1) << (32 - z.prefix.Bits())
	for n := z.nextFree % size; n < size-1; n++ {
		var ip [4]byte
		binary.BigEndian.PutUint32(ip[:], base+n)
		if n == 0 || used[ip] {
			continue
		}
		used[ip] = true
		z.nextFree = n + 1
		return ip, true
	}
	return [4]byte{}, false
}

func fnv32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// assetMAC returns the asset's MAC: the first one the model gives; otherwise one with the
// OUI registered to its vendor (or, for computers and devices of unknown vendor, a NIC
// vendor usual for its kind) and the lower half
// derived from the asset id, so that a model always gives the same addresses.
func assetMAC(a *model.Asset, ouis map[string][3]byte, used map[wire.MAC]bool) (wire.MAC, string) {
	for _, s := range a.MACs {
		if hw, err := net.ParseMAC(s); err == nil && len(hw) == 6 {
			return wire.MAC(hw), "model"
		}
	}
	// A computer's vendor in the model is usually its software's (AVEVA, Siemens WinCC);
	// its network card comes from a PC maker.
	oui, ok := ouis[normVendor(a.Vendor)]
	from := "vendor oui"
	if !ok || windowsKinds[a.Kind] {
		oui = kindOUI(a.Kind)
		from = "kind oui"
	}
	sum := fnv32(a.ID)
	for {
		m := wire.MAC{oui[0], oui[1], oui[2], byte(sum >> 16), byte(sum >> 8), byte(sum)}
		if !used[m] {
			return m, from
		}
		sum = sum*16777619 + 1
	}
}

// kindOUI gives devices of unknown vendor a NIC vendor usual for their kind: PCs and
// servers Dell or HP, virtual servers VMware, anything else Intel.
func kindOUI(kind string) [3]byte {
	switch kind {
	case "scada-server", "historian", "domain-controller", "patch-server", "av-server", "opc-server", "server", "jump-host":
		return [3]byte{0x00, 0x50, 0x56} // VMware, Inc.
	case "hmi", "ews", "workstation":
		return [3]byte{0x18, 0x66, 0xda} // Dell Inc.
	case "engineering-laptop":
		return [3]byte{0x3c, 0x52, 0x82} // Hewlett Packard
	}
	return [3]byte{0x00, 0x1b, 0x21} // Intel Corporate
}

// normVendor lowers a vendor name to letters, digits and single spaces.
func normVendor(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// vendorOUIs maps the normalised vendor names of the model's assets to an OUI registered
// to that vendor in gopacket's copy of the IEEE registry: the lowest-numbered one whose
// organisation name starts with the vendor's name (or the other way round), so that the
// choice never changes between runs.
func vendorOUIs(m *model.Model) map[string][3]byte {
	want := map[string]bool{}
	for i := range m.Assets {
		if v := normVendor(m.Assets[i].Vendor); len(v) >= 3 {
			want[v] = true
		}
	}
	out := map[string][3]byte{}
	if len(want) == 0 {
		return out
	}
	type cand struct {
		prefix [3]byte
		exact  bool
	}
	best := map[string]cand{}
	for _, e := range normalizedOUIs() {
		prefix, o := e.prefix, e.org
		for v := range want {
			exact := wordPrefix(o, v)
			if !exact && !(len(o) >= 5 && wordPrefix(v, o)) {
				continue
			}
			c, ok := best[v]
			if !ok || (exact && !c.exact) || (exact == c.exact && less3(prefix, c.prefix)) {
				best[v] = cand{prefix, exact}
			}
		}
	}
	for v, c := range best {
		out[v] = c.prefix
	}
	return out
}

type ouiEntry struct {
	prefix [3]byte
	org    string // normalised organisation name
}

// normalizedOUIs is the IEEE registry with normalised names, built once per process.
var normalizedOUIs = sync.OnceValue(func() []ouiEntry {
	out := make([]ouiEntry, 0, len(macs.ValidMACPrefixMap))
	for prefix, org := range macs.ValidMACPrefixMap {
		out = append(out, ouiEntry{prefix, normVendor(org)})
	}
	return out
})

// wordPrefix reports whether s starts with the words of p (p followed by a space or
// the end of s).
func wordPrefix(s, p string) bool {
	return strings.HasPrefix(s, p) && (len(s) == len(p) || s[len(p)] == ' ')
}

func less3(a, b [3]byte) bool {
	return a[0] < b[0] || a[0] == b[0] && (a[1] < b[1] || a[1] == b[1] && a[2] < b[2])
}

// vendorID is one entry of a registry of vendor identifiers.
type vendorID struct {
	ID   uint16
	Name string
}

// registry is a vendor registry (CIP or BACnet) prepared for lookups by name: its entries
// in identifier order and their normalised names.
type registry struct {
	table []vendorID
	norm  []string
}

func newRegistry(vendors iter.Seq2[uint16, string]) *registry {
	r := &registry{}
	for id, name := range vendors {
		r.table = append(r.table, vendorID{id, name})
		r.norm = append(r.norm, normVendor(name))
	}
	return r
}

// The registries come from the dissectors' tables, so that the simulator writes the
// identifiers that discovery names.
var (
	cipVendors    = sync.OnceValue(func() *registry { return newRegistry(enip.Vendors()) })
	bacnetVendors = sync.OnceValue(func() *registry { return newRegistry(bacnet.Vendors()) })
)

// lookupVendor finds the vendor identifier of name in a registry: an entry whose
// normalised name equals it, then the lowest identifier whose name starts with it or
// whose name it starts with.
func lookupVendor(reg *registry, name string) (vendorID, bool) {
	v := normVendor(name)
	if len(v) < 3 {
		return vendorID{}, false
	}
	table, norm := reg.table, reg.norm
	for i, e := range table {
		if norm[i] == v {
			return e, true
		}
	}
	first := v
	if i := strings.IndexByte(v, ' '); i > 0 {
		first = v[:i]
	}
	var cands []vendorID
	for i, e := range table {
		n := norm[i]
		if wordPrefix(n, v) || (len(n) >= 5 && wordPrefix(v, n)) || (len(first) >= 5 && wordPrefix(n, first)) {
			cands = append(cands, e)
		}
	}
	if len(cands) == 0 {
		return vendorID{}, false
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].ID < cands[j].ID })
	return cands[0], true
}
