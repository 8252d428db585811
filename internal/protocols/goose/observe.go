package goose

import (
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is IEC 61850 GOOSE (EtherType 0x88B8): protection and control IEDs multicast
// their dataset states on the station and process bus. The control block reference
// names the publisher's logical device, which the substation's configuration names
// after the IED.
var App = observe.Register(observe.Protocol{
	Name:       "goose",
	EtherTypes: []uint16{EtherType},
	New:        func() observe.Handler { return new(gooseHandler) },
	OpName:     gooseOpName,
	Rules:      gooseRules,
	Match:      gooseMatch,
})

// Operation codes: a publication, and one flagged as simulation (test) traffic, which
// subscribers in service ignore and which should not appear on a live bus.
const (
	gooseOpPublish = iota
	gooseOpSimulated
)

type gooseHandler struct{ m Message }

func (h *gooseHandler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if m.Simulation {
		c.Op(gooseOpSimulated, protocols.OpNone)
	} else {
		c.Op(gooseOpPublish, protocols.OpNone)
	}
	// Heartbeats repeat the same facts every second or so; the inventory keeps each
	// once.
	c.Identity(observe.Sender, observe.FieldName, observe.TrimText(LogicalDevice(m.GoCBRef)), observe.Medium)
	c.IdentityString(observe.Sender, observe.FieldDeviceRole, observe.RoleHintGOOSEPublisher, observe.High)
}

func gooseOpName(code uint32) string {
	switch code {
	case gooseOpPublish:
		return "publish"
	case gooseOpSimulated:
		return "publish_simulated"
	}
	return ""
}

// The alerts of GOOSE publications.
var (
	ruleGOOSESimulated = observe.NewRule("goose/simulation-flag", "GOOSE publication flagged as simulation (test) on the bus", finding.Medium, "T0856")
	gooseRules         = []*observe.Rule{ruleGOOSESimulated}
)

func gooseMatch(op *observe.Operation) *observe.Rule {
	if op.Code == gooseOpSimulated {
		return ruleGOOSESimulated
	}
	return nil
}
