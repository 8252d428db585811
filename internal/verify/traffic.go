package verify

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/policy"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// sent returns the classes one side of a flow sent (client or server); the class none
// (session set-up, acknowledgements) is left out.
func sent(f *inventory.Flow, client bool) protocols.OpSet {
	var s protocols.OpSet
	for _, op := range f.Operations {
		n := op.FromServer
		if client {
			n = op.FromClient
		}
		if c, ok := protocols.ParseOpClass(op.Class); ok && c != protocols.OpNone && n > 0 {
			s = s.Add(c)
		}
	}
	return s
}

func sentClasses(f *inventory.Flow, client bool) []string { return sent(f, client).Names() }

// Violation codes of a conversation (policy's).
const (
	vNoConduit     = policy.NoConduit
	vNotListed     = policy.NotListed
	vProtocol      = policy.ProtocolNot
	vPort          = policy.PortNot
	vDirection     = policy.DirectionNot
	vOperation     = policy.OperationNot
	vOperationKind = policy.OperationKind
)

// conv is one conversation while it is checked.
type conv struct {
	f            *inventory.Flow
	cd, sd       int // devices, -1 when the end is no asset
	cz, sz       int // zones, -1 when unplaced
	cSent, sSent protocols.OpSet
	pf           policy.Flow     // what the policy judges
	dec          policy.Decision // its judgement
	out          Conversation
	listed       bool
}

func (v *verifier) conversations() {
	for fi := range v.inv.Flows {
		f := &v.inv.Flows[fi]
		c := conv{f: f, cd: v.devIndex(f.Client.Asset), sd: v.devIndex(f.Server.Asset), cz: -1, sz: -1,
			cSent: sent(f, true), sSent: sent(f, false)}
		v.res.Summary.Conversations++
		if c.cd < 0 || c.sd < 0 || v.broadcast(f.Server.IP) {
			v.res.Summary.Local++
			continue
		}
		c.cz, c.sz = v.endZone(c.cd, f.Client.IP, f), v.endZone(c.sd, f.Server.IP, f)
		c.pf = policy.Flow{Client: policy.Place{Asset: v.devs[c.cd].ma, Zone: c.cz}, Server: policy.Place{Asset: v.devs[c.sd].ma, Zone: c.sz},
			Names: f.ModelNames(), Transport: f.Transport, ServerPort: f.ServerPort, ClientSent: c.cSent, ServerSent: c.sSent}
		c.dec = v.pol.Check(&c.pf)
		c.out = v.conversationOut(&c)
		switch {
		case c.dec.Verdict == policy.Unplaced:
			v.res.Summary.Unplaced++
			c.out.Verdict, c.listed = "unplaced", true
			c.out.Detail = "an end lies in no zone of the model"
		case c.dec.IntraZone:
			v.res.Summary.IntraZone++
		default:
			v.res.Summary.CrossZone++
			c.listed = true
			c.out.SkipsPurdue, _, _ = v.pol.PurdueSkip(c.cz, c.sz)
		}
		if c.dec.Verdict != policy.Unplaced {
			v.explain(&c)
			c.out.Verdict = "allowed"
			if c.dec.Verdict == policy.Forbidden {
				c.out.Verdict, c.listed = "violation", true
				v.res.Summary.Violations++
			} else if !c.dec.IntraZone {
				v.res.Summary.Allowed++
			}
		}
		v.convs = append(v.convs, c)
	}
}

func (v *verifier) devIndex(id string) int {
	if id == "" {
		return -1
	}
	if i, ok := v.byInv[id]; ok {
		return i
	}
	return -1
}

// broadcast reports whether ip is a broadcast or multicast address, including the
// directed broadcast address of a zone's IPv4 network.
func (v *verifier) broadcast(s string) bool {
	ip, err := netip.ParseAddr(s)
	return err == nil && v.pol.Broadcast(ip)
}

// endZone is the zone of one end of a conversation: the network its address in this
// conversation lies in; else the zone its device was placed in (by the model or its
// VLAN); else, for frames without addresses, the VLAN they were seen on.
func (v *verifier) endZone(dev int, ipText string, f *inventory.Flow) int {
	if ip, err := netip.ParseAddr(ipText); err == nil && policy.Placeable(ip) {
		if z, _ := v.pol.ZoneOfAddr(ip); z >= 0 {
			return z
		}
	}
	if z := v.devs[dev].zone; z >= 0 {
		return z
	}
	if f.VLAN != nil {
		return v.pol.ZoneOfVLAN(*f.VLAN)
	}
	return -1
}

func (v *verifier) conversationOut(c *conv) Conversation {
	f := c.f
	end := func(dev, zone int, e inventory.FlowEnd) End {
		out := End{Asset: e.Asset, IP: e.IP, MAC: e.MAC, Zone: v.pol.ZoneID(zone)}
		if ma := v.devs[dev].ma; ma >= 0 {
			out.ModelAsset, out.Kind = v.m.Assets[ma].ID, v.m.Assets[ma].Kind
		}
		return out
	}
	return Conversation{Client: end(c.cd, c.cz, f.Client), Server: end(c.sd, c.sz, f.Server), Protocol: f.Protocol,
		Transport: f.Transport, ServerPort: f.ServerPort, Operations: (c.cSent | c.sSent).Names(),
		Violations: []string{}, Evidence: flowEvidence(f), As: c.dec.As}
}

