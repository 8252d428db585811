package verify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// opSet is a set of operation classes.
type opSet uint8

func (s opSet) has(c protocols.OpClass) bool { return s&(1<<c) != 0 }

// classes lists the set's classes by name, in class order.
func (s opSet) names() []string {
	out := []string{}
	for c := protocols.OpRead; c <= protocols.OpDiagnostics; c++ {
		if s.has(c) {
			out = append(out, c.String())
		}
	}
	return out
}

// sent returns the classes one side of a flow sent (client or server); the class none
// (session set-up, acknowledgements) is left out.
func sent(f *inventory.Flow, client bool) opSet {
	var s opSet
	for _, op := range f.Operations {
		n := op.FromServer
		if client {
			n = op.FromClient
		}
		if c, ok := protocols.ParseOpClass(op.Class); ok && c != protocols.OpNone && n > 0 {
			s |= 1 << c
		}
	}
	return s
}

func sentClasses(f *inventory.Flow, client bool) []string { return sent(f, client).names() }

// Violation codes of a conversation, from the closest rule's point of view.
const (
	vNoConduit     = "no_conduit"
	vNotListed     = "not_listed"
	vProtocol      = "protocol_not_allowed"
	vPort          = "port_not_allowed"
	vDirection     = "direction_not_allowed"
	vOperation     = "operation_not_allowed"
	vOperationKind = "operation_not_for_kind"
)

// How far a rule goes toward allowing a conversation; the highest level wins.
const (
	lvNone      = iota // the rule names other ends
	lvEnds             // its ends, not its protocol
	lvProtocol         // its ends and protocol, not its port
	lvDirection        // its protocol and port, with the ends the other way round
	lvPort             // all but the operations
	lvAllowed
)

// rule is one allowed flow of a conduit, resolved for matching.
type rule struct {
	conduit, index int
	flow           *model.Flow
	from, to       ruleEnd
	proto          model.Protocol
	ports          []int
	ops            opSet // 0: every class
	both           bool
}

// ruleEnd is a rule's end: an asset of the model, or a zone and everything inside it.
type ruleEnd struct {
	asset, zone int // one of them is -1
}

// conv is one conversation while it is checked.
type conv struct {
	f            *inventory.Flow
	cd, sd       int // devices, -1 when the end is no asset
	cz, sz       int // zones, -1 when unplaced
	cSent, sSent opSet
	names        []string // model protocols the observed protocol can be
	best         *rule    // the rule that allows it, or came closest
	level        int
	out          Conversation
	listed       bool
}

func (v *verifier) rules() [][]rule {
	byConduit := make([][]rule, len(v.m.Conduits))
	for ci := range v.m.Conduits {
		c := &v.m.Conduits[ci]
		for i := range c.Allow {
			f := &c.Allow[i]
			r := rule{conduit: ci, index: i, flow: f, from: v.ruleEnd(f.From), to: v.ruleEnd(f.To), both: f.Direction == "both"}
			r.proto, _ = model.LookupProtocol(f.Protocol)
			r.ports = f.Ports
			if len(r.ports) == 0 {
				r.ports = r.proto.Ports
			}
			for _, op := range f.Operations {
				if c, ok := protocols.ParseOpClass(op); ok {
					r.ops |= 1 << c
				}
			}
			byConduit[ci] = append(byConduit[ci], r)
		}
	}
	return byConduit
}

func (v *verifier) ruleEnd(id string) ruleEnd {
	e := ruleEnd{asset: -1, zone: -1}
	if z, ok := v.zs.byID[id]; ok {
		e.zone = z
	} else if a, ok := v.assetIx[id]; ok {
		e.asset = a
	}
	return e
}

func (v *verifier) endMatches(dev, zone int, e ruleEnd) bool {
	if e.asset >= 0 {
		return dev >= 0 && v.devs[dev].ma == e.asset
	}
	return e.zone >= 0 && v.zs.within(zone, e.zone)
}

// ObservedAs lists the model protocols a conversation discovery named can be; empty when
// discovery did not recognise it (the server port then decides).
func ObservedAs(f *inventory.Flow) []string {
	switch f.Protocol {
	case "modbus", "enip", "dnp3", "iec104", "bacnet", "opcua", "profinet":
		return []string{f.Protocol}
	case "s7comm":
		// A connection that went no further than ISO-on-TCP (COTP) set-up on port 102
		// may be S7, S7comm-plus or IEC 61850 MMS: all three ride TPKT and COTP.
		for _, op := range f.Operations {
			if !strings.HasPrefix(op.Name, "cotp_") {
				return []string{"s7comm"}
			}
		}
		return []string{"s7comm", "s7comm-plus", "iec61850-mms"}
	case "mms":
		return []string{"iec61850-mms"}
	}
	if f.Transport == "ethernet" && (f.EtherType == "0x88b8" || f.EtherType == "0x88b9") {
		return []string{"goose"}
	}
	return nil
}

