package policy_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/detect"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
	"github.com/zonewarden/zonewarden/internal/simulate/simtest"
	"github.com/zonewarden/zonewarden/internal/verify"
)

// plantGen writes a random but valid plant: zones on Purdue levels with networks and
// VLANs, some of them subzones whose network lies inside their parent's, assets of the
// kinds that speak OT protocols (a few declared in one zone with an address of another),
// and conduits whose rules name zones or assets, protocols, operation classes,
// directions and sometimes ports.
type plantGen struct {
	rng    *rand.Rand
	zones  []genZone
	assets []genAsset
}

type genZone struct {
	id, parent string
	purdue     string
	network    string
	vlan       int
	hosts      int // next host number
	base       [3]byte
	lo         int // first host number of the zone's range
}

type genAsset struct {
	id, zone, kind, ip string
}

var (
	genLevels = []string{"1", "1", "2", "2", "3", "3.5", "4"}
	genKinds  = []string{"plc", "plc", "rtu", "ied", "hmi", "ews", "scada-server", "historian", "workstation", "engineering-laptop", "opc-server"}
	genProtos = []string{"modbus", "enip", "s7comm", "dnp3", "iec104", "bacnet", "opcua", "modbus", "any"}
	genOps    = []string{"read", "write", "program", "control"}
)

func (g *plantGen) yaml(seed uint64) string {
	g.rng = rand.New(rand.NewPCG(seed, 13))
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("version: 1\nsystem: {name: generated plant %d}\nzones:\n", seed)
	nz := 3 + g.rng.IntN(4)
	for i := 0; i < nz; i++ {
		z := genZone{id: fmt.Sprintf("z%d", i), purdue: genLevels[g.rng.IntN(len(genLevels))], base: [3]byte{10, byte(i + 1), 0},
			vlan: 100 + i, lo: 10}
		z.network = fmt.Sprintf("10.%d.0.0/24", i+1)
		g.zones = append(g.zones, z)
		// A subzone: the upper half of its parent's network, at the same level.
		if i > 0 && g.rng.IntN(3) == 0 {
			parent := g.zones[len(g.zones)-1]
			sub := genZone{id: parent.id + "s", parent: parent.id, purdue: parent.purdue, base: parent.base,
				network: fmt.Sprintf("10.%d.0.128/25", parent.base[1]), vlan: parent.vlan + 50, lo: 130}
			g.zones = append(g.zones, sub)
		}
	}
	for _, z := range g.zones {
		p("  - {id: %s, name: Zone %s, purdue: %s, networks: [%s], vlans: [%d]", z.id, z.id, z.purdue, z.network, z.vlan)
		if z.parent != "" {
			p(", parent: %s", z.parent)
		}
		p("}\n")
	}
	p("assets:\n")
	for zi := range g.zones {
		z := &g.zones[zi]
		n := 2 + g.rng.IntN(4)
		for k := 0; k < n; k++ {
			a := genAsset{id: fmt.Sprintf("a%d", len(g.assets)), zone: z.id, kind: genKinds[g.rng.IntN(len(genKinds))]}
			host := z.lo + z.hosts
			z.hosts++
			a.ip = fmt.Sprintf("10.%d.0.%d", z.base[1], host)
			g.assets = append(g.assets, a)
			p("  - {id: %s, zone: %s, kind: %s, ips: [%s]}\n", a.id, a.zone, a.kind, a.ip)
		}
	}
	p("conduits:\n")
	nc := 0
	for i := range g.zones {
		for j := i + 1; j < len(g.zones); j++ {
			if g.zones[j].parent == g.zones[i].id || g.rng.IntN(3) == 0 {
				continue
			}
			p("  - id: c%d\n    zones: [%s, %s]\n    boundary: firewall\n    allow:\n", nc, g.zones[i].id, g.zones[j].id)
			nc++
			nr := 1 + g.rng.IntN(3)
			for r := 0; r < nr; r++ {
				from, to := g.end(i), g.end(j)
				if g.rng.IntN(2) == 0 {
					from, to = to, from
				}
				proto := genProtos[g.rng.IntN(len(genProtos))]
				p("      - {from: %s, to: %s, protocol: %s", from, to, proto)
				if proto != "any" && g.rng.IntN(2) == 0 {
					var ops []string
					for _, o := range genOps {
						if g.rng.IntN(2) == 0 {
							ops = append(ops, o)
						}
					}
					if len(ops) > 0 {
						p(", operations: [%s]", strings.Join(ops, ", "))
					}
				}
				if g.rng.IntN(4) == 0 {
					p(", direction: both")
				}
				p("}\n")
			}
		}
	}
	if nc == 0 {
		p("  []\n")
	}
	return b.String()
}

