package verify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/policy"
)

// plantYAML is a small plant with every case verification tells apart: conduit rules
// naming assets and zones, a both-ways rule, explicit ports, operation classes, a safety
// subzone inside a cell, an external zone, and countermeasures that claim deny by
// default and the inventory.
const plantYAML = `version: 1
system: {name: test plant}
zones:
  - {id: z-ent, purdue: 4, networks: [10.1.0.0/16], vlans: [100]}
  - {id: z-ops, purdue: 3, networks: [10.3.0.0/24], vlans: [30]}
  - {id: z-ctl, purdue: 2, networks: [10.2.0.0/24], vlans: [20], sl_target: {level: {FR3: 3, FR4: 2}, rationale: t}}
  - {id: z-cell, purdue: 1, networks: [10.11.0.0/24], vlans: [111]}
  - {id: z-cell-safe, purdue: 1, parent: z-cell, networks: [10.11.0.128/25], safety: true}
  - {id: z-remote, purdue: 3, external: true, networks: [198.51.100.0/24], sl_target: {level: {FR4: 2}, rationale: t}}
conduits:
  - id: c-ctl-cell
    zones: [z-ctl, z-cell]
    boundary: firewall
    allow:
      - {from: hmi, to: plc, protocol: modbus, operations: [read]}
      - {from: z-ctl, to: z-cell, protocol: https}
      - {from: ews, to: plc, protocol: modbus, operations: [read, write, program]}
      - {from: z-ctl, to: z-cell, protocol: modbus, operations: [read, write]}
      - {from: z-ctl, to: sis, protocol: enip, operations: [read, program]}
  - id: c-ops-ctl
    zones: [z-ops, z-ctl]
    boundary: firewall
    allow:
      - {from: hist, to: z-ctl, protocol: opcua, direction: both}
      - {from: z-ctl, to: dc, protocol: ldap}
      - {from: hist, to: plc2, protocol: modbus, ports: [5020]}
  - id: c-remote-ops
    zones: [z-remote, z-ops]
    boundary: vpn
    allow:
      - {from: z-remote, to: hist, protocol: modbus}
assets:
  - {id: hmi, zone: z-ctl, kind: hmi, ips: [10.2.0.10]}
  - {id: ews, zone: z-ctl, kind: ews, ips: [10.2.0.30]}
  - {id: ws, zone: z-ctl, kind: workstation, ips: [10.2.0.40]}
  - {id: plc2, zone: z-ctl, kind: plc, ips: [10.2.0.50]}
  - {id: laptop, zone: z-ctl, kind: engineering-laptop, macs: ["3c:52:82:00:00:01"]}
  - {id: plc, zone: z-cell, kind: plc, ips: [10.11.0.10], macs: ["00:80:f4:00:00:10"], vendor: Schneider Electric, model: BMX P34 2020, firmware: "3.20", serial: "0x00ab"}
  - {id: radio, zone: z-cell, kind: wireless-ap, vendor: Moxa, ips: [10.11.0.2]}
  - {id: sis, zone: z-cell-safe, kind: safety-controller, ips: [10.11.0.200]}
  - {id: hist, zone: z-ops, kind: historian, ips: [10.3.0.10]}
  - {id: dc, zone: z-ops, kind: domain-controller, ips: [10.3.0.5]}
  - {id: quiet, zone: z-ops, kind: server, ips: [10.3.0.99]}
countermeasures:
  - {id: cm-fw, satisfies: [SR 5.2, SR 5.2 RE 1], scope: [c-ctl-cell], status: implemented, evidence: [x]}
  - {id: cm-fw-planned, satisfies: [SR 5.2 RE 1], scope: [c-ops-ctl], status: planned}
  - {id: cm-inv, satisfies: [SR 7.8], scope: ["*"], status: implemented, evidence: [x]}
  - {id: cm-zone-deny, satisfies: [SR 5.2 RE 1], scope: [z-ent], status: implemented, evidence: [x]}
  - {id: cm-tunnel, satisfies: [SR 4.1 RE 1], scope: [c-remote-ops], status: implemented, evidence: [x]}
`