// explain writes the policy's decision into the conversation: the conduit and rule that
// allow it or came closest, and for a violation what that rule does not allow.
func (v *verifier) explain(c *conv) {
	d := &c.dec
	if d.Violation != "" {
		c.out.Violations = append(c.out.Violations, d.Violation)
	}
	if d.Conduit >= 0 {
		c.out.Conduit = v.m.Conduits[d.Conduit].ID
	}
	switch d.Violation {
	case "":
		if r := d.Rule; r != nil {
			idx := r.Index
			c.out.Allow = &idx
			c.out.Detail = "allowed by " + ruleName(&v.m.Conduits[r.Conduit], r)
		}
		return
	case vNoConduit:
		c.out.Detail = fmt.Sprintf("no conduit joins zone %s and zone %s", v.pol.ZoneID(c.cz), v.pol.ZoneID(c.sz))
		return
	case vOperationKind:
		c.out.Detail = v.kindText(c)
		if r := d.Rule; r != nil && d.Level == policy.LevelAllowed {
			idx := r.Index
			c.out.Allow = &idx
		}
		return
	}
	r := d.Rule
	if r == nil {
		c.out.Detail = fmt.Sprintf("the conduits joining zone %s and zone %s list no allowed flow", v.pol.ZoneID(c.cz), v.pol.ZoneID(c.sz))
		return
	}
	cd := &v.m.Conduits[r.Conduit]
	idx := r.Index
	c.out.Allow = &idx
	name := ruleName(cd, r)
	switch d.Violation {
	case vNotListed:
		c.out.Detail = fmt.Sprintf("conduit %s joins the zones but allows nothing from %s to %s", cd.ID, endName(c.out.Client), endName(c.out.Server))
		c.out.Allow = nil
	case vProtocol:
		c.out.Detail = fmt.Sprintf("conduit %s allows from %s to %s only %s; this is %s", cd.ID, endName(c.out.Client), endName(c.out.Server),
			strings.Join(v.pol.ProtocolsBetween(&c.pf, r.Conduit), ", "), protoText(&c.out))
	case vPort:
		c.out.Detail = fmt.Sprintf("%s allows %s to port(s) %s, not %s", name, r.Flow.Protocol, intsText(r.Ports), protoText(&c.out))
	case vDirection:
		c.out.Detail = fmt.Sprintf("%s lets %s open %s connections to %s, not the other way round (direction: one-way)",
			name, r.Flow.From, r.Flow.Protocol, r.Flow.To)
	case vOperation:
		extra := ((c.cSent | c.sSent) &^ r.Ops).Names()
		c.out.Detail = fmt.Sprintf("%s allows %s operations only; the conversation carried %s", name,
			strings.Join(r.Flow.Operations, ", "), strings.Join(extra, ", "))
	}
}

func ruleName(cd *model.Conduit, r *policy.Rule) string {
	return fmt.Sprintf("%s allow[%d] (%s %s -> %s)", cd.ID, r.Index, r.Flow.Protocol, r.Flow.From, r.Flow.To)
}

// kindText says which sender sent what its kind may not: "ws-3 (kind workstation) sent
// write operations, which only ... may send".
func (v *verifier) kindText(c *conv) string {
	var bad []string
	for _, k := range c.dec.Kind {
		dev := c.cd
		if !k.SenderIsClient {
			dev = c.sd
		}
		if a := v.pol.Asset(k.Sender); a != nil {
			bad = append(bad, fmt.Sprintf("%s (kind %s) sent %s operations, which only %s may send", a.ID, a.Kind, k.Class, kindsFor(k.Class)))
		} else {
			bad = append(bad, fmt.Sprintf("%s, a device not in the model, sent %s operations", v.devs[dev].a.ID, k.Class))
		}
	}
	return strings.Join(bad, "; ")
}

func kindsFor(c protocols.OpClass) string {
	if c == protocols.OpProgram {
		return strings.Join(model.ProgrammerKinds, " and ") + " assets"
	}
	return "operator and engineering kinds (hmi, scada-server, ews, engineering-laptop, opc-server, gateway) and controllers"
}

func flowEvidence(f *inventory.Flow) Evidence {
	return Evidence{Flow: flowText(f), File: f.File, Packet: f.Packet, Packets: f.ToServer.Packets + f.ToClient.Packets,
		FirstSeen: f.FirstSeen, LastSeen: f.LastSeen}
}

// flowText names a conversation: "10.1.4.20 -> 10.20.11.10 modbus/tcp 502".
func flowText(f *inventory.Flow) string {
	s := endLabel(f.Client) + " -> " + endLabel(f.Server) + " " + f.Protocol + "/" + f.Transport
	if f.ServerPort != 0 {
		s += fmt.Sprintf(" %d", f.ServerPort)
	}
	return s
}

func endLabel(e inventory.FlowEnd) string {
	switch {
	case e.IP != "":
		return e.IP
	case e.MAC != "":
		return e.MAC
	}
	return e.Asset
}

// endName names a conversation end by its model asset, or its address.
func endName(e End) string {
	if e.ModelAsset != "" {
		return e.ModelAsset
	}
	if e.IP != "" {
		return e.IP
	}
	if e.MAC != "" {
		return e.MAC
	}
	return e.Asset
}

// protoText names what a conversation was: "modbus/tcp 502", "tcp 8080 (rdp by its port)".
func protoText(c *Conversation) string {
	if c.Protocol != "unknown" {
		s := c.Protocol + "/" + c.Transport
		if c.ServerPort != 0 {
			s += fmt.Sprintf(" %d", c.ServerPort)
		}
		return s
	}
	s := c.Transport
	if c.ServerPort != 0 {
		s += fmt.Sprintf(" %d", c.ServerPort)
	}
	if c.As != "" {
		s += " (" + c.As + " by its port)"
	}
	return s
}
