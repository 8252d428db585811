package melsec

import (
	"strconv"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is Mitsubishi MELSEC: MC protocol / SLMP 3E and 4E binary frames and MELSOFT
// engineering frames, on TCP 5007 and 5562 and UDP 5006 and 5560, or recognised by
// their subheaders elsewhere.
var App = observe.Register(observe.Protocol{
	Name:      "melsec",
	TCPPorts:  []uint16{PortQTCP, PortMELSOFTTCP},
	UDPPorts:  []uint16{PortQUDP, PortMELSOFTUDP},
	PDULen:    PDULen,
	DetectTCP: detect,
	DetectUDP: detect,
	Role:      role,
	New:       func() observe.Handler { return new(handler) },
	OpName:    opName,
	Rules:     rules,
	Match:     match,
})

// Operation codes: an SLMP command is its command word; MELSOFT frames' command words
// carry opMELSOFT, and the 4-byte UDP datagrams of MELSOFT's search (first byte 0x5A, the
// answer 0xDA) opSearch with their last byte.
const (
	opMELSOFT = 0x10000
	opSearch  = 0x20000
)

var cmdNames = map[uint16]string{
	CmdReadTypeName: "read_type_name", CmdDeviceRead: "device_read", CmdDeviceReadRandom: "device_read_random",
	CmdDeviceReadBlock: "device_read_block", CmdMonitorRegister: "monitor_register", CmdMonitorExecute: "monitor_execute",
	CmdMemoryRead: "memory_read", CmdExtendUnitRead: "extend_unit_read", CmdDeviceWrite: "device_write",
	CmdDeviceWriteRandom: "device_write_random", CmdDeviceWriteBlock: "device_write_block", CmdMemoryWrite: "memory_write",
	CmdExtendUnitWrite: "extend_unit_write", CmdRemoteRun: "remote_run", CmdRemoteStop: "remote_stop",
	CmdRemotePause: "remote_pause", CmdRemoteLatchClear: "remote_latch_clear", CmdRemoteReset: "remote_reset",
	CmdRemotePasswordLock: "remote_password_lock", CmdRemotePasswordUnlock: "remote_password_unlock",
	CmdClearError: "clear_error", CmdSelfTest: "self_test", CmdFileReadDirectory: "file_read_directory",
	CmdFileSearchDirectory: "file_search_directory", CmdFileNew: "file_new", CmdFileDelete: "file_delete",
	CmdFileCopy: "file_copy", CmdFileChangeAttribute: "file_change_attribute", CmdFileChangeDate: "file_change_date",
	CmdFileOpen: "file_open", CmdFileRead: "file_read", CmdFileWrite: "file_write", CmdFileClose: "file_close",
}

// CommandName names an SLMP command word, "" for one this package does not know.
func CommandName(cmd uint16) string { return cmdNames[cmd] }

func opName(code uint32) string {
	switch {
	case code&opMELSOFT != 0:
		return "melsoft_command_" + strconv.FormatUint(uint64(code&0xffff), 16)
	case code&opSearch != 0:
		return "melsoft_search_" + strconv.FormatUint(uint64(code&0xff), 16)
	}
	if n := CommandName(uint16(code)); n != "" {
		return n
	}
	return "command_" + strconv.FormatUint(uint64(code), 16)
}

// Class is the operation class of an SLMP command: device, memory and type-name reads
// and monitoring as read; device and memory writes as write; remote run, stop, pause,
// latch clear, reset and error clearing as control; file operations (the 0x18xx
// commands) as program, since programs and parameters are files of the CPU; password
// lock and unlock and the loopback test as diagnostics.
func Class(cmd uint16) protocols.OpClass {
	switch cmd {
	case CmdReadTypeName, CmdDeviceRead, CmdDeviceReadRandom, CmdDeviceReadBlock, CmdMonitorRegister, CmdMonitorExecute,
		CmdMemoryRead, CmdExtendUnitRead:
		return protocols.OpRead
	case CmdDeviceWrite, CmdDeviceWriteRandom, CmdDeviceWriteBlock, CmdMemoryWrite, CmdExtendUnitWrite:
		return protocols.OpWrite
	case CmdRemoteRun, CmdRemoteStop, CmdRemotePause, CmdRemoteLatchClear, CmdRemoteReset, CmdClearError:
		return protocols.OpControl
	case CmdRemotePasswordLock, CmdRemotePasswordUnlock, CmdSelfTest:
		return protocols.OpDiagnostics
	}
	if cmd>>8 == 0x18 && CommandName(cmd) != "" {
		return protocols.OpProgram
	}
	return protocols.OpNone
}

var (
	ruleWrite      = observe.NewRule("melsec/write", "MELSEC device or memory write", finding.Medium, "T0836")
	ruleRunStop    = observe.NewRule("melsec/run-stop", "MELSEC remote RUN, STOP or PAUSE", finding.High, "T0858", "T0816")
	ruleReset      = observe.NewRule("melsec/reset", "MELSEC remote RESET or latch clear", finding.High, "T0816")
	ruleFileWrite  = observe.NewRule("melsec/file-write", "MELSEC file created, written, copied or changed on the PLC", finding.High, "T0843")
	ruleFileDelete = observe.NewRule("melsec/file-delete", "MELSEC file deleted on the PLC", finding.High, "T0809")
	ruleFileRead   = observe.NewRule("melsec/file-read", "MELSEC file read from the PLC", finding.Medium, "T0845")
	ruleCPUModel   = observe.AggregatePerSource(observe.NewRule("melsec/cpu-model-read", "MELSEC CPU model read", finding.Low, "T0888"))
	rules          = []*observe.Rule{ruleWrite, ruleRunStop, ruleReset, ruleFileWrite, ruleFileDelete, ruleFileRead, ruleCPUModel}
)

func match(op *observe.Operation) *observe.Rule {
	if op.Code&(opMELSOFT|opSearch) != 0 {
		return nil
	}
	switch uint16(op.Code) {
	case CmdDeviceWrite, CmdDeviceWriteRandom, CmdDeviceWriteBlock, CmdMemoryWrite, CmdExtendUnitWrite:
		return ruleWrite
	case CmdRemoteRun, CmdRemoteStop, CmdRemotePause:
		return ruleRunStop
	case CmdRemoteReset, CmdRemoteLatchClear:
		return ruleReset
	case CmdFileNew, CmdFileWrite, CmdFileCopy, CmdFileChangeAttribute, CmdFileChangeDate:
		return ruleFileWrite
	case CmdFileDelete:
		return ruleFileDelete
	case CmdFileRead:
		return ruleFileRead
	case CmdReadTypeName:
		return ruleCPUModel
	}
	return nil
}

// melsoftTypeName is the MELSOFT command word whose answer, in
// MELSEC__melsoft_UDP_clean_2.pcap (frames 5 and 6), carries the CPU's model name: four
// bytes after the command word, 16 bytes NUL-padded ("FX5U-32MT/ES").
const melsoftTypeName = 0x0121

// onceTypeNameAsked is the flow bit (Conn.Once) set when the client sent Read Type Name.
const onceTypeNameAsked = 0

type handler struct{ f Frame }

func (h *handler) Handle(c *observe.Conn, b []byte) {
	if len(b) == 0 {
		return
	}
	if isSearch(b) {
		if b[0] == 0x5A {
			c.Op(opSearch|uint32(b[3]), protocols.OpNone)
		}
		return
	}
	f := &h.f
	if err := Parse(b, f); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if f.Kind == KindMELSOFT {
		if f.Response {
			if f.Command == melsoftTypeName && f.EndCode == 0 && len(f.Data) >= 20 {
				if model := trimName(f.Data[4:20]); len(model) > 0 {
					identify(c, model, observe.Medium)
				}
			}
			return
		}
		c.Op(opMELSOFT|uint32(f.Command), protocols.OpNone)
		return
	}
	if !f.Response {
		if f.Command == CmdReadTypeName {
			c.Once(onceTypeNameAsked)
		}
		c.Op(uint32(f.Command), Class(f.Command))
		return
	}
	if f.EndCode != 0 {
		c.Anomaly(observe.AnomalyErrorResponse)
		return
	}
	// A response does not repeat its command: in a flow whose client asked for the type
	// name, an answer shaped as Read Type Name's (18 bytes, 16 of them a printable name)
	// is taken as its answer, with medium confidence since a device read of 9 words
	// holding text has the same shape.
	if len(f.Data) == 18 && !c.FromClient() && c.OnceDone(onceTypeNameAsked) {
		if model, _, ok := TypeName(f.Data); ok {
			identify(c, model, observe.Medium)
		}
	}
}

func identify(c *observe.Conn, model []byte, conf observe.Confidence) {
	// MELSEC is Mitsubishi Electric's PLC family; the protocol alone says the vendor.
	c.IdentityString(observe.Sender, observe.FieldVendor, "Mitsubishi Electric", observe.Low)
	c.Identity(observe.Sender, observe.FieldModel, model, conf)
}

// isSearch recognises the 4-byte MELSOFT search request (0x5A 00 00 xx) and its answers
// (0xDA 00 00 xx ...) seen on UDP 5560 in MELSEC__melsoft_UDP_clean_2.pcap (frames 1-4).
func isSearch(b []byte) bool {
	return len(b) >= 4 && (b[0] == 0x5A && len(b) == 4 || b[0] == 0xDA) && b[1] == 0 && b[2] == 0
}

// detect recognises a 3E or 4E frame whose data length matches and, for a request, whose
// command this package knows; or a MELSOFT frame whose length matches and whose bytes 5
// and 6 are 0x11 0x11, as in every MELSOFT frame of the two captures.
func detect(b []byte) bool {
	var f Frame
	if Parse(b, &f) != nil {
		return false
	}
	switch f.Kind {
	case KindMELSOFT:
		return b[5] == 0x11 && b[6] == 0x11
	default:
		return f.Response || CommandName(f.Command) != ""
	}
}

func role(b []byte) observe.PDURole {
	if isSearch(b) {
		if b[0] == 0x5A {
			return observe.PDURequest
		}
		return observe.PDUResponse
	}
	k, resp, _ := kind(b)
	switch {
	case k == 0:
		return observe.PDUUnknown
	case resp:
		return observe.PDUResponse
	}
	return observe.PDURequest
}
