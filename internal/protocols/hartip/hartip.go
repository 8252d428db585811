package hartip

import (
	"encoding/binary"
	"errors"
)

// Port is HART-IP's TCP and UDP port.
const Port = 5094

// HeaderLen is the HART-IP header's length; MaxMessage bounds a message (a HART PDU is at
// most about 270 bytes; the audit log answer is the longest message).
const (
	HeaderLen  = 8
	MaxMessage = 4 << 10
)

// Message types (header byte 1).
const (
	TypeRequest  = 0
	TypeResponse = 1
	TypePublish  = 2
	TypeError    = 3
	TypeNAK      = 15
)

// Message ids (header byte 2).
const (
	IDSessionInitiate = 0
	IDSessionClose    = 1
	IDKeepAlive       = 2
	IDTokenPassingPDU = 3 // a HART PDU, as on the token-passing (4-20 mA, RS-485) physical layer
	IDDirectPDU       = 4 // HART-IP 2: HART commands without the token-passing frame
	IDReadAuditLog    = 128
)

// Frame types (the delimiter's low 3 bits).
const (
	FrameBACK = 1 // burst (publish) frame from a field device
	FrameSTX  = 2 // host to field device
	FrameACK  = 6 // field device's answer
)

var (
	errShort    = errors.New("hartip: message shorter than its header or byte count")
	errHeader   = errors.New("hartip: header with an unknown version, message type or message id")
	errLen      = errors.New("hartip: byte count out of range")
	errPDU      = errors.New("hartip: HART PDU truncated or with an unknown frame type")
	errCheck    = errors.New("hartip: HART PDU check byte does not match")
	errRespData = errors.New("hartip: HART response without its response code and device status")
)

// Header is the HART-IP header.
type Header struct {
	Version, Type, ID, Status uint8
	Seq                       uint16
	// Length is the byte count of the whole message, header included.
	Length uint16
}

// Message is one HART-IP message, and when it carries one (a token-passing message of
// a request, response or publish type) its HART PDU.
type Message struct {
	Header
	// Body is what follows the header, up to the byte count.
	Body []byte
	// PDU: a HART PDU was parsed from Body.
	PDU bool
	// Delimiter is the PDU's start delimiter; Long tells a long (5-byte unique) address
	// from a short (polling) one.
	Delimiter uint8
	Long      bool
	// Address is the 5-byte unique address of a long frame (the master and burst bits of
	// its first byte cleared), or the polling address (0-63) in Address[0].
	Address [5]byte
	// Command is the HART command (for command 31 the 16-bit command it expands to).
	Command uint16
	// Response: an ACK or burst frame from a field device, with its response code and
	// device status.
	Response                bool
	ResponseCode, DevStatus uint8
	// Data is the command's data (a response's, after its two status bytes).
	Data []byte
}

// Frame returns the PDU's frame type (FrameSTX, FrameACK, FrameBACK).
func (m *Message) Frame() uint8 { return m.Delimiter & 7 }

// validHeader holds the header's fixed fields to the values HART-IP defines.
func validHeader(b []byte) bool {
	if b[0] != 1 && b[0] != 2 {
		return false
	}
	switch b[1] {
	case TypeRequest, TypeResponse, TypePublish, TypeError, TypeNAK:
	default:
		return false
	}
	switch b[2] {
	case IDSessionInitiate, IDSessionClose, IDKeepAlive, IDTokenPassingPDU, IDDirectPDU, IDReadAuditLog:
		return true
	}
	return false
}

// PDULen frames HART-IP over TCP by the header's byte count. 0 while fewer than 8 bytes
// are there.
func PDULen(b []byte) (int, error) {
	if len(b) < HeaderLen {
		return 0, nil
	}
	if !validHeader(b) {
		return 0, errHeader
	}
	n := int(binary.BigEndian.Uint16(b[6:8]))
	if n < HeaderLen || n > MaxMessage {
		return 0, errLen
	}
	return n, nil
}

// Parse parses one HART-IP message from the start of b (a datagram or a TCP message
// PDULen framed) into m. Bytes after the byte count are not part of it.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	if len(b) < HeaderLen {
		return errShort
	}
	if !validHeader(b) {
		return errHeader
	}
	m.Version, m.Type, m.ID, m.Status = b[0], b[1], b[2], b[3]
	m.Seq = binary.BigEndian.Uint16(b[4:6])
	m.Length = binary.BigEndian.Uint16(b[6:8])
	if m.Length < HeaderLen || m.Length > MaxMessage {
		return errLen
	}
	if len(b) < int(m.Length) {
		return errShort
	}
	m.Body = b[HeaderLen:m.Length]
	if m.ID != IDTokenPassingPDU || m.Type == TypeError || m.Type == TypeNAK {
		return nil
	}
	return parsePDU(m.Body, m)
}

