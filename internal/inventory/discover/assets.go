package discover

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/oui"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

var confidenceRank = map[string]int{"high": 3, "medium": 2, "low": 1}

// sortFacts orders facts by field, then the most trusted and most often seen value first.
func sortFacts(fs []inventory.Fact) {
	slices.SortFunc(fs, func(x, y inventory.Fact) int {
		return cmp.Or(strings.Compare(x.Field, y.Field), -cmp.Compare(confidenceRank[x.Confidence], confidenceRank[y.Confidence]),
			-cmp.Compare(x.Count, y.Count), x.FirstSeen.Compare(y.FirstSeen), strings.Compare(x.Value, y.Value),
			strings.Compare(x.Protocol, y.Protocol))
	})
}

// summaryOf picks the best value of each field (facts sorted by sortFacts).
func summaryOf(fs []inventory.Fact) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		if _, ok := m[f.Field]; !ok {
			m[f.Field] = f.Value
		}
	}
	return m
}

// finishAssets turns the assets being built into the inventory's, sorted by address.
func finishAssets(r *resolver) []inventory.Asset {
	out := make([]inventory.Asset, 0, len(r.all))
	for _, a := range r.all {
		if len(a.ips) == 0 && !a.hasMAC {
			continue
		}
		x := inventory.Asset{ID: a.id, Facts: a.facts[""], RoutedAddresses: len(a.routed), Peers: len(a.peers),
			FirstSeen: nsTime(a.first), LastSeen: nsTime(a.last), Sent: a.sent, Received: a.received, IPs: []inventory.IP{}}
		if x.Facts == nil {
			x.Facts = []inventory.Fact{}
		}
		if a.hasMAC {
			x.MAC = macString(a.mac)
			if v, ok := oui.Vendor(a.mac); ok {
				x.MACVendor = v
			}
		}
		if a.behind != nil {
			x.Behind = a.behind.id
		}
		for _, ip := range slices.SortedFunc(func(yield func(netip.Addr) bool) {
			for ip := range a.ips {
				if !yield(ip) {
					return
				}
			}
		}, netip.Addr.Compare) {
			i := a.ips[ip]
			x.IPs = append(x.IPs, inventory.IP{Address: ip.String(), FirstSeen: nsTime(i.first), LastSeen: nsTime(i.last), Seen: bindingNames(i.how)})
		}
		for _, v := range slices.Sorted(func(yield func(uint16) bool) {
			for v := range a.vlans {
				if !yield(v) {
					return
				}
			}
		}) {
			x.VLANs = append(x.VLANs, int(v))
		}
		sortFacts(x.Facts)
		x.Identity = summaryOf(x.Facts)
		for name, fs := range a.facts {
			if name == "" {
				continue
			}
			sortFacts(fs)
			x.Components = append(x.Components, inventory.Component{Name: name, Identity: summaryOf(fs), Facts: fs})
		}
		slices.SortFunc(x.Components, func(p, q inventory.Component) int { return strings.Compare(p.Name, q.Name) })
		x.Protocols = assetProtocols(a)
		x.Role = inferRole(a)
		x.Purdue = purdueOf(x.Role)
		x.Name = displayName(&x)
		out = append(out, x)
	}
	slices.SortFunc(out, compareAssets)
	return out
}

// compareAssets orders assets by their first IP address, then MAC; assets without IP
// come last.
func compareAssets(x, y inventory.Asset) int {
	switch {
	case len(x.IPs) > 0 && len(y.IPs) > 0:
		if c := compareAddr(x.IPs[0].Address, y.IPs[0].Address); c != 0 {
			return c
		}
	case len(x.IPs) > 0:
		return -1
	case len(y.IPs) > 0:
		return 1
	}
	return strings.Compare(x.ID, y.ID)
}

func bindingNames(how uint8) []string {
	var out []string
	for _, b := range []observe.Binding{observe.BindSource, observe.BindDestination, observe.BindARP, observe.BindAnnounced} {
		if how&(1<<b) != 0 {
			out = append(out, b.String())
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func displayName(a *inventory.Asset) string {
	for _, f := range []string{"name", "system_name", "hostname", "product_name", "model", "application_name", "netbios_name", "dns_name", "server_name"} {
		if v := a.Identity[f]; v != "" {
			return v
		}
	}
	if len(a.IPs) > 0 {
		return a.IPs[0].Address
	}
	return a.MAC
}

func assetProtocols(a *asset) []inventory.AssetProtocol {
	out := []inventory.AssetProtocol{}
	for k, u := range a.protos {
		as := "client"
		switch {
		case k.transport == "ethernet":
			as = "sender"
		case k.server:
			as = "server"
		}
		p := inventory.AssetProtocol{Protocol: k.app.String(), As: as, Transport: k.transport, Peers: len(u.peers), Packets: u.packets,
			Reads: u.ops[protocols.OpRead], Writes: u.ops[protocols.OpWrite], Programs: u.ops[protocols.OpProgram],
			Controls: u.ops[protocols.OpControl]}
		if k.transport == "tcp" || k.transport == "udp" {
			p.Port = int(k.port)
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y inventory.AssetProtocol) int {
		return cmp.Or(strings.Compare(x.Protocol, y.Protocol), strings.Compare(x.As, y.As), strings.Compare(x.Transport, y.Transport),
			cmp.Compare(x.Port, y.Port))
	})
	return out
}

func summarize(inv *inventory.Inventory) inventory.Summary {
	s := inventory.Summary{Assets: len(inv.Assets), Flows: len(inv.Flows), Roles: []inventory.Count{}, Protocols: []inventory.Count{}}
	for _, src := range inv.Sources {
		s.Packets += src.Packets
		s.Bytes += src.Bytes
	}
	roles := map[string]uint64{}
	for _, a := range inv.Assets {
		roles[a.Role.Name]++
	}
	for _, r := range append(slices.Clone(roleOrder), inventory.RoleUnknown) {
		if n := roles[r]; n > 0 {
			s.Roles = append(s.Roles, inventory.Count{Kind: r, Count: n})
		}
	}
	protos := map[string]uint64{}
	for _, f := range inv.Flows {
		protos[f.Protocol]++
	}
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for p := range protos {
			if !yield(p) {
				return
			}
		}
	}) {
		s.Protocols = append(s.Protocols, inventory.Count{Kind: p, Count: protos[p]})
	}
	return s
}
