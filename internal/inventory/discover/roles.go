package discover

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

var roleOrder = []string{inventory.RoleController, inventory.RoleEngineering, inventory.RoleHMISCADA, inventory.RoleHistorian, inventory.RoleNetworkDevice, inventory.RoleITHost}

// historianPorts are server ports of process historians: AVEVA/OSIsoft PI Data Archive
// and PI AF, GE Proficy Historian.
var historianPorts = map[uint16]string{5450: "PI Data Archive", 5457: "PI AF", 5459: "PI AF", 14000: "Proficy Historian"}

// databasePorts are server ports of SQL databases, which historians are often built on.
var databasePorts = map[uint16]string{1433: "Microsoft SQL Server", 1521: "Oracle", 3306: "MySQL", 5432: "PostgreSQL"}

type roleScore struct {
	score    int
	evidence []string
}

type roleScores map[string]*roleScore

func (s roleScores) add(role string, score int, format string, args ...any) {
	r := s[role]
	if r == nil {
		r = &roleScore{}
		s[role] = r
	}
	r.score += score
	r.evidence = append(r.evidence, fmt.Sprintf(format, args...))
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	if strings.HasSuffix(one, "s") {
		return fmt.Sprintf("%d %ses", n, one)
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// clientHints are the roles a device claims in the requests it sends.
var clientHints = map[string]bool{observe.RoleHintProgrammingDevice: true, observe.RoleHintOperatorPanel: true,
	observe.RoleHintIOSupervisor: true, observe.RoleHintDNP3Master: true}

// inferRole weighs what an asset did and said into a role, with the evidence.
//
// The rule of every evidence text: it says what was observed and no more. A port alone
// is written as a port ("serves tcp/3389 (the port of remote desktop, RDP)"), never as the
// service it usually carries; an operation class is written with its count and the
// class's definition, never with a kind of operation the class merely includes; a
// direction ("serves", "client of", "answers") rests on the flow's orientation, which
// the handshake, a server port on one side only or the protocol's own request and
// response structure decided (internal/decode, observe.Protocol.Role); cyclic I/O rests
// on the cyclic frames a protocol reports (observe.RoleHintCyclicIO) or on EtherNet/IP's
// implicit I/O port; a device's words about itself are written as its claim, with the
// protocol and the packet.
func inferRole(a *asset) inventory.Role {
	s := roleScores{}
	keys := slices.SortedFunc(func(yield func(protoKey) bool) {
		for k := range a.protos {
			if !yield(k) {
				return
			}
		}
	}, func(x, y protoKey) int {
		return cmp.Or(strings.Compare(x.app.String(), y.app.String()), cmp.Compare(boolInt(x.server), boolInt(y.server)),
			strings.Compare(x.transport, y.transport), cmp.Compare(x.port, y.port))
	})
	// A device that is a client only of itself (a test bench running client and server
	// on one host, a capture of loopback) shows nothing of its role towards others by
	// it: its requests and the client roles it claims in them are set aside.
	selfClient, otherClient := false, false
	for k, u := range a.protos {
		if !k.server && protocols.Industrial(k.app.String()) {
			if len(u.peers) == 0 && u.self {
				selfClient = true
			} else {
				otherClient = true
			}
		}
	}
	selfOnly := selfClient && !otherClient
	var ot, other bool
	for _, k := range keys {
		u := a.protos[k]
		name := k.app.String()
		peers := len(u.peers)
		if selfOnly && !k.server && protocols.Industrial(name) {
			ot = true
			continue
		}
		if !protocols.Industrial(name) {
			if name != "stp" {
				other = true
			}
			if k.server {
				if what, ok := historianPorts[k.port]; ok {
					s.add(inventory.RoleHistorian, 5, "serves %s/%d (the port of %s)%s", k.transport, k.port, what, toPeers(peers, "peer"))
				}
				if what, ok := databasePorts[k.port]; ok {
					s.add(inventory.RoleHistorian, 1, "serves %s/%d (the port of %s)", k.transport, k.port, what)
				}
			}
			continue
		}
		ot = true
		reads, writes := u.ops[protocols.OpRead], u.ops[protocols.OpWrite]
		programs, controls := u.ops[protocols.OpProgram], u.ops[protocols.OpControl]
		// EtherNet/IP's implicit (cyclic) I/O has a port of its own; PROFINET's cyclic
		// frames are reported by the handler (RoleHintCyclicIO below): DCP and the context
		// manager on the same EtherType and port are no I/O.
		cyclic := name == "enip" && k.transport == "udp" && k.port == 2222
		if cyclic {
			// Both ends of cyclic I/O are controllers or I/O devices (the scanner opened
			// the connection over explicit messaging; UDP alone does not say which).
			s.add(inventory.RoleController, 2, "exchanges EtherNet/IP implicit I/O on udp/2222")
		}
		if name == "profinet" && a.hints[observe.RoleHintIOController] {
			// An IO controller connects to its devices and reads and writes their records
			// through the context manager to set them up: that is how a controller
			// works, not an operator's writes or an engineer's changes.
			reads, writes, programs, controls = 0, 0, 0, 0
		}
		if k.server && !protocols.ServerMayCommand(name) {
			// The server of these protocols is the controlled device: what it sends
			// answers a request (an IEC 104 outstation sending the file it was asked for).
			reads, writes, programs, controls = 0, 0, 0, 0
		}
		if k.server && k.transport != "ethernet" && !cyclic {
			switch name {
			case "opcua":
				s.add(inventory.RoleController, 1, "serves OPC UA on %s/%d", k.transport, k.port)
			case "bacnet":
				// Both ends use port 47808: the requests' direction (observe.Protocol.Role)
				// makes this end the server, not any answer of it.
				s.add(inventory.RoleController, 2, "receives BACnet/IP requests")
			default:
				s.add(inventory.RoleController, 3, "serves %s on %s/%d%s", name, k.transport, k.port, toPeers(peers, "client"))
			}
		}
		if !k.server && !cyclic && k.transport != "ethernet" && reads+writes+programs+controls == 0 {
			s.add(inventory.RoleHMISCADA, 1, "client of %s on %s/%d%s", name, k.transport, k.port, toPeers(peers, "server"))
		}
		// Operations sent, as client or server (DNP3 masters may be either).
		if programs > 0 {
			s.add(inventory.RoleEngineering, 5, "sent %s over %s (transfers or removals of logic or firmware)", plural(int(programs), "program operation"), name)
		}
		if controls > 0 {
			s.add(inventory.RoleEngineering, 2, "sent %s over %s (changes of a device's own state or settings)", plural(int(controls), "control operation"), name)
		}
		if writes > 0 {
			s.add(inventory.RoleHMISCADA, 3, "sent %s over %s%s", plural(int(writes), "write"), name, toPeers(peers, "peer"))
		}
		if reads > 0 && !k.server {
			s.add(inventory.RoleHMISCADA, 2, "polled over %s%s (%s)", name, toPeers(peers, "peer"), plural(int(reads), "read"))
			if writes == 0 && programs == 0 && controls == 0 {
				s.add(inventory.RoleHistorian, 1, "only reads over %s", name)
			}
		}
	}
	for _, h := range slices.Sorted(func(yield func(string) bool) {
		for h := range a.hints {
			if !yield(h) {
				return
			}
		}
	}) {
		if selfOnly && clientHints[h] {
			continue
		}
		switch h {
		case observe.RoleHintProgrammingDevice:
			s.add(inventory.RoleEngineering, 5, "opened S7 programming-device (PG) sessions")
		case observe.RoleHintIOSupervisor:
			s.add(inventory.RoleEngineering, 4, "announces itself as a PROFINET IO supervisor")
		case observe.RoleHintOperatorPanel:
			s.add(inventory.RoleHMISCADA, 3, "opened S7 operator-panel (OP) sessions")
		case observe.RoleHintDNP3Master:
			s.add(inventory.RoleHMISCADA, 4, "is a DNP3 master")
		case observe.RoleHintDNP3Outstation:
			s.add(inventory.RoleController, 4, "is a DNP3 outstation")
		case observe.RoleHintIOController:
			s.add(inventory.RoleController, 3, "is a PROFINET IO controller")
		case observe.RoleHintIODevice:
			s.add(inventory.RoleController, 3, "is a PROFINET IO device")
		case observe.RoleHintCyclicIO:
			s.add(inventory.RoleController, 2, "sends cyclic real-time I/O frames")
		case observe.RoleHintGOOSEPublisher:
			s.add(inventory.RoleController, 4, "publishes IEC 61850 GOOSE (an IED)")
		case observe.RoleHintBridge:
			s.add(inventory.RoleNetworkDevice, 4, "sends spanning tree BPDUs (a bridge)")
		}
	}
	identified := map[string]bool{}
	announced := map[string]bool{}
	for _, f := range a.facts[""] {
		if f.Field == "capabilities" && !announced[f.Protocol] {
			if caps := networkCapabilities(f.Value); caps != "" {
				announced[f.Protocol] = true
				s.add(inventory.RoleNetworkDevice, 4, "announces %s capability over %s (packet %d of %s)", caps, f.Protocol, f.Packet, f.File)
			}
		}
		switch {
		case f.Field == "device_type" && strings.Contains(f.Value, "Programmable Logic Controller"):
			s.add(inventory.RoleController, 3, "states its device type %s over %s (packet %d of %s)", f.Value, f.Protocol, f.Packet, f.File)
		case f.Field == "device_type" && f.Protocol == "enip":
			s.add(inventory.RoleController, 2, "states its CIP device type %s (packet %d of %s)", f.Value, f.Packet, f.File)
		case f.Field == "device_type" && (f.Protocol == "lldp" || f.Protocol == "cdp"):
			// The product its system description names (a SCALANCE X, a Hirschmann switch).
			s.add(inventory.RoleNetworkDevice, 4, "its %s announcement describes it as an %s (packet %d of %s)", f.Protocol, f.Value, f.Packet, f.File)
		}
		if protocols.RevealsIdentity(f.Protocol) && f.Confidence == "high" && f.Field != "device_role" && f.Field != "station_address" &&
			!identified[f.Protocol] {
			identified[f.Protocol] = true
			s.add(inventory.RoleController, 2, "described itself over %s (packet %d of %s)", f.Protocol, f.Packet, f.File)
		}
	}
	if a.gateway {
		switch a.gatewayWhy {
		case "ttl":
			s.add(inventory.RoleNetworkDevice, 6, "forwards traffic of %s (their TTLs show they crossed a router)", plural(len(a.routed), "address"))
		case "sources":
			s.add(inventory.RoleNetworkDevice, 6, "sends packets from %s (more than one device holds)", plural(len(a.routed), "address"))
		default:
			s.add(inventory.RoleNetworkDevice, 6, "receives packets for %s (the next hop towards them)", plural(len(a.routed), "address"))
		}
	}
	// A device that speaks no industrial protocol and shows no plant role, but serves
	// remote logins, is an IT host: a server or a workstation.
	if !ot && s[inventory.RoleController] == nil && s[inventory.RoleEngineering] == nil && s[inventory.RoleHMISCADA] == nil && s[inventory.RoleHistorian] == nil {
		for _, k := range keys {
			switch {
			case !k.server || k.transport != "tcp":
			case k.app.String() == "ssh":
				s.add(inventory.RoleITHost, 2, "serves SSH on tcp/%d%s", k.port, toPeers(len(a.protos[k].peers), "client"))
			case k.port == 3389:
				s.add(inventory.RoleITHost, 3, "serves tcp/3389 (the port of remote desktop, RDP)%s", toPeers(len(a.protos[k].peers), "client"))
			}
		}
	}
	if !ot && other && (len(s) == 0 || len(s) == 1 && s[inventory.RoleITHost] != nil) {
		s.add(inventory.RoleITHost, 1, "no industrial protocol seen")
	}
	best := ""
	for _, role := range roleOrder {
		if r := s[role]; r != nil && (best == "" || r.score > s[best].score) {
			best = role
		}
	}
	if best == "" {
		return inventory.Role{Name: inventory.RoleUnknown, Confidence: "none", Evidence: []string{}}
	}
	r := s[best]
	conf := "low"
	switch {
	case r.score >= 6:
		conf = "high"
	case r.score >= 3:
		conf = "medium"
	}
	return inventory.Role{Name: best, Confidence: conf, Evidence: r.evidence}
}

// networkCapabilities returns the capabilities of a network device among those an LLDP
// or CDP announcement lists ("bridge,router"), comma-separated; "" when there are none
// (an end station, a phone).
func networkCapabilities(v string) string {
	var out []string
	for _, c := range strings.Split(v, ",") {
		switch c {
		case "bridge", "router", "wlan_ap", "repeater", "docsis", "c_vlan", "s_vlan", "tpmr", // LLDP
			"switch", "transparent_bridge", "source_route_bridge", "two_port_mac_relay": // CDP
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return strings.Join(out, ", ")
}

// toPeers says " to N peers" (nothing when the only peer is the asset itself).
func toPeers(n int, what string) string {
	if n == 0 {
		return ""
	}
	return " to " + plural(n, what)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// purdueOf guesses the Purdue level from the role.
func purdueOf(role inventory.Role) inventory.Purdue {
	level := -1
	var why string
	switch role.Name {
	case inventory.RoleController:
		level, why = 1, "controllers, RTUs, IEDs and I/O devices sit at level 1 (basic control)"
	case inventory.RoleHMISCADA:
		level, why = 2, "HMIs and SCADA servers sit at level 2 (supervisory control)"
	case inventory.RoleEngineering:
		level, why = 2, "engineering workstations sit at level 2 (supervisory control) beside the HMIs"
	case inventory.RoleHistorian:
		level, why = 3, "historians sit at level 3 (site operations)"
	case inventory.RoleITHost:
		level, why = 4, "a host without industrial protocols is taken for level 4 (business network) unless it serves site operations (level 3)"
	}
	if level < 0 {
		return inventory.Purdue{Confidence: "none", Evidence: []string{"no level guessed for role " + role.Name}}
	}
	conf := "low"
	if role.Confidence == "high" {
		conf = "medium"
	}
	return inventory.Purdue{Level: &level, Confidence: conf, Evidence: []string{"role " + role.Name + ": " + why}}
}