// parsePDU parses a token-passing HART PDU: preambles (0xFF, optional over HART-IP),
// delimiter, address, expansion bytes, command, byte count, data and check byte.
func parsePDU(b []byte, m *Message) error {
	for len(b) > 0 && b[0] == 0xff {
		b = b[1:]
	}
	if len(b) < 1 {
		return errPDU
	}
	d := b[0]
	switch d & 7 {
	case FrameSTX:
	case FrameACK, FrameBACK:
		m.Response = true
	default:
		return errPDU
	}
	m.Delimiter = d
	m.Long = d&0x80 != 0
	i := 1
	if m.Long {
		if len(b) < i+5 {
			return errPDU
		}
		copy(m.Address[:], b[i:i+5])
		m.Address[0] &= 0x3f // bit 7 names the primary or secondary host, bit 6 burst mode
		i += 5
	} else {
		if len(b) < i+1 {
			return errPDU
		}
		m.Address[0] = b[i] & 0x3f
		i++
	}
	i += int(d>>5) & 3 // expansion bytes
	if len(b) < i+2 {
		return errPDU
	}
	m.Command = uint16(b[i])
	n := int(b[i+1])
	i += 2
	if len(b) < i+n+1 {
		return errPDU
	}
	var sum uint8
	for _, c := range b[:i+n] {
		sum ^= c
	}
	if sum != b[i+n] {
		return errCheck
	}
	data := b[i : i+n]
	if m.Response {
		if len(data) < 2 {
			return errRespData
		}
		m.ResponseCode, m.DevStatus = data[0], data[1]
		data = data[2:]
	}
	if m.Command == CmdExpanded && len(data) >= 2 {
		m.Command = binary.BigEndian.Uint16(data)
		data = data[2:]
	}
	m.Data = data
	m.PDU = true
	return nil
}

// Commands this package names and classes: the universal commands and the common
// practice ones that change a device's configuration or state (HART command numbers as
// the FieldComm Group's universal command list and the common practice command tables
// of HART I/O module manuals, such as Rockwell 1756-UM533, give them).
const (
	CmdReadUniqueID         = 0
	CmdReadPV               = 1
	CmdReadLoopCurrent      = 2
	CmdReadDynamicVars      = 3
	CmdWritePollAddress     = 6
	CmdReadLoopConfig       = 7
	CmdReadDynVarClass      = 8
	CmdReadDeviceVars       = 9
	CmdReadUniqueIDByTag    = 11
	CmdReadMessage          = 12
	CmdReadTag              = 13
	CmdReadPVTransducer     = 14
	CmdReadDeviceInfo       = 15
	CmdReadFinalAssembly    = 16
	CmdWriteMessage         = 17
	CmdWriteTag             = 18
	CmdWriteFinalAssembly   = 19
	CmdReadLongTag          = 20
	CmdReadUniqueIDByLong   = 21
	CmdWriteLongTag         = 22
	CmdExpanded             = 31
	CmdReadDeviceVarsCP     = 33
	CmdWriteDamping         = 34
	CmdWriteRange           = 35
	CmdSetUpperRange        = 36
	CmdSetLowerRange        = 37
	CmdResetConfigChanged   = 38
	CmdFixedCurrent         = 40
	CmdSelfTest             = 41
	CmdDeviceReset          = 42
	CmdSetPVZero            = 43
	CmdWritePVUnits         = 44
	CmdTrimCurrentZero      = 45
	CmdTrimCurrentGain      = 46
	CmdWriteTransferFunc    = 47
	CmdReadAdditionalStatus = 48
	CmdWriteSensorSerial    = 49
	CmdReadDynVarAssign     = 50
	CmdWriteDynVarAssign    = 51
	CmdWriteDevVarUnits     = 53
	CmdSendToSubDevice      = 77
)

