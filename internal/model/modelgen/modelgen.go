// Package modelgen writes large synthetic plant models for benchmarks and scale tests:
// many process cells along the Purdue levels, their conduits, assets, threats and
// countermeasures, all valid. It is test tooling; nothing in the product imports it.
package modelgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
)

// Size says how big a model to write.
type Size struct {
	Zones, Assets, Conduits, Threats, Countermeasures int
	Seed                                              uint64
}

// Large is the scale the assessment must handle in under 2 s: 2,000 zones, 50,000
// assets and 5,000 conduits.
var Large = Size{Zones: 2000, Assets: 50000, Conduits: 5000, Threats: 400, Countermeasures: 1200, Seed: 1}

// Write writes a valid model of the given size as YAML.
func Write(w io.Writer, s Size) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(s.Seed, 62443))
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	levels := []string{"1", "1", "1", "2", "2", "3", "3.5", "4"}
	p("version: 1\nsystem:\n  name: Generated plant (%d zones, %d assets, %d conduits)\n", s.Zones, s.Assets, s.Conduits)
	p("zones:\n")
	for z := 0; z < s.Zones; z++ {
		// Zone z owns 10.(z/250).(z%%250).0/24 — distinct for up to 62,500 zones.
		p("  - {id: z%d, name: Zone %d, purdue: %s, networks: [10.%d.%d.0/24], vlans: [%d]",
			z, z, levels[z%len(levels)], z/250, z%250, z%4094+1)
		if z%10 == 0 {
			p(", sl_target: {level: {FR1: 2, FR2: 2, FR3: 3, FR4: 1, FR5: 2, FR6: 1, FR7: 2}, rationale: stated}")
		}
		p("}\n")
	}
	kinds := []string{"plc", "rtu", "hmi", "ews", "historian", "switch", "server", "drive", "sensor"}
	protos := []string{"modbus", "enip", "s7comm", "dnp3", "iec104", "opcua", "https"}
	p("assets:\n")
	for a := 0; a < s.Assets; a++ {
		z := a % s.Zones
		host := a/s.Zones + 2
		p("  - {id: a%d, zone: z%d, kind: %s, ips: [10.%d.%d.%d], criticality: %s",
			a, z, kinds[a%len(kinds)], z/250, z%250, host%250+2, []string{"low", "medium", "high", "critical"}[a%4])
		if a%5 == 0 {
			p(", sl_capability: %d", 1+a%3)
		}
		p("}\n")
	}
	p("conduits:\n")
	for c := 0; c < s.Conduits; c++ {
		a := rng.IntN(s.Zones)
		b := (a + 1 + rng.IntN(s.Zones-1)) % s.Zones
		proto := protos[c%len(protos)]
		p("  - id: c%d\n    zones: [z%d, z%d]\n    boundary: firewall\n    allow:\n      - {from: z%d, to: z%d, protocol: %s",
			c, a, b, a, b, proto)
		if proto != "https" {
			p(", operations: [read, write]")
		}
		p("}\n")
	}
	caps := []string{"casual", "simple", "moderate", "extended"}
	p("threats:\n")
	for t := 0; t < s.Threats; t++ {
		p("  - {id: t%d, source: {name: s%d, capability: %s}, targets: [z%d, z%d, c%d], likelihood: %d, consequences: {production: %d, safety: %d}, countermeasures: [cm%d]}\n",
			t, t, caps[t%4], rng.IntN(s.Zones), rng.IntN(s.Zones), rng.IntN(s.Conduits), 1+rng.IntN(5), 1+rng.IntN(5), 1+rng.IntN(5), rng.IntN(s.Countermeasures))
	}
	reqs := []string{"SR 1.1", "SR 1.3", "SR 2.1", "SR 3.2", "SR 5.1", "SR 5.2", "SR 5.2 RE 1", "SR 7.3", "SR 7.4", "SR 6.1", "SR 2.8", "SR 1.1 RE 1", "SR 3.1", "SR 4.1"}
	statuses := []string{"implemented", "implemented", "planned", "partial"}
	p("countermeasures:\n")
	for c := 0; c < s.Countermeasures; c++ {
		p("  - {id: cm%d, satisfies: [%s, %s, %s], scope: [z%d, c%d, a%d], status: %s, evidence: [e], owner: team%d, due: 2027-%02d-01}\n",
			c, reqs[c%len(reqs)], reqs[(c+3)%len(reqs)], reqs[(c+7)%len(reqs)], rng.IntN(s.Zones), rng.IntN(s.Conduits), rng.IntN(s.Assets),
			statuses[c%len(statuses)], c%20, 1+c%12)
	}
	return bw.Flush()
}
