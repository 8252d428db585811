package modbus

import "github.com/zonewarden/zonewarden/internal/protocols"

// OpClass classifies the operation the message belongs to. A response (or an
// exception) has the class of the request it answers, since both are part of the same
// operation. Codes this package cannot classify count as writes: a conduit that only
// allows reads must not let an unknown function through unnoticed.
func (m *Message) OpClass() protocols.OpClass {
	switch m.Function {
	case FuncReadCoils, FuncReadDiscreteInputs, FuncReadHoldingRegisters, FuncReadInputRegisters,
		FuncReportServerID, FuncReadFileRecord, FuncReadFIFOQueue,
		10, 14: // Modicon 484 / controller polls
		return protocols.OpRead
	case FuncWriteSingleCoil, FuncWriteSingleRegister, FuncWriteMultipleCoils, FuncWriteMultipleRegisters,
		FuncWriteFileRecord, FuncMaskWriteRegister, FuncReadWriteMultipleRegisters:
		return protocols.OpWrite
	case FuncReadExceptionStatus, FuncGetCommEventCounter, FuncGetCommEventLog:
		return protocols.OpDiagnostics
	case FuncDiagnostics:
		switch m.SubFunction {
		case 1, 3, 4: // restart communications, change ASCII delimiter, force listen-only
			return protocols.OpControl
		}
		return protocols.OpDiagnostics
	case 19: // reset communication link (Modicon)
		return protocols.OpControl
	case 9, 13, 18, 40, 125, 126: // Modicon programming and firmware functions
		return protocols.OpProgram
	case FuncEncapsulatedInterface:
		if m.MEIType == MEIReadDeviceID {
			return protocols.OpRead
		}
		return protocols.OpWrite // CANopen general reference may write objects
	case FuncUMAS:
		if m.Direction == DirResponse {
			return protocols.OpNone // UMAS responses do not repeat the function
		}
		return umasOpClass(m.UMASCode)
	}
	return protocols.OpWrite
}

// umasOpClass classifies Schneider Electric UMAS functions (carried in Modbus
// function 90) as published by security research on the protocol.
func umasOpClass(code uint8) protocols.OpClass {
	switch code {
	case 0x01, 0x0a, 0x10, 0x11, 0x12: // initialise, repeat, take/release reservation, keep alive
		return protocols.OpNone
	case 0x02, 0x03, 0x04, 0x06, 0x20, 0x22, 0x24, 0x39, 0x50, 0x58, 0x70, 0x73:
		return protocols.OpRead // identity, project and PLC info, memory, variables, status
	case 0x23, 0x25, 0x71:
		return protocols.OpWrite // variables, coils and registers, I/O objects
	case 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36:
		return protocols.OpProgram // strategy (program) upload and download
	case 0x40, 0x41:
		return protocols.OpControl // start and stop the PLC
	}
	// A function the published research does not describe is counted under its code and
	// not classified: taking it for a write would raise alerts nothing supports.
	return protocols.OpNone
}
