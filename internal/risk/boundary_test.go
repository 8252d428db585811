package risk

import (
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/finding"
)

// boundaryPlant is a small plant with an enterprise zone, a DMZ, a control zone, a cell
// and an external zone for the supplier; the system block is filled in per case.
const boundaryPlant = `
zones:
  - {id: z-net, purdue: 5, name: Internet}
  - {id: z-ent, purdue: 4}
  - {id: z-dmz, purdue: 3.5}
  - {id: z-ctl, purdue: 2}
  - {id: z-cell, purdue: 1}
  - {id: z-cell-a, parent: z-cell}
  - {id: z-laptops, purdue: 2, temporary: true}
conduits:
  - {id: c-net-dmz, zones: [z-net, z-dmz], boundary: firewall, allow: [{from: z-net, to: z-dmz, protocol: https}]}
  - {id: c-ent-dmz, zones: [z-ent, z-dmz], boundary: firewall, allow: [{from: z-ent, to: z-dmz, protocol: https}]}
  - {id: c-dmz-ctl, zones: [z-dmz, z-ctl], boundary: router-acl, allow: [{from: z-dmz, to: z-ctl, protocol: rdp}]}
  - {id: c-ctl-cell, zones: [z-ctl, z-cell], boundary: firewall, allow: [{from: z-ctl, to: z-cell, protocol: modbus}]}
  - {id: c-laptops-ctl, zones: [z-laptops, z-ctl], boundary: firewall, allow: [{from: z-laptops, to: z-ctl, protocol: rdp}]}
`

func boundaryModel(t *testing.T, system string) []finding.Finding {
	t.Helper()
	return BoundaryChecks(load(t, "version: 1\nsystem:\n  name: t\n"+system+boundaryPlant))
}

// ruleSubjects lists the findings as "rule subject".
func ruleSubjects(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+" "+f.Subject)
	}
	slices.Sort(out)
	return out
}

