package modbus

import (
	"encoding/binary"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is Modbus/TCP.
var App = observe.Register(observe.Protocol{
	Name:      "modbus",
	TCPPorts:  []uint16{Port},
	PDULen:    PDULen,
	DetectTCP: detectModbus,
	New:       func() observe.Handler { return new(modbusHandler) },
	OpName:    modbusOpName,
	Rules:     modbusRules,
	Match:     modbusMatch,
	FlowMatch: modbusFlowMatch,
})

// ExceptionStormThreshold is how many exception answers in one flow make a storm.
const ExceptionStormThreshold = 20

// Operation codes beyond the plain function code.
const (
	modbusOpDeviceID = uint32(FuncEncapsulatedInterface)<<8 | uint32(MEIReadDeviceID)
	modbusOpUMAS     = uint32(FuncUMAS) << 8 // | UMAS function
)

type modbusHandler struct{ m Message }

func (h *modbusHandler) Handle(c *observe.Conn, b []byte) {
	// The server port tells requests from responses; a flow found by its payload on
	// another port goes by who opened the conversation.
	dir := DirResponse
	switch {
	case c.DstPort() == Port:
		dir = DirRequest
	case c.SrcPort() == Port:
	case c.FromClient():
		dir = DirRequest
	}
	m := &h.m
	if err := ParseDirected(b, dir, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	c.Address(uint16(m.UnitID))
	if m.Exception {
		c.Anomaly(observe.AnomalyErrorResponse)
		return
	}
	if dir == DirRequest {
		code := uint32(m.Function)
		switch {
		case m.Function == FuncEncapsulatedInterface && m.MEIType == MEIReadDeviceID:
			code = modbusOpDeviceID
		case m.Function == FuncUMAS:
			code = modbusOpUMAS | uint32(m.UMASCode)
		}
		c.Op(code, m.OpClass())
		return
	}
	if m.HasDeviceID {
		id := &m.DeviceID
		c.Identity(observe.Sender, observe.FieldVendor, id.VendorName, observe.High)
		c.Identity(observe.Sender, observe.FieldProductCode, id.ProductCode, observe.High)
		c.Identity(observe.Sender, observe.FieldFirmware, id.MajorMinorRevision, observe.High)
		c.Identity(observe.Sender, observe.FieldProductName, id.ProductName, observe.High)
		c.Identity(observe.Sender, observe.FieldModel, id.ModelName, observe.High)
		c.Identity(observe.Sender, observe.FieldApplicationName, id.UserApplicationName, observe.High)
	}
}

func modbusOpName(code uint32) string {
	switch {
	case code == modbusOpDeviceID:
		return "read_device_identification"
	case code&^0xff == modbusOpUMAS:
		return string(observe.AppendHex([]byte("umas_"), uint64(code&0xff), 2))
	case code < 0x80:
		return FunctionName(uint8(code))
	}
	return ""
}

// detectModbus recognises a Modbus/TCP PDU: protocol id 0, a length that covers the
// segment exactly, and a function code the specification names.
func detectModbus(b []byte) bool {
	if len(b) < 8 || b[2] != 0 || b[3] != 0 {
		return false
	}
	n := int(binary.BigEndian.Uint16(b[4:6]))
	return n >= 2 && 6+n == len(b) && FunctionName(b[7]&0x7f) != ""
}

// The alerts of Modbus operations (package detect raises them). Titles are written for an
// operator reading a table.
var (
	ruleModbusWrite    = observe.NewRule("modbus/write", "Modbus write", finding.Medium, "T0836")
	ruleModbusRestart  = observe.NewRule("modbus/restart-communications", "Modbus restart communications (FC 8/1)", finding.High, "T0816")
	ruleModbusListen   = observe.NewRule("modbus/force-listen-only", "Modbus force listen-only mode (FC 8/4)", finding.High, "T0814")
	ruleModbusDeviceID = observe.NewRule("modbus/device-identification", "Modbus device identification (FC 43/14)", finding.Low, "T0888")
	ruleModbusUMASProg = observe.NewRule("modbus/umas-program", "Modbus UMAS program transfer", finding.High, "T0843")
	ruleModbusUMASCtrl = observe.NewRule("modbus/umas-control", "Modbus UMAS run/stop", finding.High, "T0858")
	// RuleExceptionStorm is raised from a flow's exception count, not an operation.
	RuleExceptionStorm = observe.NewRule("modbus/exception-storm", "Modbus exception storm", finding.Medium, "T0861")
	modbusRules        = []*observe.Rule{ruleModbusWrite, ruleModbusRestart, ruleModbusListen, ruleModbusDeviceID, RuleExceptionStorm,
		ruleModbusUMASProg, ruleModbusUMASCtrl}
)

func modbusMatch(op *observe.Operation) *observe.Rule {
	c := op.Code
	switch {
	case c == 5 || c == 6 || c == 15 || c == 16 || c == 22 || c == 23:
		return ruleModbusWrite
	case c == 8 && op.Detail.SubFunction == 1:
		return ruleModbusRestart
	case c == 8 && op.Detail.SubFunction == 4:
		return ruleModbusListen
	case c == modbusOpDeviceID:
		return ruleModbusDeviceID
	case c&^0xff == modbusOpUMAS && op.Class == protocols.OpProgram:
		return ruleModbusUMASProg
	case c&^0xff == modbusOpUMAS && op.Class == protocols.OpControl:
		return ruleModbusUMASCtrl
	}
	return nil
}

// FillDetail copies the parameters of the Modbus message just parsed (DetailFiller).
func (h *modbusHandler) FillDetail(d *observe.OpDetail) {
	m := &h.m
	d.Station, d.HasStation = uint16(m.UnitID), true
	d.SubFunction, d.HasSub = m.SubFunction, m.Function == 8
	if m.HasAddress {
		d.Address, d.HasAddress = uint32(m.Address), true
		d.Quantity = uint32(m.Quantity)
		if m.Function == 23 {
			d.Address, d.Quantity = uint32(m.WriteAddress), uint32(m.WriteQuantity)
		}
	}
}

// modbusFlowMatch raises an exception storm when a flow ends with many exception
// answers: a device refusing request after request (a scan of function codes or
// registers, or a master misconfigured).
func modbusFlowMatch(f *observe.Flow) observe.FlowHit {
	if n := f.Anomalies[observe.AnomalyErrorResponse]; n >= ExceptionStormThreshold {
		return observe.FlowHit{Rule: RuleExceptionStorm, Op: "exception", Key: "exceptions", Value: uint64(n)}
	}
	return observe.FlowHit{}
}