func loadPlant(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.Parse("plant.yaml", []byte(plantYAML), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// dev is an observed device: an address (or none), a MAC, its VLAN.
type dev struct {
	ip, mac string
	vlan    int
	ident   map[string]string
	vendor  string
}

// observed are the devices of the test captures; the keys name them in flows.
var observed = map[string]dev{
	"hmi":     {ip: "10.2.0.10", mac: "18:66:da:00:00:10", vlan: 20},
	"ews":     {ip: "10.2.0.30", mac: "18:66:da:00:00:30", vlan: 20},
	"ws":      {ip: "10.2.0.40", mac: "18:66:da:00:00:40", vlan: 20},
	"plc2":    {ip: "10.2.0.50", mac: "00:80:f4:00:00:50", vlan: 20},
	"plc":     {ip: "10.11.0.10", mac: "00:80:f4:00:00:10", vlan: 111, ident: map[string]string{"vendor": "Schneider Electric", "product_name": "BMX P34 2020", "firmware_version": "3.20", "serial_number": "000000AB"}},
	"sis":     {ip: "10.11.0.200", mac: "00:00:bc:00:00:c8", vlan: 111},
	"hist":    {ip: "10.3.0.10", mac: "00:50:56:00:00:10", vlan: 30},
	"dc":      {ip: "10.3.0.5", mac: "00:50:56:00:00:05", vlan: 30},
	"intrude": {ip: "10.11.0.77", mac: "b8:27:eb:00:00:77", vlan: 111, vendor: "Raspberry Pi Foundation"},
	"office":  {ip: "10.1.0.5", mac: "18:66:da:00:01:05", vlan: 100},
	"remote":  {ip: "198.51.100.7", mac: "00:00:5e:00:01:01"},
	"stray":   {ip: "192.168.5.5", mac: "00:11:22:33:44:55", vlan: 999},
	"radio":   {mac: "00:90:e8:00:00:02", vlan: 111, vendor: "MOXA TECHNOLOGIES CORP., LTD."},
	"laptop":  {ip: "10.11.0.50", mac: "3c:52:82:00:00:01", vlan: 111},
}

func assetID(name string) string { return "mac-" + observed[name].mac }

// fl is a conversation between two observed devices: "modbus tcp 502 read,write".
type fl struct {
	client, server string
	proto, transp  string
	port           int
	ops            string // classes the client sent, comma-separated
	serverOps      string
}

func (f fl) flow(i int) inventory.Flow {
	c, s := observed[f.client], observed[f.server]
	out := inventory.Flow{Protocol: f.proto, Transport: f.transp, ServerPort: f.port,
		Client:   inventory.FlowEnd{Asset: assetID(f.client), IP: c.ip, MAC: c.mac},
		Server:   inventory.FlowEnd{Asset: assetID(f.server), IP: s.ip, MAC: s.mac},
		ToServer: inventory.Traffic{Packets: 10}, ToClient: inventory.Traffic{Packets: 8},
		FirstSeen: t0.Add(time.Duration(i) * time.Second), LastSeen: t0.Add(time.Duration(i)*time.Second + 500*time.Millisecond),
		File: "test.pcapng", Packet: uint64(100 * (i + 1)), Operations: []inventory.Operation{}}
	if f.transp == "ethernet" {
		out.Client.IP, out.Server.IP = "", ""
	}
	for _, c := range strings.Split(f.ops, ",") {
		if c != "" {
			out.Operations = append(out.Operations, inventory.Operation{Name: "op_" + c, Class: c, FromClient: 1})
		}
	}
	for _, c := range strings.Split(f.serverOps, ",") {
		if c != "" {
			out.Operations = append(out.Operations, inventory.Operation{Name: "op_" + c, Class: c, FromServer: 1})
		}
	}
	return out
}

// capture builds the inventory discovery would make of the devices named and the flows.
func capture(devices []string, flows ...fl) *inventory.Inventory {
	first, last := t0, t0.Add(time.Minute)
	inv := &inventory.Inventory{SchemaVersion: inventory.SchemaVersion, Generator: "zonewarden",
		Sources: []inventory.Source{{File: "test.pcapng", Packets: 1000, FirstSeen: &first, LastSeen: &last, Complete: true}}}
	for _, name := range devices {
		d := observed[name]
		a := inventory.Asset{ID: assetID(name), Name: name, MAC: d.mac, MACVendor: d.vendor, Identity: map[string]string{},
			FirstSeen: t0, LastSeen: last, Sent: inventory.Traffic{Packets: 5}}
		if d.ip != "" {
			a.IPs = []inventory.IP{{Address: d.ip, FirstSeen: t0, LastSeen: last, Seen: []string{"ip_source"}}}
		}
		if d.vlan != 0 {
			a.VLANs = []int{d.vlan}
		}
		for k, v := range d.ident {
			a.Identity[k] = v
			a.Facts = append(a.Facts, inventory.Fact{Field: k, Value: v, Protocol: "modbus", Confidence: "high", File: "test.pcapng", Packet: 42, FirstSeen: t0, Count: 1})
		}
		inv.Assets = append(inv.Assets, a)
	}
	for i, f := range flows {
		inv.Flows = append(inv.Flows, f.flow(i))
	}
	return inv
}

var everyone = []string{"hmi", "ews", "ws", "plc2", "plc", "sis", "hist", "dc", "intrude", "office", "remote", "stray", "radio", "laptop"}

func TestConversations(t *testing.T) {
	m := loadPlant(t)
	cases := []struct {
		name       string
		flow       fl
		verdict    string
		conduit    string
		allow      int // -1: none
		violations []string
		as         string
		skips      bool
	}{
		{"rule naming both assets", fl{"hmi", "plc", "modbus", "tcp", 502, "read", ""}, "allowed", "c-ctl-cell", 0, nil, "modbus", false},
		{"write over a read-only rule falls to the zone rule", fl{"hmi", "plc", "modbus", "tcp", 502, "read,write", ""}, "allowed", "c-ctl-cell", 3, nil, "modbus", false},
		{"program only where the asset is named", fl{"ews", "plc", "modbus", "tcp", 502, "read,program", ""}, "allowed", "c-ctl-cell", 2, nil, "modbus", false},
		{"program from an HMI", fl{"hmi", "plc", "modbus", "tcp", 502, "program", ""}, "violation", "c-ctl-cell", 0, []string{vOperation}, "modbus", false},
		{"zone rule, protocol known by its port", fl{"ws", "plc", "unknown", "tcp", 443, "", ""}, "allowed", "c-ctl-cell", 1, nil, "https", false},
		{"port no rule has", fl{"ws", "plc", "unknown", "tcp", 8080, "", ""}, "violation", "c-ctl-cell", 1, []string{vProtocol}, "", false},
		{"known protocol on another port", fl{"hist", "plc2", "modbus", "tcp", 502, "read", ""}, "violation", "c-ops-ctl", 2, []string{vPort}, "modbus", false},
		{"explicit port", fl{"hist", "plc2", "modbus", "tcp", 5020, "read", ""}, "allowed", "c-ops-ctl", 2, nil, "modbus", false},
		{"wrong way round", fl{"plc", "hmi", "modbus", "tcp", 502, "read", ""}, "violation", "c-ctl-cell", 0, []string{vDirection}, "modbus", false},
		{"both ways, forward", fl{"hist", "hmi", "opcua", "tcp", 4840, "read", ""}, "allowed", "c-ops-ctl", 0, nil, "opcua", false},
		{"both ways, backward", fl{"hmi", "hist", "opcua", "tcp", 4840, "read", ""}, "allowed", "c-ops-ctl", 0, nil, "opcua", false},
		{"ldap by port", fl{"ews", "dc", "unknown", "tcp", 389, "", ""}, "allowed", "c-ops-ctl", 1, nil, "ldap", false},
		{"ldap the wrong way", fl{"dc", "ews", "unknown", "tcp", 389, "", ""}, "violation", "c-ops-ctl", 1, []string{vDirection}, "ldap", false},
		{"nothing listed between these ends", fl{"dc", "hmi", "unknown", "tcp", 3389, "", ""}, "violation", "c-ops-ctl", -1, []string{vNotListed}, "rdp", false},
		{"no conduit, skipping levels", fl{"office", "plc", "modbus", "tcp", 502, "read", ""}, "violation", "", -1, []string{vNoConduit}, "modbus", true},
		{"program over a zone rule from an engineering workstation", fl{"ews", "sis", "enip", "tcp", 44818, "read,program", ""}, "allowed", "c-ctl-cell", 4, nil, "enip", false},
		{"program over a zone rule from an HMI", fl{"hmi", "sis", "enip", "tcp", 44818, "program", ""}, "violation", "c-ctl-cell", 4, []string{vOperationKind}, "enip", false},
		{"a zone rule reaches the subzone", fl{"hmi", "sis", "modbus", "tcp", 502, "read", ""}, "allowed", "c-ctl-cell", 3, nil, "modbus", false},
		{"control into the safety subzone", fl{"hmi", "sis", "modbus", "tcp", 502, "read,control", ""}, "violation", "c-ctl-cell", 3, []string{vOperation}, "modbus", false},
		{"cell to its own subzone needs a conduit", fl{"plc", "sis", "modbus", "tcp", 502, "read", ""}, "violation", "", -1, []string{vNoConduit}, "modbus", false},
		{"external zone", fl{"remote", "hist", "modbus", "tcp", 502, "read", ""}, "allowed", "c-remote-ops", 0, nil, "modbus", false},
		{"writer kind inside a zone", fl{"ews", "hmi", "modbus", "tcp", 502, "write", ""}, "allowed", "", -1, nil, "modbus", false},
		{"workstation writes inside a zone", fl{"ws", "hmi", "modbus", "tcp", 502, "read,write", ""}, "violation", "", -1, []string{vOperationKind}, "modbus", false},
		{"unknown device stops a PLC", fl{"intrude", "plc", "s7comm", "tcp", 102, "control", ""}, "violation", "", -1, []string{vOperationKind}, "s7comm", false},
		{"a pulled download is the client's", fl{"intrude", "plc", "s7comm", "tcp", 102, "", "program"}, "violation", "", -1, []string{vOperationKind}, "s7comm", false},
		{"layer 2: each side answers for itself", fl{"plc", "intrude", "profinet", "ethernet", 0, "", "control"}, "violation", "", -1, []string{vOperationKind}, "profinet", false},
		{"address in no zone", fl{"stray", "hmi", "unknown", "tcp", 22, "", ""}, "unplaced", "", -1, nil, "ssh", false},
		{"COTP only may be MMS", fl{"hmi", "plc", "s7comm", "tcp", 102, "", ""}, "violation", "c-ctl-cell", 0, []string{vProtocol}, "s7comm", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := Verify(m, capture(everyone, tc.flow), Options{})
			if len(res.Conversations) == 0 {
				if tc.verdict == "allowed" && tc.conduit == "" {
					return // an allowed conversation inside a zone is not listed
				}
				t.Fatalf("no conversation listed; summary %+v", res.Summary)
			}
			c := res.Conversations[0]
			allow := -1
			if c.Allow != nil {
				allow = *c.Allow
			}
			if c.Verdict != tc.verdict || c.Conduit != tc.conduit || allow != tc.allow || !slices.Equal(c.Violations, append([]string{}, tc.violations...)) {
				t.Errorf("verdict %s conduit %q allow %d violations %v (%s); want %s %q %d %v", c.Verdict, c.Conduit, allow, c.Violations, c.Detail,
					tc.verdict, tc.conduit, tc.allow, tc.violations)
			}
			if c.As != tc.as {
				t.Errorf("as %q, want %q", c.As, tc.as)
			}
			if c.SkipsPurdue != tc.skips {
				t.Errorf("skips_purdue %v, want %v", c.SkipsPurdue, tc.skips)
			}
			if c.Evidence.File != "test.pcapng" || c.Evidence.Packet != 100 || c.Evidence.Packets != 18 {
				t.Errorf("evidence %+v", c.Evidence)
			}
		})
	}
}

// findingsOf returns the findings with rule, as "subject: message".
func findingsOf(res *Result, rule string) []Finding {
	var out []Finding
	for _, f := range res.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestDevices(t *testing.T) {
	m := loadPlant(t)
	inv := capture(everyone)
	// The PLC reports other firmware; the serial is the model's in another spelling.
	for i := range inv.Assets {
		if inv.Assets[i].ID == assetID("plc") {
			inv.Assets[i].Identity["firmware_version"] = "3.30"
			inv.Assets[i].Facts[0] = inventory.Fact{Field: "firmware_version", Value: "3.30", Protocol: "modbus", File: "test.pcapng", Packet: 42, FirstSeen: t0}
		}
	}
	res := Verify(m, inv, Options{})
	byAsset := map[string]Device{}
	for _, d := range res.Devices {
		byAsset[d.Asset] = d
	}
	cases := []struct {
		name, modelAsset, match, zone string
		issues                        []string
	}{
		{"plc", "plc", "mac", "z-cell", []string{"identity_drift"}},
		{"hmi", "hmi", "ip", "z-ctl", nil},
		{"sis", "sis", "ip", "z-cell-safe", nil},
		{"radio", "radio", "vendor", "z-cell", nil},
		{"laptop", "laptop", "mac", "z-cell", []string{"wrong_zone"}},
		{"intrude", "", "none", "z-cell", []string{"unknown"}},
		{"office", "", "none", "z-ent", []string{"unknown"}},
		{"stray", "", "none", "", []string{"unknown"}},
	}
	for _, tc := range cases {
		d := byAsset[assetID(tc.name)]
		if d.ModelAsset != tc.modelAsset || d.Match != tc.match || d.Zone != tc.zone || !slices.Equal(d.Issues, append([]string{}, tc.issues...)) {
			t.Errorf("%s: model asset %q by %s in %q issues %v; want %q by %s in %q issues %v", tc.name, d.ModelAsset, d.Match, d.Zone, d.Issues,
				tc.modelAsset, tc.match, tc.zone, tc.issues)
		}
	}
	if !slices.Equal(res.NotSeen, []string{"quiet"}) {
		t.Errorf("not seen %v, want [quiet]", res.NotSeen)
	}
	drift := findingsOf(res, "device/identity-drift")
	if len(drift) != 1 || !strings.Contains(drift[0].Message, `firmware "3.20" in the model, "3.30" on the wire`) || strings.Contains(drift[0].Message, "serial") ||
		drift[0].Evidence == nil || drift[0].Evidence.Packet != 42 {
		t.Errorf("identity drift findings: %+v", drift)
	}
	unknown := findingsOf(res, "device/unknown")
	if len(unknown) != 4 {
		t.Fatalf("%d unknown-device findings, want 4: %+v", len(unknown), unknown)
	}
	for _, f := range unknown {
		want := map[string]string{"z-cell": "high", "z-ent": "medium", "z-remote": "medium", assetID("stray"): "high"}[f.Subject]
		if f.Severity.String() != want {
			t.Errorf("unknown device in %s: severity %s, want %s", f.Subject, f.Severity, want)
		}
	}
	if wz := findingsOf(res, "device/wrong-zone"); len(wz) != 1 || !strings.Contains(wz[0].Message, "address 10.11.0.50 in network 10.11.0.0/24 of zone z-cell") {
		t.Errorf("wrong zone findings: %+v", wz)
	}
	if ns := findingsOf(res, "device/not-seen"); len(ns) != 1 || ns[0].Severity.String() != "low" || !strings.Contains(ns[0].Message, "other device(s) of zone z-ops were seen") {
		t.Errorf("not seen findings: %+v", ns)
	}
	if r := findingsOf(res, "traffic/no-zone"); len(r) != 1 || r[0].Subject != "192.168.5.0/24" {
		t.Errorf("no-zone findings: %+v", r)
	}
	if s := res.Summary; s.Devices != 14 || s.InModel != 10 || s.Unknown != 4 || s.WrongZone != 1 || s.IdentityDrift != 1 || s.NotSeen != 1 {
		t.Errorf("summary %+v", s)
	}
}

func TestRefutations(t *testing.T) {
	m := loadPlant(t)
	inv := capture(everyone,
		fl{"ws", "plc", "unknown", "tcp", 8080, "", ""},       // c-ctl-cell does not list it: cm-fw refuted
		fl{"dc", "ews", "unknown", "tcp", 389, "", ""},        // c-ops-ctl: only a planned claim
		fl{"office", "plc", "modbus", "tcp", 502, "read", ""}, // no conduit: z-ent's claim refuted
		fl{"hmi", "plc", "modbus", "tcp", 502, "program", ""}, // an operation: L4 deny by default holds
	)
	res := Verify(m, inv, Options{})
	var got []string
	for _, r := range res.Refuted {
		got = append(got, fmt.Sprintf("%s %s %v", r.Subject, r.Requirement, r.Countermeasures))
	}
	want := []string{"c-ctl-cell SR 5.2 RE 1 [cm-fw]", "z-ent SR 5.2 RE 1 [cm-zone-deny]", "z-cell SR 7.8 [cm-inv]", "z-ent SR 7.8 [cm-inv]", "z-remote SR 7.8 [cm-inv]"}
	if !slices.Equal(got, want) {
		t.Errorf("refuted:\n got %q\nwant %q", got, want)
	}
	if n := len(findingsOf(res, "countermeasure/refuted")); n != len(want) {
		t.Errorf("%d refutation findings, want %d", n, len(want))
	}
	if res.Refuted[0].Evidence.Packet != 100 || !strings.Contains(res.Refuted[0].Reason, "10.2.0.40 -> 10.11.0.10") {
		t.Errorf("refutation evidence %+v, reason %q", res.Refuted[0].Evidence, res.Refuted[0].Reason)
	}
}

func TestTrafficFindings(t *testing.T) {
	m := loadPlant(t)
	var scan []fl
	for _, port := range []int{21, 22, 23, 80} {
		scan = append(scan, fl{"office", "plc", "unknown", "tcp", port, "", ""})
	}
	inv := capture(everyone, append(scan,
		fl{"hmi", "plc", "modbus", "tcp", 502, "read", ""},
		fl{"remote", "hist", "modbus", "tcp", 502, "read", ""},
		fl{"hmi", "sis", "modbus", "tcp", 502, "read,control", ""},
		fl{"intrude", "plc", "s7comm", "tcp", 102, "program", ""},
	)...)
	res := Verify(m, inv, Options{})
	nc := findingsOf(res, "traffic/no-conduit")
	if len(nc) != 1 || nc[0].Evidence.Conversations != 4 || nc[0].Evidence.Packets != 4*18 || nc[0].Evidence.Packet != 100 ||
		!strings.Contains(nc[0].Message, "skips Purdue levels (4 to 1)") {
		t.Errorf("a scan across zones is one no-conduit finding with its four conversations: %+v", nc)
	}
	op := findingsOf(res, "traffic/operation-not-allowed")
	if len(op) != 1 || op[0].Severity.String() != "critical" || op[0].Subject != "c-ctl-cell" {
		t.Errorf("control into the safety zone: %+v", op)
	}
	kind := findingsOf(res, "traffic/operation-not-for-kind")
	if len(kind) != 1 || kind[0].Severity.String() != "critical" || !strings.Contains(kind[0].Message, "a device not in the model, sent program operations") {
		t.Errorf("program download from an unknown device: %+v", kind)
	}
	clear := findingsOf(res, "protection/cleartext")
	var got []string
	for _, f := range clear {
		got = append(got, fmt.Sprintf("%s %s %v", f.Subject, f.Severity, f.Requirements))
	}
	// c-ctl-cell inherits z-ctl's FR3 3; c-remote-ops joins an external zone at FR4 2
	// but a tunnel claims SR 4.1 RE 1 there.
	want := []string{"c-ctl-cell high [SR 3.1 RE 1]", "c-remote-ops low [SR 4.1 RE 1]"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("cleartext findings %q, want %q", got, want)
	}
}

func TestCheckAndNothingPlaced(t *testing.T) {
	m, err := model.Parse("p.yaml", []byte("version: 1\nsystem: {name: x}\nzones:\n  - {id: z}\nassets:\n  - {id: a, zone: z, kind: plc, ips: [10.0.0.1]}\n"), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(m); err != ErrNoNetworks {
		t.Errorf("Check of a model without networks: %v", err)
	}
	if err := Check(loadPlant(t)); err != nil {
		t.Errorf("Check: %v", err)
	}
	res := Verify(loadPlant(t), capture([]string{"stray"}, fl{"stray", "stray", "unknown", "udp", 53, "", ""}), Options{})
	if f := findingsOf(res, "capture/outside-model"); len(f) != 1 || f[0].Severity.String() != "critical" {
		t.Errorf("a capture of another network: %+v", res.Findings)
	}
}

func TestPlacement(t *testing.T) {
	pol := policy.Compile(loadPlant(t))
	for _, tc := range []struct{ ip, zone string }{
		{"10.11.0.10", "z-cell"}, {"10.11.0.200", "z-cell-safe"}, {"10.1.200.3", "z-ent"}, {"192.168.0.1", ""},
	} {
		z, _ := pol.ZoneOfAddr(netip.MustParseAddr(tc.ip))
		if pol.ZoneID(z) != tc.zone {
			t.Errorf("%s: zone %q, want %q", tc.ip, pol.ZoneID(z), tc.zone)
		}
	}
}

func TestIdentityComparisons(t *testing.T) {
	cases := []struct {
		fn     func(a, b string) bool
		a, b   string
		expect bool
	}{
		{sameVendor, "Rockwell Automation/Allen-Bradley", "Rockwell", true},
		{sameVendor, "Rockwell Automation", "Rockwell Automation/Allen-Bradley", true},
		{sameVendor, "Johnson Controls", "Johnson Controls, Inc.", true},
		{sameVendor, "Schweitzer Engineering Laboratories", "SEL", true},
		{sameVendor, "  siemens ", "Siemens AG", true},
		{sameVendor, "Moxa", "MOXA TECHNOLOGIES CORP., LTD.", true},
		{sameVendor, "General Electric", "GE Vernova", true},
		{sameVendor, "Siemens", "Schneider Electric", false},
		{sameVendor, "Schneider Electric", "General Electric", false},
		{sameVendor, "Rockwell", "", false},
		{sameModel, "1756-L83E", "1756-L83E", true},
		{sameModel, "1756-L83E", "1756-L83E/B", true},
		{sameModel, "System Platform", "AVEVA System Platform", true},
		{sameModel, "bmx p34 2020", "BMX P34 2020", true},
		{sameModel, "BMXP342020", "BMX P34 2020", true},
		{sameModel, "1756-L83E", "1756-L83ES", false},
		{sameModel, "BMX P34 2020", "BMX P34 1000", false},
		{sameFirmware, "33.011", "33.11", true},
		{sameFirmware, "V2.9.4", "2.9.4", true},
		{sameFirmware, "v4.2.3", "V4.2.3", true},
		{sameFirmware, "2.70", "2.70.3", true},
		{sameFirmware, "2018 SP3", "2018 sp3", true},
		{sameFirmware, "3.20", "3.2", false},
		{sameFirmware, "2.70.3", "2.70", false},
		{sameFirmware, "R325", "R414", false},
		{sameSerial, "0x00614a2c", "0x00614A2C", true},
		{sameSerial, "0x00614a2c", "00614a2c", true},
		{sameSerial, "0x00614a2c", "6375980", true},
		{sameSerial, "S V-L9K412462022", "SV-L9K412462022", true},
		{sameSerial, "D20MX-004471", "D20MX-004472", false},
		{sameSerial, "0x00614a2c", "0x00614a2d", false},
	}
	for _, tc := range cases {
		if got := tc.fn(tc.a, tc.b); got != tc.expect {
			t.Errorf("compare(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.expect)
		}
	}
}

// TestNameMatch: a device at an address the model does not know, stating the name of an
// asset nothing else matched, is that asset (seen in the wrong zone here).
func TestNameMatch(t *testing.T) {
	m := loadPlant(t)
	inv := capture([]string{"hmi"})
	inv.Assets = append(inv.Assets, inventory.Asset{ID: "mac-00:50:56:00:00:99", Name: "quiet", MAC: "00:50:56:00:00:99",
		IPs: []inventory.IP{{Address: "10.2.0.99"}}, Identity: map[string]string{"name": "QUIET"}, FirstSeen: t0, LastSeen: t0})
	res := Verify(m, inv, Options{})
	d := res.Devices[1]
	if d.ModelAsset != "quiet" || d.Match != "name" || !slices.Contains(d.Issues, "wrong_zone") {
		t.Errorf("device %+v", d)
	}
	if slices.Contains(res.NotSeen, "quiet") || len(findingsOf(res, "device/probable-match")) != 1 {
		t.Errorf("not seen %v, findings %+v", res.NotSeen, res.Findings)
	}
}
