package discover_test

import (
	"context"
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// TestSwitchFromDescription: in the real PROFINET capture a SCALANCE X-200 switch port
// announces itself over LLDP with capabilities "station" only (tshark: frame 3,
// lldp.tlv.system.desc "Siemens AG SIMATIC S7 MULTIPORT SCALANCE X 200 FAM") and sends
// nothing else; it was an IT host ("no industrial protocol seen") and is a network device
// on the evidence of its description. The Dell workstation beside it stays an IT host.
func TestSwitchFromDescription(t *testing.T) {
	path := testutil.RealWorld(t, "profinet__Profinet_Failed.pcap")
	inv, errs := discover.FromFiles(context.Background(), []string{path}, discover.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	roles := map[string]inventory.Role{}
	for _, a := range inv.Assets {
		roles[a.MAC] = a.Role
		if a.MAC == "00:1b:1b:34:34:ce" && (a.Identity["vendor"] != "Siemens" || a.Identity["model"] != "SCALANCE X 200 FAM") {
			t.Errorf("switch identity %v", a.Identity)
		}
	}
	sw := roles["00:1b:1b:34:34:ce"]
	want := "its lldp announcement describes it as an industrial Ethernet switch (packet 3 of " + path + ")"
	if sw.Name != inventory.RoleNetworkDevice || !slices.Contains(sw.Evidence, want) {
		t.Errorf("switch role %+v", sw)
	}
	if pc := roles["00:10:18:cb:8c:03"]; pc.Name != inventory.RoleITHost {
		t.Errorf("workstation role %+v", pc)
	}
}
