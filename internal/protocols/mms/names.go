package mms

import "github.com/zonewarden/zonewarden/internal/protocols"

// serviceNames are the confirmed services of ISO 9506-2 by their context tag, in
// snake_case as zonewarden's outputs name operations.
var serviceNames = [...]string{
	"status", "get_name_list", "identify", "rename", "read", "write",
	"get_variable_access_attributes", "define_named_variable", "define_scattered_access", "get_scattered_access_attributes", "delete_variable_access", "define_named_variable_list",
	"get_named_variable_list_attributes", "delete_named_variable_list", "define_named_type", "get_named_type_attributes", "delete_named_type", "input",
	"output", "take_control", "relinquish_control", "define_semaphore", "delete_semaphore", "report_semaphore_status",
	"report_pool_semaphore_status", "report_semaphore_entry_status", "initiate_download_sequence", "download_segment", "terminate_download_sequence", "initiate_upload_sequence",
	"upload_segment", "terminate_upload_sequence", "request_domain_download", "request_domain_upload", "load_domain_content", "store_domain_content",
	"delete_domain", "get_domain_attributes", "create_program_invocation", "delete_program_invocation", "start", "stop",
	"resume", "reset", "kill", "get_program_invocation_attributes", "obtain_file", "define_event_condition",
	"delete_event_condition", "get_event_condition_attributes", "report_event_condition_status", "alter_event_condition_monitoring", "trigger_event", "define_event_action",
	"delete_event_action", "get_event_action_attributes", "report_event_action_status", "define_event_enrollment", "delete_event_enrollment", "alter_event_enrollment",
	"report_event_enrollment_status", "get_event_enrollment_attributes", "acknowledge_event_notification", "get_alarm_summary", "get_alarm_enrollment_summary", "read_journal",
	"write_journal", "initialize_journal", "report_journal_status", "create_journal", "delete_journal", "get_capability_list",
	"file_open", "file_read", "file_close", "file_rename", "file_delete", "file_directory",
}

// serviceClasses says what each confirmed service does to the server: reads of values,
// names, attributes, files and journals; writes and definitions of variables, lists,
// events and files; domain (program) transfer and program invocations; and start, stop,
// resume, reset and kill of a program invocation.
var serviceClasses = [len(serviceNames)]protocols.OpClass{
	protocols.OpRead, protocols.OpRead, protocols.OpRead, protocols.OpWrite,
	protocols.OpRead, protocols.OpWrite, protocols.OpRead, protocols.OpWrite,
	protocols.OpWrite, protocols.OpRead, protocols.OpWrite, protocols.OpWrite,
	protocols.OpRead, protocols.OpWrite, protocols.OpWrite, protocols.OpRead,
	protocols.OpWrite, protocols.OpRead, protocols.OpWrite, protocols.OpWrite,
	protocols.OpWrite, protocols.OpWrite, protocols.OpWrite, protocols.OpRead,
	protocols.OpRead, protocols.OpRead, protocols.OpProgram, protocols.OpProgram,
	protocols.OpProgram, protocols.OpProgram, protocols.OpProgram, protocols.OpProgram,
	protocols.OpProgram, protocols.OpProgram, protocols.OpProgram, protocols.OpProgram,
	protocols.OpProgram, protocols.OpRead, protocols.OpProgram, protocols.OpProgram,
	protocols.OpControl, protocols.OpControl, protocols.OpControl, protocols.OpControl,
	protocols.OpControl, protocols.OpRead, protocols.OpProgram, protocols.OpWrite,
	protocols.OpWrite, protocols.OpRead, protocols.OpRead, protocols.OpWrite,
	protocols.OpWrite, protocols.OpWrite, protocols.OpWrite, protocols.OpRead,
	protocols.OpRead, protocols.OpWrite, protocols.OpWrite, protocols.OpWrite,
	protocols.OpRead, protocols.OpRead, protocols.OpWrite, protocols.OpRead,
	protocols.OpRead, protocols.OpRead, protocols.OpWrite, protocols.OpWrite,
	protocols.OpRead, protocols.OpWrite, protocols.OpWrite, protocols.OpRead,
	protocols.OpRead, protocols.OpRead, protocols.OpRead, protocols.OpWrite,
	protocols.OpWrite, protocols.OpRead,
}

var unconfirmedNames = [...]string{"information_report", "unsolicited_status", "event_notification"}

// ServiceName names a confirmed service ("" when the number is not one).
func ServiceName(n uint32) string {
	if n < uint32(len(serviceNames)) {
		return serviceNames[n]
	}
	return ""
}

// UnconfirmedName names an unconfirmed service ("" when the number is not one).
func UnconfirmedName(n uint32) string {
	if n < uint32(len(unconfirmedNames)) {
		return unconfirmedNames[n]
	}
	return ""
}

// ServiceClass is the class of operation a confirmed service request is; OpNone for a
// number that names no service.
func ServiceClass(n uint32) protocols.OpClass {
	if n < uint32(len(serviceClasses)) {
		return serviceClasses[n]
	}
	return protocols.OpNone
}

// pduNames are the MMS PDU types by their context tag.
var pduNames = [...]string{"confirmed_request", "confirmed_response", "confirmed_error", "unconfirmed", "reject",
	"cancel_request", "cancel_response", "cancel_error", "initiate_request", "initiate_response", "initiate_error",
	"conclude_request", "conclude_response", "conclude_error"}

func (p PDU) String() string {
	if int(p) < len(pduNames) {
		return pduNames[p]
	}
	return "unknown"
}
