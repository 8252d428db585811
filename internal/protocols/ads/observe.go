package ads

import (
	"strconv"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is Beckhoff ADS over AMS (TCP 48898) and its discovery and route service (UDP
// 48899): TwinCAT controllers and engineering stations.
var App = observe.Register(observe.Protocol{
	Name:      "ads",
	TCPPorts:  []uint16{TCPPort},
	UDPPorts:  []uint16{UDPPort},
	PDULen:    PDULen,
	DetectUDP: detectUDP,
	New:       func() observe.Handler { return new(handler) },
	OpName:    opName,
	Rules:     rules,
	Match:     match,
})

// Operation codes: ADS commands as they are; discovery services with opUDP.
const opUDP = 0x100

func opName(code uint32) string {
	switch code {
	case CmdReadDeviceInfo:
		return "read_device_info"
	case CmdRead:
		return "read"
	case CmdWrite:
		return "write"
	case CmdReadState:
		return "read_state"
	case CmdWriteControl:
		return "write_control"
	case CmdAddNotification:
		return "add_device_notification"
	case CmdDelNotification:
		return "delete_device_notification"
	case CmdNotification:
		return "device_notification"
	case CmdReadWrite:
		return "read_write"
	case opUDP | SvcDiscover:
		return "discover"
	case opUDP | SvcAddRoute:
		return "add_route"
	}
	return "command_" + strconv.FormatUint(uint64(code), 10)
}

// readOnlyGroup: the index groups of ReadWrite requests that look symbols up or read
// several values at once ("sum" reads): reads, although the request carries data.
func readOnlyGroup(g uint32) bool {
	switch g {
	case 0xF003, 0xF004, 0xF009, 0xF00F, 0xF080, 0xF082:
		return true
	}
	return false
}

// writeGroup: index groups whose ReadWrite requests write process data (by symbol handle,
// several at once, flag memory, process image inputs and outputs).
func writeGroup(g uint32) bool {
	switch g {
	case 0xF005, 0xF081, 0x4020, 0x4021, 0xF020, 0xF021, 0xF030, 0xF031:
		return true
	}
	return false
}

// class of an ADS request: reads, writes, and Write Control (a state change: run, stop,
// config) as control.
func class(m *Message) protocols.OpClass {
	switch m.Command {
	case CmdReadDeviceInfo, CmdRead, CmdReadState, CmdAddNotification:
		return protocols.OpRead
	case CmdWrite:
		return protocols.OpWrite
	case CmdWriteControl:
		return protocols.OpControl
	case CmdReadWrite:
		// Other index groups (services of TwinCAT's system and runtime ports) are not
		// classified: counted, never taken for writes.
		g, _ := IndexGroup(m.Data)
		switch {
		case readOnlyGroup(g):
			return protocols.OpRead
		case writeGroup(g):
			return protocols.OpWrite
		}
	}
	return protocols.OpNone
}

var (
	ruleWriteControl = observe.NewRule("ads/write-control", "ADS Write Control (TwinCAT state change)", finding.High, "T0858")
	ruleWrite        = observe.NewRule("ads/write", "ADS write", finding.Medium, "T0836")
	ruleAddRoute     = observe.AggregatePerPair(observe.NewRule("ads/add-route", "ADS route add request (UDP 48899)", finding.Medium, "T0886", "T0859"))
	ruleDeviceInfo   = observe.AggregatePerSource(observe.NewRule("ads/device-info", "ADS Read Device Info", finding.Low, "T0888"))
	rules            = []*observe.Rule{ruleWriteControl, ruleWrite, ruleAddRoute, ruleDeviceInfo}
)

func match(op *observe.Operation) *observe.Rule {
	switch op.Code {
	case CmdWriteControl:
		return ruleWriteControl
	case CmdWrite:
		return ruleWrite
	case CmdReadWrite:
		if op.Class == protocols.OpWrite {
			return ruleWrite
		}
	case opUDP | SvcAddRoute:
		return ruleAddRoute
	case CmdReadDeviceInfo:
		return ruleDeviceInfo
	}
	return nil
}

type handler struct {
	m Message
	u UDP
}

func (h *handler) Handle(c *observe.Conn, b []byte) {
	if !c.IsTCP() {
		h.udp(c, b)
		return
	}
	m := &h.m
	if err := ParseTCP(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if !m.Response {
		c.Op(uint32(m.Command), class(m))
		return
	}
	if m.ErrorCode != 0 {
		c.Anomaly(observe.AnomalyErrorResponse)
		return
	}
	// The answering ADS server's AMS net id is its ADS address.
	if c.Once(0) {
		c.Identity(observe.Sender, observe.FieldStationAddress, m.Source.AppendText(c.Scratch()), observe.High)
	}
	if m.Command == CmdReadDeviceInfo {
		if major, minor, build, name, ok := DeviceInfo(m.Data); ok && len(name) > 0 {
			s := append(append(c.Scratch(), name...), ' ')
			c.Identity(observe.Sender, observe.FieldSoftware, appendVersion(s, uint64(major), uint64(minor), uint64(build)), observe.High)
		}
	}
}

// udp reads the discovery and route service: a device's answer names its host and
// TwinCAT version; a route request is counted (its password is never kept).
func (h *handler) udp(c *observe.Conn, b []byte) {
	u := &h.u
	if err := ParseUDP(b, u); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if !u.Response {
		class := protocols.OpRead
		if u.Service == SvcAddRoute {
			class = protocols.OpWrite // it changes the device's route table
		}
		c.Op(opUDP|u.Service, class)
		return
	}
	if u.Service != SvcDiscover {
		return
	}
	c.IdentityString(observe.Sender, observe.FieldVendor, "Beckhoff", observe.Low)
	c.Identity(observe.Sender, observe.FieldStationAddress, u.NetID.AppendText(c.Scratch()), observe.High)
	if host, ok := u.Tag(TagHostname); ok {
		c.Identity(observe.Sender, observe.FieldHostname, CString(host), observe.High)
	}
	if v, ok := u.Tag(TagTCVersion); ok && len(v) == 4 {
		s := append(c.Scratch(), "TwinCAT "...)
		c.Identity(observe.Sender, observe.FieldSoftware, appendVersion(s, uint64(v[0]), uint64(v[1]), uint64(v[2])|uint64(v[3])<<8), observe.High)
	}
}

// appendVersion writes "major.minor.build".
func appendVersion(b []byte, major, minor, build uint64) []byte {
	b = strconv.AppendUint(b, major, 10)
	b = strconv.AppendUint(append(b, '.'), minor, 10)
	return strconv.AppendUint(append(b, '.'), build, 10)
}

func detectUDP(b []byte) bool {
	var u UDP
	return ParseUDP(b, &u) == nil
}
