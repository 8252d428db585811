package detect

import (
	"net/netip"
	"testing"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/modbus"
)

// TestOperationAllocs: once an operation's verdict is cached and its alert group open,
// judging the same operation again allocates nothing (the per-packet path).
func TestOperationAllocs(t *testing.T) {
	m, err := model.Parse("p.yaml", []byte(`version: 1
system: {name: x}
zones:
  - {id: office, purdue: 4, networks: [10.1.0.0/24]}
  - {id: control, purdue: 2, networks: [10.20.2.0/24]}
  - {id: cell, purdue: 1, networks: [10.20.11.0/24]}
  - {id: cell-sis, parent: cell, purdue: 1, networks: [10.20.11.128/25]}
assets:
  - {id: scada, zone: control, kind: scada-server, ips: [10.20.2.10]}
  - {id: plc, zone: cell-sis, kind: plc, ips: [10.20.11.200]}
  - {id: pc, zone: office, kind: workstation, ips: [10.1.0.21]}
conduits:
  - {id: c, zones: [control, cell], boundary: firewall, allow: [{from: scada, to: cell, protocol: modbus, operations: [read, write]}]}
`), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var alerts []*alert.Alert
	d := New(Options{Model: m}, func(a *alert.Alert) { alerts = append(alerts, a) })
	w := d.NewSink().(*workerSink)
	ops := []observe.Operation{
		// Allowed through the parent zone's conduit: no alert.
		{App: modbus.App, Code: 3, Class: protocols.OpRead, FromClient: true, TCP: true, SrcPort: 50000, DstPort: 502,
			Src: observe.Endpoint{IP: netip.MustParseAddr("10.20.2.10")}, Dst: observe.Endpoint{IP: netip.MustParseAddr("10.20.11.200")}},
		// A write rule: aggregated into its alert.
		{App: modbus.App, Code: 16, Class: protocols.OpWrite, FromClient: true, TCP: true, SrcPort: 50000, DstPort: 502,
			Src: observe.Endpoint{IP: netip.MustParseAddr("10.20.2.10")}, Dst: observe.Endpoint{IP: netip.MustParseAddr("10.20.11.200")}},
		// From the office, which no conduit joins to the cell: forbidden.
		{App: modbus.App, Code: 3, Class: protocols.OpRead, FromClient: true, TCP: true, SrcPort: 50001, DstPort: 502,
			Src: observe.Endpoint{IP: netip.MustParseAddr("10.1.0.21")}, Dst: observe.Endpoint{IP: netip.MustParseAddr("10.20.11.200")}},
	}
	for i := range ops {
		w.Operation(&ops[i])
	}
	if n := testing.AllocsPerRun(100, func() {
		for i := range ops {
			w.Operation(&ops[i])
		}
	}); n != 0 {
		t.Errorf("%v allocations judging operations already seen", n)
	}
	d.Flush()
	var write, forbidden bool
	for _, a := range alerts {
		switch a.Rule {
		case "modbus/write":
			write = a.Allowed == alert.VerdictAllowed && a.Conduit == "c"
		case "model/forbidden-read":
			forbidden = a.Allowed == alert.VerdictForbidden
		default:
			t.Errorf("unexpected alert %s: %s", a.Rule, a.Title)
		}
	}
	if !write || !forbidden {
		t.Errorf("want the write allowed through conduit c and the office's read forbidden: %d alerts", len(alerts))
	}
}
