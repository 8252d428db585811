package discover

import (
	"cmp"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// maxOwnIPs is how many addresses one MAC may send from before it is taken for a router
// even without TTL evidence (hosts with several addresses have a few).
const maxOwnIPs = 8

// asset is an asset being built.
type asset struct {
	id      string
	mac     [6]byte
	hasMAC  bool
	ips     map[netip.Addr]*ipInfo
	vlans   map[uint16]bool
	behind  *asset
	gateway bool
	// gatewayWhy says what made it a router: ttl, sources or destinations.
	gatewayWhy string
	routed     map[netip.Addr]bool
	l2apps     uint64
	first      int64
	last       int64
	facts      map[string][]inventory.Fact // by component ("" for the asset itself)
	protos     map[protoKey]*protoUse
	peers      map[*asset]bool
	sent       inventory.Traffic
	received   inventory.Traffic
	hints      map[string]bool // FieldDeviceRole values
	// ops counts the operations the asset sent, by class.
	ops [6]uint64
}

type ipInfo struct {
	ip          netip.Addr
	how         uint8
	minHops     uint8
	first, last int64
}

type protoKey struct {
	app       observe.App
	server    bool
	transport string
	port      uint16
}

type protoUse struct {
	peers   map[*asset]bool // other assets on the far side (never the asset itself)
	self    bool            // the asset was also on the far side: it talked to itself
	packets uint64
	ops     [6]uint64 // operations sent in this capacity, by class
}

func (a *asset) seen(first, last int64) {
	if first != 0 && (a.first == 0 || first < a.first) {
		a.first = first
	}
	a.last = max(a.last, last)
}

func isGroupMAC(m [6]byte) bool { return m[0]&1 != 0 }

// usableIP reports whether ip can name a device: not a group or unspecified address.
func usableIP(ip netip.Addr) bool {
	if !ip.IsValid() || ip.IsUnspecified() || ip.IsMulticast() {
		return false
	}
	if ip.Is4() && ip.As4() == [4]byte{255, 255, 255, 255} {
		return false
	}
	return true
}

// resolver maps what packets show of a device (MAC, IP) to the asset.
type resolver struct {
	byMAC    map[[6]byte]*asset
	byIP     map[netip.Addr][]*asset // assets holding the IP (several when it moved or is contested)
	ipAssets map[netip.Addr]*asset   // assets known only by their IP
	all      []*asset
}

func (r *resolver) newAsset(id string) *asset {
	a := &asset{id: id, ips: map[netip.Addr]*ipInfo{}, vlans: map[uint16]bool{}, routed: map[netip.Addr]bool{},
		facts: map[string][]inventory.Fact{}, protos: map[protoKey]*protoUse{}, peers: map[*asset]bool{}, hints: map[string]bool{}}
	r.all = append(r.all, a)
	return a
}

func (r *resolver) macAsset(m [6]byte) *asset {
	a := r.byMAC[m]
	if a == nil {
		a = r.newAsset("mac-" + net.HardwareAddr(m[:]).String())
		a.mac, a.hasMAC = m, true
		r.byMAC[m] = a
	}
	return a
}

func (r *resolver) ipAsset(ip netip.Addr) *asset {
	a := r.ipAssets[ip]
	if a == nil {
		a = r.newAsset("ip-" + ip.String())
		a.ips[ip] = &ipInfo{ip: ip, minHops: 255}
		r.ipAssets[ip] = a
		r.byIP[ip] = append(r.byIP[ip], a)
	}
	return a
}

// resolve returns the asset of a device seen with mac (if hasMAC) and ip (if valid), or
// nil for group addresses. The MAC decides when it holds the IP; a router's MAC does not
// name the devices beyond it, so their IP does.
func (r *resolver) resolve(mac [6]byte, hasMAC bool, ip netip.Addr) *asset {
	if hasMAC && isGroupMAC(mac) {
		return nil // a broadcast or multicast destination
	}
	if ip.IsValid() {
		if !usableIP(ip) {
			return nil
		}
		holders := r.byIP[ip]
		if hasMAC {
			for _, a := range holders {
				if a.hasMAC && a.mac == mac {
					return a
				}
			}
		}
		if len(holders) > 0 {
			best := holders[0]
			for _, a := range holders[1:] {
				if a.ips[ip] != nil && best.ips[ip] != nil && a.ips[ip].last > best.ips[ip].last {
					best = a
				}
			}
			return best
		}
		if hasMAC && !isGroupMAC(mac) {
			if a := r.byMAC[mac]; a != nil && !a.gateway {
				return a
			}
		}
		return r.ipAsset(ip)
	}
	if !hasMAC || isGroupMAC(mac) {
		return nil
	}
	return r.macAsset(mac)
}

// Build turns what was collected into the inventory. files names the captures by their
// index in the run (observe.Provenance.File).
func (b *Builder) Build(files []string) *inventory.Inventory {
	r := &resolver{byMAC: map[[6]byte]*asset{}, byIP: map[netip.Addr][]*asset{}, ipAssets: map[netip.Addr]*asset{}}
	fileName := func(i int) string {
		if i >= 0 && i < len(files) {
			return files[i]
		}
		return fmt.Sprint("source ", i)
	}
	b.resolveAddresses(r)
	b.attachFacts(r, fileName, false)
	flows := b.buildFlows(r, fileName)
	b.attachFacts(r, fileName, true)
	inv := &inventory.Inventory{SchemaVersion: inventory.SchemaVersion, Generator: "zonewarden", Flows: flows}
	inv.Anomalies = append([]inventory.Anomaly{}, b.addressAnomalies(r)...)
	inv.Assets = finishAssets(r)
	inv.Sources = b.buildSources(fileName)
	inv.Anomalies = append(inv.Anomalies, b.limitAnomalies()...)
	inv.Warnings = b.buildWarnings()
	inv.Summary = summarize(inv)
	return inv
}

// resolveAddresses makes the assets from the MAC and IP sightings: one per MAC with the
// addresses it holds, routers told by the addresses they forward for, and assets known
// only by an IP (beyond a router, or in captures without link layer).
func (b *Builder) resolveAddresses(r *resolver) {
	type detached struct {
		via         *asset
		how         uint8
		minHops     uint8
		first, last int64
	}
	var ipOnly []bindKey
	for k, bd := range b.bindings {
		if !k.hasMAC || isGroupMAC(k.mac) {
			if k.ip.IsValid() && usableIP(k.ip) && !k.hasMAC {
				ipOnly = append(ipOnly, k)
			}
			continue
		}
		a := r.macAsset(k.mac)
		a.seen(bd.first, bd.last)
		if bd.hasVLAN {
			a.vlans[bd.vlan] = true
		}
		a.l2apps |= bd.apps
		if !usableIP(k.ip) {
			continue
		}
		info := a.ips[k.ip]
		if info == nil {
			info = &ipInfo{ip: k.ip, first: bd.first, last: bd.last, minHops: 255}
			a.ips[k.ip] = info
		}
		info.how |= bd.how
		info.minHops = min(info.minHops, bd.minHops)
		info.first, info.last = min(info.first, bd.first), max(info.last, bd.last)
	}
	// Addresses a device sends from (or claims) are held by that device; a MAC that a
	// packet was merely sent to holds the destination only if no one else does.
	claims := func(i *ipInfo) bool { return i.how&(1<<observe.BindARP|1<<observe.BindAnnounced) != 0 }
	sends := map[netip.Addr]bool{}
	for k, bd := range b.bindings {
		if bd.how&(1<<observe.BindSource|1<<observe.BindARP|1<<observe.BindAnnounced) != 0 {
			sends[k.ip] = true
		}
	}
	beyond := map[netip.Addr]*detached{}
	detach := func(a *asset, i *ipInfo) {
		delete(a.ips, i.ip)
		a.routed[i.ip] = true
		d := beyond[i.ip]
		if d == nil {
			d = &detached{via: a, first: i.first, last: i.last, minHops: 255}
			beyond[i.ip] = d
		}
		d.how |= i.how
		d.minHops = min(d.minHops, i.minHops)
		d.first, d.last = min(d.first, i.first), max(d.last, i.last)
	}
	macs := slices.Clone(r.all)
	slices.SortFunc(macs, func(x, y *asset) int { return cmp.Compare(x.id, y.id) })
	for _, a := range macs {
		var sources, routed, destOnly []*ipInfo
		for _, i := range a.ips {
			switch {
			case i.how&(1<<observe.BindSource) != 0:
				sources = append(sources, i)
				if i.minHops > 0 && i.minHops != 255 && !claims(i) {
					routed = append(routed, i)
				}
			case i.how == 1<<observe.BindDestination:
				if sends[i.ip] {
					delete(a.ips, i.ip) // another device sends from it
				} else {
					destOnly = append(destOnly, i)
				}
			}
		}
		// Routers: a MAC that sends from several addresses, some of which crossed a
		// router to get here (a TTL below the usual initial values), or from many; or
		// a MAC that packets to many addresses are sent to (the next hop towards them).
		switch {
		case len(routed) > 0 && len(sources) >= 2:
			a.gateway, a.gatewayWhy = true, "ttl"
		case len(sources) > maxOwnIPs:
			a.gateway, a.gatewayWhy = true, "sources"
			routed = routed[:0]
			for _, i := range sources {
				if !claims(i) {
					routed = append(routed, i)
				}
			}
		case len(destOnly) > maxOwnIPs:
			a.gateway, a.gatewayWhy = true, "destinations"
		default:
			continue
		}
		for _, i := range routed {
			detach(a, i)
		}
		for _, i := range destOnly {
			detach(a, i)
		}
	}
	for _, a := range macs {
		for ip := range a.ips {
			r.byIP[ip] = append(r.byIP[ip], a)
		}
	}
	// Destination-only addresses seen behind a MAC that also holds addresses it sends
	// from stay with it; an address no MAC holds becomes an asset of its own.
	for ip, d := range beyond {
		if len(r.byIP[ip]) > 0 {
			continue
		}
		a := r.ipAsset(ip)
		a.behind = d.via
		a.ips[ip] = &ipInfo{ip: ip, how: d.how, minHops: d.minHops, first: d.first, last: d.last}
		a.seen(d.first, d.last)
	}
	for _, k := range ipOnly {
		if len(r.byIP[k.ip]) > 0 && r.ipAssets[k.ip] == nil {
			continue // a MAC holds it (another capture had the link layer)
		}
		bd := b.bindings[k]
		a := r.ipAsset(k.ip)
		info := a.ips[k.ip]
		if info.first == 0 || bd.first < info.first {
			info.first = bd.first
		}
		info.last = max(info.last, bd.last)
		info.how |= bd.how
		info.minHops = min(info.minHops, bd.minHops)
		a.seen(bd.first, bd.last)
	}
}

// attachFacts gives each identity fact to its asset (or a component of it). Facts only
// said of an address by others at low confidence (a name a DNS server resolves to it)
// make no asset of their own: hearsay does not show that a device exists. They are
// attached in a second pass (hearsay true), after the conversations have made the
// assets of every address that talked, and dropped when no asset holds the address.
func (b *Builder) attachFacts(r *resolver, fileName func(int) string, hearsay bool) {
	for k, rec := range b.ids {
		if rec.hearsay(k) != hearsay {
			continue
		}
		var a *asset
		if hearsay {
			a = r.existing(k.subject.IP)
		} else {
			a = r.resolve(k.subject.MAC, k.subject.HasMAC, k.subject.IP)
		}
		if a == nil {
			continue
		}
		for _, v := range rec.values {
			f := inventory.Fact{Field: k.field.String(), Value: v.value, Protocol: k.app.String(), Confidence: v.conf.String(),
				File: fileName(v.at.File), Packet: v.at.Packet, FirstSeen: nsTime(v.at.Time), Count: v.count}
			a.facts[rec.component] = append(a.facts[rec.component], f)
			if k.field == observe.FieldDeviceRole && rec.component == "" {
				a.hints[v.value] = true
			}
		}
		if !hearsay {
			a.seen(rec.firstTime(), 0)
		}
	}
}

// hearsay reports whether every value of the record is a low-confidence fact about an
// address alone.
func (r *idRec) hearsay(k idKey) bool {
	if k.subject.HasMAC || !k.subject.IP.IsValid() {
		return false
	}
	for _, v := range r.values {
		if v.conf > observe.Low {
			return false
		}
	}
	return true
}

// existing returns the asset that holds ip, or nil: unlike resolve it makes none.
func (r *resolver) existing(ip netip.Addr) *asset {
	if !usableIP(ip) || (len(r.byIP[ip]) == 0 && r.ipAssets[ip] == nil) {
		return nil
	}
	return r.resolve([6]byte{}, false, ip)
}

func (r *idRec) firstTime() int64 {
	var t int64
	for _, v := range r.values {
		if t == 0 || v.at.Time < t {
			t = v.at.Time
		}
	}
	return t
}

func nsTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

func macString(m [6]byte) string { return net.HardwareAddr(m[:]).String() }

func transportName(proto uint8) string {
	switch proto {
	case 0:
		return "ethernet"
	case decode.ProtoTCP:
		return "tcp"
	case decode.ProtoUDP:
		return "udp"
	case decode.ProtoICMP:
		return "icmp"
	case decode.ProtoICMPv6:
		return "icmp6"
	}
	return fmt.Sprintf("ip-proto-%d", proto)
}

// buildFlows turns the conversations into flows and counts them into the assets.
func (b *Builder) buildFlows(r *resolver, fileName func(int) string) []inventory.Flow {
	flows := make([]inventory.Flow, 0, len(b.convs))
	for k, c := range b.convs {
		f := inventory.Flow{Protocol: k.app.String(), Transport: transportName(k.proto), Connections: c.conns,
			ToServer: inventory.Traffic{Packets: c.packets[0], Bytes: c.bytes[0]}, ToClient: inventory.Traffic{Packets: c.packets[1], Bytes: c.bytes[1]},
			FirstSeen: nsTime(c.first), LastSeen: nsTime(c.last), OtherOperations: c.opsOver,
			File: fileName(c.at.File), Packet: c.at.Packet, Operations: []inventory.Operation{}, Anomalies: []inventory.Count{}}
		var ends [2]*asset
		if k.proto == 0 {
			f.EtherType = fmt.Sprintf("0x%04x", k.etherType)
			macs := [2][6]byte{k.macA, k.macB}
			for i := range 2 {
				ends[i] = r.resolve(macs[i], true, netip.Addr{})
			}
			f.Client.MAC, f.Server.MAC = macString(k.macA), macString(k.macB)
		} else {
			ips := [2]netip.Addr{k.client, k.server}
			for i := range 2 {
				ends[i] = r.resolve(c.mac[i], c.hasMAC[i], ips[i])
			}
			f.Client.IP, f.Server.IP = k.client.String(), k.server.String()
			if k.proto == decode.ProtoTCP || k.proto == decode.ProtoUDP {
				f.ServerPort = int(k.serverPort)
			}
		}
		if k.proto != 0 {
			for i, ip := range [2]netip.Addr{k.client, k.server} {
				if a := ends[i]; a != nil && a.ips[ip] != nil {
					info := a.ips[ip]
					if info.first == 0 || c.first < info.first {
						info.first = c.first
					}
					info.last = max(info.last, c.last)
				}
			}
		}
		if ends[0] != nil {
			f.Client.Asset = ends[0].id
		}
		if ends[1] != nil {
			f.Server.Asset = ends[1].id
		}
		if c.hasVLAN {
			v := int(c.vlan)
			f.VLAN = &v
		}
		slices.SortFunc(c.ops, func(x, y opRec) int { return cmp.Compare(x.code, y.code) })
		var sentBy [2][6]uint64
		for _, o := range c.ops {
			f.Operations = append(f.Operations, inventory.Operation{Name: k.app.OpName(o.code), Class: protocols.OpClass(o.class).String(),
				FromClient: o.count[0], FromServer: o.count[1]})
			if o.class < 6 {
				sentBy[0][o.class] += o.count[0]
				sentBy[1][o.class] += o.count[1]
			}
		}
		for _, a := range slices.Sorted(slices.Values(c.addrs)) {
			f.StationAddresses = append(f.StationAddresses, int(a))
		}
		for i, n := range c.anomalies {
			if n > 0 {
				f.Anomalies = append(f.Anomalies, inventory.Count{Kind: observe.FlowAnomaly(i).String(), Count: n})
			}
		}
		// Count the conversation into both ends.
		for i, a := range ends {
			if a == nil {
				continue
			}
			other := ends[1-i]
			a.seen(c.first, c.last)
			sent, recv := inventory.Traffic{Packets: c.packets[i], Bytes: c.bytes[i]}, inventory.Traffic{Packets: c.packets[1-i], Bytes: c.bytes[1-i]}
			a.sent.Packets += sent.Packets
			a.sent.Bytes += sent.Bytes
			a.received.Packets += recv.Packets
			a.received.Bytes += recv.Bytes
			if other != nil && other != a {
				a.peers[other] = true
			}
			if i == 1 && !c.answered {
				continue // refused every connection: not a service of this asset
			}
			pk := protoKey{app: k.app, server: i == 1, transport: f.Transport, port: k.serverPort}
			if k.proto == 0 {
				pk.server = false
			}
			u := a.protos[pk]
			if u == nil {
				u = &protoUse{peers: map[*asset]bool{}}
				a.protos[pk] = u
			}
			if other != nil && other != a {
				u.peers[other] = true
			}
			u.self = u.self || other == a
			u.packets += c.packets[i]
			for cl, n := range sentBy[i] {
				u.ops[cl] += n
				a.ops[cl] += n
			}
		}
		flows = append(flows, f)
	}
	slices.SortFunc(flows, compareFlows)
	return flows
}

func compareFlows(x, y inventory.Flow) int {
	return cmp.Or(compareAddr(x.Client.IP, y.Client.IP), strings.Compare(x.Client.MAC, y.Client.MAC),
		compareAddr(x.Server.IP, y.Server.IP), strings.Compare(x.Server.MAC, y.Server.MAC),
		cmp.Compare(x.ServerPort, y.ServerPort), strings.Compare(x.Transport, y.Transport),
		strings.Compare(x.Protocol, y.Protocol), strings.Compare(x.EtherType, y.EtherType))
}

func compareAddr(x, y string) int {
	a, errA := netip.ParseAddr(x)
	b, errB := netip.ParseAddr(y)
	if errA != nil || errB != nil {
		return strings.Compare(x, y)
	}
	return a.Compare(b)
}

// addressAnomalies reports addresses held by several MACs: moved (one after the other)
// or contested (at the same time, as ARP spoofing or a duplicate address would be).
func (b *Builder) addressAnomalies(r *resolver) []inventory.Anomaly {
	var out []inventory.Anomaly
	for ip, holders := range r.byIP {
		var macs []*asset
		for _, a := range holders {
			if a.hasMAC {
				macs = append(macs, a)
			}
		}
		if len(macs) < 2 {
			continue
		}
		slices.SortFunc(macs, func(x, y *asset) int { return cmp.Compare(x.ips[ip].first, y.ips[ip].first) })
		kind := "ip_moved"
		for i := 1; i < len(macs); i++ {
			if macs[i].ips[ip].first <= macs[i-1].ips[ip].last {
				kind = "ip_conflict"
			}
		}
		an := inventory.Anomaly{Kind: kind, Detail: fmt.Sprintf("%s is held by %d MAC addresses", ip, len(macs))}
		if kind == "ip_conflict" {
			an.Detail += " at the same time (a duplicate address, or ARP spoofing)"
		} else {
			an.Detail += " one after the other (a replaced device, or DHCP)"
		}
		for _, a := range macs {
			i := a.ips[ip]
			an.Assets = append(an.Assets, a.id)
			an.Evidence = append(an.Evidence, fmt.Sprintf("%s from %s to %s", macString(a.mac),
				nsTime(i.first).Format(time.RFC3339Nano), nsTime(i.last).Format(time.RFC3339Nano)))
		}
		out = append(out, an)
	}
	slices.SortFunc(out, func(x, y inventory.Anomaly) int { return strings.Compare(x.Detail, y.Detail) })
	return out
}

func (b *Builder) limitAnomalies() []inventory.Anomaly {
	var out []inventory.Anomaly
	for i, what := range [...]string{"MAC and IP address pairs", "identity facts", "conversations"} {
		if b.over[i] > 0 {
			out = append(out, inventory.Anomaly{Kind: "limit_reached", Detail: fmt.Sprintf("%d observations of %s were dropped at the inventory's limit", b.over[i], what)})
		}
	}
	return out
}

// buildWarnings lists the warnings of the captures in their order.
func (b *Builder) buildWarnings() []inventory.Warning {
	var out []inventory.Warning
	for _, i := range slices.Sorted(maps.Keys(b.sources)) {
		out = append(out, b.sources[i].warnings...)
	}
	return out
}

// buildSources reports each capture with its anomalies.
func (b *Builder) buildSources(fileName func(int) string) []inventory.Source {
	idx := slices.Sorted(func(yield func(int) bool) {
		for i := range b.sources {
			if !yield(i) {
				return
			}
		}
	})
	out := make([]inventory.Source, 0, len(idx))
	for _, i := range idx {
		r := b.sources[i]
		s := inventory.Source{File: fileName(i), Packets: r.packets, Bytes: r.bytes, Complete: r.readErr == "", Error: r.readErr, Anomalies: []inventory.Count{}}
		if r.name != "" {
			s.File = r.name
		}
		if r.first != 0 {
			t1, t2 := nsTime(r.first), nsTime(r.last)
			s.FirstSeen, s.LastSeen = &t1, &t2
		}
		s.Truncated, s.StoppedAt = r.truncated, r.stopped
		for i, n := range r.counts {
			if n > 0 {
				s.Anomalies = append(s.Anomalies, inventory.Count{Kind: sourceCountKinds[i], Count: n})
			}
		}
		out = append(out, s)
	}
	return out
}
