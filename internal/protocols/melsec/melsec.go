package melsec

import (
	"encoding/binary"
	"errors"
)

// Ports. The MELSOFT ones are those of the captures (MELSEC__melsoft_129_clean.pcap: the
// PLC answers from TCP 5562; MELSEC__melsoft_UDP_clean_2.pcap: it answers on UDP 5560);
// 5006 and 5007 are the UDP and TCP ports Mitsubishi's public manuals give the
// Q-series built-in Ethernet ports for MELSOFT and MC-protocol connections (no capture
// here shows them).
const (
	PortMELSOFTTCP = 5562
	PortMELSOFTUDP = 5560
	PortQTCP       = 5007
	PortQUDP       = 5006
)

// MaxFrame bounds a frame's length; SLMP's data length is a 16-bit count, MELSOFT's too.
const MaxFrame = 8 << 10

// Frame kinds, from the first bytes.
const (
	Kind3E      = 1 // MC protocol / SLMP 3E binary frame (subheader 0x5000 / 0xD000)
	Kind4E      = 2 // MC protocol / SLMP 4E binary frame (subheader 0x5400 / 0xD400, with a serial number)
	KindMELSOFT = 3 // MELSOFT engineering frame (first byte 0x57 / 0xD7), as the captures show it
)

// Header lengths: what precedes the first byte the data length counts.
const (
	head3E      = 9  // subheader(2) network station module-io(2) multidrop length(2)
	head4E      = 13 // subheader(2) serial(2) fixed(2) then as 3E
	headMELSOFT = 21 // 19 bytes, then the length (2, little-endian)
	// In the captures' MELSOFT frames the command word is at offset 45 of a request and
	// 47 of the response, which repeats it and has two more bytes before it (zero in
	// every response of the two captures).
	melsoftReqCmd  = 45
	melsoftRespCmd = 47
	melsoftRespEnd = 45
)

// SLMP commands (the MC protocol's command words), as Mitsubishi's SLMP reference manual
// (SH-080956ENG, "Commands" chapter) lists them; each is sent little-endian.
const (
	CmdReadTypeName         = 0x0101 // Read Type Name: the CPU's model name and code
	CmdDeviceRead           = 0x0401 // Device Read (batch)
	CmdDeviceReadRandom     = 0x0403 // Device Read Random
	CmdDeviceReadBlock      = 0x0406 // Device Read Block
	CmdMonitorRegister      = 0x0801 // Entry Monitor Device
	CmdMonitorExecute       = 0x0802 // Execute Monitor
	CmdMemoryRead           = 0x0613 // Memory Read (buffer memory of the module)
	CmdExtendUnitRead       = 0x0601 // Extend Unit Read
	CmdDeviceWrite          = 0x1401 // Device Write (batch)
	CmdDeviceWriteRandom    = 0x1402 // Device Write Random
	CmdDeviceWriteBlock     = 0x1406 // Device Write Block
	CmdMemoryWrite          = 0x1613 // Memory Write
	CmdExtendUnitWrite      = 0x1601 // Extend Unit Write
	CmdRemoteRun            = 0x1001 // Remote Run
	CmdRemoteStop           = 0x1002 // Remote Stop
	CmdRemotePause          = 0x1003 // Remote Pause
	CmdRemoteLatchClear     = 0x1005 // Remote Latch Clear
	CmdRemoteReset          = 0x1006 // Remote Reset
	CmdRemotePasswordLock   = 0x1631 // Remote Password Lock
	CmdRemotePasswordUnlock = 0x1630 // Remote Password Unlock
	CmdClearError           = 0x1617 // Clear Error
	CmdSelfTest             = 0x0619 // Self Test (loopback)
	CmdFileReadDirectory    = 0x1810 // Read Directory/File information
	CmdFileSearchDirectory  = 0x1811 // Search Directory/File information
	CmdFileNew              = 0x1820 // New File (create)
	CmdFileDelete           = 0x1822 // Delete File
	CmdFileCopy             = 0x1824 // Copy File
	CmdFileChangeAttribute  = 0x1825 // Change File State (attribute)
	CmdFileChangeDate       = 0x1826 // Change File Date
	CmdFileOpen             = 0x1827 // Open File
	CmdFileRead             = 0x1828 // Read File
	CmdFileWrite            = 0x1829 // Write File
	CmdFileClose            = 0x182A // Close File
)

var (
	errShort   = errors.New("melsec: frame shorter than its header")
	errSub     = errors.New("melsec: unknown subheader")
	errLen     = errors.New("melsec: data length disagrees with the frame")
	errTooLong = errors.New("melsec: data length out of range")
)