// end names a rule end in zone zi: the zone, or one of its assets.
func (g *plantGen) end(zi int) string {
	z := g.zones[zi].id
	if g.rng.IntN(2) == 0 {
		return z
	}
	var ids []string
	for _, a := range g.assets {
		if a.zone == z {
			ids = append(ids, a.id)
		}
	}
	if len(ids) == 0 {
		return z
	}
	return ids[g.rng.IntN(len(ids))]
}

// mutate returns the model with its rules changed at random: rules dropped, operation
// classes narrowed, directions flipped, protocols swapped, so that traffic the simulator
// sent under the original model meets every kind of violation.
func mutate(t *testing.T, src string, seed uint64) *model.Model {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	var out []string
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "      - {from:") {
			out = append(out, line)
			continue
		}
		switch rng.IntN(6) {
		case 0: // dropped
			continue
		case 1:
			line = strings.Replace(line, "operations: [", "operations: [diagnostics, ", 1)
			if !strings.Contains(line, "operations") {
				line = strings.Replace(line, "}", ", operations: [read]}", 1)
			}
			line = strings.NewReplacer("write, ", "", ", write", "", "program, ", "", ", program", "").Replace(line)
		case 2:
			line = strings.Replace(line, ", direction: both", "", 1)
			if f, to, ok := ends(line); ok {
				line = strings.Replace(strings.Replace(line, "from: "+f+",", "from: @@,", 1), "to: "+to+",", "to: "+f+",", 1)
				line = strings.Replace(line, "from: @@,", "from: "+to+",", 1)
			}
		case 3:
			line = strings.Replace(line, "protocol: "+protoOf(line), "protocol: "+genProtos[rng.IntN(len(genProtos))], 1)
			if protoOf(line) == "any" {
				line = strings.NewReplacer(", operations: [read]", "").Replace(line)
				if i := strings.Index(line, ", operations: ["); i >= 0 {
					j := strings.Index(line[i:], "]")
					line = line[:i] + line[i+j+1:]
				}
			}
		}
		out = append(out, line)
	}
	text := strings.Join(out, "\n")
	// A conduit left with no rule lists none.
	text = strings.ReplaceAll(text, "    allow:\n  - id:", "    allow: []\n  - id:")
	if strings.HasSuffix(strings.TrimRight(text, "\n"), "allow:") {
		text = strings.TrimRight(text, "\n") + " []\n"
	}
	m, err := model.Parse("mutated.yaml", []byte(text), model.Options{})
	if err != nil {
		t.Fatalf("mutated model does not load: %v\n%s", err, text)
	}
	return m
}

func ends(line string) (from, to string, ok bool) {
	var f, t string
	i := strings.Index(line, "from: ")
	j := strings.Index(line, "to: ")
	if i < 0 || j < 0 {
		return "", "", false
	}
	f = line[i+6 : i+6+strings.Index(line[i+6:], ",")]
	t = line[j+4 : j+4+strings.Index(line[j+4:], ",")]
	return f, t, true
}

func protoOf(line string) string {
	i := strings.Index(line, "protocol: ")
	rest := line[i+10:]
	return rest[:strings.IndexAny(rest, ",}")]
}

// convKey names a conversation the way both outputs can: its two addresses (client
// first), the protocol discovery named and the server port.
type convKey struct {
	client, server netip.Addr
	proto          string
	port           int
}

