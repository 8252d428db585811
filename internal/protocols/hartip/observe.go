package hartip

import (
	"strconv"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is HART-IP over TCP and UDP 5094, or recognised by its header elsewhere.
var App = observe.Register(observe.Protocol{
	Name:      "hartip",
	TCPPorts:  []uint16{Port},
	UDPPorts:  []uint16{Port},
	PDULen:    PDULen,
	DetectTCP: detectTCP,
	DetectUDP: detectUDP,
	Role:      role,
	New:       func() observe.Handler { return new(handler) },
	OpName:    opName,
	Rules:     rules,
	Match:     match,
})

// opMsg marks HART-IP's own messages (session initiate and close, keep-alive, audit log,
// direct PDUs) among the operation codes, with the message id; HART commands carried in
// token-passing PDUs are their command numbers.
const opMsg = 0x10000

func opName(code uint32) string {
	if code&opMsg != 0 {
		switch code &^ opMsg {
		case IDSessionInitiate:
			return "session_initiate"
		case IDSessionClose:
			return "session_close"
		case IDKeepAlive:
			return "keep_alive"
		case IDTokenPassingPDU:
			return "token_passing_pdu"
		case IDDirectPDU:
			return "direct_pdu"
		case IDReadAuditLog:
			return "read_audit_log"
		}
		return "message_" + strconv.FormatUint(uint64(code&^opMsg), 10)
	}
	if n := CommandName(uint16(code)); n != "" {
		return n
	}
	return "command_" + strconv.FormatUint(uint64(code), 10)
}

// Class is the operation class of a HART command: reads of identity, process values,
// status and configuration; writes of configuration (polling address, message, tags,
// final assembly number, range, damping, units, trims, transfer function, variable
// assignments, the configuration-changed flag) and of the loop current (fixed current
// mode forces the analog output); the self test as diagnostics; the device reset as
// control.
func Class(cmd uint16) protocols.OpClass {
	switch cmd {
	case CmdReadUniqueID, CmdReadPV, CmdReadLoopCurrent, CmdReadDynamicVars, CmdReadLoopConfig, CmdReadDynVarClass,
		CmdReadDeviceVars, CmdReadUniqueIDByTag, CmdReadMessage, CmdReadTag, CmdReadPVTransducer, CmdReadDeviceInfo,
		CmdReadFinalAssembly, CmdReadLongTag, CmdReadUniqueIDByLong, CmdReadDeviceVarsCP, CmdReadAdditionalStatus,
		CmdReadDynVarAssign:
		return protocols.OpRead
	case CmdWritePollAddress, CmdWriteMessage, CmdWriteTag, CmdWriteFinalAssembly, CmdWriteLongTag, CmdWriteDamping,
		CmdWriteRange, CmdSetUpperRange, CmdSetLowerRange, CmdResetConfigChanged, CmdSetPVZero, CmdWritePVUnits,
		CmdTrimCurrentZero, CmdTrimCurrentGain, CmdWriteTransferFunc, CmdWriteSensorSerial, CmdWriteDynVarAssign,
		CmdWriteDevVarUnits, CmdFixedCurrent:
		return protocols.OpWrite
	case CmdSelfTest:
		return protocols.OpDiagnostics
	case CmdDeviceReset:
		return protocols.OpControl
	}
	return protocols.OpNone
}

var (
	ruleWrite        = observe.NewRule("hartip/config-write", "HART configuration write", finding.Medium, "T0836")
	ruleFixedCurrent = observe.NewRule("hartip/fixed-current", "HART enter/exit fixed current mode (loop current forced or released)", finding.High, "T0855", "T0836")
	ruleReset        = observe.NewRule("hartip/device-reset", "HART device reset", finding.High, "T0816")
	ruleIdentify     = observe.AggregatePerSource(observe.NewRule("hartip/identify", "HART Read Unique Identifier (device identification)", finding.Low, "T0888"))
	rules            = []*observe.Rule{ruleWrite, ruleFixedCurrent, ruleReset, ruleIdentify}
)

func match(op *observe.Operation) *observe.Rule {
	if op.Code&opMsg != 0 {
		return nil
	}
	switch c := uint16(op.Code); {
	case c == CmdDeviceReset:
		return ruleReset
	case c == CmdFixedCurrent:
		return ruleFixedCurrent
	case c == CmdReadUniqueID:
		return ruleIdentify
	case Class(c) == protocols.OpWrite:
		return ruleWrite
	}
	return nil
}

type handler struct{ m Message }

func (h *handler) Handle(c *observe.Conn, b []byte) {
	if len(b) == 0 {
		return // an empty datagram (a port probe) carries no HART-IP at all
	}
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	switch {
	case m.Type == TypeError || m.Type == TypeNAK:
		c.Anomaly(observe.AnomalyErrorResponse)
		return
	case !m.PDU:
		if m.Type == TypeRequest {
			c.Op(opMsg|uint32(m.ID), protocols.OpNone)
		}
		return
	case !m.Response:
		c.Op(uint32(m.Command), Class(m.Command))
		return
	case m.Frame() == FrameBACK:
		return // a burst (published) answer nobody asked for in this message
	}
	// Bit 7 of the response code is a communication error the field device found; the
	// codes 1-7, 16-23, 32-95 and 112-127 are errors, 8-15, 24-31 and 96-111 warnings
	// after which the data still follows.
	if rc := m.ResponseCode; rc&0x80 != 0 || (rc >= 1 && rc <= 7) || (rc >= 16 && rc <= 23) || (rc >= 32 && rc <= 95) || rc >= 112 {
		c.Anomaly(observe.AnomalyErrorResponse)
		return
	}
	switch m.Command {
	case CmdReadUniqueID:
		id, ok := ReadUniqueID(m.Data)
		if !ok {
			return
		}
		c.IdentityHex(observe.Sender, observe.FieldVendorID, uint64(id.Manufacturer), 4, observe.High)
		c.IdentityHex(observe.Sender, observe.FieldDeviceType, uint64(id.DeviceType), 4, observe.High)
		c.IdentityHex(observe.Sender, observe.FieldDeviceID, uint64(id.DeviceID[0])<<16|uint64(id.DeviceID[1])<<8|uint64(id.DeviceID[2]), 6, observe.High)
		s := append(c.Scratch(), "HART "...)
		c.Identity(observe.Sender, observe.FieldProtocolVersion, strconv.AppendUint(s, uint64(id.HARTRevision), 10), observe.High)
		s = strconv.AppendUint(append(c.Scratch(), "sw "...), uint64(id.SoftRev), 10)
		s = strconv.AppendUint(append(s, " dev "...), uint64(id.DeviceRev), 10)
		c.Identity(observe.Sender, observe.FieldFirmware, s, observe.High)
	case CmdReadLongTag:
		if t, ok := LongTag(m.Data); ok {
			c.Identity(observe.Sender, observe.FieldName, t, observe.High)
		}
	case CmdReadTag:
		if t, ok := AppendTag(c.Scratch(), m.Data); ok {
			c.Identity(observe.Sender, observe.FieldName, t, observe.High)
		}
	}
}

// role: a request comes from the client; a response or a publish from the server.
func role(b []byte) observe.PDURole {
	if len(b) < HeaderLen || !validHeader(b) {
		return observe.PDUUnknown
	}
	switch b[1] {
	case TypeRequest:
		return observe.PDURequest
	case TypeResponse, TypePublish, TypeError, TypeNAK:
		return observe.PDUResponse
	}
	return observe.PDUUnknown
}

// detectUDP recognises a HART-IP datagram: a valid header whose byte count is the
// datagram's length, and a well-formed HART PDU when it says it carries one.
func detectUDP(b []byte) bool {
	var m Message
	return Parse(b, &m) == nil && int(m.Length) == len(b)
}

// detectTCP recognises HART-IP over TCP: a valid header and a whole well-formed first
// message.
func detectTCP(b []byte) bool {
	n, err := PDULen(b)
	if err != nil || n == 0 || n > len(b) {
		return false
	}
	var m Message
	return Parse(b[:n], &m) == nil
}
