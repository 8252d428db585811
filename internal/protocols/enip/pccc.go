package enip

import "github.com/zonewarden/zonewarden/internal/protocols"

// SvcExecutePCCC is the PCCC object's (class 0x67) service that carries a PCCC
// command: the legacy Allen-Bradley command set of PLC-5, SLC 500 and MicroLogix
// controllers.
const SvcExecutePCCC uint8 = 0x4b

// PCCC commands (CMD) whose function codes (FNC) this package classifies.
const (
	PCCCCmdDiagnostic uint8 = 0x06 // diagnostic functions (echo, counters)
	PCCCCmdControl    uint8 = 0x07 // outputs, scanning, download and upload mode
	PCCCCmdTyped      uint8 = 0x0f // typed reads and writes, mode changes, transfers
)

// PCCC function codes of command 0x0F (names as tshark's cip.pccc.fnc.code_0f).
const (
	PCCCFncChangeMode uint8 = 0x80 // change CPU mode; the mode byte follows
	PCCCFncSetCPUMode uint8 = 0x3a // set CPU mode
)

// PCCC modes of function 0x80 (tshark's cip.pccc.cpu.mode_80).
const (
	PCCCModeProgram uint8 = 1 // remote program: logic stops
	PCCCModeRun     uint8 = 6 // remote run
)

// PCCC is the command an Execute PCCC request carries.
type PCCC struct {
	Command  uint8 // CMD, without the reply bit
	Function uint8 // FNC (commands 0x06, 0x07 and 0x0F)
	HasFnc   bool
	Mode     uint8 // function 0x80's mode byte
	HasMode  bool
}

// ParsePCCC reads the data of an Execute PCCC request: the requestor id (its length
// byte counts itself, the vendor id and serial number and any product-specific bytes),
// then CMD, STS, TNS (two bytes) and, for the commands with functions, FNC and its
// data. It reports false when the data is too short.
func ParsePCCC(data []byte, p *PCCC) bool {
	*p = PCCC{}
	if len(data) < 1 {
		return false
	}
	n := int(data[0])
	if n < 7 || len(data) < n+4 {
		return false
	}
	b := data[n:]
	p.Command = b[0] & 0xbf // bit 6 marks a reply
	if len(b) >= 5 && (p.Command == PCCCCmdDiagnostic || p.Command == PCCCCmdControl || p.Command == PCCCCmdTyped) {
		p.Function, p.HasFnc = b[4], true
		if p.Command == PCCCCmdTyped && p.Function == PCCCFncChangeMode && len(b) >= 6 {
			p.Mode, p.HasMode = b[5], true
		}
	}
	return true
}

// OpClass classifies the PCCC command: reads, writes, transfers of logic (program)
// and changes of the processor's mode or outputs (control). Commands and functions
// this package does not know are OpNone, as CIP services it cannot classify are.
func (p *PCCC) OpClass() protocols.OpClass {
	switch p.Command {
	case PCCCCmdDiagnostic:
		switch p.Function {
		case 0x00, 0x01, 0x03, 0x09: // echo, read counters, status, read link parameters
			return protocols.OpDiagnostics
		case 0x02, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0a: // set variables, timeouts, NAKs, ENQs, reset counters, sizes, link
			return protocols.OpWrite
		}
	case PCCCCmdControl:
		switch p.Function {
		case 0x00, 0x01, 0x03: // disable or enable outputs, enable scanning
			return protocols.OpControl
		case 0x04, 0x05, 0x06: // enter download mode, exit download/upload mode, enter upload mode
			return protocols.OpProgram
		}
	case PCCCCmdTyped:
		switch p.Function {
		case 0x01, 0x04, 0x09, 0x17, 0x29, 0x68, 0xa1, 0xa2, 0xa7:
			// word range, file and physical reads, read bytes physical, section size,
			// typed read, protected typed logical reads, protected typed file read
			return protocols.OpRead
		case 0x00, 0x02, 0x03, 0x08, 0x18, 0x26, 0x41, 0x5e, 0x67, 0x79, 0x8f, 0xa9, 0xaa, 0xab, 0xaf:
			// word range, bit, file and physical writes, write bytes physical,
			// read-modify-write, disable forces, PLC-2 compatibility file, typed
			// write, read-modify-write N, port configuration, protected typed writes
			return protocols.OpWrite
		case 0x05, 0x06, 0x50, 0x52, 0x53, 0x55, 0x57:
			// download and upload requests and completions, initialize memory
			return protocols.OpProgram
		case 0x07, 0x0a, PCCCFncSetCPUMode, PCCCFncChangeMode: // shutdown, restart, mode changes
			return protocols.OpControl
		}
	}
	return protocols.OpNone
}

// IsUpload reports whether the command transfers logic out of the controller.
func (p *PCCC) IsUpload() bool {
	return (p.Command == PCCCCmdTyped && (p.Function == 0x06 || p.Function == 0x53 || p.Function == 0x55)) ||
		(p.Command == PCCCCmdControl && p.Function == 0x06)
}
