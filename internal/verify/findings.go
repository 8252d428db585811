package verify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// group gathers the conversations one finding sums up (a port scan is one finding, not
// forty).
type group struct {
	rule    string
	sev     finding.Severity
	subject string
	pos     model.Pos
	reqs    []string
	first   *conv
	protos  []string
	ev      Evidence
	n       int
	message func(g *group) string
	fix     string
}

// grouper collects groups in the order they first appear.
type grouper struct {
	byKey map[string]*group
	order []*group
}

func (gr *grouper) add(key string, c *conv, sev finding.Severity, mk func() *group) *group {
	if gr.byKey == nil {
		gr.byKey = map[string]*group{}
	}
	g, ok := gr.byKey[key]
	if !ok {
		g = mk()
		g.first, g.ev = c, c.out.Evidence
		gr.byKey[key] = g
		gr.order = append(gr.order, g)
	} else {
		mergeEvidence(&g.ev, c.out.Evidence)
	}
	g.n++
	g.sev = max(g.sev, sev)
	if p := protoText(&c.out); !slices.Contains(g.protos, p) {
		g.protos = append(g.protos, p)
	}
	return g
}

// mergeEvidence widens ev to cover another conversation: the earliest first packet,
// the latest last one, the packets of both.
func mergeEvidence(ev *Evidence, o Evidence) {
	if o.FirstSeen.Before(ev.FirstSeen) {
		ev.Flow, ev.File, ev.Packet, ev.FirstSeen = o.Flow, o.File, o.Packet, o.FirstSeen
	}
	if o.LastSeen.After(ev.LastSeen) {
		ev.LastSeen = o.LastSeen
	}
	ev.Packets += o.Packets
}

func (v *verifier) flush(gr *grouper) {
	for _, g := range gr.order {
		ev := g.ev
		if g.n > 1 {
			ev.Conversations = g.n
		}
		v.add(g.sev, g.rule, g.subject, g.pos, g.reqs, &ev, g.message(g), g.fix)
	}
}

func (v *verifier) safety(zones ...int) bool {
	for _, z := range zones {
		if zz := v.pol.Zone(z); zz != nil && zz.Safety {
			return true
		}
	}
	return false
}

// who names a conversation end for a message: its model asset, or its address and that
// it is not in the model.
func who(e End) string {
	if e.ModelAsset != "" {
		return e.ModelAsset
	}
	return endName(e) + " (not in the model)"
}

func (v *verifier) purdueNote(c *conv) string {
	skip, hi, lo := v.pol.PurdueSkip(c.cz, c.sz)
	if !skip {
		return ""
	}
	return fmt.Sprintf("; it also skips Purdue levels (%s to %s)", hi, lo)
}

func overText(g *group) string {
	s := shortList(g.protos, 5)
	if g.n > 1 {
		s += fmt.Sprintf(" (%d conversations)", g.n)
	}
	return s
}

