package discover

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/iec104"
	"github.com/zonewarden/zonewarden/internal/protocols/modbus"
	"github.com/zonewarden/zonewarden/internal/protocols/opcua"
	"github.com/zonewarden/zonewarden/internal/protocols/s7comm"
)

var (
	macPLC    = [6]byte{0x00, 0x0e, 0x8c, 0x00, 0x00, 0x01} // Siemens prefix
	macHMI    = [6]byte{0x00, 0x0c, 0x29, 0x00, 0x00, 0x02}
	macRouter = [6]byte{0x00, 0x19, 0x07, 0x00, 0x00, 0x03}
	macEWS    = [6]byte{0x00, 0x0c, 0x29, 0x00, 0x00, 0x04}
)

const second = int64(1e9)

func at(sec int64) observe.Provenance {
	return observe.Provenance{Packet: uint64(sec), Time: 1_700_000_000*second + sec*second}
}

func host(b *Builder, mac [6]byte, ip string, how observe.Binding, ttl uint8, sec int64) {
	b.Host(&observe.Host{MAC: mac, HasMAC: true, IP: netip.MustParseAddr(ip), How: how, TTL: ttl, At: at(sec)})
}

type op struct {
	code  uint32
	class protocols.OpClass
	n     [2]uint32
}

func flow(b *Builder, app observe.App, client, server string, macC, macS [6]byte, sec int64, ops ...op) {
	f := &observe.Flow{Client: netip.MustParseAddrPort(client), Server: netip.MustParseAddrPort(server), Proto: decode.ProtoTCP,
		App: app, First: at(sec).Time, Last: at(sec + 10).Time, Packets: [2]uint64{10, 10}, IPBytes: [2]uint64{600, 800},
		PayloadBytes: [2]uint64{200, 400}, TCPFlags: [2]decode.TCPFlags{decode.SYN | decode.ACK, decode.SYN | decode.ACK},
		MAC: [2][6]byte{macC, macS}, HasMAC: [2]bool{true, true}, At: at(sec)}
	for _, o := range ops {
		f.Ops = append(f.Ops, observe.OpCount{Code: o.code, Class: o.class, Count: o.n})
	}
	b.Flow(f)
}

func identity(b *Builder, mac [6]byte, ip string, app observe.App, field observe.Field, value string, sec int64) {
	b.Identity(&observe.Identity{Subject: observe.Endpoint{MAC: mac, HasMAC: true, IP: netip.MustParseAddr(ip)}, App: app,
		Field: field, Value: []byte(value), Confidence: observe.High, At: at(sec)})
}

func assetByIP(t *testing.T, inv *inventory.Inventory, ip string) *inventory.Asset {
	t.Helper()
	for i := range inv.Assets {
		for _, x := range inv.Assets[i].IPs {
			if x.Address == ip {
				return &inv.Assets[i]
			}
		}
	}
	t.Fatalf("no asset holds %s", ip)
	return nil
}

// plant is a small plant: an engineering workstation and an HMI on the control network,
// a PLC, and a historian beyond a router.
func plant() *Builder {
	b := NewBuilder(Limits{})
	host(b, macPLC, "10.0.1.10", observe.BindSource, 64, 1)
	host(b, macPLC, "10.0.1.10", observe.BindARP, 0, 1)
	host(b, macHMI, "10.0.1.20", observe.BindSource, 128, 2)
	host(b, macEWS, "10.0.1.30", observe.BindSource, 128, 3)
	host(b, macRouter, "10.0.1.1", observe.BindARP, 0, 4)
	host(b, macRouter, "10.0.9.5", observe.BindSource, 127, 5) // the historian, one hop away
	host(b, macRouter, "10.0.9.6", observe.BindSource, 63, 6)  // another host beyond
	host(b, macRouter, "10.0.9.7", observe.BindDestination, 0, 7)
	// HMI polls and writes; the EWS downloads; the historian reads.
	flow(b, modbus.App, "10.0.1.20:40000", "10.0.1.10:502", macHMI, macPLC, 10,
		op{3, protocols.OpRead, [2]uint32{1200, 0}}, op{16, protocols.OpWrite, [2]uint32{4, 0}})
	flow(b, s7comm.App, "10.0.1.30:40001", "10.0.1.10:102", macEWS, macPLC, 20,
		op{0x1b, protocols.OpProgram, [2]uint32{12, 0}})
	flow(b, modbus.App, "10.0.9.5:40002", "10.0.1.10:502", macRouter, macPLC, 30,
		op{3, protocols.OpRead, [2]uint32{600, 0}})
	flow(b, modbus.App, "10.0.9.5:40003", "10.0.1.10:502", macRouter, macPLC, 40,
		op{3, protocols.OpRead, [2]uint32{600, 0}})
	flow(b, 0, "10.0.1.20:50000", "10.0.9.5:5450", macHMI, macRouter, 50)
	identity(b, macPLC, "10.0.1.10", s7comm.App, observe.FieldOrderNumber, "6ES7 315-2EH14-0AB0", 21)
	identity(b, macPLC, "10.0.1.10", s7comm.App, observe.FieldName, "PLC_1", 21)
	identity(b, macPLC, "10.0.1.10", s7comm.App, observe.FieldName, "PLC_1", 22)
	// A fact read through the router names the historian by its IP.
	identity(b, macRouter, "10.0.9.5", opcua.App, observe.FieldApplicationName, "Historian", 31)
	return b
}

