package propose

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// Write writes the proposal as a model file: YAML with a comment on every guess.
func (p *Proposal) Write(w io.Writer) error {
	b := bufio.NewWriter(w)
	pf := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	pf("# A first model proposed by zonewarden from observed traffic alone.\n")
	for _, s := range p.Sources {
		pf("# Capture: %s\n", comment(s))
	}
	pf("# Every zone, kind and conduit below is a guess from what the capture showed: review\n")
	pf("# them, merge zones that belong together, and add sl_target, threats and\n")
	pf("# countermeasures before you assess. The conduits allow exactly what was seen.\n")
	pf("version: 1\n\nsystem:\n  name: %s\n", quote(p.System))
	pf("  description: %s\n", quote("Proposed from traffic; review before use."))

	pf("\nzones:\n")
	if len(p.Zones) == 0 {
		pf("  []  # no device with an address was seen\n")
	}
	for _, z := range p.Zones {
		pf("  - id: %s\n", z.ID)
		if z.Why != "" {
			pf("    # %s\n", comment(z.Why))
		}
		pf("    name: %s\n", quote(z.Name))
		if z.Purdue != nil {
			pf("    purdue: %d  # guess\n", *z.Purdue)
		}
		if z.External {
			pf("    external: true\n")
		}
		if len(z.Networks) > 0 {
			pf("    networks:\n")
			for _, n := range z.Networks {
				pf("      - %s\n", n)
			}
		}
		if len(z.VLANs) > 0 {
			pf("    vlans: [%s]  # the VLANs its addressed devices were seen on\n", ints(z.VLANs))
		}
	}

	pf("\nconduits:\n")
	if len(p.Conduits) == 0 {
		pf("  []  # no conversation crossed between proposed zones\n")
	}
	for _, c := range p.Conduits {
		pf("  - id: %s\n", c.ID)
		pf("    # proposed from the conversations seen between these zones; the boundary is unknown\n")
		pf("    name: %s\n", quote(c.Name))
		pf("    zones: [%s, %s]\n", c.Zones[0], c.Zones[1])
		pf("    allow:\n")
		for _, a := range c.Allow {
			pf("      - from: %s\n", a.From)
			pf("        # seen: %s, %d conversation(s), %d packets\n", comment(a.Seen), a.Conversations, a.Packets)
			pf("        to: %s\n", a.To)
			pf("        protocol: %s\n", a.Protocol)
			if len(a.Ports) > 0 {
				pf("        ports: [%s]\n", ints(a.Ports))
			}
			if len(a.Operations) > 0 {
				pf("        operations: [%s]  # the classes seen\n", strings.Join(a.Operations, ", "))
			} else if a.isOT() {
				pf("        # no operation was classified: every class is allowed; narrow this\n")
			}
		}
	}

	pf("\nassets:\n")
	if len(p.Assets) == 0 {
		pf("  []\n")
	}
	for _, a := range p.Assets {
		pf("  - id: %s\n", a.ID)
		pf("    name: %s\n", quote(a.Name))
		pf("    zone: %s\n", a.Zone)
		pf("    kind: %s  # %s\n", a.Kind, comment(a.Why))
		if len(a.IPs) > 0 {
			q := make([]string, len(a.IPs))
			for i, ip := range a.IPs {
				q[i] = quote(ip)
			}
			pf("    ips: [%s]\n", strings.Join(q, ", "))
		}
		if len(a.MACs) > 0 {
			pf("    macs: [%s]\n", quote(a.MACs[0]))
		}
		if a.Vendor != "" {
			pf("    vendor: %s", quote(a.Vendor))
			if a.VendorFromMAC {
				pf("  # holder of the MAC prefix")
			}
			pf("\n")
		}
		for _, kv := range [][2]string{{"model", a.Model}, {"firmware", a.Firmware}, {"serial", a.Serial}} {
			if kv[1] != "" {
				pf("    %s: %s\n", kv[0], quote(kv[1]))
			}
		}
	}
	return b.Flush()
}

func (a *Allow) isOT() bool {
	return a.Protocol != "any" && isOTName(a.Protocol)
}

// quote writes s as a YAML double-quoted scalar (JSON strings are valid YAML ones).
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// comment keeps a comment on one line: what devices state must not break the YAML.
func comment(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

func ints(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}