// TransportFits reports whether a model protocol's transport (tcp, udp, tcp+udp, l2,
// icmp, any) carries a conversation discovery saw on transport observed.
func TransportFits(model, observed string) bool {
	switch model {
	case "any":
		return true
	case "tcp+udp":
		return observed == "tcp" || observed == "udp"
	case "l2":
		return observed == "ethernet"
	case "icmp":
		return strings.HasPrefix(observed, "icmp")
	}
	return model == observed
}

// protoPort says whether a rule's protocol and its port take a conversation.
func (v *verifier) protoPort(c *conv, r *rule) (protoOK, portOK bool) {
	f := c.f
	if r.proto.Name == "any" {
		return true, len(r.flow.Ports) == 0 || slices.Contains(r.flow.Ports, f.ServerPort)
	}
	portless := f.Transport == "ethernet" || strings.HasPrefix(f.Transport, "icmp")
	portOK = TransportFits(r.proto.Transport, f.Transport) && (portless || len(r.ports) == 0 || slices.Contains(r.ports, f.ServerPort))
	if len(c.names) > 0 {
		return slices.Contains(c.names, r.proto.Name), portOK
	}
	// Not recognised: the protocol is taken to be the rule's when the port is one of the
	// rule's (https, rdp, ldap and the like are known only by their ports).
	return portOK, portOK
}

