package observe

import (
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/goose"
)

// AppGOOSE is IEC 61850 GOOSE (EtherType 0x88B8): protection and control IEDs multicast
// their dataset states on the station and process bus. The control block reference
// names the publisher's logical device, which the substation's configuration names
// after the IED.
var AppGOOSE = Register(Protocol{
	Name:       "goose",
	EtherTypes: []uint16{goose.EtherType},
	New:        func() Handler { return new(gooseHandler) },
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

type gooseHandler struct{ m goose.Message }

func (h *gooseHandler) Handle(c *Conn, b []byte) {
	m := &h.m
	if err := goose.Parse(b, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	if m.Simulation {
		c.Op(gooseOpSimulated, protocols.OpNone)
	} else {
		c.Op(gooseOpPublish, protocols.OpNone)
	}
	// Heartbeats repeat the same facts every second or so; the inventory keeps each
	// once.
	c.Identity(Sender, FieldName, TrimText(goose.LogicalDevice(m.GoCBRef)), Medium)
	c.IdentityString(Sender, FieldDeviceRole, RoleHintGOOSEPublisher, High)
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
	ruleGOOSESimulated = NewRule("goose/simulation-flag", "GOOSE publication flagged as simulation (test) on the bus", finding.Medium, "T0856")
	gooseRules         = []*Rule{ruleGOOSESimulated}
)

func gooseMatch(op *Operation) *Rule {
	if op.Code == gooseOpSimulated {
		return ruleGOOSESimulated
	}
	return nil
}
