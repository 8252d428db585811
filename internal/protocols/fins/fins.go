package fins

import (
	"encoding/binary"
	"errors"
)

// Port is FINS's UDP and TCP port.
const Port = 9600

// Bounds: a FINS frame is at most about 2 KB; FINS/TCP messages beyond MaxMessage are refused.
const (
	MaxMessage = 8 << 10
	headerLen  = 10 // ICF RSV GCT DNA DA1 DA2 SNA SA1 SA2 SID
	tcpHeader  = 16 // "FINS", length, command, error code
)

// FINS/TCP commands.
const (
	TCPNodeAddrClient = 0 // the client asks for a node address
	TCPNodeAddrServer = 1 // the server gives client and server node addresses
	TCPFrameSend      = 2 // a FINS frame follows
	TCPFrameError     = 3
	TCPConfirm        = 6
)

var (
	errMagic = errors.New("fins: FINS/TCP header without its FINS magic")
	errLen   = errors.New("fins: FINS/TCP length out of range")
	errShort = errors.New("fins: frame shorter than its header and command code")
	errICF   = errors.New("fins: ICF byte with reserved bits set")
)

// Message is one FINS frame (from UDP, or inside a FINS/TCP frame-send message), or a
// FINS/TCP control message (TCPCommand other than TCPFrameSend, Frame false).
type Message struct {
	TCP        bool   // carried over FINS/TCP
	TCPCommand uint32 // the FINS/TCP command (TCP only)
	Frame      bool   // a FINS frame was parsed
	// Response: the ICF's data type bit (a response, not a command).
	Response                          bool
	DNA, DA1, DA2, SNA, SA1, SA2, SID uint8
	// Command is MRC<<8 | SRC ("0x0501" Controller Data Read).
	Command uint16
	// EndCode is a response's MRES<<8 | SRES (0 is normal completion).
	EndCode uint16
	// Data is what follows the command code (a command's parameters) or the end code (a
	// response's data).
	Data []byte
}

// PDULen frames FINS/TCP: the 8-byte magic and length, then length bytes. 0 while fewer
// than 8 bytes are there.
func PDULen(b []byte) (int, error) {
	if len(b) < 8 {
		if len(b) >= 4 && string(b[:4]) != "FINS" {
			return 0, errMagic
		}
		return 0, nil
	}
	if string(b[:4]) != "FINS" {
		return 0, errMagic
	}
	n := binary.BigEndian.Uint32(b[4:8])
	if n < 8 || n > MaxMessage {
		return 0, errLen
	}
	return 8 + int(n), nil
}

// ParseTCP parses one FINS/TCP message (as PDULen framed it) into m.
func ParseTCP(b []byte, m *Message) error {
	*m = Message{TCP: true}
	if len(b) < tcpHeader {
		return errShort
	}
	if string(b[:4]) != "FINS" {
		return errMagic
	}
	if int(binary.BigEndian.Uint32(b[4:8]))+8 != len(b) {
		return errLen
	}
	m.TCPCommand = binary.BigEndian.Uint32(b[8:12])
	if m.TCPCommand != TCPFrameSend {
		return nil
	}
	if err := parseFrame(b[tcpHeader:], m); err != nil {
		return err
	}
	return nil
}

// Parse parses one FINS frame (a UDP datagram's payload) into m.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	return parseFrame(b, m)
}

func parseFrame(b []byte, m *Message) error {
	if len(b) < headerLen+2 {
		return errShort
	}
	icf := b[0]
	// ICF: bit 7 gateway, bit 6 data type (response), bit 0 response not required; the
	// bits between are reserved and zero.
	if icf&0x3e != 0 {
		return errICF
	}
	m.Frame = true
	m.Response = icf&0x40 != 0
	m.DNA, m.DA1, m.DA2, m.SNA, m.SA1, m.SA2, m.SID = b[3], b[4], b[5], b[6], b[7], b[8], b[9]
	m.Command = binary.BigEndian.Uint16(b[headerLen:])
	m.Data = b[headerLen+2:]
	if m.Response {
		if len(m.Data) < 2 {
			return errShort
		}
		m.EndCode = binary.BigEndian.Uint16(m.Data) &^ 0x8080 // bits 15 and 7 are relay and network flags
		m.Data = m.Data[2:]
	}
	return nil
}