// TestVerifyAndDetectAgree drives random plants' simulated traffic (normal and attack)
// through verify and detect under the plant's model and under mutated models, and
// requires that they agree on every flow: an operation detect calls forbidden lies in a
// conversation verify calls a violation, through the same conduit, with the same
// severity for the model's own rule; an operation detect calls allowed lies in a
// conversation verify allows through the same conduit (or one in which detect also
// flagged a forbidden operation); and every violation verify reports in which the
// client sent operations has a forbidden alert from detect.
func TestVerifyAndDetectAgree(t *testing.T) {
	seeds := 8
	if testing.Short() {
		seeds = 3
	}
	checked := map[string]int{}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		var g plantGen
		text := g.yaml(seed)
		m, err := model.Parse("generated.yaml", []byte(text), model.Options{})
		if err != nil {
			t.Fatalf("seed %d: generated model does not load: %v\n%s", seed, err, text)
		}
		if simulate.Check(m) != nil {
			continue
		}
		for _, sc := range []simulate.Scenario{simulate.Normal, simulate.Attack} {
			path, _ := simtest.Capture(t, m, simulate.Options{Seed: seed, Duration: 40 * time.Second, Scenario: sc, Format: pcapw.PcapNG})
			inv, errs := discover.FromFiles(context.Background(), []string{path}, discover.Options{})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			models := []*model.Model{m}
			for k := uint64(0); k < 3; k++ {
				models = append(models, mutate(t, text, seed*10+k))
			}
			for mi, mm := range models {
				name := fmt.Sprintf("seed %d %s model %d", seed, sc, mi)
				agree(t, name, mm, inv, path, checked)
			}
		}
	}
	t.Logf("checked: %v", checked)
	if checked["forbidden alerts"] == 0 || checked["allowed alerts"] == 0 || checked["violations"] == 0 || checked["severities"] == 0 || checked["unknown devices"] == 0 {
		t.Errorf("the generated plants exercised too little: %v", checked)
	}
}

