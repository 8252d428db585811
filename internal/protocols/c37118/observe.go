package c37118

import (
	"strconv"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is IEEE C37.118 synchrophasor data transfer: PMUs and PDCs stream measurements to
// phasor data concentrators and control centres (TCP 4712, UDP 4713, or frames recognised
// by their SYNC word, size and checksum).
var App = observe.Register(observe.Protocol{
	Name:      "c37118",
	TCPPorts:  []uint16{TCPPort},
	UDPPorts:  []uint16{UDPPort},
	PDULen:    PDULen,
	DetectTCP: detect,
	DetectUDP: detect,
	New:       func() observe.Handler { return new(handler) },
	OpName:    opName,
	Rules:     rules,
	Match:     match,
})

// Operation codes: a command frame's CMD; other frames by their type.
const (
	opFrame = 0x100 // | frame type (data, header, configuration) a PMU or PDC sends
)

func opName(code uint32) string {
	switch code {
	case CmdDataOff:
		return "data_transmission_off"
	case CmdDataOn:
		return "data_transmission_on"
	case CmdSendHeader:
		return "send_header"
	case CmdSendConfig1:
		return "send_config1"
	case CmdSendConfig2:
		return "send_config2"
	case CmdSendConfig3:
		return "send_config3"
	case CmdExtended:
		return "extended_command"
	case opFrame | TypeData:
		return "data"
	case opFrame | TypeHeader:
		return "header"
	case opFrame | TypeConfig1:
		return "config1"
	case opFrame | TypeConfig2:
		return "config2"
	case opFrame | TypeConfig3:
		return "config3"
	}
	if code < 0x100 {
		return "command_" + strconv.FormatUint(uint64(code), 10)
	}
	return ""
}

// commandClass classes a command: requests for a device's header or configuration read
// it; turning the data stream on and off opens and closes a PDC's session (every session
// starts with a configuration request and data on), so they are session control, not
// operations on the process or the device (class none): the data-off rule still names
// an unexpected one.
func commandClass(cmd uint16) protocols.OpClass {
	switch cmd {
	case CmdSendHeader, CmdSendConfig1, CmdSendConfig2, CmdSendConfig3:
		return protocols.OpRead
	}
	return protocols.OpNone
}

var (
	// ruleDataOff: a PMU told to stop streaming leaves the control centre without its
	// measurements (a PDC also sends it when it closes a session, which a model's conduit
	// rule then allows).
	ruleDataOff = observe.NewRule("c37118/data-off", "C37.118 command: turn off data transmission", finding.Medium, "T0815")
	rules       = []*observe.Rule{ruleDataOff}
)

func match(op *observe.Operation) *observe.Rule {
	if op.Code == CmdDataOff {
		return ruleDataOff
	}
	return nil
}

type handler struct{ m Message }

func (h *handler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		if err == errChecksum {
			c.Anomaly(observe.AnomalyChecksum)
		} else {
			c.Anomaly(observe.AnomalyMalformed)
		}
		return
	}
	if m.Type == TypeCommand {
		c.Op(uint32(m.Command), commandClass(m.Command))
		return
	}
	c.Op(opFrame|uint32(m.Type), protocols.OpNone)
	// A data source names itself in its configuration: its stream id, and each PMU's
	// station name and id (a PDC concentrates several).
	if m.Type != TypeConfig1 && m.Type != TypeConfig2 {
		return
	}
	c.IdentityUint(observe.Sender, observe.FieldStationAddress, uint64(m.IDCode), observe.High)
	if len(m.Stations) == 1 {
		c.Identity(observe.Sender, observe.FieldName, m.Stations[0].Name, observe.High)
		return
	}
	for i := range m.Stations {
		st := &m.Stations[i]
		comp := strconv.AppendUint(append(c.Scratch(), "pmu "...), uint64(st.IDCode), 10)
		c.IdentityOf(c.Endpoint(observe.Sender), comp, observe.FieldName, st.Name, observe.High)
	}
	if m.MoreStations > 0 {
		c.Anomaly(observe.AnomalyOversized)
	}
}

// detect recognises a C37.118 frame off its ports: a SYNC word, a FRAMESIZE that covers
// the payload, and a checksum that holds.
func detect(b []byte) bool {
	n, err := PDULen(b)
	if err != nil || n != len(b) {
		return false
	}
	var m Message
	return Parse(b, &m) == nil
}
