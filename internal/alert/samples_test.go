package alert

import (
	"net/netip"
	"time"

	"github.com/zonewarden/zonewarden/internal/finding"
)

// samples are the alerts of the golden files: one per shape a renderer must handle.
func samples() []*Alert {
	t0 := time.Date(2026, 5, 4, 10, 15, 30, 123456789, time.UTC)
	cest := time.FixedZone("CEST", 2*3600)
	many := make([]uint64, 40)
	for i := range many {
		many[i] = uint64(1000 + i)
	}
	return []*Alert{
		{ // S7 PLC STOP from an HMI, which the cell's conduit does not allow
			Time: t0, Severity: finding.Critical, Rule: "s7comm/plc-stop",
			Title:    "PLC STOP sent to plc-1 by hmi-2",
			Src:      Endpoint{IP: netip.MustParseAddr("10.10.2.20"), MAC: [6]byte{0x00, 0x1b, 0x1b, 0x11, 0x22, 0x33}, Port: 49321, Asset: "hmi-2", Zone: "control-room"},
			Dst:      Endpoint{IP: netip.MustParseAddr("10.10.3.10"), MAC: [6]byte{0x28, 0x63, 0x36, 0xaa, 0xbb, 0xcc}, Port: 102, Asset: "plc-1", Zone: "cell-1"},
			Protocol: "s7comm", Operation: "plc-stop",
			Details:    []Detail{{"function", "0x29"}, {"pi_service", "P_PROGRAM"}},
			Packets:    []uint64{4811, 4812},
			File:       "s7comm/s7comm_plc_stop.pcap",
			Techniques: []string{"T0858", "T0816"},
			Conduit:    "control-room_to_cell-1", Allowed: VerdictForbidden,
		},
		{ // Modbus writes without a model; a repeated detail key is dropped
			Time: t0.Add(2 * time.Second), Severity: finding.Medium, Rule: "modbus/write",
			Title:    "Write Multiple Registers (FC 16) to 10.0.0.7 unit 1",
			Src:      Endpoint{IP: netip.MustParseAddr("10.0.0.99"), Port: 50211},
			Dst:      Endpoint{IP: netip.MustParseAddr("10.0.0.7"), Port: 502},
			Protocol: "modbus", Operation: "write-multiple-registers",
			Details:    []Detail{{"function_code", "16"}, {"unit_id", "1"}, {"address", "40001"}, {"count", "4"}, {"unit_id", "2"}},
			Packets:    []uint64{17},
			Techniques: []string{"T0836", "T1692.001"},
		},
		{ // DNP3 cold restart over IPv6, allowed by the conduit; a zone other than UTC; an id ATT&CK does not know
			Time: time.Date(2026, 5, 4, 12, 0, 0, 0, cest), Severity: finding.High, Rule: "dnp3/cold-restart",
			Title:    "Cold restart of rtu-7",
			Src:      Endpoint{IP: netip.MustParseAddr("2001:db8::10"), Port: 20001, Asset: "scada-1", Zone: "control-centre"},
			Dst:      Endpoint{IP: netip.MustParseAddr("2001:db8:0:7::2"), Port: 20000, Asset: "rtu-7", Zone: "substation-7"},
			Protocol: "dnp3", Operation: "cold-restart",
			Techniques: []string{"T0816", "T9999"},
			Conduit:    "cc_to_sub7", Allowed: VerdictAllowed,
		},
		{ // PROFINET DCP Set below IP: MAC addresses only, no title, no techniques
			Time: t0.Add(time.Minute), Severity: finding.Info, Rule: "profinet/dcp-set",
			Src:      Endpoint{MAC: [6]byte{0x02, 0, 0, 0, 0, 1}},
			Dst:      Endpoint{MAC: [6]byte{0x00, 0x0e, 0x8c, 0x01, 0x02, 0x03}},
			Protocol: "profinet", Operation: "dcp-set",
			Details: []Detail{{"option", "ip"}},
		},
		{ // Hostile strings from the network in every field, and more packets than listed
			Time: t0.Add(time.Hour), Severity: finding.Low, Rule: "enip|list identity=x]",
			Title:    "Gerät \"Ω\" says \x1b[31mhi\x1b[0m | a=b\nnext\u2028line \xff\u202eevil",
			Src:      Endpoint{IP: netip.MustParseAddr("192.0.2.1"), Port: 44818, Asset: "a|b=c\\d]e\"f", Zone: "z\r\nX=1"},
			Dst:      Endpoint{IP: netip.MustParseAddr("::ffff:192.0.2.2"), Port: 44818, Asset: "\x00nul\x7fdel\u0085nel"},
			Protocol: "enip", Operation: "list-identity",
			Details:    []Detail{{"product name", "1756-L61/B \"LOGIX5561\""}, {"a=b]\"c", "x\\y"}, {"", "empty key"}},
			Packets:    many,
			File:       "/tmp/a b|c=d.pcap",
			Techniques: []string{"T0846.002", "T0888"},
			Conduit:    "c|1", Allowed: VerdictForbidden,
		},
	}
}
