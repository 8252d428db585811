package verify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/inventory"
)

// FuzzVerifyInventory: verify --inventory reads an inventory from a file anyone may have
// edited. Whatever it holds (addresses that do not parse, flows naming devices that do
// not exist, operations of unknown classes, empty ends), verification and the replay of
// a ruleset give a result, never a panic.
func FuzzVerifyInventory(f *testing.F) {
	seed := capture(everyone,
		fl{"hmi", "plc", "modbus", "tcp", 502, "read,write", ""},
		fl{"office", "plc", "unknown", "tcp", 22, "", ""},
		fl{"intrude", "sis", "s7comm", "tcp", 102, "program", "control"},
		fl{"plc", "intrude", "profinet", "ethernet", 0, "", "control"},
		fl{"stray", "remote", "unknown", "icmp", 0, "", ""})
	b, err := json.Marshal(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"assets":[{"id":"a","ips":[{"address":"10.11.0.5"},{"address":"x"}],"vlans":[111,-1]}],"flows":[{"client":{"asset":"a","ip":"10.11.0.5"},"server":{"asset":"b","ip":"10.2.0.10"},"operations":[{"class":"program","from_client":1}]}]}`))
	f.Add([]byte(`{"flows":[{"client":{"asset":"a"},"server":{"asset":"a"},"transport":"ethernet","vlan":20}],"assets":[{"id":"a","mac":"zz"}]}`))
	m := loadPlant(f)
	rs, err := ParseRuleset(strings.NewReader("*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 10.2.0.0/24 -p tcp -j ACCEPT\nCOMMIT\n"), "fw", "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var inv *inventory.Inventory
		if err := json.Unmarshal(b, &inv); err != nil || inv == nil {
			return
		}
		res := Verify(m, inv, Options{Ruleset: rs})
		if res.Summary.Conversations != len(inv.Flows) || res.Summary.Devices != len(inv.Assets) {
			t.Fatalf("summary %+v for %d flows, %d assets", res.Summary, len(inv.Flows), len(inv.Assets))
		}
	})
}
