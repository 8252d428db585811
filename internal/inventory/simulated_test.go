package inventory_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
)

// TestSimulatedPlantsAgainstTruth simulates each example plant and checks that discovery
// finds every simulated device with its MAC, address and VLAN, and the identity each
// reveals on the wire (the truth file's ground truth).
func TestSimulatedPlantsAgainstTruth(t *testing.T) {
	for _, ex := range []string{"water-treatment", "substation"} {
		t.Run(ex, func(t *testing.T) {
			m, err := model.Load(filepath.Join("..", "..", "examples", ex, "plant.yaml"), model.Options{})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), ex+".pcapng")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			opts := simulate.Options{Seed: 3, Duration: 90 * time.Second, Scenario: simulate.Attack, Format: pcapw.PcapNG}
			truth, err := simulate.Run(context.Background(), m, opts, f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
			inv, errs := inventory.FromFiles(context.Background(), []string{path}, inventory.Options{})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			byMAC := map[string]*inventory.Asset{}
			for i := range inv.Assets {
				byMAC[inv.Assets[i].MAC] = &inv.Assets[i]
			}
			for _, ta := range truth.Assets {
				a := byMAC[ta.MAC]
				if a == nil {
					t.Errorf("%s (%s): not in the inventory", ta.ID, ta.MAC)
					continue
				}
				// Devices that speak only layer-2 protocols (switches, GOOSE publishers)
				// show no address on the wire until LLDP/CDP management addresses are read.
				if len(a.IPs) > 0 && len(ta.IPs) > 0 && a.IPs[0].Address != ta.IPs[0] {
					t.Errorf("%s: address %s, truth %s", ta.ID, a.IPs[0].Address, ta.IPs[0])
				}
				if ta.VLAN != 0 && !slices.Equal(a.VLANs, []int{ta.VLAN}) {
					t.Errorf("%s: VLANs %v, truth %d", ta.ID, a.VLANs, ta.VLAN)
				}
				for _, id := range ta.Identities {
					check := func(field, want string) {
						if want != "" && a.Identity[field] != want {
							t.Errorf("%s: %s identity %s = %q, truth %q", ta.ID, id.Protocol, field, a.Identity[field], want)
						}
					}
					switch id.Protocol {
					case "enip":
						check("product_name", id.ProductName)
						check("serial_number", id.Serial)
					case "s7comm":
						check("order_number", id.OrderNumber)
						check("serial_number", id.Serial)
					case "modbus":
						check("vendor", id.Vendor)
					}
				}
			}
		})
	}
}