func agree(t *testing.T, name string, m *model.Model, inv *inventory.Inventory, path string, checked map[string]int) {
	t.Helper()
	res := verify.Verify(m, inv, verify.Options{})
	// Alerts do not name the transport: an EtherNet/IP address may have a TCP and a UDP
	// conversation on port 44818, so a key holds the conversations of both.
	convs := map[convKey][]*verify.Conversation{}
	for i := range res.Conversations {
		c := &res.Conversations[i]
		ci, err1 := netip.ParseAddr(c.Client.IP)
		si, err2 := netip.ParseAddr(c.Server.IP)
		if err1 != nil || err2 != nil {
			continue
		}
		k := convKey{ci, si, c.Protocol, c.ServerPort}
		convs[k] = append(convs[k], c)
	}
	// Severity of each violation as verify rates it: its finding's, by evidence flow.
	sevOf := map[string]finding.Severity{}
	for _, f := range res.Findings {
		if f.Evidence != nil && strings.HasPrefix(f.Rule, "traffic/") && f.Evidence.Conversations == 0 {
			sevOf[f.Evidence.Flow] = f.Severity
		}
	}

	var mu sync.Mutex
	var alerts []*alert.Alert
	d := detect.New(detect.Options{Model: m, Files: []string{path}}, func(a *alert.Alert) {
		mu.Lock()
		alerts = append(alerts, a)
		mu.Unlock()
	})
	if errs := d.RunFiles(context.Background(), []string{path}, observe.Options{Workers: 1}); len(errs) > 0 {
		t.Fatal(errs)
	}
	flagged := map[convKey]bool{}
	// find returns the conversation an alert is about, preferring one with the verdict
	// the alert gives.
	find := func(a *alert.Alert) (convKey, *verify.Conversation) {
		want := "violation"
		if a.Allowed == alert.VerdictAllowed {
			want = "allowed"
		}
		for _, k := range []convKey{{a.Src.IP, a.Dst.IP, a.Protocol, int(a.Dst.Port)}, {a.Dst.IP, a.Src.IP, a.Protocol, int(a.Src.Port)}} {
			cs := convs[k]
			for _, c := range cs {
				if c.Verdict == want {
					return k, c
				}
			}
			if len(cs) > 0 {
				return k, cs[0]
			}
		}
		return convKey{}, nil
	}
	opAlert := func(a *alert.Alert) bool {
		return a.Src.IP.IsValid() && a.Dst.IP.IsValid() && a.Protocol != "" &&
			!strings.HasPrefix(a.Rule, "scan/") && !strings.HasPrefix(a.Rule, "baseline/") &&
			a.Rule != "model/unknown-device" && a.Rule != "modbus/exception-storm"
	}
	perSource := map[string]bool{}
	for _, r := range detect.Rules() {
		perSource[r.ID] = r.PerSource
	}
	for _, a := range alerts {
		if !opAlert(a) || a.Allowed != alert.VerdictForbidden {
			continue
		}
		if perSource[a.Rule] {
			// A sweep is one alert per source, forbidden when any target is: it
			// answers for every conversation of the sweep.
			for k := range convs {
				if k.client == a.Src.IP && k.proto == a.Protocol {
					flagged[k] = true
				}
			}
		}
		k, c := find(a)
		checked["forbidden alerts"]++
		if c == nil {
			t.Errorf("%s: detect forbids %s (%s -> %s %s) but verify lists no such conversation", name, a.Rule, a.Src.IP, a.Dst.IP, a.Protocol)
			continue
		}
		flagged[k] = true
		if c.Verdict != "violation" {
			t.Errorf("%s: detect forbids %s (%s) but verify says %s: %s [conv %+v]", name, a.Rule, a.Title, c.Verdict, c.Detail, *c)
		}
		if a.Conduit != c.Conduit {
			t.Errorf("%s: %s: detect names conduit %q, verify %q (%s)", name, a.Title, a.Conduit, c.Conduit, c.Detail)
		}
		if strings.HasPrefix(a.Rule, "model/") {
			if s, ok := sevOf[c.Evidence.Flow]; ok && slices.Equal(c.Operations, classOf(a)) {
				checked["severities"]++
				if s != a.Severity {
					t.Errorf("%s: %s: detect rates %s, verify %s", name, a.Title, a.Severity, s)
				}
			}
		}
	}
	for _, a := range alerts {
		if !opAlert(a) || a.Allowed != alert.VerdictAllowed || perSource[a.Rule] {
			continue
		}
		k, c := find(a)
		if c == nil {
			continue // a conversation within one zone, which verify does not list when allowed
		}
		checked["allowed alerts"]++
		switch {
		case c.Verdict == "allowed":
			// One rule may allow the reads and another the writes: a conversation is
			// credited to the rule of its weightiest class, so is that class's operation.
			if cl := classOf(a); len(cl) == 1 && cl[0] == topClass(c.Operations) && a.Conduit != c.Conduit {
				t.Errorf("%s: %s: detect allows through %q, verify through %q", name, a.Title, a.Conduit, c.Conduit)
			}
		case c.Verdict == "violation" && flagged[k]:
		default:
			t.Errorf("%s: detect allows %s (%s) but verify says %s: %s [alert %s:%d -> %s:%d %v; conv %+v]", name, a.Rule, a.Title, c.Verdict, c.Detail, a.Src.IP, a.Src.Port, a.Dst.IP, a.Dst.Port, a.Details, *c)
		}
	}
	// An unknown device: verify's finding and detect's alert rate it alike.
	for _, dev := range res.Devices {
		if !slices.Contains(dev.Issues, "unknown") {
			continue
		}
		var sev finding.Severity
		found := false
		for _, f := range res.Findings {
			if f.Rule == "device/unknown" && strings.Contains(f.Message, "device "+dev.Asset+" ") {
				sev, found = f.Severity, true
			}
		}
		for _, a := range alerts {
			if a.Rule != "model/unknown-device" || !slices.Contains(dev.IPs, a.Src.IP.String()) || !found {
				continue
			}
			checked["unknown devices"]++
			if a.Severity != sev {
				t.Errorf("%s: unknown device %s: detect rates %s, verify %s", name, a.Src.IP, a.Severity, sev)
			}
		}
	}
	for k, cs := range convs {
		for _, c := range cs {
			if c.Verdict != "violation" {
				continue
			}
			checked["violations"]++
			if !clientSent(inv, k) || flagged[k] {
				continue
			}
			t.Errorf("%s: verify reports %s -> %s %s/%d as a violation (%s) carrying %v; detect forbids none of its operations",
				name, k.client, k.server, k.proto, k.port, c.Detail, c.Operations)
		}
	}
}

// topClass is the weightiest of a conversation's operation classes.
func topClass(classes []string) string {
	for _, c := range []string{"control", "program", "write", "read", "diagnostics"} {
		if slices.Contains(classes, c) {
			return c
		}
	}
	return "none"
}

// classOf is the operation class an alert carries, as a one-element list.
func classOf(a *alert.Alert) []string {
	for _, d := range a.Details {
		if d.Key == "class" {
			return []string{d.Value}
		}
	}
	return nil
}

// clientSent reports whether the client of the conversation sent operations of a class
// other than none (detect judges what clients send).
func clientSent(inv *inventory.Inventory, k convKey) bool {
	for i := range inv.Flows {
		f := &inv.Flows[i]
		if f.Client.IP != k.client.String() || f.Server.IP != k.server.String() || f.Protocol != k.proto || f.ServerPort != k.port {
			continue
		}
		for _, op := range f.Operations {
			if op.FromClient > 0 && op.Class != "none" {
				return true
			}
		}
	}
	return false
}
