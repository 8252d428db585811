package propose

import (
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/policy"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// Options tune Propose.
type Options struct {
	// System names the system under consideration (default "Proposed from traffic").
	System string
}

// Proposal is a first model drafted from an inventory. Every Why says what a guess rests
// on; Write puts them into the YAML as comments.
type Proposal struct {
	System   string
	Sources  []string
	Zones    []Zone
	Conduits []Conduit
	Assets   []Asset
}

// Zone is a proposed zone.
type Zone struct {
	ID       string
	Name     string
	Purdue   *int
	Networks []netip.Prefix
	VLANs    []int
	External bool
	Why      string
}

// Asset is an observed device as a model asset.
type Asset struct {
	ID, Name, Zone, Kind            string
	IPs, MACs                       []string
	Vendor, Model, Firmware, Serial string
	VendorFromMAC                   bool // Vendor is the holder of the MAC prefix, not stated by the device
	Why                             string
	inventoryID                     string
}

// Conduit is a proposed conduit between two zones.
type Conduit struct {
	ID    string
	Name  string
	Zones [2]string
	Allow []Allow
}

// Allow is one allowed flow: the conversations seen from one asset to another with one
// protocol.
type Allow struct {
	From, To   string
	Protocol   string
	Ports      []int
	Operations []string
	// Seen is what was observed: the inventory's protocol name, conversations and packets.
	Seen          string
	Conversations int
	Packets       uint64
}

// ends of a conversation while proposing.
type placedFlow struct {
	f              *inventory.Flow
	client, server int // asset indexes
	cz, sz         int // zone indexes
}

type proposer struct {
	inv     *inventory.Inventory
	p       *Proposal
	assetIx map[string]int // inventory asset id → index in p.Assets
	zoneOf  []int          // per asset, its zone index
	byNet   map[netip.Prefix]int
	ipOwner map[netip.Addr]int
}

// Propose drafts a model from inv.
func Propose(inv *inventory.Inventory, opt Options) *Proposal {
	if opt.System == "" {
		opt.System = "Proposed from traffic"
	}
	pr := &proposer{inv: inv, p: &Proposal{System: opt.System}, assetIx: map[string]int{},
		byNet: map[netip.Prefix]int{}, ipOwner: map[netip.Addr]int{}}
	for _, s := range inv.Sources {
		pr.p.Sources = append(pr.p.Sources, s.File)
	}
	pr.assets()
	pr.zones()
	flows := pr.place()
	pr.kinds(flows)
	pr.conduits(flows)
	return pr.p
}

// network is the network a zone is proposed from: the /24 of an IPv4 address, the /64
// of an IPv6 one.
func network(ip netip.Addr) netip.Prefix {
	bits := 24
	if !ip.Is4() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}

// public reports whether ip lies outside the private, shared and documentation-free
// ranges a plant network uses: such devices are proposed as one external zone.
func public(ip netip.Addr) bool {
	if ip.IsPrivate() {
		return false
	}
	cgnat := netip.MustParsePrefix("100.64.0.0/10")
	return !cgnat.Contains(ip)
}

var kindOfRole = map[string]string{
	inventory.RoleController:    "plc",
	inventory.RoleEngineering:   "ews",
	inventory.RoleHMISCADA:      "hmi",
	inventory.RoleHistorian:     "historian",
	inventory.RoleNetworkDevice: "router",
	inventory.RoleITHost:        "server",
	inventory.RoleUnknown:       "other",
}

func (pr *proposer) assets() {
	used := map[string]bool{}
	for i := range pr.inv.Assets {
		a := &pr.inv.Assets[i]
		kind := kindOfRole[a.Role.Name]
		if kind == "" {
			kind = "other"
		}
		why := fmt.Sprintf("kind from role %s", cmp.Or(a.Role.Name, inventory.RoleUnknown))
		if a.Role.Confidence != "" {
			why += " (" + a.Role.Confidence + " confidence)"
		}
		if len(a.Role.Evidence) > 0 {
			why += ": " + a.Role.Evidence[0]
		}
		ma := Asset{Name: a.Name, Kind: kind, Why: why, inventoryID: a.ID}
		if hw, err := net.ParseMAC(a.MAC); err == nil && len(hw) == 6 {
			ma.MACs = []string{hw.String()}
		}
		for _, ip := range a.IPs {
			addr, err := netip.ParseAddr(ip.Address)
			if err != nil {
				continue
			}
			addr = addr.Unmap()
			// An address two devices claimed is given to the first: a model address
			// belongs to one asset.
			if _, dup := pr.ipOwner[addr]; dup {
				continue
			}
			pr.ipOwner[addr] = len(pr.p.Assets)
			ma.IPs = append(ma.IPs, addr.String())
		}
		ma.Vendor = a.Identity["vendor"]
		if ma.Vendor == "" && a.MACVendor != "" {
			ma.Vendor, ma.VendorFromMAC = a.MACVendor, true
		}
		ma.Model = cmp.Or(a.Identity["model"], a.Identity["product_name"], a.Identity["order_number"])
		ma.Firmware = a.Identity["firmware_version"]
		ma.Serial = a.Identity["serial_number"]
		ma.ID = uniqueID(used, assetID(kind, a))
		pr.assetIx[a.ID] = len(pr.p.Assets)
		pr.p.Assets = append(pr.p.Assets, ma)
	}
}

// assetID names an asset by its kind and its first address: plc-10.20.11.10.
func assetID(kind string, a *inventory.Asset) string {
	for _, ip := range a.IPs {
		if addr, err := netip.ParseAddr(ip.Address); err == nil && policy.Placeable(addr.Unmap()) {
			return kind + "-" + strings.ReplaceAll(addr.Unmap().String(), ":", "-")
		}
	}
	if a.MAC != "" {
		return kind + "-" + strings.ReplaceAll(a.MAC, ":", "")
	}
	return kind + "-" + sanitizeID(a.ID)
}

func sanitizeID(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '-'
		}
	}
	return string(b)
}