// trafficFindings turns the conversations' violations into findings, one per rule,
// conduit (or zone pair) and pair of devices.
func (v *verifier) trafficFindings() {
	var gr grouper
	for i := range v.convs {
		c := &v.convs[i]
		out := &c.out
		key := out.Client.Asset + "|" + out.Server.Asset
		if len(out.Violations) == 0 {
			if out.SkipsPurdue && out.Verdict == "allowed" && out.Conduit != "" {
				cd, _ := v.m.Conduit(out.Conduit)
				za, zb := v.pol.Zone(c.cz), v.pol.Zone(c.sz)
				gr.add("skip|"+cd.ID+"|"+za.ID+"|"+zb.ID, c, finding.Medium, func() *group {
					return &group{rule: "traffic/skips-purdue", sev: finding.Medium, subject: cd.ID, pos: cd.Pos, reqs: []string{"ZCR 3.1", "SR 5.1"},
						message: func(g *group) string {
							return fmt.Sprintf("conduit %s carries traffic from zone %s (Purdue %s) to zone %s (Purdue %s) over %s: the model allows it, but it skips the levels between",
								cd.ID, za.ID, za.Purdue, zb.ID, zb.Purdue, overText(g))
						},
						fix: "route it through the adjacent levels (a DMZ, a historian or a proxy between them), or record why this path is needed; assess reports the conduit's design"}
				})
			}
			continue
		}
		switch out.Violations[0] {
		case vNoConduit:
			z := v.pol.Zone(c.sz)
			sev := v.pol.Severity(&c.dec, &c.pf)
			gr.add("noconduit|"+key, c, sev, func() *group {
				return &group{rule: "traffic/no-conduit", sev: sev, subject: z.ID, pos: z.Pos,
					reqs: []string{"SR 5.1", "SR 5.2"},
					message: func(g *group) string {
						f := g.first
						return fmt.Sprintf("%s (zone %s) reached %s (zone %s) over %s, but no conduit joins the two zones%s%s",
							who(f.out.Client), f.out.Client.Zone, who(f.out.Server), f.out.Server.Zone, overText(g), opsNote(f), v.purdueNote(f))
					},
					fix: fmt.Sprintf("if this communication is needed, add a conduit between zone %s and zone %s that allows it (through the DMZ when it crosses Purdue level 3.5); otherwise find the path it took and block it",
						v.pol.ZoneID(c.cz), v.pol.ZoneID(c.sz))}
			})
		case vNotListed, vProtocol, vPort, vDirection:
			cd, _ := v.m.Conduit(out.Conduit)
			sev := v.pol.Severity(&c.dec, &c.pf)
			gr.add("notallowed|"+cd.ID+"|"+key, c, sev, func() *group {
				return &group{rule: "traffic/not-allowed", sev: sev, subject: cd.ID, pos: cd.Pos,
					reqs: []string{"SR 5.2", "SR 5.2 RE 1"},
					message: func(g *group) string {
						f := g.first
						return fmt.Sprintf("%s -> %s over %s crosses conduit %s, which does not allow it: %s%s%s",
							who(f.out.Client), who(f.out.Server), overText(g), cd.ID, f.out.Detail, opsNote(f), v.purdueNote(f))
					},
					fix: fmt.Sprintf("if it is needed, add it to conduit %s's allow list; otherwise the boundary (%s) should have dropped it: check its rules against zonewarden rules",
						cd.ID, dash(cd.Boundary))}
			})
		case vOperation:
			cd, _ := v.m.Conduit(out.Conduit)
			sev := v.pol.Severity(&c.dec, &c.pf)
			gr.add("op|"+cd.ID+"|"+key, c, sev, func() *group {
				return &group{rule: "traffic/operation-not-allowed", sev: sev, subject: cd.ID, pos: cd.Pos,
					reqs: []string{"SR 2.1", "SR 5.2"},
					message: func(g *group) string {
						f := g.first
						return fmt.Sprintf("%s -> %s over %s: %s", who(f.out.Client), who(f.out.Server), overText(g), f.out.Detail)
					},
					fix: fmt.Sprintf("find out who sent these operations and why; enforce the allowed classes with a protocol-aware (deep packet inspection) rule on conduit %s, or allow the class in the model if it is needed", cd.ID)}
			})
		case vOperationKind:
			subject, pos := out.Client.Asset, model.Pos{}
			if a, ok := v.m.Asset(out.Client.ModelAsset); ok {
				subject, pos = a.ID, a.Pos
			}
			sev := v.pol.Severity(&c.dec, &c.pf)
			gr.add("kind|"+key, c, sev, func() *group {
				return &group{rule: "traffic/operation-not-for-kind", sev: sev, subject: subject, pos: pos,
					reqs: []string{"SR 2.1"},
					message: func(g *group) string {
						f := g.first
						return fmt.Sprintf("%s -> %s over %s: %s", who(f.out.Client), who(f.out.Server), overText(g), f.out.Detail)
					},
					fix: "find out who sent these operations and why; if the sender's role is right, correct its kind in the model or name it in the conduit rule that allows the operations"}
			})
		}
	}
	v.flush(&gr)
}

// opsNote names the operation classes a conversation carried beyond reads.
func opsNote(c *conv) string {
	s := (c.cSent | c.sSent) &^ (1<<protocols.OpRead | 1<<protocols.OpDiagnostics)
	if s == 0 {
		return ""
	}
	return "; it carried " + strings.Join(s.Names(), ", ") + " operations"
}

// maxRanges bounds the address-range findings; the rest are summed up in one.
const maxRanges = 50

