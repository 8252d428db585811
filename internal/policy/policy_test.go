package policy_test

import (
	"net/netip"
	"testing"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/policy"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// cellPlant is the plant of the issue that started this package: a process cell with a
// safety subzone, a conduit that lets the SCADA server read and write the cell's PLCs
// over Modbus and the engineering station program them, and an office zone with no
// conduit to the cell.
const cellPlant = `version: 1
system: {name: cell}
zones:
  - {id: z-office, purdue: 4, networks: [10.1.0.0/24], vlans: [10]}
  - {id: z-control, purdue: 2, networks: [10.20.2.0/24], vlans: [20]}
  - {id: z-cell, purdue: 1, networks: [10.20.11.0/24], vlans: [111]}
  - {id: z-cell-safety, parent: z-cell, purdue: 1, networks: [10.20.11.128/25], vlans: [112], safety: true}
assets:
  - {id: scada, zone: z-control, kind: scada-server, ips: [10.20.2.10]}
  - {id: ews, zone: z-control, kind: ews, ips: [10.20.2.30], macs: ["00:0c:29:00:00:30"]}
  - {id: hist, zone: z-control, kind: historian, ips: [10.20.2.40]}
  - {id: cell-plc, zone: z-cell, kind: plc, ips: [10.20.11.10]}
  - {id: sis-plc, zone: z-cell-safety, kind: safety-controller, ips: [10.20.11.200]}
  - {id: io, zone: z-cell, kind: sensor, macs: ["00:1b:1b:00:00:01"]}
  - {id: office-pc, zone: z-office, kind: workstation, ips: [10.1.0.21]}
conduits:
  - id: c-control-cell
    zones: [z-control, z-cell]
    boundary: firewall
    allow:
      - {from: scada, to: z-cell, protocol: modbus, operations: [read, write]}
      - {from: ews, to: z-cell, protocol: s7comm, operations: [read, program, control]}
      - {from: z-control, to: z-cell, protocol: modbus, operations: [diagnostics]}
      - {from: hist, to: cell-plc, protocol: opcua}
`

func compile(t *testing.T) *policy.Policy {
	t.Helper()
	m, err := model.Parse("cell.yaml", []byte(cellPlant), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return policy.Compile(m)
}

func TestLocate(t *testing.T) {
	p := compile(t)
	mac := func(s string) [6]byte {
		var b [6]byte
		for i := range b {
			var v byte
			for _, c := range s[i*3 : i*3+2] {
				v = v<<4 | byte(hexVal(c))
			}
			b[i] = v
		}
		return b
	}
	for _, tc := range []struct {
		name        string
		ip          string
		mac         string
		vlan        int
		asset, zone string
		by          string
	}{
		{"declared asset", "10.20.11.10", "", 0, "cell-plc", "z-cell", "network 10.20.11.0/24"},
		{"subzone network wins over its parent's", "10.20.11.200", "", 0, "sis-plc", "z-cell-safety", "network 10.20.11.128/25"},
		{"undeclared address in a subzone", "10.20.11.201", "", 0, "", "z-cell-safety", "network 10.20.11.128/25"},
		{"outside every network", "192.0.2.7", "", 0, "", "", ""},
		{"a routed packet's MAC does not name the device", "10.20.2.10", "00:0c:29:00:00:30", 0, "scada", "z-control", "network 10.20.2.0/24"},
		{"below IP the MAC names it", "", "00:1b:1b:00:00:01", 0, "io", "z-cell", "model"},
		{"below IP, unknown MAC, VLAN", "", "00:1b:1b:00:00:99", 112, "", "z-cell-safety", "vlan 112"},
	} {
		var ip netip.Addr
		if tc.ip != "" {
			ip = netip.MustParseAddr(tc.ip)
		}
		var m [6]byte
		if tc.mac != "" {
			m = mac(tc.mac)
		}
		pl := p.Locate(ip, m, tc.mac != "", tc.vlan, tc.vlan != 0)
		asset := ""
		if a := p.Asset(pl.Asset); a != nil {
			asset = a.ID
		}
		if asset != tc.asset || p.ZoneID(pl.Zone) != tc.zone || pl.By != tc.by {
			t.Errorf("%s: asset %q zone %q by %q, want %q %q %q", tc.name, asset, p.ZoneID(pl.Zone), pl.By, tc.asset, tc.zone, tc.by)
		}
	}
	if !p.Within(mustZone(t, p, "z-cell-safety"), mustZone(t, p, "z-cell")) || p.Within(mustZone(t, p, "z-cell"), mustZone(t, p, "z-cell-safety")) {
		t.Error("a subzone lies within its parent, not the other way round")
	}
	for _, tc := range []struct {
		ip   string
		want bool
	}{{"10.0.0.1", true}, {"0.0.0.0", false}, {"255.255.255.255", false}, {"224.0.0.251", false}, {"169.254.3.4", false},
		{"fe80::1", false}, {"2001:db8::1", true}, {"::ffff:10.0.0.1", true}} {
		if got := policy.Placeable(netip.MustParseAddr(tc.ip)); got != tc.want {
			t.Errorf("Placeable(%s) = %v", tc.ip, got)
		}
	}
	if !p.Broadcast(netip.MustParseAddr("10.20.11.255")) || p.Broadcast(netip.MustParseAddr("10.20.11.254")) {
		t.Error("the directed broadcast of a zone's network is a broadcast; the address below it is not")
	}
}

func hexVal(c rune) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

func mustZone(t *testing.T, p *policy.Policy, id string) int {
	t.Helper()
	z, ok := p.ZoneIndex(id)
	if !ok {
		t.Fatalf("no zone %s", id)
	}
	return z
}

func ops(cs ...protocols.OpClass) protocols.OpSet {
	var s protocols.OpSet
	for _, c := range cs {
		s = s.Add(c)
	}
	return s
}

// TestCheck judges flows of every kind, each the way verify reports them and detect
// ranks them.
func TestCheck(t *testing.T) {
	p := compile(t)
	at := func(ip string) policy.Place { return p.Locate(netip.MustParseAddr(ip), [6]byte{}, false, 0, false) }
	const (
		scada, ews, hist, office = "10.20.2.10", "10.20.2.30", "10.20.2.40", "10.1.0.21"
		plc, sis, rogue          = "10.20.11.10", "10.20.11.200", "10.20.11.77"
	)
	for _, tc := range []struct {
		name             string
		client, server   string
		names            []string
		transport        string
		port             int
		cSent, sSent     protocols.OpSet
		verdict          policy.Verdict
		violation        string
		conduit          string
		rule             int
		severity         finding.Severity
		intra, noKindErr bool
	}{
		{name: "SCADA reads and writes a PLC of the safety subzone through the parent's conduit",
			client: scada, server: sis, names: []string{"modbus"}, transport: "tcp", port: 502, cSent: ops(protocols.OpRead, protocols.OpWrite),
			verdict: policy.Allowed, conduit: "c-control-cell", rule: 0, severity: finding.Info},
		{name: "one rule the reads, another the diagnostics",
			client: scada, server: plc, names: []string{"modbus"}, transport: "tcp", port: 502, cSent: ops(protocols.OpRead, protocols.OpDiagnostics),
			verdict: policy.Allowed, conduit: "c-control-cell", rule: 0, severity: finding.Info},
		{name: "a historian's Modbus write: no rule of its ends allows the class",
			client: hist, server: plc, names: []string{"modbus"}, transport: "tcp", port: 502, cSent: ops(protocols.OpWrite),
			verdict: policy.Forbidden, violation: policy.OperationNot, conduit: "c-control-cell", rule: 2, severity: finding.High},
		{name: "the office reaches the cell: no conduit",
			client: office, server: plc, names: []string{"modbus"}, transport: "tcp", port: 502, cSent: ops(protocols.OpRead),
			verdict: policy.Forbidden, violation: policy.NoConduit, rule: -1, severity: finding.High},
		{name: "the office writes to the safety subzone: no conduit, critical",
			client: office, server: sis, names: []string{"modbus"}, transport: "tcp", port: 502, cSent: ops(protocols.OpWrite),
			verdict: policy.Forbidden, violation: policy.NoConduit, rule: -1, severity: finding.Critical},
		{name: "Modbus on another port",
			client: scada, server: plc, names: []string{"modbus"}, transport: "tcp", port: 5020, cSent: ops(protocols.OpRead),
			verdict: policy.Forbidden, violation: policy.PortNot, conduit: "c-control-cell", rule: 0, severity: finding.High},
		{name: "a protocol the conduit does not carry between those ends",
			client: scada, server: plc, names: []string{"dnp3"}, transport: "tcp", port: 20000, cSent: ops(protocols.OpRead),
			verdict: policy.Forbidden, violation: policy.ProtocolNot, conduit: "c-control-cell", rule: 0, severity: finding.High},
		{name: "the PLC opens Modbus to the SCADA server: one-way rule the wrong way",
			client: plc, server: scada, names: []string{"modbus"}, transport: "tcp", port: 502, cSent: ops(protocols.OpRead),
			verdict: policy.Forbidden, violation: policy.DirectionNot, conduit: "c-control-cell", rule: 0, severity: finding.High},
		{name: "the engineering station stops a PLC: allowed, and its kind may",
			client: ews, server: plc, names: []string{"s7comm"}, transport: "tcp", port: 102, cSent: ops(protocols.OpControl),
			verdict: policy.Allowed, conduit: "c-control-cell", rule: 1, severity: finding.Info},
		{name: "the SCADA server downloads a program over S7: only the engineering station has an S7 rule",
			client: scada, server: plc, names: []string{"s7comm"}, transport: "tcp", port: 102, cSent: ops(protocols.OpProgram),
			verdict: policy.Forbidden, violation: policy.ProtocolNot, conduit: "c-control-cell", rule: 0, severity: finding.Critical},
		{name: "unrecognised traffic on OPC UA's port is taken for OPC UA",
			client: hist, server: plc, transport: "tcp", port: 4840,
			verdict: policy.Allowed, conduit: "c-control-cell", rule: 3, severity: finding.Info},
		{name: "within the cell: a device the model does not know writes to the PLC",
			client: rogue, server: plc, names: []string{"modbus"}, transport: "tcp", port: 502, cSent: ops(protocols.OpWrite),
			verdict: policy.Forbidden, violation: policy.OperationKind, rule: -1, severity: finding.High, intra: true},
		{name: "within the cell: reads are anyone's business",
			client: rogue, server: plc, names: []string{"modbus"}, transport: "tcp", port: 502, cSent: ops(protocols.OpRead),
			verdict: policy.Allowed, rule: -1, severity: finding.Info, intra: true},
		{name: "over IP the client answers for what the server sent in its session",
			client: rogue, server: plc, names: []string{"s7comm"}, transport: "tcp", port: 102, sSent: ops(protocols.OpProgram),
			verdict: policy.Forbidden, violation: policy.OperationKind, rule: -1, severity: finding.Critical, intra: true},
		{name: "an end outside every zone",
			client: "192.0.2.1", server: plc, names: []string{"modbus"}, transport: "tcp", port: 502, cSent: ops(protocols.OpWrite),
			verdict: policy.Unplaced, rule: -1, severity: finding.Info},
	} {
		f := policy.Flow{Client: at(tc.client), Server: at(tc.server), Names: tc.names, Transport: tc.transport, ServerPort: tc.port,
			ClientSent: tc.cSent, ServerSent: tc.sSent}
		d := p.Check(&f)
		rule := -1
		if d.Rule != nil {
			rule = d.Rule.Index
		}
		if d.Verdict != tc.verdict || d.Violation != tc.violation || p.ConduitID(&d) != tc.conduit || rule != tc.rule || d.IntraZone != tc.intra {
			t.Errorf("%s:\n got %s %q conduit %q rule %d intra %v\nwant %s %q conduit %q rule %d intra %v", tc.name,
				d.Verdict, d.Violation, p.ConduitID(&d), rule, d.IntraZone, tc.verdict, tc.violation, tc.conduit, tc.rule, tc.intra)
		}
		if s := p.Severity(&d, &f); s != tc.severity {
			t.Errorf("%s: severity %s, want %s", tc.name, s, tc.severity)
		}
	}
}

// TestKindsNamedByRule: a rule that names an asset lets it do what its kind alone may
// not (an HMI that the model lets write by name).
func TestKindsNamedByRule(t *testing.T) {
	m, err := model.Parse("p.yaml", []byte(`version: 1
system: {name: x}
zones:
  - {id: a, purdue: 2, networks: [10.0.1.0/24]}
  - {id: b, purdue: 1, networks: [10.0.2.0/24]}
assets:
  - {id: pc, zone: a, kind: workstation, ips: [10.0.1.5]}
  - {id: pc2, zone: a, kind: workstation, ips: [10.0.1.6]}
  - {id: plc, zone: b, kind: plc, ips: [10.0.2.5]}
conduits:
  - {id: c, zones: [a, b], boundary: firewall, allow: [{from: pc, to: plc, protocol: modbus}, {from: a, to: b, protocol: modbus}]}
`), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := policy.Compile(m)
	at := func(ip string) policy.Place { return p.Locate(netip.MustParseAddr(ip), [6]byte{}, false, 0, false) }
	f := policy.Flow{Client: at("10.0.1.5"), Server: at("10.0.2.5"), Names: []string{"modbus"}, Transport: "tcp", ServerPort: 502, ClientSent: ops(protocols.OpWrite)}
	if d := p.Check(&f); d.Verdict != policy.Allowed {
		t.Errorf("a workstation the rule names: %s %s", d.Verdict, d.Violation)
	}
	f.Client = at("10.0.1.6")
	d := p.Check(&f)
	if d.Verdict != policy.Forbidden || d.Violation != policy.OperationKind || len(d.Kind) != 1 || p.Asset(d.Kind[0].Sender).ID != "pc2" {
		t.Errorf("a workstation the zone rule lets through: %+v", d)
	}
}

func TestTakes(t *testing.T) {
	modbus, _ := model.LookupProtocol("modbus")
	anyP, _ := model.LookupProtocol("any")
	https, _ := model.LookupProtocol("https")
	for _, tc := range []struct {
		name            string
		proto           model.Protocol
		ports           []int
		names           []string
		transport       string
		port            int
		protoOK, portOK bool
	}{
		{"modbus on its port", modbus, nil, []string{"modbus"}, "tcp", 502, true, true},
		{"modbus on a listed port", modbus, []int{5020}, []string{"modbus"}, "tcp", 5020, true, true},
		{"modbus off its port", modbus, nil, []string{"modbus"}, "tcp", 5020, true, false},
		{"modbus over udp", modbus, nil, []string{"modbus"}, "udp", 502, true, false},
		{"another protocol on modbus's port", modbus, nil, []string{"dnp3"}, "tcp", 502, false, true},
		{"unrecognised on the rule's port", https, nil, nil, "tcp", 443, true, true},
		{"unrecognised elsewhere", https, nil, nil, "tcp", 8443, false, false},
		{"any", anyP, nil, []string{"dnp3"}, "udp", 20000, true, true},
		{"any with ports", anyP, []int{22}, nil, "tcp", 23, true, false},
	} {
		p, q := policy.Takes(tc.proto, tc.ports, tc.names, tc.transport, tc.port)
		if p != tc.protoOK || q != tc.portOK {
			t.Errorf("%s: protocol %v port %v, want %v %v", tc.name, p, q, tc.protoOK, tc.portOK)
		}
	}
}
