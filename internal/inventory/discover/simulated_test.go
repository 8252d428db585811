package discover_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
	"github.com/zonewarden/zonewarden/internal/simulate/simtest"
)

// TestSimulatedPlantsAgainstTruth simulates each example plant and the simulator's test
// plant and checks that discovery finds every simulated device with its MAC, address and
// VLAN, and the identity each reveals on the wire (the truth file's ground truth): what
// industrial protocols say, and the names, platforms and banners of LLDP, CDP, DHCP and
// SSH. Switches get their management address and the role of a network device.
func TestSimulatedPlantsAgainstTruth(t *testing.T) {
	plants := map[string]string{
		"water-treatment": filepath.Join("..", "..", "..", "examples", "water-treatment", "plant.yaml"),
		"substation":      filepath.Join("..", "..", "..", "examples", "substation", "plant.yaml"),
		"packaging-line":  filepath.Join("..", "..", "simulate", "testdata", "plant.yaml"),
	}
	for _, ex := range []string{"water-treatment", "substation", "packaging-line"} {
		t.Run(ex, func(t *testing.T) {
			opts := simulate.Options{Seed: 3, Duration: 90 * time.Second, Scenario: simulate.Attack, Format: pcapw.PcapNG}
			_, truth, inv := simulateAndDiscover(t, plants[ex], opts)
			itFacts, switches, mmsFacts := 0, 0, 0 // what the truth holds of the IT protocols and MMS, checked below
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
					// fact checks that the protocol gave the value among the asset's facts
					// (the identity summary holds one value a field, of any protocol).
					fact := func(field, want string) {
						if want == "" {
							return
						}
						itFacts++
						proto := id.Protocol
						if proto == "iec61850_mms" {
							proto = "mms" // the dissector serves IEC 61850 and ICCP alike
						}
						for _, f := range a.Facts {
							if f.Protocol == proto && f.Field == field && f.Value == want {
								return
							}
						}
						t.Errorf("%s: no %s fact %s = %q", ta.ID, id.Protocol, field, want)
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
					case "lldp":
						fact("system_name", id.SystemName)
						fact("system_description", id.SystemDescription)
					case "cdp":
						fact("system_name", id.SystemName)
						fact("platform", id.Platform)
						fact("software", id.SoftwareVersion)
					case "dhcp":
						fact("hostname", id.Hostname)
						fact("vendor_class", id.VendorClass)
						check("hostname", id.Hostname)
					case "ssh":
						fact("ssh_banner", id.Banner)
					case "iec61850_mms":
						fact("vendor", id.Vendor)
						fact("model", id.ModelName)
						fact("firmware_version", id.Revision)
						mmsFacts++
						if a.Role.Name != inventory.RoleController {
							t.Errorf("%s: role %s (%v), want the controller an IED is", ta.ID, a.Role.Name, a.Role.Evidence)
						}
					}
				}
				if ta.Kind == "switch" {
					switches++
					if a.Role.Name != inventory.RoleNetworkDevice {
						t.Errorf("%s: role %s (%v), want a network device", ta.ID, a.Role.Name, a.Role.Evidence)
					}
					for _, ip := range ta.IPs {
						announced := false
						for _, x := range a.IPs {
							announced = announced || x.Address == ip && slices.Contains(x.Seen, "announced")
						}
						if !announced || !slices.ContainsFunc(a.Facts, func(f inventory.Fact) bool {
							return f.Field == "management_address" && f.Value == ip
						}) {
							t.Errorf("%s: management address %s not announced: %+v", ta.ID, ip, a.IPs)
						}
					}
				}
			}
			t.Logf("%d assets, %d identity facts of IT protocols and MMS, %d switches checked", len(truth.Assets), itFacts, switches)
			if itFacts == 0 || switches == 0 {
				t.Error("the simulated plant shows no IT identity or no switch: the test checks nothing")
			}
			if ex == "substation" && mmsFacts == 0 {
				t.Error("the substation's IEDs revealed no MMS identity: the test checks nothing of MMS")
			}
		})
	}
}

