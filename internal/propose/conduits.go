package propose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/policy"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// modelProtocol names the model protocol a conversation is: what the protocol table
// says discovery recognised, else the protocol whose default port it used, else "any"
// (its port then says what it was).
func modelProtocol(f *inventory.Flow) string {
	if names := f.ModelNames(); len(names) > 0 {
		return names[0]
	}
	if p := protocols.ByPort(f.Transport, f.ServerPort); p != "" {
		return p
	}
	return "any"
}

// carries reports whether a rule of protocol name with the given ports takes the
// conversation f, as the policy will judge it.
func carries(name string, ports []int, f *inventory.Flow) bool {
	p, _ := model.LookupProtocol(name)
	protoOK, portOK := policy.Takes(p, ports, f.ModelNames(), f.Transport, f.ServerPort)
	return protoOK && portOK
}

type allowKey struct {
	conduit        int
	from, to       int
	proto          string
	portless, isOT bool
}

// conduits proposes a conduit for every pair of zones that talked, allowing exactly the
// conversations seen: from client asset to server asset, one rule per protocol, with the
// server ports and the operation classes observed.
func (pr *proposer) conduits(flows []placedFlow) {
	byPair := map[[2]int]int{}
	allowIx := map[allowKey]int{}
	ops := map[allowKey]map[protocols.OpClass]bool{}
	for _, pf := range flows {
		if pf.cz == pf.sz {
			continue
		}
		pair := [2]int{min(pf.cz, pf.sz), max(pf.cz, pf.sz)}
		ci, ok := byPair[pair]
		if !ok {
			ci = len(pr.p.Conduits)
			byPair[pair] = ci
			a, b := pr.p.Zones[pair[0]].ID, pr.p.Zones[pair[1]].ID
			pr.p.Conduits = append(pr.p.Conduits, Conduit{ID: "c-" + strings.TrimPrefix(a, "z-") + "--" + strings.TrimPrefix(b, "z-"),
				Name: pr.p.Zones[pair[0]].Name + " to " + pr.p.Zones[pair[1]].Name, Zones: [2]string{a, b}})
		}
		f := pf.f
		name := modelProtocol(f)
		var port []int
		if f.ServerPort != 0 {
			port = []int{f.ServerPort}
		}
		if !carries(name, port, f) {
			name = "any"
		}
		proto, _ := model.LookupProtocol(name)
		from, to := pf.client, pf.server
		// A rule naming a zone (see ruleEnd) is shared by every device it stands for.
		if pr.zoneOf[from] != pf.cz {
			from = -1 - pf.cz
		}
		if pr.zoneOf[to] != pf.sz {
			to = -1 - pf.sz
		}
		k := allowKey{conduit: ci, from: from, to: to, proto: name,
			portless: f.ServerPort == 0, isOT: proto.OT || (name == "any" && isOTName(f.Protocol))}
		c := &pr.p.Conduits[ci]
		ai, ok := allowIx[k]
		if !ok {
			ai = len(c.Allow)
			allowIx[k] = ai
			c.Allow = append(c.Allow, Allow{From: pr.ruleEnd(pf.client, pf.cz), To: pr.ruleEnd(pf.server, pf.sz), Protocol: name})
			ops[k] = map[protocols.OpClass]bool{}
		}
		al := &c.Allow[ai]
		if f.ServerPort != 0 && !slices.Contains(al.Ports, f.ServerPort) {
			al.Ports = append(al.Ports, f.ServerPort)
			slices.Sort(al.Ports)
		}
		if !slices.Contains(strings.Split(al.Seen, ", "), seenName(f)) {
			al.Seen = strings.TrimPrefix(al.Seen+", "+seenName(f), ", ")
		}
		al.Conversations++
		al.Packets += f.ToServer.Packets + f.ToClient.Packets
		if k.isOT {
			for _, cl := range append(sentBy(f, true), sentBy(f, false)...) {
				ops[k][cl] = true
			}
		}
	}
	for k, set := range ops {
		al := &pr.p.Conduits[k.conduit].Allow[allowIx[k]]
		if !k.isOT {
			continue
		}
		for c := protocols.OpRead; c <= protocols.OpDiagnostics; c++ {
			if set[c] {
				al.Operations = append(al.Operations, c.String())
			}
		}
	}
}

// ruleEnd names one end of a rule: the asset, or the zone the conversation placed it in
// when that is not the asset's own zone (it used an address of another network), since a
// rule's asset must lie in the conduit's zones.
func (pr *proposer) ruleEnd(asset, zone int) string {
	if pr.zoneOf[asset] == zone {
		return pr.p.Assets[asset].ID
	}
	return pr.p.Zones[zone].ID
}

func seenName(f *inventory.Flow) string {
	s := f.Protocol + "/" + f.Transport
	if f.ServerPort != 0 {
		s += fmt.Sprintf(" %d", f.ServerPort)
	}
	return s
}

func isOTName(name string) bool {
	p, ok := model.LookupProtocol(name)
	return ok && p.OT
}
