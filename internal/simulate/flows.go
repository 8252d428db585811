package simulate

import (
	"fmt"
	"strings"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// opSet is a set of operation classes, one bit per protocols.OpClass.
type opSet uint8

func (o opSet) has(c protocols.OpClass) bool { return o&(1<<c) != 0 }

// allOps allows every operation class.
const allOps = opSet(1<<protocols.OpRead | 1<<protocols.OpWrite | 1<<protocols.OpProgram | 1<<protocols.OpControl | 1<<protocols.OpDiagnostics)

// pair is one client and server a conduit lets talk with one protocol.
type pair struct {
	cli, srv *host
	proto    model.Protocol
	port     uint16
	ops      opSet
	conduit  string
}

// members returns the hosts an id of a flow names: the asset, or the assets of the zone
// that suit the role.
func (p *plant) members(id string, suits func(*host) bool) []*host {
	if h, ok := p.byID[id]; ok {
		return []*host{h}
	}
	z, ok := p.zone[id]
	if !ok {
		return nil
	}
	var out []*host
	for _, h := range z.hosts {
		if suits(h) {
			out = append(out, h)
		}
	}
	return out
}

// clientSuits says whether a host of a zone named as a flow's initiator plays the client:
// people's machines and servers do; network gear and field devices only for time and
// for their own layer-2 protocols.
func clientSuits(proto string) func(*host) bool {
	return func(h *host) bool {
		if !h.hasIP && proto != "goose" {
			return false
		}
		switch proto {
		case "ntp", "syslog", "snmp-trap":
			return true
		case "goose", "profinet":
			return model.IsControlKind(h.kind)
		}
		return !infrastructureKinds[h.kind] && !model.IsControlKind(h.kind)
	}
}

// serverSuits says whether a host of a zone named as a flow's responder serves proto.
func serverSuits(pr model.Protocol) func(*host) bool {
	return func(h *host) bool {
		if !h.hasIP {
			return false
		}
		if pr.OT {
			return model.IsControlKind(h.kind) || h.kind == "gateway" || (pr.Name == "opcua" && (h.kind == "opc-server" || h.kind == "scada-server"))
		}
		switch pr.Name {
		case "rdp", "smb":
			return h.windows
		case "dns", "kerberos", "ldap", "ldaps":
			return h.kind == "domain-controller"
		case "ntp":
			return h.kind == "server" || h.kind == "domain-controller"
		}
		return !infrastructureKinds[h.kind] && !model.IsControlKind(h.kind) || pr.Name == "telnet" || pr.Name == "ssh" || pr.Name == "http" || pr.Name == "https"
	}
}

func opsOf(f *model.Flow, pr model.Protocol) opSet {
	if len(f.Operations) == 0 {
		if pr.OT {
			return allOps
		}
		return 0
	}
	var o opSet
	for _, name := range f.Operations {
		if c, ok := protocols.ParseOpClass(name); ok {
			o |= 1 << c
		}
	}
	return o
}

// pairs expands the conduits' flows into client and server pairs, each pair once.
func (p *plant) pairs() []pair {
	type key struct {
		cli, srv int
		proto    string
		port     uint16
	}
	seen := map[key]int{}
	var out []pair
	for ci := range p.m.Conduits {
		c := &p.m.Conduits[ci]
		for fi := range c.Allow {
			f := &c.Allow[fi]
			pr, ok := model.LookupProtocol(f.Protocol)
			if !ok {
				continue
			}
			dirs := [][2]string{{f.From, f.To}}
			if f.Direction == "both" {
				dirs = append(dirs, [2]string{f.To, f.From})
			}
			for _, d := range dirs {
				clients := p.members(d[0], clientSuits(pr.Name))
				servers := p.members(d[1], serverSuits(pr))
				if len(clients) == 0 || len(servers) == 0 {
					p.skipped = append(p.skipped, Skipped{
						What:   fmt.Sprintf("conduit %s: %s from %s to %s", c.ID, pr.Name, d[0], d[1]),
						Reason: "no asset with an address plays the client or the server",
					})
					continue
				}
				port := uint16(0)
				if len(f.Ports) > 0 && f.Ports[0] > 0 && f.Ports[0] < 65536 {
					port = uint16(f.Ports[0])
				} else if len(pr.Ports) > 0 {
					port = uint16(pr.Ports[0])
				}
				for _, cl := range clients {
					for _, sv := range servers {
						if cl == sv {
							continue
						}
						k := key{cl.idx, sv.idx, pr.Name, port}
						if i, ok := seen[k]; ok {
							out[i].ops |= opsOf(f, pr)
							continue
						}
						seen[k] = len(out)
						out = append(out, pair{cli: cl, srv: sv, proto: pr, port: port, ops: opsOf(f, pr), conduit: c.ID})
					}
				}
			}
		}
	}
	return out
}

// schedulePlant starts every conversation of the plant's normal traffic.
func (s *sim) schedulePlant() {
	skippedProto := map[string]bool{}
	s.pairs = s.p.pairs()
	for _, pr := range s.pairs {
		if !s.startPair(pr) && !skippedProto[pr.proto.Name+pr.conduit] {
			skippedProto[pr.proto.Name+pr.conduit] = true
			s.p.skipped = append(s.p.skipped, Skipped{
				What:   fmt.Sprintf("conduit %s: %s", pr.conduit, pr.proto.Name),
				Reason: notSimulated(pr.proto.Name),
			})
		}
	}
	s.scheduleServices()
}

// notSimulated explains why a protocol is left out.
func notSimulated(proto string) string {
	switch proto {
	case "pi", "sql", "kerberos", "s7comm-plus", "modbus-tls":
		return "not simulated yet: its encoding is not implemented, and the simulator never emits bytes a dissector would flag as malformed"
	}
	return "not simulated: " + strings.ReplaceAll(proto, "-", " ") + " has no encoder"
}