// Commands (MRC<<8 | SRC) this package names and classes.
const (
	CmdMemoryRead         = 0x0101
	CmdMemoryWrite        = 0x0102
	CmdMemoryFill         = 0x0103
	CmdMultipleRead       = 0x0104
	CmdMemoryTransfer     = 0x0105
	CmdParameterRead      = 0x0201
	CmdParameterWrite     = 0x0202
	CmdParameterClear     = 0x0203
	CmdProgramRead        = 0x0306
	CmdProgramWrite       = 0x0307
	CmdProgramClear       = 0x0308
	CmdRun                = 0x0401
	CmdStop               = 0x0402
	CmdControllerRead     = 0x0501
	CmdConnectionRead     = 0x0502
	CmdStatusRead         = 0x0601
	CmdCycleTimeRead      = 0x0620
	CmdClockRead          = 0x0701
	CmdClockWrite         = 0x0702
	CmdMessageRead        = 0x0920
	CmdAccessAcquire      = 0x0C01
	CmdAccessForceAcquire = 0x0C02
	CmdAccessRelease      = 0x0C03
	CmdErrorClear         = 0x2101
	CmdErrorLogRead       = 0x2102
	CmdErrorLogClear      = 0x2103
	CmdFileNameRead       = 0x2201
	CmdFileRead           = 0x2202
	CmdFileWrite          = 0x2203
	CmdFileFormat         = 0x2204
	CmdFileDelete         = 0x2205
	CmdFileCopy           = 0x2207
	CmdFileRename         = 0x2208
	CmdForcedSet          = 0x2301
	CmdForcedCancel       = 0x2302
)

var names = map[uint16]string{
	CmdMemoryRead: "memory_area_read", CmdMemoryWrite: "memory_area_write", CmdMemoryFill: "memory_area_fill",
	CmdMultipleRead: "multiple_memory_area_read", CmdMemoryTransfer: "memory_area_transfer",
	CmdParameterRead: "parameter_area_read", CmdParameterWrite: "parameter_area_write", CmdParameterClear: "parameter_area_clear",
	CmdProgramRead: "program_area_read", CmdProgramWrite: "program_area_write", CmdProgramClear: "program_area_clear",
	CmdRun: "run", CmdStop: "stop", CmdControllerRead: "controller_data_read", CmdConnectionRead: "connection_data_read",
	CmdStatusRead: "controller_status_read", CmdCycleTimeRead: "cycle_time_read", CmdClockRead: "clock_read",
	CmdClockWrite: "clock_write", CmdMessageRead: "message_read", CmdAccessAcquire: "access_right_acquire",
	CmdAccessForceAcquire: "access_right_forced_acquire", CmdAccessRelease: "access_right_release",
	CmdErrorClear: "error_clear", CmdErrorLogRead: "error_log_read", CmdErrorLogClear: "error_log_clear",
	CmdFileNameRead: "file_name_read", CmdFileRead: "single_file_read", CmdFileWrite: "single_file_write",
	CmdFileFormat: "memory_card_format", CmdFileDelete: "file_delete", CmdFileCopy: "file_copy", CmdFileRename: "file_name_change",
	CmdForcedSet: "forced_set_reset", CmdForcedCancel: "forced_set_reset_cancel",
}

// CommandName names a command ("" for one this package does not know).
func CommandName(c uint16) string { return names[c] }

// ControllerModel returns the CPU model and version a Controller Data Read response
// carries (each a 20-byte field, padded with NULs or spaces).
func ControllerModel(data []byte) (model, version []byte, ok bool) {
	if len(data) < 40 {
		return nil, nil, false
	}
	return trim(data[:20]), trim(data[20:40]), true
}

func trim(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}
