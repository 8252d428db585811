package enip

// CommandName returns the encapsulation command's name in snake_case, or "".
func CommandName(c uint16) string {
	switch c {
	case CmdNOP:
		return "nop"
	case CmdListServices:
		return "list_services"
	case CmdListIdentity:
		return "list_identity"
	case CmdListInterfaces:
		return "list_interfaces"
	case CmdRegisterSession:
		return "register_session"
	case CmdUnregisterSession:
		return "unregister_session"
	case CmdSendRRData:
		return "send_rr_data"
	case CmdSendUnitData:
		return "send_unit_data"
	case CmdIndicateStatus:
		return "indicate_status"
	case CmdCancel:
		return "cancel"
	case CmdStartDTLS:
		return "start_dtls"
	}
	return ""
}

// ServiceName returns the name of a CIP common service, or of a Connection Manager
// service, in snake_case, or "" (object-specific services depend on the class).
func ServiceName(svc uint8) string {
	switch svc & 0x7f {
	case SvcGetAttributesAll:
		return "get_attributes_all"
	case SvcSetAttributesAll:
		return "set_attributes_all"
	case SvcGetAttributeList:
		return "get_attribute_list"
	case SvcSetAttributeList:
		return "set_attribute_list"
	case SvcReset:
		return "reset"
	case SvcStart:
		return "start"
	case SvcStop:
		return "stop"
	case SvcCreate:
		return "create"
	case SvcDelete:
		return "delete"
	case SvcMultipleServicePacket:
		return "multiple_service_packet"
	case SvcApplyAttributes:
		return "apply_attributes"
	case SvcGetAttributeSingle:
		return "get_attribute_single"
	case SvcSetAttributeSingle:
		return "set_attribute_single"
	case SvcFindNextObjectInst:
		return "find_next_object_instance"
	case SvcRestore:
		return "restore"
	case SvcSave:
		return "save"
	case SvcNoOperation:
		return "no_operation"
	case SvcGetMember:
		return "get_member"
	case SvcSetMember:
		return "set_member"
	case SvcInsertMember:
		return "insert_member"
	case SvcRemoveMember:
		return "remove_member"
	case SvcGroupSync:
		return "group_sync"
	}
	return ""
}