var names = map[uint16]string{
	CmdReadUniqueID: "read_unique_identifier", CmdReadPV: "read_primary_variable", CmdReadLoopCurrent: "read_loop_current",
	CmdReadDynamicVars: "read_dynamic_variables", CmdWritePollAddress: "write_polling_address",
	CmdReadLoopConfig: "read_loop_configuration", CmdReadDynVarClass: "read_dynamic_variable_classifications",
	CmdReadDeviceVars: "read_device_variables", CmdReadUniqueIDByTag: "read_unique_identifier_by_tag",
	CmdReadMessage: "read_message", CmdReadTag: "read_tag_descriptor_date", CmdReadPVTransducer: "read_pv_transducer_info",
	CmdReadDeviceInfo: "read_device_info", CmdReadFinalAssembly: "read_final_assembly_number", CmdWriteMessage: "write_message",
	CmdWriteTag: "write_tag_descriptor_date", CmdWriteFinalAssembly: "write_final_assembly_number", CmdReadLongTag: "read_long_tag",
	CmdReadUniqueIDByLong: "read_unique_identifier_by_long_tag", CmdWriteLongTag: "write_long_tag",
	CmdReadDeviceVarsCP: "read_device_variables_cp", CmdWriteDamping: "write_pv_damping", CmdWriteRange: "write_pv_range",
	CmdSetUpperRange: "set_pv_upper_range", CmdSetLowerRange: "set_pv_lower_range",
	CmdResetConfigChanged: "reset_configuration_changed_flag", CmdFixedCurrent: "enter_exit_fixed_current_mode",
	CmdSelfTest: "perform_self_test", CmdDeviceReset: "device_reset", CmdSetPVZero: "set_pv_zero",
	CmdWritePVUnits: "write_pv_units", CmdTrimCurrentZero: "trim_loop_current_zero", CmdTrimCurrentGain: "trim_loop_current_gain",
	CmdWriteTransferFunc: "write_pv_transfer_function", CmdReadAdditionalStatus: "read_additional_device_status",
	CmdWriteSensorSerial: "write_pv_transducer_serial", CmdReadDynVarAssign: "read_dynamic_variable_assignments",
	CmdWriteDynVarAssign: "write_dynamic_variable_assignments", CmdWriteDevVarUnits: "write_device_variable_units",
	CmdSendToSubDevice: "send_command_to_sub_device",
}

// CommandName names a command ("" for one this package does not know).
func CommandName(c uint16) string { return names[c] }

// Identity is what a command 0 (Read Unique Identifier) answer says of a device.
type Identity struct {
	// Manufacturer is the manufacturer identification code: bytes 17-18 of a HART 7
	// answer, byte 1 of a HART 5 or 6 one.
	Manufacturer uint16
	// DeviceType is the expanded device type (HART 7: bytes 1-2) or the manufacturer's
	// device type (HART 5/6: byte 2).
	DeviceType                       uint16
	HARTRevision, DeviceRev, SoftRev uint8
	DeviceID                         [3]byte
}

// ReadUniqueID decodes a command 0 (or 11, 21) answer's data.
func ReadUniqueID(data []byte) (id Identity, ok bool) {
	if len(data) < 12 || data[0] != 254 {
		return id, false
	}
	id.HARTRevision, id.DeviceRev, id.SoftRev = data[4], data[5], data[6]
	copy(id.DeviceID[:], data[9:12])
	if id.HARTRevision >= 7 {
		if len(data) < 19 {
			return id, false
		}
		id.DeviceType = binary.BigEndian.Uint16(data[1:3])
		id.Manufacturer = binary.BigEndian.Uint16(data[17:19])
	} else {
		id.Manufacturer = uint16(data[1])
		id.DeviceType = uint16(data[2])
	}
	return id, true
}

// LongTag returns the 32-byte long tag of a command 20 answer, its trailing NULs and
// spaces trimmed (ISO Latin-1 bytes as they are).
func LongTag(data []byte) ([]byte, bool) {
	if len(data) < 32 {
		return nil, false
	}
	t := data[:32]
	for len(t) > 0 && (t[len(t)-1] == 0 || t[len(t)-1] == ' ') {
		t = t[:len(t)-1]
	}
	return t, true
}

// AppendTag appends the 8-character tag of a command 13 answer (6 bytes of packed
// ASCII, four 6-bit characters in each 3 bytes), trailing spaces trimmed.
func AppendTag(dst, data []byte) ([]byte, bool) {
	if len(data) < 6 {
		return dst, false
	}
	start := len(dst)
	for g := 0; g < 6; g += 3 {
		v := uint32(data[g])<<16 | uint32(data[g+1])<<8 | uint32(data[g+2])
		for s := 18; s >= 0; s -= 6 {
			c := byte(v>>s) & 0x3f
			// A 6-bit code is the ASCII character with bit 6 set to the complement of bit 5.
			dst = append(dst, c|((c&0x20)<<1^0x40))
		}
	}
	for len(dst) > start && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst, true
}
