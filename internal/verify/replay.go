package verify

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
)

// Replay is a ruleset held against the observed traffic: what it would do to every
// conversation that crosses a zone boundary (or has an end in no zone).
type Replay struct {
	File   string `json:"file"`
	Format string `json:"format"`
	Policy string `json:"policy"`
	Rules  int    `json:"rules"`
	// Replayed counts the IP conversations replayed; Accepted and Blocked split them;
	// BlockedPackets counts the packets of the blocked ones. NotFiltered counts the
	// cross-zone conversations without IP (layer 2) that an IP ruleset does not see.
	Replayed       int    `json:"replayed"`
	Accepted       int    `json:"accepted"`
	Blocked        int    `json:"blocked"`
	BlockedPackets uint64 `json:"blocked_packets"`
	NotFiltered    int    `json:"not_filtered"`
}

// FirewallVerdict is what the ruleset does to a conversation's first packet.
type FirewallVerdict struct {
	// Action is accept or drop (reject counts as drop: the conversation does not happen).
	Action string `json:"action"`
	// Line is the deciding rule's line in the ruleset, 0 when the chain's policy decides.
	Line    int    `json:"line,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// decide runs a new connection from src to dst through the rules.
func (rs *Ruleset) decide(src, dst netip.Addr, proto string, port int) FirewallVerdict {
	for i := range rs.Rules {
		r := &rs.Rules[i]
		if r.Action == "" || !r.matches(src, dst, proto, port) {
			continue
		}
		action := r.Action
		if action == "reject" {
			action = "drop"
		}
		return FirewallVerdict{Action: action, Line: r.Line, Comment: r.Comment}
	}
	return FirewallVerdict{Action: rs.Policy}
}

func (r *FirewallRule) matches(src, dst netip.Addr, proto string, port int) bool {
	if r.Family == 4 && !src.Is4() || r.Family == 6 && !src.Is6() {
		return false
	}
	in := func(ps []netip.Prefix, a netip.Addr) bool {
		return len(ps) == 0 || slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Contains(a) })
	}
	if !in(r.Src, src) || !in(r.Dst, dst) {
		return false
	}
	if len(r.Protos) > 0 && !slices.Contains(r.Protos, proto) {
		return false
	}
	if len(r.DPorts) > 0 && !slices.ContainsFunc(r.DPorts, func(pr PortRange) bool { return port >= int(pr.Lo) && port <= int(pr.Hi) }) {
		return false
	}
	// The first packet of a connection is in state new.
	return len(r.States) == 0 || slices.Contains(r.States, "new")
}

// replay runs every conversation across zones through the ruleset and reports where the
// ruleset and the model disagree.
func (v *verifier) replay(rs *Ruleset) {
	rp := &Replay{File: rs.File, Format: rs.Format, Policy: rs.Policy, Rules: len(rs.Rules)}
	var blocksAllowed, passesViolation, needsDPI grouper
	for i := range v.convs {
		c := &v.convs[i]
		if c.cd < 0 || !(c.out.Verdict == "unplaced" || c.cz != c.sz) {
			continue
		}
		src, err1 := netip.ParseAddr(c.f.Client.IP)
		dst, err2 := netip.ParseAddr(c.f.Server.IP)
		if err1 != nil || err2 != nil {
			rp.NotFiltered++
			continue
		}
		proto := c.f.Transport
		if proto == "icmp" && src.Unmap().Is6() {
			proto = "icmpv6"
		}
		fv := rs.decide(src.Unmap(), dst.Unmap(), proto, c.f.ServerPort)
		c.out.Firewall = &fv
		rp.Replayed++
		if fv.Action == "accept" {
			rp.Accepted++
		} else {
			rp.Blocked++
			rp.BlockedPackets += c.out.Evidence.Packets
		}
		rule := fmt.Sprintf("%s line %d", rs.File, fv.Line)
		if fv.Line == 0 {
			rule = fmt.Sprintf("%s (the forward chain's policy, %s)", rs.File, rs.Policy)
		} else if fv.Comment != "" {
			rule += " (" + fv.Comment + ")"
		}
		switch {
		case c.out.Verdict == "unplaced":
		case fv.Action != "accept" && len(c.out.Violations) == 0:
			cd, _ := v.m.Conduit(c.out.Conduit)
			blocksAllowed.add(fmt.Sprintf("%s|%d|%d", cd.ID, *c.out.Allow, fv.Line), c, finding.High, func() *group {
				return &group{rule: "rules/blocks-allowed", subject: cd.ID, pos: cd.Pos, reqs: []string{"SR 5.2", "SR 7.1"},
					message: func(g *group) string {
						return fmt.Sprintf("the ruleset would block %s, which conduit %s allow[%d] allows: %s decides, over %s",
							g.first.out.Evidence.Flow, cd.ID, *g.first.out.Allow, rule, overText(g))
					},
					fix: fmt.Sprintf("add a rule for conduit %s allow[%d] before it (zonewarden rules writes one), or check the ruleset's addresses and ports against the model", cd.ID, *c.out.Allow)}
			})
		case fv.Action == "accept" && slices.ContainsFunc(c.out.Violations, func(s string) bool { return s == vOperation || s == vOperationKind }):
			needsDPI.add(fmt.Sprintf("%s|%s|%s", c.out.Conduit, c.out.Client.Asset, c.out.Server.Asset), c, finding.Medium, func() *group {
				subject, pos := v.pol.ZoneID(c.sz), model.Pos{}
				if cd, ok := v.m.Conduit(c.out.Conduit); ok {
					subject, pos = cd.ID, cd.Pos
				}
				return &group{rule: "rules/needs-dpi", subject: subject, pos: pos, reqs: []string{"SR 5.2"},
					message: func(g *group) string {
						return fmt.Sprintf("the ruleset would let %s through (%s): right at layer 4, but %s; only a protocol-aware (deep packet inspection) rule can stop that",
							g.first.out.Evidence.Flow, rule, g.first.out.Detail)
					},
					fix: "enforce the allowed operation classes with a deep-packet-inspection rule at the boundary (the ruleset's comments name what each needs)"}
			})
		case fv.Action == "accept" && len(c.out.Violations) > 0:
			subject, pos := v.pol.ZoneID(c.sz), v.pol.Zone(c.sz).Pos
			if cd, ok := v.m.Conduit(c.out.Conduit); ok {
				subject, pos = cd.ID, cd.Pos
			}
			passesViolation.add(fmt.Sprintf("%s|%d|%s|%s", subject, fv.Line, c.out.Client.Asset, c.out.Server.Asset), c, finding.High, func() *group {
				return &group{rule: "rules/passes-violation", subject: subject, pos: pos, reqs: []string{"SR 5.2 RE 1"},
					message: func(g *group) string {
						return fmt.Sprintf("the ruleset would let %s through (%s), which the model does not allow: %s", g.first.out.Evidence.Flow, rule, g.first.out.Detail)
					},
					fix: "narrow the accepting rule to the conduit's allowed flows, or drop the conversation before it"}
			})
		}
	}
	v.flush(&blocksAllowed)
	v.flush(&passesViolation)
	v.flush(&needsDPI)
	v.res.Replay = rp
}
