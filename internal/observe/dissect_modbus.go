package observe

import (
	"encoding/binary"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/protocols"

	"github.com/zonewarden/zonewarden/internal/protocols/modbus"
)

// AppModbus is Modbus/TCP.
var AppModbus = Register(Protocol{
	Name:      "modbus",
	TCPPorts:  []uint16{modbus.Port},
	PDULen:    modbus.PDULen,
	DetectTCP: detectModbus,
	New:       func() Handler { return new(modbusHandler) },
	OpName:    modbusOpName,
	Rules:     modbusRules,
	Match:     modbusMatch,
	FlowMatch: modbusFlowMatch,
})

// ExceptionStormThreshold is how many exception answers in one flow make a storm.
const ExceptionStormThreshold = 20

// Operation codes beyond the plain function code.
const (
	modbusOpDeviceID = uint32(modbus.FuncEncapsulatedInterface)<<8 | uint32(modbus.MEIReadDeviceID)
	modbusOpUMAS     = uint32(modbus.FuncUMAS) << 8 // | UMAS function
)

type modbusHandler struct{ m modbus.Message }

func (h *modbusHandler) Handle(c *Conn, b []byte) {
	// The server port tells requests from responses; a flow found by its payload on
	// another port goes by who opened the conversation.
	dir := modbus.DirResponse
	switch {
	case c.DstPort() == modbus.Port:
		dir = modbus.DirRequest
	case c.SrcPort() == modbus.Port:
	case c.FromClient():
		dir = modbus.DirRequest
	}
	m := &h.m
	if err := modbus.ParseDirected(b, dir, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	c.Address(uint16(m.UnitID))
	if m.Exception {
		c.Anomaly(AnomalyErrorResponse)
		return
	}
	if dir == modbus.DirRequest {
		code := uint32(m.Function)
		switch {
		case m.Function == modbus.FuncEncapsulatedInterface && m.MEIType == modbus.MEIReadDeviceID:
			code = modbusOpDeviceID
		case m.Function == modbus.FuncUMAS:
			code = modbusOpUMAS | uint32(m.UMASCode)
		}
		c.Op(code, m.OpClass())
		return
	}
	if m.HasDeviceID {
		id := &m.DeviceID
		c.Identity(Sender, FieldVendor, id.VendorName, High)
		c.Identity(Sender, FieldProductCode, id.ProductCode, High)
		c.Identity(Sender, FieldFirmware, id.MajorMinorRevision, High)
		c.Identity(Sender, FieldProductName, id.ProductName, High)
		c.Identity(Sender, FieldModel, id.ModelName, High)
		c.Identity(Sender, FieldApplicationName, id.UserApplicationName, High)
	}
}

func modbusOpName(code uint32) string {
	switch {
	case code == modbusOpDeviceID:
		return "read_device_identification"
	case code&^0xff == modbusOpUMAS:
		return string(AppendHex([]byte("umas_"), uint64(code&0xff), 2))
	case code < 0x80:
		return modbus.FunctionName(uint8(code))
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
	return n >= 2 && 6+n == len(b) && modbus.FunctionName(b[7]&0x7f) != ""
}

// The alerts of Modbus operations (package detect raises them). Titles are written for an
// operator reading a table.
var (
	ruleModbusWrite    = NewRule("modbus/write", "Modbus write", finding.Medium, "T0836")
	ruleModbusRestart  = NewRule("modbus/restart-communications", "Modbus restart communications (FC 8/1)", finding.High, "T0816")
	ruleModbusListen   = NewRule("modbus/force-listen-only", "Modbus force listen-only mode (FC 8/4)", finding.High, "T0814")
	ruleModbusDeviceID = NewRule("modbus/device-identification", "Modbus device identification (FC 43/14)", finding.Low, "T0888")
	ruleModbusUMASProg = NewRule("modbus/umas-program", "Modbus UMAS program transfer", finding.High, "T0843")
	ruleModbusUMASCtrl = NewRule("modbus/umas-control", "Modbus UMAS run/stop", finding.High, "T0858")
	// RuleModbusExceptionStorm is raised from a flow's exception count, not an operation.
	RuleModbusExceptionStorm = NewRule("modbus/exception-storm", "Modbus exception storm", finding.Medium, "T0861")
	modbusRules              = []*Rule{ruleModbusWrite, ruleModbusRestart, ruleModbusListen, ruleModbusDeviceID, RuleModbusExceptionStorm,
		ruleModbusUMASProg, ruleModbusUMASCtrl}
)

func modbusMatch(op *Operation) *Rule {
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
func (h *modbusHandler) FillDetail(d *OpDetail) {
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
func modbusFlowMatch(f *Flow) FlowHit {
	if n := f.Anomalies[AnomalyErrorResponse]; n >= ExceptionStormThreshold {
		return FlowHit{Rule: RuleModbusExceptionStorm, Op: "exception", Key: "exceptions", Value: uint64(n)}
	}
	return FlowHit{}
}