func uniqueID(used map[string]bool, id string) string {
	out := id
	for n := 2; used[out]; n++ {
		out = fmt.Sprintf("%s-%d", id, n)
	}
	used[out] = true
	return out
}

// firstPlaceable returns the first address of a device that a network places.
func firstPlaceable(a *inventory.Asset) (netip.Addr, bool) {
	for _, ip := range a.IPs {
		if addr, err := netip.ParseAddr(ip.Address); err == nil && policy.Placeable(addr.Unmap()) {
			return addr.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// zones proposes a zone per private network in use and one external zone for public
// addresses, and puts each asset in the zone of its first address; devices seen without
// a routable address join the zone of their VLAN or of the peer they talk to most.
func (pr *proposer) zones() {
	var nets []netip.Prefix
	seen := map[netip.Prefix]bool{}
	addNet := func(ip netip.Addr) {
		if !policy.Placeable(ip) {
			return
		}
		if n := network(ip); !seen[n] {
			seen[n] = true
			nets = append(nets, n)
		}
	}
	for i := range pr.inv.Assets {
		for _, s := range pr.inv.Assets[i].IPs {
			if ip, err := netip.ParseAddr(s.Address); err == nil {
				addNet(ip.Unmap())
			}
		}
	}
	// An address a conversation used but no asset was given (two devices claimed it)
	// still needs a zone.
	for fi := range pr.inv.Flows {
		f := &pr.inv.Flows[fi]
		for _, e := range []inventory.FlowEnd{f.Client, f.Server} {
			if ip, err := netip.ParseAddr(e.IP); err == nil && e.Asset != "" {
				addNet(ip.Unmap())
			}
		}
	}
	slices.SortFunc(nets, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	external := -1
	for _, n := range nets {
		if public(n.Addr()) {
			if external < 0 {
				external = len(pr.p.Zones)
				pr.p.Zones = append(pr.p.Zones, Zone{ID: "z-external", Name: "External networks", External: true,
					Purdue: intp(5), Why: "public addresses: outside the plant"})
			}
			pr.p.Zones[external].Networks = append(pr.p.Zones[external].Networks, n)
			pr.byNet[n] = external
			continue
		}
		pr.byNet[n] = len(pr.p.Zones)
		pr.p.Zones = append(pr.p.Zones, Zone{ID: "z-" + strings.NewReplacer(".", "-", ":", "-", "/", "-").Replace(n.Masked().Addr().String()),
			Networks: []netip.Prefix{n}})
	}
	pr.zoneOf = make([]int, len(pr.p.Assets))
	for i := range pr.p.Assets {
		pr.zoneOf[i] = -1
		// The device's own addresses place it, also one it shares with another device
		// (the model gives that address to the first only): verification does the same.
		if ip, ok := firstPlaceable(&pr.inv.Assets[i]); ok {
			pr.zoneOf[i] = pr.byNet[network(ip)]
		}
	}
	pr.placeUnaddressed()
	for i := range pr.p.Assets {
		pr.p.Assets[i].Zone = pr.p.Zones[pr.zoneOf[i]].ID
	}
	pr.describeZones()
}

// placeUnaddressed puts the devices no address places into a zone.
func (pr *proposer) placeUnaddressed() {
	// A VLAN belongs to the zone of the addressed devices seen on it, when they all lie
	// in one zone.
	vlanZone := map[int]int{}
	for i := range pr.inv.Assets {
		z := pr.zoneOf[i]
		if z < 0 {
			continue
		}
		for _, vl := range pr.inv.Assets[i].VLANs {
			if old, ok := vlanZone[vl]; !ok {
				vlanZone[vl] = z
			} else if old != z {
				vlanZone[vl] = -1
			}
		}
	}
	for vl, z := range vlanZone {
		if z >= 0 && vl >= 1 && vl <= 4094 {
			pr.p.Zones[z].VLANs = append(pr.p.Zones[z].VLANs, vl)
		}
	}
	for i := range pr.p.Zones {
		slices.Sort(pr.p.Zones[i].VLANs)
	}
	peerPackets := map[[2]int]uint64{}
	for fi := range pr.inv.Flows {
		f := &pr.inv.Flows[fi]
		c, okc := pr.assetIx[f.Client.Asset]
		s, oks := pr.assetIx[f.Server.Asset]
		if okc && oks && c != s {
			n := f.ToServer.Packets + f.ToClient.Packets
			peerPackets[[2]int{c, s}] += n
			peerPackets[[2]int{s, c}] += n
		}
	}
	local := -1
	for i := range pr.p.Assets {
		if pr.zoneOf[i] >= 0 {
			continue
		}
		a := &pr.p.Assets[i]
		for _, vl := range pr.inv.Assets[i].VLANs {
			if z, ok := vlanZone[vl]; ok && z >= 0 {
				pr.zoneOf[i] = z
				a.Why += fmt.Sprintf("; zone from VLAN %d (no routable address seen)", vl)
				break
			}
		}
		if pr.zoneOf[i] >= 0 {
			continue
		}
		best, bestN := -1, uint64(0)
		for j := range pr.p.Assets {
			if n := peerPackets[[2]int{i, j}]; n > 0 && pr.zoneOf[j] >= 0 && (n > bestN || best < 0) {
				best, bestN = j, n
			}
		}
		if best >= 0 {
			pr.zoneOf[i] = pr.zoneOf[best]
			a.Why += fmt.Sprintf("; zone of its busiest peer %s (no routable address seen)", pr.p.Assets[best].ID)
			continue
		}
		if local < 0 {
			local = len(pr.p.Zones)
			pr.p.Zones = append(pr.p.Zones, Zone{ID: "z-unaddressed", Name: "Devices seen without an address",
				Why: "devices that showed no routable address and no peer that places them"})
		}
		pr.zoneOf[i] = local
	}
}

// describeZones names each zone after the roles in it and guesses its Purdue level
// from its assets' levels.
func (pr *proposer) describeZones() {
	roles := make([]map[string]int, len(pr.p.Zones))
	levels := make([]map[int]int, len(pr.p.Zones))
	for i := range roles {
		roles[i], levels[i] = map[string]int{}, map[int]int{}
	}
	for i := range pr.inv.Assets {
		z := pr.zoneOf[i]
		roles[z][cmp.Or(pr.inv.Assets[i].Role.Name, inventory.RoleUnknown)]++
		if l := pr.inv.Assets[i].Purdue.Level; l != nil {
			levels[z][*l]++
		}
	}
	for zi := range pr.p.Zones {
		z := &pr.p.Zones[zi]
		var parts []string
		for _, r := range sortedKeys(roles[zi]) {
			parts = append(parts, fmt.Sprintf("%d %s", roles[zi][r], r))
		}
		nets := make([]string, len(z.Networks))
		for i, n := range z.Networks {
			nets[i] = n.String()
		}
		if z.Name == "" {
			z.Name = "Network " + strings.Join(nets, ", ")
		}
		what := strings.Join(parts, ", ")
		if len(nets) > 0 && !z.External && what == "" {
			z.Why = "guessed from " + strings.Join(nets, ", ") + ", an address conversations used"
		} else if len(nets) > 0 && !z.External {
			z.Why = fmt.Sprintf("guessed from %s and %s", strings.Join(nets, ", "), what)
		} else if what != "" {
			z.Why += "; holds " + what
		}
		if z.Purdue == nil && len(levels[zi]) > 0 {
			best, bestN := 0, -1
			for _, l := range sortedKeys(levels[zi]) {
				if levels[zi][l] > bestN {
					best, bestN = l, levels[zi][l]
				}
			}
			z.Purdue = intp(best)
			z.Why += fmt.Sprintf("; Purdue level %d: the guess for %d of its assets", best, bestN)
		}
	}
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func intp(i int) *int { return &i }

// place finds the zone of both ends of every conversation the way verification does:
// by the network of the address used, else by the device's zone. Conversations with an
// end that is no device or a broadcast or multicast address are left out.
func (pr *proposer) place() []placedFlow {
	var out []placedFlow
	for fi := range pr.inv.Flows {
		f := &pr.inv.Flows[fi]
		c, okc := pr.assetIx[f.Client.Asset]
		s, oks := pr.assetIx[f.Server.Asset]
		if !okc || !oks || pr.broadcastIn(f.Server.IP) {
			continue
		}
		out = append(out, placedFlow{f: f, client: c, server: s, cz: pr.endZone(c, f.Client.IP), sz: pr.endZone(s, f.Server.IP)})
	}
	return out
}

func broadcast(s string) bool {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	if ip.IsMulticast() || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return true
	}
	return ip.Is4() && ip.As4()[3] == 255 // the directed broadcast of a proposed /24
}

// broadcastIn is broadcast for an address whose /24 is a proposed zone's network (the
// last address of a network no zone lists is an ordinary host to verification).
func (pr *proposer) broadcastIn(s string) bool {
	if !broadcast(s) {
		return false
	}
	ip, _ := netip.ParseAddr(s)
	ip = ip.Unmap()
	if ip.IsMulticast() || !ip.Is4() || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return true
	}
	_, ok := pr.byNet[network(ip)]
	return ok
}

func (pr *proposer) endZone(asset int, ipText string) int {
	if ip, err := netip.ParseAddr(ipText); err == nil && policy.Placeable(ip.Unmap()) {
		if z, ok := pr.byNet[network(ip.Unmap())]; ok {
			return z
		}
	}
	return pr.zoneOf[asset]
}

// sentBy returns the operation classes one side of a flow sent.
func sentBy(f *inventory.Flow, client bool) []protocols.OpClass {
	var out []protocols.OpClass
	for _, op := range f.Operations {
		n := op.FromServer
		if client {
			n = op.FromClient
		}
		if c, ok := protocols.ParseOpClass(op.Class); ok && c != protocols.OpNone && n > 0 && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// kinds revises the kind guessed from a role by what the device did: one that
// downloaded programs is an engineering workstation, one that wrote or controlled
// without a kind that does is an HMI.
func (pr *proposer) kinds(flows []placedFlow) {
	did := make([]map[protocols.OpClass]string, len(pr.p.Assets))
	note := func(a int, classes []protocols.OpClass, f *inventory.Flow) {
		for _, c := range classes {
			if did[a] == nil {
				did[a] = map[protocols.OpClass]string{}
			}
			if _, ok := did[a][c]; !ok {
				did[a][c] = f.Protocol
			}
		}
	}
	for _, pf := range flows {
		// Over IP the client answers for the whole conversation (a server's answers are
		// its doing); frames between MAC addresses have no such roles.
		if pf.f.Transport == "ethernet" {
			note(pf.client, sentBy(pf.f, true), pf.f)
			note(pf.server, sentBy(pf.f, false), pf.f)
		} else {
			note(pf.client, append(sentBy(pf.f, true), sentBy(pf.f, false)...), pf.f)
		}
	}
	for i := range pr.p.Assets {
		a := &pr.p.Assets[i]
		if p, ok := did[i][protocols.OpProgram]; ok && !slices.Contains(model.ProgrammerKinds, a.Kind) {
			a.Why += fmt.Sprintf("; kind ews, not %s: it sent program operations over %s", a.Kind, p)
			a.Kind = "ews"
			continue
		}
		for _, c := range []protocols.OpClass{protocols.OpWrite, protocols.OpControl} {
			if p, ok := did[i][c]; ok && !slices.Contains(model.WriterKinds, a.Kind) {
				a.Why += fmt.Sprintf("; kind hmi, not %s: it sent %s operations over %s", a.Kind, c, p)
				a.Kind = "hmi"
				break
			}
		}
	}
}
