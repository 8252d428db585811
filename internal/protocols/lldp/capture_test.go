package lldp

import (
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// TestCaptureMatchesTshark decodes the LLDP frames of the public EtherNet/IP capture (a
// switch port and an endpoint announcing themselves) and holds them against tshark.
func TestCaptureMatchesTshark(t *testing.T) {
	capPath := testutil.Path(t, "enip/enip_cip_example.pcap")
	fields := []string{"frame.number", "lldp.chassis.subtype", "lldp.chassis.id.mac", "lldp.chassis.id.ip4", "lldp.chassis.id",
		"lldp.port.subtype", "lldp.port.id.mac", "lldp.port.id", "lldp.time_to_live", "lldp.port.desc", "lldp.tlv.system.name",
		"lldp.tlv.system.desc", "lldp.tlv.system_cap", "lldp.tlv.enable_system_cap", "lldp.mgn.addr.ip4", "lldp.mgn.addr.ip6",
		"lldp.mgn.interface.number", "lldp.ieee.802_1.port_vlan.id", "lldp.media.hardware", "lldp.media.firmware",
		"lldp.media.software", "lldp.media.sn", "lldp.media.manufacturer", "lldp.media.model", "lldp.media.asset"}
	want := map[int][]string{}
	for _, r := range testutil.Tshark(t, capPath, "lldp", fields) {
		n, _ := strconv.Atoi(r[0])
		for len(r) < len(fields) {
			r = append(r, "")
		}
		want[n] = r[1:]
	}
	seen := 0
	for _, p := range testutil.Payloads(t, capPath) {
		if p.EtherType != EtherType {
			continue
		}
		seen++
		w, ok := want[p.Frame]
		if !ok {
			t.Errorf("frame %d: not LLDP for tshark", p.Frame)
			continue
		}
		var m Message
		if err := Parse(p.L2Payload, &m); err != nil {
			t.Errorf("frame %d: %v", p.Frame, err)
			continue
		}
		if got := summary(&m); strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("frame %d:\n  got %q\ntshark %q", p.Frame, got, w)
		}
	}
	if seen != len(want) || seen == 0 {
		t.Errorf("%d LLDP frames, tshark %d", seen, len(want))
	}
}
