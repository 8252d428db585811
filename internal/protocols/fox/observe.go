package fox

import (
	"bytes"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is Niagara Fox (TCP 1911, or wherever a connection starts with a Fox header).
var App = observe.Register(observe.Protocol{
	Name:      "fox",
	TCPPorts:  []uint16{Port},
	PDULen:    PDULen,
	DetectTCP: detectFox,
	New:       func() observe.Handler { return new(handler) },
	OpName:    opName,
	Rules:     rules,
	Match:     match,
})

// Operation codes: the fox channel's commands, and the hello of a Workbench apart, since
// it opens an engineering session.
const (
	opHello          = 1
	opChallenge      = 2
	opOther          = 3
	opWorkbenchHello = 0x101
)

func opName(code uint32) string {
	switch code {
	case opHello:
		return "hello"
	case opChallenge:
		return "challenge"
	case opOther:
		return "message"
	case opWorkbenchHello:
		return "workbench_hello"
	}
	return ""
}

var (
	// ruleWorkbench: Workbench is Niagara's engineering tool; a session of it with a station
	// can change the station's programming and configuration. One alert per pair.
	ruleWorkbench = observe.AggregatePerPair(observe.NewRule("fox/workbench-session",
		"Niagara Workbench session", finding.Low, "T0886"))
	rules = []*observe.Rule{ruleWorkbench}
)

func match(op *observe.Operation) *observe.Rule {
	if op.Code == opWorkbenchHello && op.FromClient {
		return ruleWorkbench
	}
	return nil
}

type handler struct{ m Message }

func (h *handler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if m.Dropped > 0 {
		c.Anomaly(observe.AnomalyOversized)
	}
	if string(m.Channel) != "fox" {
		c.Op(opOther, protocols.OpNone)
		return
	}
	switch string(m.Command) {
	case "hello":
		app, _ := m.Get("app.name")
		code := uint32(opHello)
		if string(app) == "Workbench" {
			code = opWorkbenchHello
		}
		c.Op(code, protocols.OpNone)
		h.hello(c, m, app)
	case "challenge":
		c.Op(opChallenge, protocols.OpNone)
	default:
		c.Op(opOther, protocols.OpNone)
	}
}

// hello reports what the sender's hello says of it. Each fact is the device's own
// statement (high confidence), except the vendor, which only the protocol implies.
func (h *handler) hello(c *observe.Conn, m *Message, app []byte) {
	// Fox is Tridium's Niagara protocol; OEM brands (brandId) build on Niagara too.
	c.IdentityString(observe.Sender, observe.FieldVendor, "Tridium", observe.Low)
	if len(app) > 0 {
		c.Identity(observe.Sender, observe.FieldApplicationName, app, observe.High)
		if v, ok := m.Get("app.version"); ok && len(v) > 0 {
			s := append(c.Scratch(), "Niagara "...)
			s = append(s, app...)
			s = append(s, ' ')
			c.Identity(observe.Sender, observe.FieldSoftware, append(s, v...), observe.High)
		}
	}
	if os, ok := m.Get("os.name"); ok && len(os) > 0 {
		s := append(c.Scratch(), os...)
		if v, ok := m.Get("os.version"); ok && len(v) > 0 {
			s = append(append(s, ' '), v...)
		}
		c.Identity(observe.Sender, observe.FieldPlatform, s, observe.High)
	}
	if n, ok := m.Get("station.name"); ok && len(n) > 0 {
		c.Identity(observe.Sender, observe.FieldName, n, observe.High)
	}
	if n, ok := m.Get("hostName"); ok && len(n) > 0 && !isAddr(n) {
		c.Identity(observe.Sender, observe.FieldHostname, n, observe.High)
	}
	// The host id Niagara's licensing binds a host to: the vendor's number for it.
	if id, ok := m.Get("hostId"); ok && len(id) > 0 {
		c.Identity(observe.Sender, observe.FieldDeviceID, id, observe.High)
	}
	if string(app) == "Workbench" {
		c.IdentityString(observe.Sender, observe.FieldDeviceRole, observe.RoleHintProgrammingDevice, observe.Medium)
	}
}

// isAddr reports whether b looks like an IP address literal (digits and dots, or hex digits
// and colons): a host name Fox fills with one says nothing more than the address.
func isAddr(b []byte) bool {
	v4, v6 := true, bytes.IndexByte(b, ':') >= 0
	for _, ch := range b {
		digit := ch >= '0' && ch <= '9'
		v4 = v4 && (digit || ch == '.')
		v6 = v6 && (digit || ch == ':' || ch == '.' || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F')
	}
	return len(b) > 0 && (v4 || v6)
}

// detectFox recognises a connection that starts with a Fox header line.
func detectFox(b []byte) bool {
	i := bytes.IndexByte(b[:min(len(b), MaxLine)], '\n')
	if i < 0 {
		return false
	}
	return header(b[:i], nil) == nil
}