// Frame is one parsed frame. Fields a kind does not have are zero.
type Frame struct {
	Kind     uint8
	Response bool
	// Serial is a 4E frame's serial number.
	Serial uint16
	// Network, Station, ModuleIO and Multidrop address the request's destination (3E/4E).
	Network, Station uint8
	ModuleIO         uint16
	Multidrop        uint8
	// Timer is a request's monitoring timer (units of 250 ms).
	Timer uint16
	// Command and Subcommand are a 3E/4E request's; Command is, for a MELSOFT frame of
	// either direction, the two bytes at its command position read big-endian (their
	// meaning is not published; zonewarden names them by value).
	Command, Subcommand uint16
	// EndCode is a 3E/4E response's end code (0: normal completion); for MELSOFT the two
	// bytes before a response's command word.
	EndCode uint16
	// Data is what follows the subcommand (request) or end code (response); for MELSOFT
	// what follows the command word.
	Data []byte
}

// kind says which frame b starts with, and its header length (0 for none).
func kind(b []byte) (k uint8, resp bool, head int) {
	if len(b) < 2 {
		return 0, false, 0
	}
	switch {
	case b[0] == 0x50 && b[1] == 0:
		return Kind3E, false, head3E
	case b[0] == 0xD0 && b[1] == 0:
		return Kind3E, true, head3E
	case b[0] == 0x54 && b[1] == 0:
		return Kind4E, false, head4E
	case b[0] == 0xD4 && b[1] == 0:
		return Kind4E, true, head4E
	case b[0] == 0x57:
		return KindMELSOFT, false, headMELSOFT
	case b[0] == 0xD7:
		return KindMELSOFT, true, headMELSOFT
	}
	return 0, false, 0
}

// PDULen frames a TCP stream of 3E, 4E or MELSOFT frames: the header up to the data
// length, then that many bytes. 0 while the header is incomplete.
func PDULen(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, nil
	}
	k, _, head := kind(b)
	if k == 0 {
		return 0, errSub
	}
	if len(b) < head {
		return 0, nil
	}
	n := head + int(binary.LittleEndian.Uint16(b[head-2:head]))
	if n > MaxFrame {
		return 0, errTooLong
	}
	return n, nil
}

// Parse parses one whole frame (a UDP payload, or a PDU PDULen cut) into f without
// allocating; f.Data aliases b.
func Parse(b []byte, f *Frame) error {
	*f = Frame{}
	k, resp, head := kind(b)
	if k == 0 {
		if len(b) < 2 {
			return errShort
		}
		return errSub
	}
	if len(b) < head {
		return errShort
	}
	if head+int(binary.LittleEndian.Uint16(b[head-2:head])) != len(b) {
		return errLen
	}
	f.Kind, f.Response = k, resp
	if k == KindMELSOFT {
		return parseMELSOFT(b, f)
	}
	p := b[2:]
	if k == Kind4E {
		f.Serial = binary.LittleEndian.Uint16(p)
		p = p[4:] // serial, then two fixed bytes
	}
	f.Network, f.Station = p[0], p[1]
	f.ModuleIO = binary.LittleEndian.Uint16(p[2:])
	f.Multidrop = p[4]
	p = p[7:]
	if resp {
		if len(p) < 2 {
			return errShort
		}
		f.EndCode = binary.LittleEndian.Uint16(p)
		f.Data = p[2:]
		return nil
	}
	if len(p) < 6 {
		return errShort
	}
	f.Timer = binary.LittleEndian.Uint16(p)
	f.Command = binary.LittleEndian.Uint16(p[2:])
	f.Subcommand = binary.LittleEndian.Uint16(p[4:])
	f.Data = p[6:]
	return nil
}

// parseMELSOFT takes from a MELSOFT frame the command word at the position the captures
// show it; a frame too short to hold it has Command 0.
func parseMELSOFT(b []byte, f *Frame) error {
	at := melsoftReqCmd
	if f.Response {
		at = melsoftRespCmd
		if len(b) >= melsoftRespEnd+2 {
			f.EndCode = binary.BigEndian.Uint16(b[melsoftRespEnd:])
		}
	}
	if len(b) >= at+2 {
		f.Command = binary.BigEndian.Uint16(b[at:])
		f.Data = b[at+2:]
	}
	return nil
}

// TypeName reads a Read Type Name response's data: the model name (16 ASCII bytes,
// space or NUL padded) and the model code (2 bytes, little-endian). ok is false unless
// the name is printable ASCII.
func TypeName(data []byte) (model []byte, code uint16, ok bool) {
	if len(data) < 18 {
		return nil, 0, false
	}
	model = trimName(data[:16])
	if len(model) == 0 {
		return nil, 0, false
	}
	return model, binary.LittleEndian.Uint16(data[16:18]), true
}

// trimName cuts a fixed-width name at its first NUL and drops trailing spaces; nil unless
// what is left is printable ASCII.
func trimName(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return nil
		}
	}
	return b
}