func TestBoundaryChecks(t *testing.T) {
	tests := []struct {
		name   string
		system string
		want   []string
	}{
		{
			// No boundary at all: that is said, and the internet zone has no access point.
			name: "no boundary",
			want: []string{"boundary/external-zone-without-access-point z-net", "boundary/not-described system"},
		},
		{
			// Described, the internet enters the DMZ through a firewall: nothing to say.
			// The access point's zone is the zone it enters from outside (z-net, the
			// external zone); c-net-dmz carries it.
			name: "clean",
			system: `  boundary:
    description: the water works' control system, from the DMZ down
    access_points:
      - {id: ap-web, name: Web portal, kind: internet, zone: z-net, conduit: c-net-dmz}
`,
		},
		{
			// The same connection written from the inside: the access point enters the
			// DMZ through the internet conduit, which names the internet zone too.
			name: "entering the DMZ through the external conduit",
			system: `  boundary:
    description: d
    access_points:
      - {id: ap-web, kind: internet, zone: z-dmz, conduit: c-net-dmz}
`,
		},
		{
			// Laptops plugged into a zone set apart for them (temporary, level 2): the
			// zone's own conduits are the control, so no conduit is asked of the access
			// point. The same access point into the control zone is a finding.
			name: "temporary landing zone",
			system: `  boundary:
    description: d
    access_points:
      - {id: ap-web, kind: internet, zone: z-net, conduit: c-net-dmz}
      - {id: ap-laptops, kind: other, zone: z-laptops}
      - {id: ap-laptops-ctl, kind: other, zone: z-ctl}
`,
			want: []string{"boundary/access-point-without-conduit ap-laptops-ctl"},
		},
		{
			// An access point names the external zone but not its conduit.
			name: "external conduit not named",
			system: `  boundary:
    description: d
    access_points:
      - {id: ap-web, kind: internet, zone: z-net}
`,
			want: []string{"boundary/external-conduit-without-access-point c-net-dmz", "boundary/untrusted-access-unprotected ap-web"},
		},
		{
			// Removable media straight into the cell (through its subzone, whose level
			// comes from the parent, 1): no conduit controls it. Not an untrusted network
			// kind, so no second finding.
			name: "access below DMZ without conduit",
			system: `  boundary:
    description: d
    access_points:
      - {id: ap-web, kind: internet, zone: z-net, conduit: c-net-dmz}
      - {id: ap-usb, kind: removable-media, zone: z-cell-a}
`,
			want: []string{"boundary/access-point-without-conduit ap-usb"},
		},
		{
			// A supplier's remote access into the control zone through the DMZ conduit,
			// protected only by a router ACL.
			name: "supplier through router ACL",
			system: `  boundary:
    description: d
    access_points:
      - {id: ap-web, kind: internet, zone: z-net, conduit: c-net-dmz}
      - {id: ap-vendor, kind: supplier, zone: z-ctl, conduit: c-dmz-ctl}
`,
			want: []string{"boundary/untrusted-access-unprotected ap-vendor"},
		},
		{
			// Remote access with no conduit into level 2: both the missing conduit and
			// the missing protection are reported.
			name: "remote access with no conduit",
			system: `  boundary:
    description: d
    access_points:
      - {id: ap-web, kind: internet, zone: z-net, conduit: c-net-dmz}
      - {id: ap-ra, kind: remote-access, zone: z-ctl}
`,
			want: []string{"boundary/access-point-without-conduit ap-ra", "boundary/untrusted-access-unprotected ap-ra"},
		},
		{
			// The conduit named does not join the zone entered.
			name: "conduit does not join zone",
			system: `  boundary:
    description: d
    access_points:
      - {id: ap-web, kind: internet, zone: z-net, conduit: c-net-dmz}
      - {id: ap-wifi, kind: wireless, zone: z-cell, conduit: c-ent-dmz}
`,
			want: []string{"boundary/access-point-conduit-mismatch ap-wifi"},
		},
		{
			// A business-network access point into the enterprise zone (level 4) needs
			// no conduit; the description is missing.
			name: "no description",
			system: `  boundary:
    access_points:
      - {id: ap-web, kind: internet, zone: z-net, conduit: c-net-dmz}
      - {id: ap-corp, kind: business-network, zone: z-ent}
`,
			want: []string{"boundary/not-described system"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := boundaryModel(t, tc.system)
			got := ruleSubjects(fs)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings:\n got %q\nwant %q", got, want)
			}
			for _, f := range fs {
				if f.Fix == "" || f.Message == "" || !slices.Contains(f.Requirements, "ZCR 1.1") || f.Location == "" {
					t.Errorf("%s %s: want a message, a fix, ZCR 1.1 and a location: %+v", f.Rule, f.Subject, f)
				}
			}
		})
	}
}

func TestBoundarySeverities(t *testing.T) {
	fs := boundaryModel(t, `  boundary:
    description: d
    access_points:
      - {id: ap-ra, kind: remote-access, zone: z-ctl, conduit: c-dmz-ctl}
`)
	for _, f := range fs {
		if f.Rule == "boundary/untrusted-access-unprotected" {
			if f.Severity != finding.High || !strings.Contains(f.Message, "router-acl") || !strings.Contains(f.Fix, "c-dmz-ctl") {
				t.Errorf("unprotected remote access: %+v", f)
			}
			return
		}
	}
	t.Errorf("no untrusted-access-unprotected finding in %q", ruleSubjects(fs))
}

func TestBoundaryMissingIsMedium(t *testing.T) {
	// A model with no boundary: one finding for the system, medium, at the system's line.
	fs := BoundaryChecks(load(t, "version: 1\nsystem: {name: t}\nzones: [{id: z, purdue: 2}]\n"))
	if len(fs) != 1 || fs[0].Rule != "boundary/not-described" || fs[0].Severity != finding.Medium || !strings.HasPrefix(fs[0].Location, "plant.yaml:2") {
		t.Errorf("got %+v", fs)
	}
}