// unplacedRanges reports, per /24 (IPv4) or /64 (IPv6), the observed addresses that lie
// in no zone's network and that the model does not give to an asset.
func (v *verifier) unplacedRanges() {
	type rng struct {
		prefix netip.Prefix
		addrs  []string
		convs  int
		ev     Evidence
		have   bool
	}
	byPrefix := map[netip.Prefix]*rng{}
	var order []*rng
	for i := range v.devs {
		d := &v.devs[i]
		for _, ip := range d.ips {
			if z, _ := v.pol.ZoneOfAddr(ip); z >= 0 {
				continue
			}
			if v.pol.AssetByIP(ip) >= 0 {
				continue
			}
			bits := 24
			if ip.Is6() {
				bits = 64
			}
			p, _ := ip.Prefix(bits)
			r := byPrefix[p]
			if r == nil {
				r = &rng{prefix: p}
				byPrefix[p] = r
				order = append(order, r)
			}
			r.addrs = append(r.addrs, ip.String())
			r.convs += len(v.flowsOf[i])
			ev := v.deviceEvidence(i)
			if !r.have {
				r.ev, r.have = ev, true
			} else {
				mergeEvidence(&r.ev, ev)
			}
		}
	}
	for i, r := range order {
		if i == maxRanges {
			rest := 0
			for _, r := range order[maxRanges:] {
				rest += len(r.addrs)
			}
			v.add(finding.High, "traffic/no-zone", "(more ranges)", model.Pos{}, []string{"ZCR 3.1"}, nil,
				fmt.Sprintf("%d more address ranges (%d addresses) lie in no zone of the model; see the devices list for all of them", len(order)-maxRanges, rest),
				"add the networks to the zones they belong to, or model what lies outside the plant as an external zone")
			break
		}
		slices.Sort(r.addrs)
		ev := r.ev
		v.add(finding.High, "traffic/no-zone", r.prefix.String(), model.Pos{}, []string{"ZCR 3.1"}, &ev,
			fmt.Sprintf("%d address(es) of %s lie in no zone's network and belong to no asset of the model (%s); %d conversation(s) involve them",
				len(r.addrs), r.prefix, shortList(r.addrs, 5), r.convs),
			"add the network to the zone it belongs to (networks: in the zone), or model what lies outside the plant as an external zone with its conduits")
	}
	placed := 0
	for i := range v.devs {
		if v.devs[i].zone >= 0 {
			placed++
		}
	}
	if len(v.devs) > 0 && placed == 0 {
		ev := Evidence{FirstSeen: v.res.Window.Start, LastSeen: v.res.Window.End}
		v.add(finding.Critical, "capture/outside-model", v.m.System.Name, model.Pos{}, []string{"ZCR 3.1"}, &ev,
			fmt.Sprintf("none of the %d devices seen lies in a zone of the model: no address falls in the zones' networks and no VLAN is one of theirs", len(v.devs)),
			"check that this is the model of the network the capture comes from, and that its zones list their networks and VLANs")
	}
}

// protection names the requirements a cleartext protocol crossing a boundary fails.
var protection = []struct {
	id, title string
	fr, level int
	external  bool // only where a zone is external (an untrusted network)
}{
	{"SR 3.1 RE 1", "cryptographic integrity protection", 3, 3, false},
	{"SR 4.1 RE 1", "confidentiality in transit over untrusted networks", 4, 2, true},
	{"SR 4.1 RE 2", "confidentiality across zone boundaries", 4, 4, false},
}

