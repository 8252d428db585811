package risk

import (
	"slices"
	"testing"
)

// TestPartitionRequirementIDs: each partitioning finding names its clause of 62443-3-2
// ZCR 3: temporarily connected devices are ZCR 3.4, wireless devices ZCR 3.5, devices on
// external networks ZCR 3.6 (issue 14: 3.4 and 3.5 were swapped).
func TestPartitionRequirementIDs(t *testing.T) {
	src := `version: 1
system: {name: t}
zones:
  - {id: z-ctl, purdue: 2, networks: [10.2.0.0/24]}
  - {id: z-radio, purdue: 2, wireless: true, networks: [10.5.0.0/24]}
  - {id: z-ext, purdue: 2, external: true, temporary: true, networks: [10.6.0.0/24]}
conduits:
  - {id: c1, zones: [z-ctl, z-radio], boundary: firewall, allow: [{from: z-ctl, to: z-radio, protocol: modbus}]}
  - {id: c2, zones: [z-ctl, z-ext], boundary: firewall, allow: [{from: z-ctl, to: z-ext, protocol: modbus}]}
assets:
  - {id: laptop, zone: z-ctl, kind: engineering-laptop, ips: [10.2.0.20]}
  - {id: ap, zone: z-ctl, kind: wireless-ap, ips: [10.2.0.21]}
  - {id: plc, zone: z-ctl, kind: plc, ips: [10.2.0.10]}
  - {id: rtu, zone: z-radio, kind: rtu, ips: [10.5.0.10]}
  - {id: plc-ext, zone: z-ext, kind: plc, ips: [10.6.0.10]}
threats:
  - {id: T, source: {capability: simple}, targets: [z-ctl, z-radio, z-ext], likelihood: 2, consequences: {production: 2}}
`
	r := Assess(load(t, src))
	want := map[string][]string{
		"partition/temporary-not-separated z-ctl":     {"ZCR 3.4"},
		"partition/wireless-not-separated z-ctl":      {"ZCR 3.5"},
		"partition/special-zone-with-control z-radio": {"ZCR 3.5"},
		"partition/special-zone-with-control z-ext":   {"ZCR 3.4", "ZCR 3.6"},
	}
	got := map[string][]string{}
	for _, f := range r.Findings {
		got[f.Rule+" "+f.Subject] = f.Requirements
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s: requirements %v, want %v", k, got[k], w)
		}
	}
}
