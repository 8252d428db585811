package detect

import (
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
)

// Rule is one kind of alert. A protocol's rules live with its dissector (package
// observe's Protocol.Rules and Match, by its own operation codes); the rules here are
// the ones no single protocol owns: scans, the plant model and the baseline.
type Rule = observe.Rule

func newRule(id, title string, sev finding.Severity, techniques ...string) *Rule {
	return observe.NewRule(id, title, sev, techniques...)
}

// The rules of no single protocol. Titles are written for an operator reading a table.
var (
	ruleScanHosts      = newRule("scan/hosts", "host touches many addresses", finding.Medium, "T0846")
	ruleScanPorts      = newRule("scan/ports", "host probes many ports", finding.Medium, "T0846")
	ruleUnknownDevice  = newRule("model/unknown-device", "device not in the model", finding.Medium, "T0864")
	ruleForbiddenFlow  = newRule("model/forbidden-operation", "operation no conduit allows", finding.Medium, "T0855")
	ruleForbiddenRead  = newRule("model/forbidden-read", "process data read no conduit allows", finding.Medium, "T0801")
	ruleBaselineTalker = newRule("baseline/new-talker", "new conversation", finding.Low, "T0846")
	ruleBaselineOp     = newRule("baseline/new-operation", "new operation", finding.Medium, "T0855")
	ruleBaselineDevice = newRule("baseline/new-device", "new device", finding.Medium, "T0864")
)

// Rules lists every rule, for documentation and tests: the protocols' own, in their
// registration order, then those of no single protocol.
func Rules() []*Rule {
	return append(observe.Rules(), ruleScanHosts, ruleScanPorts, ruleUnknownDevice, ruleForbiddenFlow, ruleForbiddenRead,
		ruleBaselineTalker, ruleBaselineOp, ruleBaselineDevice)
}

// match returns the rule an operation raises, or nil: its protocol's (observe.App.Match).
// It runs for every operation and allocates nothing.
func match(op *observe.Operation) *Rule { return op.App.Match(op) }