// TestSimulatedIEC61850AgainstTshark holds discovery's MMS and GOOSE identities of the
// simulated substation against tshark's dissection of the same capture: every IED tshark
// sees answer an Identify has the same vendor, model and revision in the inventory, its
// conversations are MMS, not S7comm, and every GOOSE publisher has its logical device's
// name.
func TestSimulatedIEC61850AgainstTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	opts := simulate.Options{Seed: 5, Duration: 40 * time.Second, Format: pcapw.Pcap}
	path, _, inv := simulateAndDiscover(t, filepath.Join("..", "..", "..", "examples", "substation", "plant.yaml"), opts)
	out, err := exec.Command("tshark", "-n", "-r", path, "-Y", "mms.vendorName", "-T", "fields",
		"-e", "ip.src", "-e", "mms.vendorName", "-e", "mms.modelName", "-e", "mms.revision").Output()
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for line := range strings.Lines(string(out)) {
		r := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(r) != 4 {
			t.Fatalf("tshark row %q", line)
		}
		rows++
		a := assetWithIP(inv, r[0])
		if a == nil {
			t.Errorf("%s: answers MMS Identify (tshark) but is not in the inventory", r[0])
			continue
		}
		for i, field := range []string{"vendor", "model", "firmware_version"} {
			if !slices.ContainsFunc(a.Facts, func(f inventory.Fact) bool {
				return f.Protocol == "mms" && f.Field == field && f.Value == r[i+1]
			}) {
				t.Errorf("%s: tshark says %s %q; discovery has no such MMS fact", r[0], field, r[i+1])
			}
		}
	}
	if rows == 0 {
		t.Fatal("tshark found no MMS Identify response: the test checks nothing")
	}
	for _, fl := range inv.Flows {
		if fl.ServerPort == 102 && fl.Protocol != "mms" {
			t.Errorf("%s -> %s: %s, want mms", fl.Client.IP, fl.Server.IP, fl.Protocol)
		}
	}
	t.Logf("%d Identify responses agree with tshark", rows)

	// The logical devices each IED lists when asked for its domains are its MMS names.
	out, err = exec.Command("tshark", "-n", "-r", path, "-Y", "mms.confirmedServiceResponse == 1", "-T", "fields",
		"-e", "ip.src", "-e", "mms.Identifier", "-E", "aggregator=,").Output()
	if err != nil {
		t.Fatal(err)
	}
	lists := 0
	for line := range strings.Lines(string(out)) {
		ip, names, _ := strings.Cut(strings.TrimRight(line, "\n"), "\t")
		a := assetWithIP(inv, ip)
		if a == nil {
			t.Errorf("%s: lists its domains (tshark) but is not in the inventory", ip)
			continue
		}
		lists++
		for name := range strings.SplitSeq(names, ",") {
			if !slices.ContainsFunc(a.Facts, func(f inventory.Fact) bool { return f.Protocol == "mms" && f.Field == "name" && f.Value == name }) {
				t.Errorf("%s: tshark lists domain %q; discovery has no such MMS name", ip, name)
			}
		}
	}
	if lists == 0 {
		t.Fatal("tshark found no GetNameList answer: the test checks nothing of them")
	}
	t.Logf("%d domain lists agree with tshark", lists)

	// GOOSE: every publisher tshark sees is named by the logical device of its control
	// block reference, and taken for the IED it is.
	out, err = exec.Command("tshark", "-n", "-r", path, "-Y", "goose", "-T", "fields", "-e", "eth.src", "-e", "goose.gocbRef").Output()
	if err != nil {
		t.Fatal(err)
	}
	publishers := map[string]string{}
	for line := range strings.Lines(string(out)) {
		if r := strings.Split(strings.TrimRight(line, "\n"), "\t"); len(r) == 2 {
			publishers[r[0]] = r[1]
		}
	}
	if len(publishers) == 0 {
		t.Fatal("tshark found no GOOSE publisher: the test checks nothing of GOOSE")
	}
	for src, ref := range publishers {
		ld, _, _ := strings.Cut(ref, "/")
		a := assetWithMAC(inv, src)
		switch {
		case a == nil:
			t.Errorf("GOOSE publisher %s (tshark) is not in the inventory", src)
		case !slices.ContainsFunc(a.Facts, func(f inventory.Fact) bool { return f.Protocol == "goose" && f.Field == "name" && f.Value == ld }):
			t.Errorf("%s: tshark says gocbRef %q; discovery has no GOOSE name %q", src, ref, ld)
		case a.Role.Name != inventory.RoleController:
			t.Errorf("%s: role %s, want controller (an IED)", src, a.Role.Name)
		}
	}
	t.Logf("%d GOOSE publishers agree with tshark", len(publishers))
}

func assetWithMAC(inv *inventory.Inventory, mac string) *inventory.Asset {
	for i := range inv.Assets {
		if inv.Assets[i].MAC == mac {
			return &inv.Assets[i]
		}
	}
	return nil
}

func assetWithIP(inv *inventory.Inventory, ip string) *inventory.Asset {
	for i := range inv.Assets {
		for _, x := range inv.Assets[i].IPs {
			if x.Address == ip {
				return &inv.Assets[i]
			}
		}
	}
	return nil
}

// simulateAndDiscover simulates the plant of a model file into a capture in the test's
// temporary directory and discovers it: the capture's path, the simulator's truth and
// the inventory.
func simulateAndDiscover(t *testing.T, modelPath string, opts simulate.Options) (string, *simulate.Truth, *inventory.Inventory) {
	t.Helper()
	_, path, truth := simtest.Plant(t, modelPath, opts)
	inv, errs := discover.FromFiles(context.Background(), []string{path}, discover.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return path, truth, inv
}