func TestAssetsAndRouters(t *testing.T) {
	inv := plant().Build([]string{"plant.pcap"})
	plc := assetByIP(t, inv, "10.0.1.10")
	if plc.ID != "mac-00:0e:8c:00:00:01" || plc.MACVendor != "Siemens AG" || plc.Name != "PLC_1" {
		t.Errorf("PLC asset %s %q %q", plc.ID, plc.MACVendor, plc.Name)
	}
	if plc.Identity["order_number"] != "6ES7 315-2EH14-0AB0" {
		t.Errorf("PLC identity %v", plc.Identity)
	}
	for _, f := range plc.Facts {
		if f.Field == "name" && (f.Count != 2 || f.Packet != 21 || f.File != "plant.pcap" || f.Protocol != "s7comm") {
			t.Errorf("name fact %+v", f)
		}
	}
	router := assetByIP(t, inv, "10.0.1.1")
	if router.Role.Name != inventory.RoleNetworkDevice || router.RoutedAddresses != 3 || len(router.IPs) != 1 {
		t.Errorf("router: role %s, routed %d, ips %v", router.Role.Name, router.RoutedAddresses, router.IPs)
	}
	hist := assetByIP(t, inv, "10.0.9.5")
	if hist.ID != "ip-10.0.9.5" || hist.Behind != router.ID || hist.MAC != "" {
		t.Errorf("historian asset %s behind %q mac %q", hist.ID, hist.Behind, hist.MAC)
	}
	if hist.Identity["application_name"] != "Historian" {
		t.Errorf("fact read through the router went to %v", hist.Identity)
	}
	if dst := assetByIP(t, inv, "10.0.9.7"); dst.Behind != router.ID {
		t.Errorf("destination-only address beyond the router: behind %q", dst.Behind)
	}
	// The historian's two connections are one conversation.
	var n int
	for _, f := range inv.Flows {
		if f.Client.IP == "10.0.9.5" {
			n++
			if f.Connections != 2 || f.Operations[0].FromClient != 1200 || f.Client.Asset != hist.ID || f.Server.Asset != plc.ID {
				t.Errorf("historian flow %+v", f)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d historian conversations", n)
	}
}

func TestRoles(t *testing.T) {
	inv := plant().Build(nil)
	cases := []struct {
		ip, role string
		level    int
		evidence string
	}{
		{"10.0.1.10", inventory.RoleController, 1, "serves modbus on tcp/502 to 2 clients"},
		{"10.0.1.20", inventory.RoleHMISCADA, 2, "sent 4 writes over modbus"},
		{"10.0.1.30", inventory.RoleEngineering, 2, "sent 12 program operations over s7comm"},
		{"10.0.9.5", inventory.RoleHistorian, 3, "serves tcp/5450 (the port of PI Data Archive)"},
	}
	for _, c := range cases {
		a := assetByIP(t, inv, c.ip)
		if a.Role.Name != c.role || a.Purdue.Level == nil || *a.Purdue.Level != c.level {
			t.Errorf("%s: role %s, purdue %v; want %s, %d (evidence %q)", c.ip, a.Role.Name, a.Purdue.Level, c.role, c.level, a.Role.Evidence)
			continue
		}
		if !slices.ContainsFunc(a.Role.Evidence, func(e string) bool { return strings.HasPrefix(e, c.evidence) }) {
			t.Errorf("%s: evidence %q lacks %q", c.ip, a.Role.Evidence, c.evidence)
		}
	}
}

func TestAddressHeldByTwoMACs(t *testing.T) {
	b := NewBuilder(Limits{})
	host(b, macPLC, "10.0.1.10", observe.BindSource, 64, 1)
	host(b, macPLC, "10.0.1.10", observe.BindSource, 64, 100)
	host(b, macHMI, "10.0.1.10", observe.BindSource, 64, 200) // replaced after the first went quiet
	host(b, macEWS, "10.0.1.50", observe.BindARP, 0, 1)
	host(b, macRouter, "10.0.1.50", observe.BindARP, 0, 2) // both at once: a spoof
	host(b, macEWS, "10.0.1.50", observe.BindARP, 0, 300)
	inv := b.Build(nil)
	kinds := map[string]int{}
	for _, a := range inv.Anomalies {
		kinds[a.Kind]++
		if len(a.Assets) != 2 || len(a.Evidence) != 2 {
			t.Errorf("anomaly %+v", a)
		}
	}
	if kinds["ip_moved"] != 1 || kinds["ip_conflict"] != 1 {
		t.Errorf("anomalies %+v", inv.Anomalies)
	}
}

func TestMergeEqualsOneBuilder(t *testing.T) {
	one := plant().Build(nil)
	// The same observations split over two builders.
	a, b := NewBuilder(Limits{}), plant()
	host(a, macPLC, "10.0.1.10", observe.BindSource, 64, 1)
	flow(a, modbus.App, "10.0.1.20:40000", "10.0.1.10:502", macHMI, macPLC, 60, op{3, protocols.OpRead, [2]uint32{5, 0}})
	a.Merge(b)
	merged := a.Build(nil)
	if len(merged.Assets) != len(one.Assets) || len(merged.Flows) != len(one.Flows) {
		t.Fatalf("merged %d assets %d flows, one builder %d %d", len(merged.Assets), len(merged.Flows), len(one.Assets), len(one.Flows))
	}
	for _, f := range merged.Flows {
		if f.Client.IP == "10.0.1.20" && f.ServerPort == 502 && (f.Connections != 2 || f.Operations[0].FromClient != 1205) {
			t.Errorf("merged flow %+v", f)
		}
	}
}

func TestLimits(t *testing.T) {
	b := NewBuilder(Limits{Bindings: 2, Identities: 1, Conversations: 1})
	for i := range 5 {
		host(b, macPLC, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}).String(), observe.BindSource, 64, int64(i))
		identity(b, macPLC, "10.0.0.1", modbus.App, observe.Field(1+i), "x", 1)
		flow(b, modbus.App, "10.0.0.9:1000", netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), 502).String(), macHMI, macPLC, 1)
	}
	inv := b.Build(nil)
	var limits int
	for _, a := range inv.Anomalies {
		if a.Kind == "limit_reached" {
			limits++
		}
	}
	if limits != 3 || len(inv.Flows) != 1 {
		t.Errorf("%d limit anomalies, %d flows: %+v", limits, len(inv.Flows), inv.Anomalies)
	}
}

