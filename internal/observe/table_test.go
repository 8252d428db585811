package observe_test

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// TestProtocolTable: every row of the protocol table that names a dissector names a
// registered one, and the dissector listens where the row says the protocol is found, so
// that the model's vocabulary and discovery cannot drift apart.
func TestProtocolTable(t *testing.T) {
	for _, row := range protocols.Table {
		if row.Dissector == "" {
			continue
		}
		app, ok := observe.AppByName(row.Dissector)
		if !ok {
			t.Errorf("table row %s names dissector %q, which is not registered", row.Name, row.Dissector)
			continue
		}
		p := observe.ProtocolOf(app)
		for _, port := range row.Ports {
			found := false
			for _, tr := range []string{"tcp", "udp"} {
				if !protocols.TransportFits(row.Transport, tr) {
					continue
				}
				other := observe.TCPPortApp(uint16(port))
				if tr == "udp" {
					other = observe.UDPPortApp(uint16(port))
				}
				switch {
				case other == app:
					found = true
				case other != 0:
					// A port shared below the application (ISO-on-TCP's 102 carries S7 and
					// MMS): the port's dissector must hand the protocol over.
					if s, ok := protocols.Dissected(other.String()); ok && s.SetupPrefix != "" {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("table row %s: port %d (%s) reaches no dissector of %s", row.Name, port, row.Transport, row.Dissector)
			}
		}
		if len(row.EtherTypes) > 0 && !slices.ContainsFunc(row.EtherTypes, func(et uint16) bool { return slices.Contains(p.EtherTypes, et) }) {
			t.Errorf("table row %s: dissector %s registers none of the EtherTypes %#x", row.Name, row.Dissector, row.EtherTypes)
		}
	}
	// Every industrial dissector has a row: discovery's names must mean something to the model.
	for _, name := range []string{"modbus", "enip", "s7comm", "dnp3", "iec104", "bacnet", "opcua", "profinet", "mms", "goose"} {
		if !protocols.Industrial(name) {
			t.Errorf("dissector %s has no OT row in the protocol table", name)
		}
	}
}
