package policy

import (
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// Rule is one allowed flow of a conduit, resolved for matching.
type Rule struct {
	Conduit, Index int // the conduit's number and the rule's index in its allow list
	Flow           *model.Flow
	From, To       RuleEnd
	Proto          model.Protocol
	Ports          []int // the rule's ports, or its protocol's well-known ones
	Ops            protocols.OpSet
	Both           bool
}

// RuleEnd is a rule's end: an asset of the model, or a zone and everything inside it.
type RuleEnd struct {
	Asset, Zone int // one of them is -1 (both when the id names nothing)
}

func (p *Policy) compileRules() {
	p.rules = make([][]Rule, len(p.m.Conduits))
	for ci := range p.m.Conduits {
		c := &p.m.Conduits[ci]
		for i := range c.Allow {
			f := &c.Allow[i]
			r := Rule{Conduit: ci, Index: i, Flow: f, From: p.ruleEnd(f.From), To: p.ruleEnd(f.To), Both: f.Direction == "both",
				Ops: protocols.ParseOpSet(f.Operations)}
			r.Proto, _ = model.LookupProtocol(f.Protocol)
			r.Ports = f.Ports
			if len(r.Ports) == 0 {
				r.Ports = r.Proto.Ports
			}
			p.rules[ci] = append(p.rules[ci], r)
		}
	}
}

func (p *Policy) ruleEnd(id string) RuleEnd {
	e := RuleEnd{Asset: -1, Zone: -1}
	if z, ok := p.zoneByID[id]; ok {
		e.Zone = z
	} else if a, ok := p.assetByID[id]; ok {
		e.Asset = a
	}
	return e
}

// Rules returns the compiled rules of conduit ci.
func (p *Policy) Rules(ci int) []Rule { return p.rules[ci] }

// EndMatches reports whether an end at pl is the rule end e: the asset it names, or any
// end inside the zone it names.
func (p *Policy) EndMatches(pl Place, e RuleEnd) bool {
	if e.Asset >= 0 {
		return pl.Asset == e.Asset
	}
	return e.Zone >= 0 && p.Within(pl.Zone, e.Zone)
}

// Joins reports whether conduit ci joins zones a and b: each lies in (or inside) a
// different zone of the conduit.
func (p *Policy) Joins(ci, a, b int) bool {
	cd := &p.m.Conduits[ci]
	for i, za := range cd.Zones {
		zi, ok := p.zoneByID[za]
		if !ok || !p.Within(a, zi) {
			continue
		}
		for j, zb := range cd.Zones {
			if zj, ok := p.zoneByID[zb]; ok && i != j && p.Within(b, zj) {
				return true
			}
		}
	}
	return false
}

// Flow is a conversation, or one operation, to be judged: who opened it, who served it,
// what protocol it can be, and the operation classes each side sent.
type Flow struct {
	Client, Server Place
	// Names are the model protocols the flow can be (protocols.ModelNames); empty when
	// discovery did not recognise it, and its server port then decides.
	Names []string
	// Transport is tcp, udp, ethernet, icmp or icmpv6; ServerPort 0 for frames without ports.
	Transport  string
	ServerPort int
	// ClientSent and ServerSent are the operation classes each side sent.
	ClientSent, ServerSent protocols.OpSet
}

// Verdict is what the model says of a flow.
type Verdict uint8

const (
	// Unplaced: an end lies in no zone, so the model says nothing.
	Unplaced Verdict = iota
	// Allowed: within one zone, or through a conduit rule, and by senders whose kind may
	// carry out what they sent.
	Allowed
	// Forbidden: Violation says why.
	Forbidden
)

func (v Verdict) String() string { return [...]string{"unplaced", "allowed", "forbidden"}[v] }

// Violation codes, from the closest rule's point of view.
const (
	NoConduit     = "no_conduit"
	NotListed     = "not_listed"
	ProtocolNot   = "protocol_not_allowed"
	PortNot       = "port_not_allowed"
	DirectionNot  = "direction_not_allowed"
	OperationNot  = "operation_not_allowed"
	OperationKind = "operation_not_for_kind"
)

// How far a rule goes toward allowing a flow; the highest level wins.
const (
	LevelNone      = iota // the rule names other ends
	LevelEnds             // its ends, not its protocol
	LevelProtocol         // its ends and protocol, not its port
	LevelDirection        // its protocol and port, with the ends the other way round
	LevelPort             // all but the operations
	LevelAllowed
)

// KindIssue is an operation class a sender sent that its kind may not carry out.
type KindIssue struct {
	Sender int // the model asset, -1 for a device not in the model
	// SenderIsClient tells which end sent it.
	SenderIsClient bool
	Class          protocols.OpClass
}

// Decision is the model's answer for one flow.
type Decision struct {
	Verdict   Verdict
	IntraZone bool
	// Conduit is the conduit whose rule allows the flow or came closest (-1 when none
	// joins the zones or the flow stays in one zone); Rule that rule (nil when none).
	Conduit int
	Rule    *Rule
	Level   int
	// Violation is the first reason the flow is forbidden ("" when it is not).
	Violation string
	// Kind lists the operations senders may not carry out (Violation OperationKind).
	Kind []KindIssue
	// As is the model protocol the flow is taken for: the allowing rule's protocol, else
	// the first of the flow's names, else the protocol its server port suggests.
	As string
}

// ConduitID returns the id of the decision's conduit ("" when none).
func (p *Policy) ConduitID(d *Decision) string {
	if d.Conduit < 0 {
		return ""
	}
	return p.m.Conduits[d.Conduit].ID
}

// Check judges a flow: unplaced when an end lies in no zone; within one zone, allowed
// unless a sender's kind may not carry out what it sent; across zones, by the conduit
// rule that allows it, or the closest one and what it does not allow.
func (p *Policy) Check(f *Flow) Decision {
	d := Decision{Verdict: Unplaced, Conduit: -1}
	if len(f.Names) > 0 {
		d.As = f.Names[0]
	} else {
		d.As = protocols.ByPort(f.Transport, f.ServerPort)
	}
	if f.Client.Zone < 0 || f.Server.Zone < 0 {
		return d
	}
	d.Verdict = Allowed
	if f.Client.Zone == f.Server.Zone {
		d.IntraZone = true
		p.checkKinds(f, &d)
		return d
	}
	// A flow is allowed when every class it carried is allowed by a rule that takes its
	// ends, protocol, port and direction: one rule may allow the reads and another the
	// writes between the same ends. covered collects what such rules allow.
	found, takers := false, 0
	var covered protocols.OpSet
	all := false
	for ci := range p.m.Conduits {
		if !p.Joins(ci, f.Client.Zone, f.Server.Zone) {
			continue
		}
		found = true
		for ri := range p.rules[ci] {
			r := &p.rules[ci][ri]
			lv := p.ruleLevel(f, r)
			if lv > d.Level || d.Rule == nil {
				d.Level, d.Rule, d.Conduit = lv, r, ci
			}
			if lv >= LevelPort {
				takers++
				covered |= r.Ops
				all = all || r.Ops == 0
			}
		}
	}
	if sent := f.ClientSent | f.ServerSent; takers > 0 && (all || sent&^covered == 0) {
		d.Level, d.Rule, d.Conduit = LevelAllowed, nil, -1
		p.allowingRule(f, &d, top(sent))
	}
	switch {
	case !found:
		d.Verdict, d.Violation = Forbidden, NoConduit
		return d
	case d.Rule == nil:
		d.Verdict, d.Violation = Forbidden, NotListed
		for ci := range p.m.Conduits {
			if p.Joins(ci, f.Client.Zone, f.Server.Zone) {
				d.Conduit = ci
				break
			}
		}
		return d
	}
	switch d.Level {
	case LevelAllowed:
		d.As = d.Rule.Proto.Name
		p.checkKinds(f, &d)
		return d
	case LevelNone:
		d.Violation = NotListed
	case LevelEnds:
		d.Violation = ProtocolNot
	case LevelProtocol:
		d.Violation = PortNot
	case LevelDirection:
		d.Violation = DirectionNot
	case LevelPort:
		d.Violation = OperationNot
		d.As = d.Rule.Proto.Name
	}
	d.Verdict = Forbidden
	return d
}

// top is the most consequential class in s (control, program, write, read,
// diagnostics), or OpNone for an empty set.
func top(s protocols.OpSet) protocols.OpClass {
	for _, c := range []protocols.OpClass{protocols.OpControl, protocols.OpProgram, protocols.OpWrite, protocols.OpRead, protocols.OpDiagnostics} {
		if s.Has(c) {
			return c
		}
	}
	return protocols.OpNone
}

// allowingRule names, for an allowed flow, the rule that answers for it: the first rule
// (in the model's order) that takes the flow and allows its most consequential class, so
// that a conversation and its weightiest operation are credited to the same rule.
func (p *Policy) allowingRule(f *Flow, d *Decision, c protocols.OpClass) {
	for ci := range p.m.Conduits {
		if !p.Joins(ci, f.Client.Zone, f.Server.Zone) {
			continue
		}
		for ri := range p.rules[ci] {
			r := &p.rules[ci][ri]
			if p.ruleLevel(f, r) >= LevelPort && (r.Ops == 0 || c == protocols.OpNone || r.Ops.Has(c)) {
				d.Rule, d.Conduit = r, ci
				return
			}
		}
	}
}

func (p *Policy) ruleLevel(f *Flow, r *Rule) int {
	fwd := p.EndMatches(f.Client, r.From) && p.EndMatches(f.Server, r.To)
	rev := p.EndMatches(f.Client, r.To) && p.EndMatches(f.Server, r.From)
	protoOK, portOK := p.protoPort(f, r)
	lv := LevelNone
	if fwd || (rev && r.Both) {
		lv = LevelEnds
		if protoOK {
			lv = LevelProtocol
			if portOK {
				lv = LevelPort
				if r.Ops == 0 || (f.ClientSent|f.ServerSent)&^r.Ops == 0 {
					lv = LevelAllowed
				}
			}
		}
	}
	if lv < LevelDirection && rev && !r.Both && protoOK && portOK {
		lv = LevelDirection
	}
	return lv
}

// protoPort says whether a rule's protocol and its port take a flow.
func (p *Policy) protoPort(f *Flow, r *Rule) (protoOK, portOK bool) {
	return Takes(r.Proto, r.Flow.Ports, f.Names, f.Transport, f.ServerPort)
}

// Takes says whether a rule of protocol proto listing ports (none: the protocol's own)
// takes a flow that can be the model protocols names (none: not recognised) on
// transport to serverPort: whether its protocol is the flow's, and whether its port and
// transport are. A flow not recognised is taken to be the rule's protocol when the port
// is one of the rule's (https, rdp, ldap and the like are known only by their ports);
// "any" takes every protocol, and the ports it lists, if any.
func Takes(proto model.Protocol, ports []int, names []string, transport string, serverPort int) (protoOK, portOK bool) {
	if proto.Name == "any" {
		return true, len(ports) == 0 || slices.Contains(ports, serverPort)
	}
	if len(ports) == 0 {
		ports = proto.Ports
	}
	portless := transport == "ethernet" || strings.HasPrefix(transport, "icmp")
	portOK = protocols.TransportFits(proto.Transport, transport) && (portless || len(ports) == 0 || slices.Contains(ports, serverPort))
	if len(names) > 0 {
		return slices.Contains(names, proto.Name), portOK
	}
	return portOK, portOK
}

// ProtocolsBetween lists the protocols conduit ci allows between a flow's ends.
func (p *Policy) ProtocolsBetween(f *Flow, ci int) []string {
	var out []string
	for ri := range p.rules[ci] {
		r := &p.rules[ci][ri]
		fwd := p.EndMatches(f.Client, r.From) && p.EndMatches(f.Server, r.To)
		rev := r.Both && p.EndMatches(f.Client, r.To) && p.EndMatches(f.Server, r.From)
		if (fwd || rev) && !slices.Contains(out, r.Flow.Protocol) {
			out = append(out, r.Flow.Protocol)
		}
	}
	return out
}

// MayCarryOut reports whether an asset of kind may send operations of class c:
// model.WriterKinds write and control, model.ProgrammerKinds program; reads and
// diagnostics are for anyone a conduit lets through.
func MayCarryOut(kind string, c protocols.OpClass) bool {
	switch c {
	case protocols.OpWrite, protocols.OpControl:
		return slices.Contains(model.WriterKinds, kind)
	case protocols.OpProgram:
		return slices.Contains(model.ProgrammerKinds, kind)
	}
	return true
}

// checkKinds checks the operations each side sent against its kind: a write from an
// office workstation or a program download from an HMI is forbidden whatever the
// conduits say, unless the rule that allows the flow names that very asset. Over IP the
// client is answerable for the whole conversation (what a server sends is an answer, or
// a transfer the client started: an S7 CPU pulls the blocks of a download); frames
// between two MAC addresses have no such roles.
func (p *Policy) checkKinds(f *Flow, d *Decision) {
	type side struct {
		pl     Place
		sent   protocols.OpSet
		client bool
	}
	sides := [2]side{{f.Client, f.ClientSent | f.ServerSent, true}, {}}
	n := 1
	if f.Transport == "ethernet" {
		sides = [2]side{{f.Client, f.ClientSent, true}, {f.Server, f.ServerSent, false}}
		n = 2
	}
	for _, s := range sides[:n] {
		if a := p.Asset(s.pl.Asset); a != nil && d.Rule != nil && d.Level == LevelAllowed {
			if d.Rule.Flow.From == a.ID || (d.Rule.Both && d.Rule.Flow.To == a.ID) {
				continue // the model allows this asset by name
			}
		}
		for cl := protocols.OpWrite; cl <= protocols.OpControl; cl++ {
			if !s.sent.Has(cl) {
				continue
			}
			if a := p.Asset(s.pl.Asset); a == nil || !MayCarryOut(a.Kind, cl) {
				d.Kind = append(d.Kind, KindIssue{Sender: s.pl.Asset, SenderIsClient: s.client, Class: cl})
			}
		}
	}
	if len(d.Kind) > 0 {
		d.Verdict, d.Violation = Forbidden, OperationKind
	}
}

// Safety reports whether either zone is a safety zone.
func (p *Policy) Safety(a, b int) bool {
	za, zb := p.Zone(a), p.Zone(b)
	return za != nil && za.Safety || zb != nil && zb.Safety
}

// Severity rates a forbidden flow, the same for a conversation verify reports and an
// operation detect alerts on: traffic no conduit rule lets through is high (critical
// into or out of a safety zone), an operation class a rule does not list is medium, an
// operation the sender's kind may not carry out is high; carrying a write makes any of
// them at least high, a program transfer or a change of a device's state critical.
// Allowed and unplaced flows rate Info.
func (p *Policy) Severity(d *Decision, f *Flow) finding.Severity {
	if d.Verdict != Forbidden {
		return finding.Info
	}
	base := finding.High
	switch d.Violation {
	case OperationNot:
		base = finding.Medium
	case OperationKind:
	default:
		if p.Safety(f.Client.Zone, f.Server.Zone) {
			base = finding.Critical
		}
	}
	return OpsSeverity(f.ClientSent|f.ServerSent, base)
}

// OpsSeverity raises base by the operations carried: changing logic or a device's state
// is critical, a write at least high.
func OpsSeverity(s protocols.OpSet, base finding.Severity) finding.Severity {
	switch {
	case s.Has(protocols.OpProgram) || s.Has(protocols.OpControl):
		return finding.Critical
	case s.Has(protocols.OpWrite):
		return max(base, finding.High)
	}
	return base
}

// UnknownDeviceSeverity rates a device the model does not know, seen in zone z, the same
// for verify's finding and detect's alert: high; critical in a safety zone; medium in an
// external zone or at Purdue level 4 and above, where hosts the model does not list are
// common; high when it lies in no zone.
func (p *Policy) UnknownDeviceSeverity(z int) finding.Severity {
	zz := p.Zone(z)
	switch {
	case zz == nil:
		return finding.High
	case zz.Safety:
		return finding.Critical
	case zz.External || (zz.Purdue != nil && *zz.Purdue >= 4):
		return finding.Medium
	}
	return finding.High
}