// protection reports cleartext or unauthenticated protocols crossing a boundary whose
// SL-T calls for integrity or confidentiality protection in transit.
func (v *verifier) protection() {
	var gr grouper
	for i := range v.convs {
		c := &v.convs[i]
		if c.cz < 0 || c.sz < 0 || c.cz == c.sz || c.cd < 0 {
			continue
		}
		p, ok := model.LookupProtocol(c.out.As)
		if !ok {
			continue
		}
		clear, why := p.Cleartext, "carries no protection of its own"
		if p.Name == "opcua" && strings.HasSuffix(v.devs[c.sd].a.Identity["security_policy"], "#None") {
			clear, why = true, "runs with security policy None: no signature, no encryption"
		}
		if !clear {
			continue
		}
		var level model.SLVector
		subject, pos, scopeZones := "", model.Pos{}, []int{}
		if c.out.Conduit != "" {
			cd, _ := v.m.Conduit(c.out.Conduit)
			subject, pos = cd.ID, cd.Pos
			if t, ok := v.rr.Target(cd.ID); ok {
				level = t.Level
			}
		} else {
			z := v.pol.Zone(c.sz)
			subject, pos, scopeZones = z.ID, z.Pos, []int{c.cz, c.sz}
			for _, zi := range scopeZones {
				if t, ok := v.rr.Target(v.pol.ZoneID(zi)); ok {
					level = level.Max(t.Level)
				}
			}
		}
		external := v.pol.Zone(c.cz).External || v.pol.Zone(c.sz).External
		var reqs, calls, claimed []string
		for _, req := range protection {
			if level[req.fr-1] < req.level || (req.external && !external) {
				continue
			}
			reqs = append(reqs, req.id)
			calls = append(calls, fmt.Sprintf("%s (%s, SL-T FR%d %d)", req.id, req.title, req.fr, level[req.fr-1]))
			for _, cm := range v.claims(subject, len(scopeZones) > 0, req.id) {
				if !slices.Contains(claimed, cm) {
					claimed = append(claimed, cm)
				}
			}
		}
		if len(reqs) == 0 {
			continue
		}
		sev := finding.Medium
		if v.safety(c.cz, c.sz) && reqs[0] == "SR 3.1 RE 1" {
			sev = finding.High
		}
		if len(claimed) > 0 {
			sev = finding.Low
		}
		gr.add("clear|"+subject+"|"+p.Name, c, sev, func() *group {
			return &group{rule: "protection/cleartext", sev: sev, subject: subject, pos: pos, reqs: reqs,
				message: func(g *group) string {
					s := fmt.Sprintf("%s %s and crosses %s between zone %s and zone %s (%s); the boundary's target level calls for %s",
						p.Name, why, subject, g.first.out.Client.Zone, g.first.out.Server.Zone, overText(g), strings.Join(calls, " and "))
					if len(claimed) > 0 {
						s += fmt.Sprintf("; %s claim(s) it: right if the protection is a tunnel beyond the capture point, wrong otherwise: check", strings.Join(claimed, ", "))
					}
					return s
				},
				fix: fmt.Sprintf("protect it across the boundary: a secure variant of the protocol (TLS, OPC UA SignAndEncrypt, IEC 62351) or an authenticated, encrypted tunnel between the zones; record it as a countermeasure claiming %s for %s", strings.Join(reqs, ", "), subject)}
		})
	}
	v.flush(&gr)
}

// claims lists the implemented countermeasures that claim requirement req for a zone or
// conduit: in scope by its id, by a zone that contains it, or by "*".
func (v *verifier) claims(subject string, isZone bool, req string) []string {
	var out []string
	for i := range v.m.Countermeasures {
		cm := &v.m.Countermeasures[i]
		if cm.Status != model.StatusImplemented || !slices.ContainsFunc(cm.Satisfies, func(s string) bool { return sameReq(s, req) }) {
			continue
		}
		for _, s := range cm.Scope {
			in := s == "*" || s == subject
			if !in && isZone {
				if a, ok := v.pol.ZoneIndex(s); ok {
					if b, ok := v.pol.ZoneIndex(subject); ok {
						in = v.pol.Within(b, a)
					}
				}
			}
			if in {
				out = append(out, cm.ID)
				break
			}
		}
	}
	return out
}

func sameReq(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), ""), strings.Join(strings.Fields(b), ""))
}

