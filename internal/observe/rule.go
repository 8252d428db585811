package observe

import (
	"github.com/zonewarden/zonewarden/internal/attack"
	"github.com/zonewarden/zonewarden/internal/finding"
)

// Rule is one kind of alert a protocol's operations raise: what it is called, how bad it
// is before a plant model is consulted, and the ATT&CK for ICS techniques it stands for.
// A protocol declares its rules beside its handler (Protocol.Rules) and picks the rule of
// each operation with its own operation codes (Protocol.Match); package detect turns
// them into alerts.
type Rule struct {
	ID       string // "s7comm/plc-stop"
	Title    string // one line, filled with the ends by the detector
	Severity finding.Severity
	// Techniques are current technique ids (see NewRule).
	Techniques []string
	// PerSource: repeats are aggregated by source alone (sweeps, whose targets vary),
	// not by source and destination.
	PerSource bool
	// PerPair: repeats are aggregated by source and destination, whatever the
	// operation code (one alert per host that opens sessions to a device).
	PerPair bool
}

// NewRule builds a rule, replacing revoked technique ids by the ones MITRE names in their
// place, so that alerts carry ids a SIEM's current ATT&CK data knows.
func NewRule(id, title string, sev finding.Severity, techniques ...string) *Rule {
	r := &Rule{ID: id, Title: title, Severity: sev}
	for _, t := range techniques {
		if c, ok := attack.Current(t); ok {
			t = c.ID
		}
		r.Techniques = append(r.Techniques, t)
	}
	return r
}

// AggregatePerPair and AggregatePerSource mark a rule's aggregation (Rule.PerPair,
// Rule.PerSource) where it is declared.
func AggregatePerPair(r *Rule) *Rule   { r.PerPair = true; return r }
func AggregatePerSource(r *Rule) *Rule { r.PerSource = true; return r }

// Match returns the rule an operation of the protocol raises, or nil. It runs for every
// operation and allocates nothing.
func (a App) Match(op *Operation) *Rule {
	if int(a) < len(protocolsByApp) && protocolsByApp[a].Match != nil {
		return protocolsByApp[a].Match(op)
	}
	return nil
}

// Rules lists the rules every registered protocol declares, in registration order.
func Rules() []*Rule {
	var out []*Rule
	for _, p := range protocolsByApp[1:] {
		out = append(out, p.Rules...)
	}
	return out
}

// FlowHit is what a protocol's FlowMatch found in a flow that ended: the rule it raises
// (nil: none), the operation the alert names ("exception") and the one detail that
// made it (Key "exceptions", Value 25).
type FlowHit struct {
	Rule  *Rule
	Op    string
	Key   string
	Value uint64
}

// MatchFlow returns what a flow of the protocol raises as a whole when it ends.
func (a App) MatchFlow(f *Flow) FlowHit {
	if int(a) < len(protocolsByApp) && protocolsByApp[a].FlowMatch != nil {
		return protocolsByApp[a].FlowMatch(f)
	}
	return FlowHit{}
}
