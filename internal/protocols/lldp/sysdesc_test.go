package lldp

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

func describe(d *Description) string {
	var parts []string
	add := func(k string, v []byte) {
		if v != nil {
			parts = append(parts, k+"="+string(v))
		}
	}
	parts = append(parts, "vendor="+d.Vendor)
	add("model", d.Model)
	add("family", d.Family)
	add("order", d.OrderNumber)
	add("fw", d.Firmware)
	add("hw", d.Hardware)
	add("serial", d.Serial)
	if d.Kind != "" {
		parts = append(parts, "kind="+d.Kind)
	}
	return strings.Join(parts, " ")
}

// TestParseDescription reads system descriptions devices were seen sending: in the
// public captures (profinet__Profinet_Failed.pcap frame 3, the EtherNet/IP captures' CDP
// frame 13), in lldpctl and NAPALM output published with open-source projects (the
// SCALANCE X204IRT, the Hirschmann BOBCAT and RSPE), SNMP sysDescr values SCALANCE
// devices answer (M876-4, S612, XM408-8C, quoted by vulnerability scanners' detection
// scripts), and Cisco IOS image strings. The Moxa line is a model name, not a description
// seen on the wire (none was at hand).
func TestParseDescription(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Siemens, SIMATIC NET, SCALANCE X204IRT, 6GK5 204-0BA00-2BA3, HW: Version 9, FW: Version V05.04.02, SVPL6147920",
			"vendor=Siemens model=SCALANCE X204IRT order=6GK5 204-0BA00-2BA3 fw=V05.04.02 hw=9 serial=SVPL6147920 kind=industrial Ethernet switch"},
		{"Siemens, SIMATIC NET, SCALANCE XM408-8C, 6GK5 408-8GS00-2AM2, HW: Version 2, FW: Version V06.01.00, SVPK2138923",
			"vendor=Siemens model=SCALANCE XM408-8C order=6GK5 408-8GS00-2AM2 fw=V06.01.00 hw=2 serial=SVPK2138923 kind=industrial Ethernet switch"},
		{"Siemens, SIMATIC NET, SCALANCE M876-4 EU, 6GK5 876-4AA00-2BA2, HW: Version 1, FW: Version V04.02.03, SVPJ5127948",
			"vendor=Siemens model=SCALANCE M876-4 EU order=6GK5 876-4AA00-2BA2 fw=V04.02.03 hw=1 serial=SVPJ5127948 kind=industrial router"},
		{"Siemens, SIMATIC NET, Scalance S612, 6GK56120BA102AA3, HW: Version 2, FW: Version V03.00.00.01_01.00.00.01",
			"vendor=Siemens model=Scalance S612 order=6GK56120BA102AA3 fw=V03.00.00.01_01.00.00.01 hw=2 kind=industrial security appliance"},
		{"Siemens, SIMATIC S7, CPU 1516-3 PN/DP, 6ES7 516-3AN01-0AB0, HW: 3, FW: V2.9.4",
			"vendor=Siemens model=CPU 1516-3 PN/DP order=6ES7 516-3AN01-0AB0 fw=V2.9.4 hw=3"},
		{"Siemens AG SIMATIC S7 MULTIPORT SCALANCE X 200 FAM", "vendor=Siemens model=SCALANCE X 200 FAM kind=industrial Ethernet switch"},
		{"Hirschmann BOBCAT - SW: HiOS-2A-10.0.00", "vendor=Hirschmann model=BOBCAT fw=HiOS-2A-10.0.00 kind=industrial Ethernet switch"},
		{"Hirschmann Rail Switch Power Enhanced - SW: HiOS-3S-09.0.00",
			"vendor=Hirschmann model=Rail Switch Power Enhanced fw=HiOS-3S-09.0.00 kind=industrial Ethernet switch"},
		{"Cisco IOS Software, IE4000 Software (IE4000-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)",
			"vendor=Cisco family=IE4000 fw=15.2(7)E4 kind=industrial Ethernet switch"},
		{"Cisco IOS Software, CE500 Software (CE500-LANBASE-M), Version 12.2(25)SEG4, RELEASE SOFTWARE (fc1),Copyright (c) 1986-2007 by Cisco Systems, Inc.,Compiled Mon 13-Aug-07 17:34 by yenanh",
			"vendor=Cisco family=CE500 fw=12.2(25)SEG4 kind=Ethernet switch"},
		{"Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.1(4)M4, RELEASE SOFTWARE (fc1)",
			"vendor=Cisco family=C2900 fw=15.1(4)M4"}, // an ISR 2900 router's image as Cisco names it: no switch
		{"EDS-G512E-4GSFP", "vendor=Moxa model=EDS-G512E-4GSFP kind=industrial Ethernet switch"},
		{"Dell Inc. OptiPlex 990,01,G22XB2S + HMI", ""},
		{"Siemens, ", ""},
		{"Hirschmann ", ""},
		{"", ""},
	} {
		var d Description
		got := ""
		if ParseDescription([]byte(c.in), &d) {
			got = describe(&d)
		}
		if got != c.want {
			t.Errorf("%q:\n got  %s\n want %s", c.in, got, c.want)
		}
	}
}