// refutations finds the implemented countermeasures whose claims the traffic refutes:
// deny by default (SR 5.2 RE 1) on a conduit that let through a flow it does not list,
// or on zones that traffic crossed between with no conduit at all; and the inventory
// (SR 7.8) of a zone in which a device not in the model was seen.
func (v *verifier) refutations() {
	type ref struct {
		Refutation
		n    int
		what string
		pos  model.Pos
	}
	byKey := map[[2]string]*ref{}
	var order []*ref
	note := func(subject string, isZone bool, pos model.Pos, req string, ev Evidence, what string) {
		claims := v.claims(subject, isZone, req)
		if len(claims) == 0 {
			return
		}
		k := [2]string{subject, req}
		r := byKey[k]
		if r == nil {
			r = &ref{Refutation: Refutation{Subject: subject, Requirement: req, Countermeasures: claims, Evidence: ev}, what: what, pos: pos}
			byKey[k] = r
			order = append(order, r)
		} else {
			mergeEvidence(&r.Evidence, ev)
		}
		r.n++
	}
	for i := range v.convs {
		c := &v.convs[i]
		if len(c.out.Violations) == 0 {
			continue
		}
		switch c.out.Violations[0] {
		case vNotListed, vProtocol, vPort, vDirection:
			cd, _ := v.m.Conduit(c.out.Conduit)
			note(cd.ID, false, cd.Pos, "SR 5.2 RE 1", c.out.Evidence, "conversation(s) the conduit does not list crossed it")
		case vNoConduit:
			for _, z := range []int{c.cz, c.sz} {
				zz := v.pol.Zone(z)
				note(zz.ID, true, zz.Pos, "SR 5.2 RE 1", c.out.Evidence,
					fmt.Sprintf("conversation(s) crossed between zone %s and zone %s, which no conduit joins", v.pol.ZoneID(c.cz), v.pol.ZoneID(c.sz)))
			}
		}
	}
	for i := range v.devs {
		d := &v.devs[i]
		if d.ma >= 0 || d.zone < 0 {
			continue
		}
		z := v.pol.Zone(d.zone)
		note(z.ID, true, z.Pos, "SR 7.8", v.deviceEvidence(i), "device(s) not in the model were seen in the zone")
	}
	for _, r := range order {
		ev := r.Evidence
		r.Reason = fmt.Sprintf("%d %s; the first: %s", r.n, r.what, dash(ev.Flow))
		if r.n > 1 {
			r.Evidence.Conversations = r.n
		}
		v.refuted = append(v.refuted, r.Refutation)
		fix := "find out how the traffic got through and close the path, or correct the countermeasure's claim (scope, status)"
		if r.Requirement == "SR 7.8" {
			fix = "bring the inventory up to date (add the devices to the model or remove them from the network), then set the claim back"
		}
		v.add(finding.High, "countermeasure/refuted", r.Subject, r.pos, []string{r.Requirement}, &r.Evidence,
			fmt.Sprintf("the traffic refutes %s: claimed for %s by %s, but %s", r.Requirement, r.Subject, strings.Join(r.Countermeasures, ", "), r.Reason),
			fmt.Sprintf("%s; until then assess --capture does not count %s for %s", fix, r.Requirement, r.Subject))
	}
}

// result finishes the verification: devices, summary, findings worst first.
func (v *verifier) result() *Result {
	res := v.res
	for i := range v.convs {
		if v.convs[i].listed {
			res.Conversations = append(res.Conversations, v.convs[i].out)
		}
	}
	for i := range v.devs {
		d := &v.devs[i]
		out := Device{Asset: d.a.ID, Name: d.a.Name, MAC: d.a.MAC, IPs: []string{}, VLANs: d.a.VLANs, Match: "none",
			Zone: v.pol.ZoneID(d.zone), ZoneBy: d.zoneBy, Issues: d.issues}
		for _, ip := range d.a.IPs {
			out.IPs = append(out.IPs, ip.Address)
		}
		if out.Issues == nil {
			out.Issues = []string{}
		}
		res.Summary.Devices++
		if d.ma >= 0 {
			out.ModelAsset, out.Match, out.ModelZone = v.m.Assets[d.ma].ID, d.match, v.m.Assets[d.ma].Zone
			res.Summary.InModel++
		} else {
			res.Summary.Unknown++
		}
		if slices.Contains(d.issues, "wrong_zone") {
			res.Summary.WrongZone++
		}
		if slices.Contains(d.issues, "identity_drift") {
			res.Summary.IdentityDrift++
		}
		res.Devices = append(res.Devices, out)
	}
	res.Summary.NotSeen = len(res.NotSeen)
	res.Refuted = append(res.Refuted, v.refuted...)
	res.Summary.Refuted = len(res.Refuted)
	res.Findings = append(res.Findings, v.findings...)
	slices.SortStableFunc(res.Findings, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(b.Severity - a.Severity)
		}
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		return strings.Compare(a.Subject, b.Subject)
	})
	res.Summary.Findings = map[string]int{}
	for sev, n := range finding.Count(res.PlainFindings()) {
		res.Summary.Findings[finding.Severity(sev).String()] = n
	}
	return res
}
