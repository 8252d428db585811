package verify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/model"
)

// Rule is one allow rule derived from a conduit's allowed flow, in a form every rule
// language can be written from.
type Rule struct {
	Conduit  string
	Index    int // position of the flow in the conduit's allow list
	From, To string
	Protocol string
	// Src and Dst are the addresses of the ends: asset IPs, or zone networks.
	Src, Dst []netip.Prefix
	// Transport is tcp, udp, icmp or "" for any IP traffic.
	Transport string
	Ports     []int
	// Both: either end may open connections, not only From.
	Both bool
	// Operations are the OT operation classes the conduit allows; an L4 firewall cannot
	// enforce them, so each ruleset says which deep-packet-inspection rule is needed.
	Operations []string
	// Problem says why the flow cannot be expressed at L3/L4 ("" when it can).
	Problem string
}

// Comment names the rule in the ruleset, so that a matched packet leads back to the model.
func (r Rule) Comment() string {
	return fmt.Sprintf("%s allow[%d] %s %s->%s", r.Conduit, r.Index, r.Protocol, r.From, r.To)
}

// Rules derives the allow rules of every conduit. Flows whose protocol runs over both TCP
// and UDP give one rule per transport.
func Rules(m *model.Model) []Rule {
	var out []Rule
	for ci := range m.Conduits {
		c := &m.Conduits[ci]
		for i, f := range c.Allow {
			base := Rule{Conduit: c.ID, Index: i, From: f.From, To: f.To, Protocol: f.Protocol,
				Both: f.Direction == "both", Operations: f.Operations}
			base.Src, base.Problem = endpoints(m, f.From)
			var dstProblem string
			base.Dst, dstProblem = endpoints(m, f.To)
			if base.Problem == "" {
				base.Problem = dstProblem
			}
			proto, _ := model.LookupProtocol(f.Protocol)
			base.Ports = f.Ports
			if len(base.Ports) == 0 {
				base.Ports = proto.Ports
			}
			switch proto.Transport {
			case "tcp", "udp":
				base.Transport = proto.Transport
				out = append(out, base)
			case "tcp+udp":
				for _, t := range []string{"tcp", "udp"} {
					r := base
					r.Transport = t
					out = append(out, r)
				}
			case "icmp":
				base.Transport, base.Ports = "icmp", nil
				out = append(out, base)
			case "any":
				base.Transport, base.Ports = "", nil
				out = append(out, base)
			case "l2":
				if base.Problem == "" {
					base.Problem = f.Protocol + " is an Ethernet (layer 2) protocol: filter it on the switch or with a bridge firewall, not an IP ruleset"
				}
				out = append(out, base)
			}
		}
	}
	return out
}

// endpoints resolves a zone or asset id to address prefixes.
func endpoints(m *model.Model, id string) ([]netip.Prefix, string) {
	if a, ok := m.Asset(id); ok {
		if len(a.Addrs) == 0 {
			return nil, fmt.Sprintf("asset %s has no IP address in the model", id)
		}
		out := make([]netip.Prefix, len(a.Addrs))
		for i, ip := range a.Addrs {
			out[i] = netip.PrefixFrom(ip, ip.BitLen())
		}
		return out, ""
	}
	if z, ok := m.Zone(id); ok {
		if len(z.Prefixes) == 0 {
			return nil, fmt.Sprintf("zone %s has no networks in the model", id)
		}
		return slices.Clone(z.Prefixes), ""
	}
	return nil, fmt.Sprintf("%s is neither a zone nor an asset", id)
}

// dpiNote says what a deep-packet-inspection rule must add for the operations allowed.
func dpiNote(r Rule) string {
	if len(r.Operations) == 0 {
		return ""
	}
	proto, _ := model.LookupProtocol(r.Protocol)
	if !proto.OT {
		return ""
	}
	return fmt.Sprintf("DPI needed: allow only %s operations of %s (%s); an L4 rule cannot see them",
		strings.Join(r.Operations, ", "), r.Protocol, dpiHint(r.Protocol, r.Operations))
}

// dpiHint names, per protocol, what the allowed classes mean on the wire.
func dpiHint(proto string, ops []string) string {
	read := slices.Contains(ops, "read")
	write := slices.Contains(ops, "write")
	switch proto {
	case "modbus":
		switch {
		case read && !write:
			return "function codes 1-4, 43"
		case read && write:
			return "function codes 1-6, 15, 16, 22, 23, 43"
		}
		return "function codes of the allowed classes"
	case "enip":
		return "CIP services by class: Get_Attribute_* for read, Set_Attribute_* for write"
	case "s7comm":
		return "ROSCTR job functions: read var for read, write var for write, block up/download for program, PLC stop/control for control"
	case "iec61850-mms":
		return "MMS services: Read, GetNameList, Identify for read, Write for write, domain download for program, Start/Stop/Reset for control"
	case "dnp3":
		return "application function codes: 1 read, 2-6 write and operate, 13-18 restart and application control"
	case "iec104":
		return "ASDU type ids: monitoring types for read, C_* commands for write and control"
	case "opcua":
		return "services: Read, Browse and subscriptions for read, Write for write, Call for control"
	case "bacnet":
		return "services: ReadProperty for read, WriteProperty for write, ReinitializeDevice and DeviceCommunicationControl for control"
	}
	return "operation classes of the protocol"
}
