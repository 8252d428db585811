package propose

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
)

func ip(a string) inventory.IP { return inventory.IP{Address: a} }

// plantInventory is a small hand-made inventory: an HMI and an office PC writing to a
// PLC in another network, a GOOSE publisher seen only at layer 2, and an address two
// devices claimed.
func plantInventory() *inventory.Inventory {
	asset := func(id, mac, role string, ips ...string) inventory.Asset {
		a := inventory.Asset{ID: id, Name: id, MAC: mac, Role: inventory.Role{Name: role}, Identity: map[string]string{}}
		for _, s := range ips {
			a.IPs = append(a.IPs, ip(s))
		}
		return a
	}
	plc := asset("mac-00:1d:9c:00:00:01", "00:1d:9c:00:00:01", inventory.RoleController, "10.20.11.10")
	plc.Identity["vendor"] = "Rockwell Automation"
	plc.Identity["firmware_version"] = "33.11"
	plc.Name = "PLC\n- id: injected"
	hmi := asset("mac-00:0c:29:00:00:02", "00:0c:29:00:00:02", inventory.RoleHMISCADA, "10.20.2.20")
	pc := asset("mac-00:0c:29:00:00:03", "00:0c:29:00:00:03", inventory.RoleITHost, "10.20.2.21")
	twin := asset("mac-00:0c:29:00:00:04", "00:0c:29:00:00:04", inventory.RoleITHost, "10.20.2.21")
	ied := asset("mac-00:30:a7:00:00:05", "00:30:a7:00:00:05", inventory.RoleController)
	ops := func(class string, n uint64) []inventory.Operation {
		return []inventory.Operation{{Name: class, Class: class, FromClient: n}}
	}
	flow := func(c, s *inventory.Asset, proto, transport string, port int, op []inventory.Operation) inventory.Flow {
		f := inventory.Flow{Protocol: proto, Transport: transport, ServerPort: port, Operations: op,
			Client: inventory.FlowEnd{Asset: c.ID, MAC: c.MAC}, Server: inventory.FlowEnd{Asset: s.ID, MAC: s.MAC},
			ToServer: inventory.Traffic{Packets: 10}}
		if len(c.IPs) > 0 {
			f.Client.IP = c.IPs[0].Address
		}
		if len(s.IPs) > 0 {
			f.Server.IP = s.IPs[0].Address
		}
		return f
	}
	inv := &inventory.Inventory{Assets: []inventory.Asset{plc, hmi, pc, twin, ied}}
	inv.Flows = []inventory.Flow{
		flow(&hmi, &plc, "modbus", "tcp", 502, append(ops("read", 5), ops("write", 1)...)),
		flow(&pc, &plc, "modbus", "tcp", 502, ops("write", 2)),
		flow(&pc, &hmi, "unknown", "tcp", 3389, nil),
		flow(&hmi, &plc, "unknown", "tcp", 8080, nil),
		flow(&ied, &plc, "profinet", "ethernet", 0, nil),
		flow(&plc, &pc, "unknown", "tcp", 40000, nil),
	}
	return inv
}

func TestPropose(t *testing.T) {
	inv := plantInventory()
	p := Propose(inv, Options{System: "Test plant"})
	m, res, text := roundTrip(t, inv)
	if len(m.Zones) != 2 {
		t.Errorf("zones %v, want the two /24 networks", m.Zones)
	}
	byID := map[string]Asset{}
	for _, a := range p.Assets {
		byID[a.inventoryID] = a
	}
	tests := []struct{ asset, kind, zone string }{
		{"mac-00:1d:9c:00:00:01", "plc", "z-10-20-11-0"},
		{"mac-00:0c:29:00:00:02", "hmi", "z-10-20-2-0"},
		{"mac-00:0c:29:00:00:03", "hmi", "z-10-20-2-0"},  // an IT host that writes is taken for an HMI
		{"mac-00:30:a7:00:00:05", "plc", "z-10-20-11-0"}, // no address: the zone of its peer
	}
	for _, tt := range tests {
		if a := byID[tt.asset]; a.Kind != tt.kind || a.Zone != tt.zone {
			t.Errorf("%s: kind %s zone %s, want %s %s", tt.asset, a.Kind, a.Zone, tt.kind, tt.zone)
		}
	}
	if ips := byID["mac-00:0c:29:00:00:04"].IPs; len(ips) != 0 {
		t.Errorf("the second claimant of 10.20.2.21 got %v", ips)
	}
	if len(m.Conduits) != 1 {
		t.Fatalf("conduits %v", m.Conduits)
	}
	var modbus, anyPort int
	for _, f := range m.Conduits[0].Allow {
		switch {
		case f.Protocol == "modbus" && f.From == "hmi-10.20.2.20":
			modbus++
			if strings.Join(f.Operations, ",") != "read,write" {
				t.Errorf("hmi modbus operations %v, want read,write", f.Operations)
			}
		case f.Protocol == "any" && len(f.Ports) == 1 && f.Ports[0] == 40000:
			anyPort++
		}
	}
	if modbus != 1 || anyPort != 1 {
		t.Errorf("allow rules:\n%s", text)
	}
	if strings.Contains(text, "\n- id: injected") {
		t.Error("a device name broke out of its scalar")
	}
	if res.Summary.CrossZone != 4 {
		t.Errorf("cross-zone conversations %d, want 4", res.Summary.CrossZone)
	}
}

func TestEmptyInventory(t *testing.T) {
	var buf bytes.Buffer
	if err := Propose(&inventory.Inventory{}, Options{}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := model.Parse("empty.yaml", buf.Bytes(), model.Options{}); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
}

// FuzzPropose: whatever inventory a file can hold, the proposal loads as a model.
func FuzzPropose(f *testing.F) {
	seed, _ := json.Marshal(plantInventory())
	f.Add(seed)
	f.Add([]byte(`{"assets":[{"id":"ip-::1","ips":[{"address":"::1"}],"role":{"name":"controller"}}]}`))
	f.Add([]byte(`{"assets":[{"id":"a","name":"x\u2028y","mac":"zz","ips":[{"address":"1.2.3.4"},{"address":"fe80::1"}],"vlans":[0,5000,7]}],"flows":[{"client":{"asset":"a","ip":"1.2.3.255"},"server":{"asset":"a"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var inv inventory.Inventory
		if json.Unmarshal(data, &inv) != nil || len(inv.Assets) > 64 || len(inv.Flows) > 256 {
			return
		}
		var buf bytes.Buffer
		if err := Propose(&inv, Options{}).Write(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := model.Parse("fuzz.yaml", buf.Bytes(), model.Options{}); err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
	})
}