// TestDescriptionAllocs: the description is read on the packet path.
func TestDescriptionAllocs(t *testing.T) {
	in := []byte("Siemens, SIMATIC NET, SCALANCE X204IRT, 6GK5 204-0BA00-2BA3, HW: Version 9, FW: Version V05.04.02, SVPL6147920")
	var d Description
	if n := testing.AllocsPerRun(100, func() { ParseDescription(in, &d) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

// TestRealSwitchDescription runs the public PROFINET capture in which a SCALANCE X-200
// switch port announces itself (tshark: frame 3, lldp.tlv.system.desc "Siemens AG
// SIMATIC S7 MULTIPORT SCALANCE X 200 FAM", source 00:1b:1b:34:34:ce, capabilities
// station only) and checks the facts read from it, with their packet.
func TestRealSwitchDescription(t *testing.T) {
	path := testutil.RealWorld(t, "profinet__Profinet_Failed.pcap")
	if testutil.HaveTshark() {
		rows := testutil.Tshark(t, path, "frame.number==3", []string{"eth.src", "lldp.tlv.system.desc"})
		if len(rows) != 1 || rows[0][0] != "00:1b:1b:34:34:ce" || rows[0][1] != "Siemens AG SIMATIC S7 MULTIPORT SCALANCE X 200 FAM" {
			t.Fatalf("tshark: %q", rows)
		}
	}
	r := observetest.RunCapture(t, path)
	var got []string
	for i := range r.IDs {
		id := &r.IDs[i]
		if observetest.Who(id) == "00:1b:1b:34:34:ce" && id.At.Packet == 3 {
			got = append(got, fmt.Sprintf("%s=%s (%s)", id.Field, id.Value, id.Confidence))
		}
	}
	for _, w := range []string{"vendor=Siemens (medium)", "model=SCALANCE X 200 FAM (medium)", "device_type=industrial Ethernet switch (medium)"} {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in %q", w, got)
		}
	}
	// The Dell workstation's description (frame 2) is in no vendor format: no facts.
	for i := range r.IDs {
		id := &r.IDs[i]
		if observetest.Who(id) == "00:10:18:cb:8c:03" && (id.Field.String() == "vendor" || id.Field.String() == "device_type") {
			t.Errorf("workstation got %s=%s", id.Field, id.Value)
		}
	}
}

// FuzzParseDescription: any description parses or not without panicking, and every
// field it returns is a piece of the description.
func FuzzParseDescription(f *testing.F) {
	for _, s := range []string{
		"Siemens, SIMATIC NET, SCALANCE X204IRT, 6GK5 204-0BA00-2BA3, HW: Version 9, FW: Version V05.04.02, SVPL6147920",
		"Siemens AG SIMATIC S7 MULTIPORT SCALANCE X 200 FAM",
		"Hirschmann BOBCAT - SW: HiOS-2A-10.0.00",
		"Cisco IOS Software, IE4000 Software (IE4000-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)",
		"EDS-G512E-4GSFP V5.2", "Siemens, , , HW:, FW:", "Hirschmann -", "Cisco IOS",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var d Description
		if !ParseDescription(in, &d) {
			return
		}
		for _, p := range [][]byte{d.Model, d.Family, d.OrderNumber, d.Firmware, d.Hardware, d.Serial} {
			if p != nil && !strings.Contains(string(in), string(p)) {
				t.Fatalf("%q is not in %q", p, in)
			}
		}
	})
}
