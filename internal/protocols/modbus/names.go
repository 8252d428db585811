package modbus

// FunctionName returns the function's name in snake_case, as JSON outputs spell it,
// or "" for a code without a standard name.
func FunctionName(fc uint8) string {
	switch fc {
	case FuncReadCoils:
		return "read_coils"
	case FuncReadDiscreteInputs:
		return "read_discrete_inputs"
	case FuncReadHoldingRegisters:
		return "read_holding_registers"
	case FuncReadInputRegisters:
		return "read_input_registers"
	case FuncWriteSingleCoil:
		return "write_single_coil"
	case FuncWriteSingleRegister:
		return "write_single_register"
	case FuncReadExceptionStatus:
		return "read_exception_status"
	case FuncDiagnostics:
		return "diagnostics"
	case FuncGetCommEventCounter:
		return "get_comm_event_counter"
	case FuncGetCommEventLog:
		return "get_comm_event_log"
	case FuncWriteMultipleCoils:
		return "write_multiple_coils"
	case FuncWriteMultipleRegisters:
		return "write_multiple_registers"
	case FuncReportServerID:
		return "report_server_id"
	case FuncReadFileRecord:
		return "read_file_record"
	case FuncWriteFileRecord:
		return "write_file_record"
	case FuncMaskWriteRegister:
		return "mask_write_register"
	case FuncReadWriteMultipleRegisters:
		return "read_write_multiple_registers"
	case FuncReadFIFOQueue:
		return "read_fifo_queue"
	case FuncEncapsulatedInterface:
		return "encapsulated_interface_transport"
	case FuncUMAS:
		return "umas"
	}
	return ""
}

// ExceptionName returns the exception code's name in snake_case, or "".
func ExceptionName(code uint8) string {
	switch code {
	case 1:
		return "illegal_function"
	case 2:
		return "illegal_data_address"
	case 3:
		return "illegal_data_value"
	case 4:
		return "server_device_failure"
	case 5:
		return "acknowledge"
	case 6:
		return "server_device_busy"
	case 8:
		return "memory_parity_error"
	case 0x0a:
		return "gateway_path_unavailable"
	case 0x0b:
		return "gateway_target_failed_to_respond"
	}
	return ""
}