// TestRolesOfSelfTalkAndAnswers: a test bench whose S7 client talks only to its own
// server shows its own role, a controller, not the engineering workstation its PG
// session and program operations would suggest; and an IEC 104 outstation sending the
// file it was asked for is not an engineering workstation for those file ASDUs.
func TestRolesOfSelfTalkAndAnswers(t *testing.T) {
	b := NewBuilder(Limits{})
	bench, rtu, scada := [6]byte{2, 0, 0, 0, 0, 5}, [6]byte{2, 0, 0, 0, 0, 6}, [6]byte{2, 0, 0, 0, 0, 7}
	host(b, bench, "10.0.5.5", observe.BindSource, 64, 1)
	flow(b, s7comm.App, "10.0.5.5:40000", "10.0.5.5:102", bench, bench, 10,
		op{0x1d, protocols.OpProgram, [2]uint32{4, 0}})
	identity(b, bench, "10.0.5.5", s7comm.App, observe.FieldDeviceRole, observe.RoleHintProgrammingDevice, 10)
	host(b, rtu, "10.0.6.6", observe.BindSource, 64, 2)
	host(b, scada, "10.0.6.1", observe.BindSource, 128, 3)
	flow(b, iec104.App, "10.0.6.1:50000", "10.0.6.6:2404", scada, rtu, 20,
		op{100, protocols.OpRead, [2]uint32{1, 0}}, op{125, protocols.OpProgram, [2]uint32{0, 110}})
	inv := b.Build(nil)
	for ip, want := range map[string]string{"10.0.5.5": inventory.RoleController, "10.0.6.6": inventory.RoleController, "10.0.6.1": inventory.RoleHMISCADA} {
		if a := assetByIP(t, inv, ip); a.Role.Name != want {
			t.Errorf("%s: role %s, want %s (evidence %q)", ip, a.Role.Name, want, a.Role.Evidence)
		}
	}
}
