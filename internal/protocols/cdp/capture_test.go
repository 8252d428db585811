package cdp

import (
	"fmt"
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// TestRealSwitchDescription runs a real capture in which a Cisco Catalyst Express 500
// announces itself over CDP (tshark: frame 13, cdp.software_version "Cisco IOS Software,
// CE500 Software (CE500-LANBASE-M), Version 12.2(25)SEG4, ...", cdp.platform "cisco
// WS-CE500-24TT", source 00:1e:f6:73:59:81) and checks the facts read from it.
func TestRealSwitchDescription(t *testing.T) {
	path := testutil.RealWorld(t, "openics__EIP-SoftwareUploadFailure.pcap")
	if testutil.HaveTshark() {
		rows := testutil.Tshark(t, path, "frame.number==13", []string{"eth.src", "cdp.platform"})
		if len(rows) != 1 || rows[0][0] != "00:1e:f6:73:59:81" || rows[0][1] != "cisco WS-CE500-24TT" {
			t.Fatalf("tshark: %q", rows)
		}
	}
	r := observetest.RunCapture(t, path)
	var got []string
	for i := range r.IDs {
		id := &r.IDs[i]
		if observetest.Who(id) == "00:1e:f6:73:59:81" && id.At.Packet == 13 {
			got = append(got, fmt.Sprintf("%s=%s (%s)", id.Field, id.Value, id.Confidence))
		}
	}
	for _, w := range []string{"vendor=Cisco (medium)", "model=WS-CE500-24TT (medium)", "firmware_version=12.2(25)SEG4 (medium)",
		"device_type=Ethernet switch (medium)", "platform=cisco WS-CE500-24TT (high)"} {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in %q", w, got)
		}
	}
}