func (v *verifier) conversations() {
	rules := v.rules()
	for fi := range v.inv.Flows {
		f := &v.inv.Flows[fi]
		c := conv{f: f, cd: v.devIndex(f.Client.Asset), sd: v.devIndex(f.Server.Asset), cz: -1, sz: -1,
			cSent: sent(f, true), sSent: sent(f, false), names: ObservedAs(f)}
		v.res.Summary.Conversations++
		if c.cd < 0 || c.sd < 0 || v.broadcast(f.Server.IP) {
			v.res.Summary.Local++
			continue
		}
		c.cz, c.sz = v.endZone(c.cd, f.Client.IP, f), v.endZone(c.sd, f.Server.IP, f)
		c.out = v.conversationOut(&c)
		switch {
		case c.cz < 0 || c.sz < 0:
			v.res.Summary.Unplaced++
			c.out.Verdict, c.listed = "unplaced", true
			c.out.Detail = "an end lies in no zone of the model"
		case c.cz == c.sz:
			v.res.Summary.IntraZone++
			c.out.Verdict = "allowed"
			v.checkKinds(&c)
		default:
			v.res.Summary.CrossZone++
			c.listed = true
			v.checkConduits(&c, rules)
			if len(c.out.Violations) == 0 {
				v.checkKinds(&c)
			}
			c.out.SkipsPurdue, _, _ = v.zs.purdueSkip(c.cz, c.sz)
		}
		if c.out.Verdict != "unplaced" {
			c.out.Verdict = "allowed"
			if len(c.out.Violations) > 0 {
				c.out.Verdict, c.listed = "violation", true
				v.res.Summary.Violations++
			} else if c.cz != c.sz {
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
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	if ip.IsMulticast() || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return true
	}
	if z, p := v.zs.byAddr(ip); z >= 0 && ip.Is4() && p.Bits() < 31 {
		return ip == lastAddr(p)
	}
	return false
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]) | host
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// endZone is the zone of one end of a conversation: the network its address in this
// conversation lies in; else the zone its device was placed in (by the model or its
// VLAN); else, for frames without addresses, the VLAN they were seen on.
func (v *verifier) endZone(dev int, ipText string, f *inventory.Flow) int {
	if ip, err := netip.ParseAddr(ipText); err == nil && Placeable(ip.Unmap()) {
		if z, _ := v.zs.byAddr(ip.Unmap()); z >= 0 {
			return z
		}
	}
	if z := v.devs[dev].zone; z >= 0 {
		return z
	}
	if f.VLAN != nil {
		if z, ok := v.zs.byVLAN[*f.VLAN]; ok {
			return z
		}
	}
	return -1
}

func (v *verifier) conversationOut(c *conv) Conversation {
	f := c.f
	end := func(dev, zone int, e inventory.FlowEnd) End {
		out := End{Asset: e.Asset, IP: e.IP, MAC: e.MAC, Zone: v.zs.id(zone)}
		if ma := v.devs[dev].ma; ma >= 0 {
			out.ModelAsset, out.Kind = v.m.Assets[ma].ID, v.m.Assets[ma].Kind
		}
		return out
	}
	out := Conversation{Client: end(c.cd, c.cz, f.Client), Server: end(c.sd, c.sz, f.Server), Protocol: f.Protocol,
		Transport: f.Transport, ServerPort: f.ServerPort, Operations: (c.cSent | c.sSent).names(),
		Violations: []string{}, Evidence: flowEvidence(f)}
	if len(c.names) > 0 {
		out.As = c.names[0]
	} else {
		out.As = guessProtocol(f.Transport, f.ServerPort)
	}
	return out
}

// guessProtocol names the model protocol whose default port a conversation used.
func guessProtocol(transport string, port int) string {
	if port == 0 {
		return ""
	}
	for _, p := range model.Protocols {
		if slices.Contains(p.Ports, port) && TransportFits(p.Transport, transport) {
			return p.Name
		}
	}
	return ""
}

// checkConduits finds the conduit rule that allows a cross-zone conversation, or the one
// that comes closest and what it does not allow.
func (v *verifier) checkConduits(c *conv, rules [][]rule) {
	found := false
	for ci := range v.m.Conduits {
		if !v.joins(&v.m.Conduits[ci], c.cz, c.sz) {
			continue
		}
		found = true
		for ri := range rules[ci] {
			r := &rules[ci][ri]
			if lv := v.ruleLevel(c, r); lv > c.level || c.best == nil {
				c.level, c.best = lv, r
			}
			if c.level == lvAllowed {
				break
			}
		}
		if c.level == lvAllowed {
			break
		}
	}
	if !found {
		c.out.Violations = append(c.out.Violations, vNoConduit)
		c.out.Detail = fmt.Sprintf("no conduit joins zone %s and zone %s", v.zs.id(c.cz), v.zs.id(c.sz))
		return
	}
	if c.best == nil {
		c.out.Violations = append(c.out.Violations, vNotListed)
		c.out.Detail = fmt.Sprintf("the conduits joining zone %s and zone %s list no allowed flow", v.zs.id(c.cz), v.zs.id(c.sz))
		return
	}
	r := c.best
	cd := &v.m.Conduits[r.conduit]
	c.out.Conduit = cd.ID
	idx := r.index
	c.out.Allow = &idx
	ruleName := fmt.Sprintf("%s allow[%d] (%s %s -> %s)", cd.ID, r.index, r.flow.Protocol, r.flow.From, r.flow.To)
	switch c.level {
	case lvAllowed:
		c.out.As = r.proto.Name
		c.out.Detail = "allowed by " + ruleName
		return
	case lvNone:
		c.out.Violations = append(c.out.Violations, vNotListed)
		c.out.Detail = fmt.Sprintf("conduit %s joins the zones but allows nothing from %s to %s", cd.ID, endName(c.out.Client), endName(c.out.Server))
		c.out.Allow = nil
	case lvEnds:
		c.out.Violations = append(c.out.Violations, vProtocol)
		c.out.Detail = fmt.Sprintf("conduit %s allows from %s to %s only %s; this is %s", cd.ID, endName(c.out.Client), endName(c.out.Server),
			strings.Join(v.protocolsBetween(c, cd, r.conduit, rules), ", "), protoText(&c.out))
	case lvProtocol:
		c.out.Violations = append(c.out.Violations, vPort)
		c.out.Detail = fmt.Sprintf("%s allows %s to port(s) %s, not %s", ruleName, r.flow.Protocol, intsText(r.ports), protoText(&c.out))
	case lvDirection:
		c.out.Violations = append(c.out.Violations, vDirection)
		c.out.Detail = fmt.Sprintf("%s lets %s open %s connections to %s, not the other way round (direction: one-way)",
			ruleName, r.flow.From, r.flow.Protocol, r.flow.To)
	case lvPort:
		c.out.Violations = append(c.out.Violations, vOperation)
		c.out.As = r.proto.Name
		extra := ((c.cSent | c.sSent) &^ r.ops).names()
		c.out.Detail = fmt.Sprintf("%s allows %s operations only; the conversation carried %s", ruleName,
			strings.Join(r.flow.Operations, ", "), strings.Join(extra, ", "))
	}
}

// joins reports whether conduit cd joins the zones of a conversation: each end lies in a
// different zone of the conduit (or inside one).
func (v *verifier) joins(cd *model.Conduit, a, b int) bool {
	for i, za := range cd.Zones {
		zi, ok := v.zs.byID[za]
		if !ok || !v.zs.within(a, zi) {
			continue
		}
		for j, zb := range cd.Zones {
			if zj, ok := v.zs.byID[zb]; ok && i != j && v.zs.within(b, zj) {
				return true
			}
		}
	}
	return false
}

func (v *verifier) ruleLevel(c *conv, r *rule) int {
	fwd := v.endMatches(c.cd, c.cz, r.from) && v.endMatches(c.sd, c.sz, r.to)
	rev := v.endMatches(c.cd, c.cz, r.to) && v.endMatches(c.sd, c.sz, r.from)
	protoOK, portOK := v.protoPort(c, r)
	lv := lvNone
	if fwd || (rev && r.both) {
		lv = lvEnds
		if protoOK {
			lv = lvProtocol
			if portOK {
				lv = lvPort
				if r.ops == 0 || (c.cSent|c.sSent)&^r.ops == 0 {
					lv = lvAllowed
				}
			}
		}
	}
	if lv < lvDirection && rev && !r.both && protoOK && portOK {
		lv = lvDirection
	}
	return lv
}

// protocolsBetween lists the protocols the conduit allows between a conversation's ends.
func (v *verifier) protocolsBetween(c *conv, cd *model.Conduit, ci int, rules [][]rule) []string {
	var out []string
	for ri := range rules[ci] {
		r := &rules[ci][ri]
		fwd := v.endMatches(c.cd, c.cz, r.from) && v.endMatches(c.sd, c.sz, r.to)
		rev := r.both && v.endMatches(c.cd, c.cz, r.to) && v.endMatches(c.sd, c.sz, r.from)
		if (fwd || rev) && !slices.Contains(out, r.flow.Protocol) {
			out = append(out, r.flow.Protocol)
		}
	}
	return out
}

// mayCarryOut: model.WriterKinds write and control, model.ProgrammerKinds program;
// reads and diagnostics are for anyone a conduit lets through.
func mayCarryOut(kind string, c protocols.OpClass) bool {
	switch c {
	case protocols.OpWrite, protocols.OpControl:
		return slices.Contains(model.WriterKinds, kind)
	case protocols.OpProgram:
		return slices.Contains(model.ProgrammerKinds, kind)
	}
	return true
}

// checkKinds checks the operations each side sent against its kind: a write from an
// office workstation or a program download from an HMI is not allowed whatever the
// conduits say, unless the rule that allows the conversation names that very asset.
func (v *verifier) checkKinds(c *conv) {
	type side struct {
		dev  int
		sent opSet
	}
	// Over IP the client is answerable for the whole conversation: what a server sends
	// is an answer, or a transfer the client started (an S7 CPU pulls the blocks of a
	// download). Frames between two MAC addresses have no such roles.
	sides := []side{{c.cd, c.cSent | c.sSent}}
	if c.f.Transport == "ethernet" {
		sides = []side{{c.cd, c.cSent}, {c.sd, c.sSent}}
	}
	var bad []string
	for _, side := range sides {
		ma := v.devs[side.dev].ma
		if ma >= 0 && c.best != nil && c.level == lvAllowed {
			id := v.m.Assets[ma].ID
			if c.best.flow.From == id || (c.best.both && c.best.flow.To == id) {
				continue // the model allows this asset by name
			}
		}
		for cl := protocols.OpWrite; cl <= protocols.OpControl; cl++ {
			if !side.sent.has(cl) {
				continue
			}
			switch {
			case ma < 0:
				bad = append(bad, fmt.Sprintf("%s, a device not in the model, sent %s operations", v.devs[side.dev].a.ID, cl))
			case !mayCarryOut(v.m.Assets[ma].Kind, cl):
				a := &v.m.Assets[ma]
				bad = append(bad, fmt.Sprintf("%s (kind %s) sent %s operations, which only %s may send", a.ID, a.Kind, cl, kindsFor(cl)))
			}
		}
	}
	if len(bad) == 0 {
		return
	}
	c.out.Violations = append(c.out.Violations, vOperationKind)
	c.out.Detail = strings.Join(bad, "; ")
	c.listed = true
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
