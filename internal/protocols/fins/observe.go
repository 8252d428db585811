package fins

import (
	"strconv"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is Omron FINS over UDP and TCP 9600 (FINS/TCP frames), or recognised by its header
// elsewhere.
var App = observe.Register(observe.Protocol{
	Name:      "fins",
	TCPPorts:  []uint16{Port},
	UDPPorts:  []uint16{Port},
	PDULen:    PDULen,
	DetectTCP: detectTCP,
	DetectUDP: detectUDP,
	New:       func() observe.Handler { return new(handler) },
	OpName:    opName,
	Rules:     rules,
	Match:     match,
})

// opTCP marks FINS/TCP's own messages (node address exchange) among the operation codes;
// FINS commands are their MRC<<8|SRC.
const opTCP = 0x10000

func opName(code uint32) string {
	if code&opTCP != 0 {
		switch code &^ opTCP {
		case TCPNodeAddrClient:
			return "tcp_node_address_request"
		case TCPNodeAddrServer:
			return "tcp_node_address_response"
		}
		return "tcp_command_" + strconv.FormatUint(uint64(code&^opTCP), 10)
	}
	if n := CommandName(uint16(code)); n != "" {
		return n
	}
	return "command_" + strconv.FormatUint(uint64(code), 16)
}

// Class is the operation class of a FINS command: reads of memory, parameters, status
// and identity; writes of memory, parameters, the clock and forced I/O; program-area and
// file transfers as program; run, stop and error clearing as control.
func Class(cmd uint16) protocols.OpClass {
	switch cmd {
	case CmdMemoryRead, CmdMultipleRead, CmdParameterRead, CmdControllerRead, CmdConnectionRead, CmdStatusRead,
		CmdCycleTimeRead, CmdClockRead, CmdMessageRead, CmdErrorLogRead, CmdFileNameRead:
		return protocols.OpRead
	case CmdMemoryWrite, CmdMemoryFill, CmdMemoryTransfer, CmdParameterWrite, CmdParameterClear, CmdClockWrite,
		CmdForcedSet, CmdForcedCancel:
		return protocols.OpWrite
	case CmdProgramRead, CmdProgramWrite, CmdProgramClear, CmdFileRead, CmdFileWrite, CmdFileFormat, CmdFileDelete,
		CmdFileCopy, CmdFileRename:
		return protocols.OpProgram
	case CmdRun, CmdStop, CmdErrorClear, CmdErrorLogClear:
		return protocols.OpControl
	case CmdAccessAcquire, CmdAccessForceAcquire, CmdAccessRelease:
		return protocols.OpDiagnostics
	}
	return protocols.OpNone
}

var (
	ruleWrite          = observe.NewRule("fins/write", "FINS memory, parameter or clock write", finding.Medium, "T0836")
	ruleForced         = observe.NewRule("fins/forced-set-reset", "FINS forced set/reset of I/O", finding.High, "T0836", "T0855")
	ruleProgramWrite   = observe.NewRule("fins/program-download", "FINS program area or file written to the PLC", finding.High, "T0843")
	ruleProgramRead    = observe.NewRule("fins/program-upload", "FINS program area or file read from the PLC", finding.Medium, "T0845")
	ruleProgramClear   = observe.NewRule("fins/program-clear", "FINS program area cleared, file deleted or memory card formatted", finding.High, "T0809")
	ruleRun            = observe.NewRule("fins/run", "FINS RUN (operating mode change)", finding.High, "T0858")
	ruleStop           = observe.NewRule("fins/stop", "FINS STOP", finding.High, "T0858", "T0816")
	ruleErrorLogClear  = observe.NewRule("fins/error-log-clear", "FINS error log cleared", finding.Medium, "T0872")
	ruleForcedAccess   = observe.NewRule("fins/forced-access", "FINS access right forcibly acquired", finding.Medium, "T0855")
	ruleControllerRead = observe.AggregatePerSource(observe.NewRule("fins/controller-read", "FINS controller data read", finding.Low, "T0888"))
	rules              = []*observe.Rule{ruleWrite, ruleForced, ruleProgramWrite, ruleProgramRead, ruleProgramClear, ruleRun, ruleStop,
		ruleErrorLogClear, ruleForcedAccess, ruleControllerRead}
)

func match(op *observe.Operation) *observe.Rule {
	if op.Code&opTCP != 0 {
		return nil
	}
	switch uint16(op.Code) {
	case CmdForcedSet, CmdForcedCancel:
		return ruleForced
	case CmdMemoryWrite, CmdMemoryFill, CmdMemoryTransfer, CmdParameterWrite, CmdParameterClear, CmdClockWrite:
		return ruleWrite
	case CmdProgramWrite, CmdFileWrite, CmdFileCopy, CmdFileRename:
		return ruleProgramWrite
	case CmdProgramRead, CmdFileRead:
		return ruleProgramRead
	case CmdProgramClear, CmdFileDelete, CmdFileFormat:
		return ruleProgramClear
	case CmdRun:
		return ruleRun
	case CmdStop:
		return ruleStop
	case CmdErrorLogClear:
		return ruleErrorLogClear
	case CmdAccessForceAcquire:
		return ruleForcedAccess
	case CmdControllerRead:
		return ruleControllerRead
	}
	return nil
}

type handler struct{ m Message }

func (h *handler) Handle(c *observe.Conn, b []byte) {
	if len(b) == 0 {
		return // an empty datagram (a port probe) carries no FINS at all
	}
	m := &h.m
	var err error
	if c.IsTCP() {
		err = ParseTCP(b, m)
	} else {
		err = Parse(b, m)
	}
	if err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if !m.Frame {
		c.Op(opTCP|m.TCPCommand, protocols.OpNone)
		return
	}
	if !m.Response {
		c.Op(uint32(m.Command), Class(m.Command))
		return
	}
	if m.EndCode != 0 {
		c.Anomaly(observe.AnomalyErrorResponse)
		return
	}
	if m.Command == CmdControllerRead {
		if model, version, ok := ControllerModel(m.Data); ok {
			// FINS is Omron's protocol; the model names the CPU (CP1L-..., CJ2M-...).
			c.IdentityString(observe.Sender, observe.FieldVendor, "OMRON", observe.Low)
			c.Identity(observe.Sender, observe.FieldModel, model, observe.High)
			c.Identity(observe.Sender, observe.FieldFirmware, version, observe.High)
		}
	}
}

// detectUDP recognises a FINS frame: a valid ICF, and a command code this package knows.
func detectUDP(b []byte) bool {
	var m Message
	return Parse(b, &m) == nil && CommandName(m.Command) != ""
}

// detectTCP recognises FINS/TCP by its magic and length.
func detectTCP(b []byte) bool {
	n, err := PDULen(b)
	return err == nil && n >= tcpHeader && n <= len(b)
}
