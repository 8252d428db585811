package enip

import "github.com/zonewarden/zonewarden/internal/protocols"

// Object classes judged by their own services (Rockwell Logix classes are named as
// Rockwell's documentation of Logix controllers and tshark's dissection of the
// captures show them used; tshark 4.0 names none of them).
const (
	ClassLogixProgram    uint32 = 0x68 // a program: its routines, tags and tasks hang below it
	ClassLogixMap        uint32 = 0x69 // the I/O map: modules and their configuration
	ClassLogixCode       uint32 = 0x6a // compiled routine code, transferred with 0x4f/0x50
	ClassLogixRoutine    uint32 = 0x6d
	ClassLogixTask       uint32 = 0x70
	ClassLogixCxn        uint32 = 0x7e // an I/O connection of the map
	ClassWallClockTime   uint32 = 0x8b
	ClassLogixController uint32 = 0x8e // the controller: Stop/Start change its mode
	ClassNonVolatile     uint32 = 0xa1 // Non-Volatile Storage: firmware images
	ClassTCPIP           uint32 = 0xf5
	ClassEthernetLink    uint32 = 0xf6
)

// Kind says what a CIP request does where its service and OpClass alone do not.
type Kind uint8

const (
	// KindService: the service says it (a common service, a tag service, a File or
	// Connection Manager service).
	KindService Kind = iota
	// KindUnknown: a service this package cannot classify on this class: OpNone, so
	// that it is counted by its service code without being called a write.
	KindUnknown
	// KindFirmwareUpdate: a service of the Non-Volatile Storage object other than a
	// read (an update of the device's firmware).
	KindFirmwareUpdate
	// KindProgramDownload: creation, deletion, attribute changes or code transfers
	// into the classes a Logix program is made of (program, routine, code, task,
	// tags and templates, the I/O map).
	KindProgramDownload
	// KindProgramUpload: a code transfer out of a Logix controller (0x4f on 0x6a).
	// (tshark names neither; the captures show 0x50 into a controller being
	// programmed, 0x4f out of one being uploaded.)
	KindProgramUpload
	// KindClockChange: Set_Attribute on the Wall Clock Time object.
	KindClockChange
	// KindNetworkConfig: Set_Attribute on the TCP/IP Interface or Ethernet Link object.
	KindNetworkConfig
	// KindPCCC: Execute PCCC on the PCCC object; Message.PCCC holds the command.
	KindPCCC
)

// OpClass classifies the message's operation. Discovery commands (ListIdentity and
// the like) read; session commands and I/O datagrams are OpNone (cyclic I/O is the
// steady state of a connection whose Forward_Open is what gets judged). A
// Multiple_Service_Packet takes the most consequential class of its services
// (program, then control, write, read, diagnostics). Services this package cannot
// classify are OpNone (KindUnknown): calling every unknown service a write turned
// thousands of vendor-specific reads and polls into write alerts.
func (m *Message) OpClass() protocols.OpClass {
	if m.IO {
		return protocols.OpNone
	}
	if !m.HasCIP {
		switch m.Command {
		case CmdListIdentity, CmdListServices, CmdListInterfaces:
			return protocols.OpRead
		}
		return protocols.OpNone
	}
	eff := m.Effective()
	if eff.Service == SvcMultipleServicePacket {
		op := protocols.OpNone
		for i := range m.ServiceList() {
			op = stronger(op, m.services[i].OpClass())
		}
		return op
	}
	if eff.Response && m.Paired {
		_, c := Classify(eff.Service, &m.RequestPath, nil, true)
		return c
	}
	return eff.OpClass()
}

// OpClass classifies one CIP message by its service and, for object-specific services,
// the class or tag its path names. A response carries no path, so an object-specific
// reply classifies as OpNone unless Pairing tied it to its request.
func (c *CIPMessage) OpClass() protocols.OpClass {
	_, cl := c.Classify()
	return cl
}

// Classify returns what the message does and its class (see Classify).
func (c *CIPMessage) Classify() (Kind, protocols.OpClass) {
	if c.Response {
		return Classify(c.Service, &c.Path, nil, false)
	}
	return Classify(c.Service, &c.Path, c.Data, true)
}

var opRank = [...]uint8{protocols.OpNone: 0, protocols.OpDiagnostics: 1, protocols.OpRead: 2, protocols.OpWrite: 3,
	protocols.OpControl: 4, protocols.OpProgram: 5}

func stronger(a, b protocols.OpClass) protocols.OpClass {
	if int(b) < len(opRank) && (int(a) >= len(opRank) || opRank[b] > opRank[a]) {
		return b
	}
	return a
}

// logixProgramClass reports whether class is one a Logix program or project is made
// of, which a download creates and fills.
func logixProgramClass(class uint32) bool {
	switch class {
	case ClassLogixProgram, ClassLogixMap, ClassLogixCode, ClassSymbol, ClassTemplate, ClassLogixRoutine,
		ClassLogixTask, 0x72, ClassLogixCxn:
		return true
	}
	return false
}

// Classify judges a CIP request by its service and the class of the object its path
// ends at (Path.LastClass: "program 0x25e2, routine class 0x6d" invokes the routine
// class), and for Execute PCCC by the PCCC command in data. A reply classifies with
// havePath false (its request's path unknown) or with the request's path and nil data
// when Pairing tied it to its request.
func Classify(svc uint8, p *Path, data []byte, havePath bool) (Kind, protocols.OpClass) {
	class := p.LastClass
	if p.Has&HasClass == 0 || !havePath {
		class = 0
	}
	switch svc {
	case SvcGetAttributesAll, SvcGetAttributeList, SvcGetAttributeSingle, SvcFindNextObjectInst, SvcGetMember:
		return KindService, protocols.OpRead
	case SvcSetAttributesAll, SvcSetAttributeList, SvcSetAttributeSingle, SvcSetMember, SvcInsertMember,
		SvcRemoveMember, SvcApplyAttributes, SvcSave, SvcRestore:
		switch {
		case class == ClassNonVolatile:
			return KindFirmwareUpdate, protocols.OpProgram
		case class == ClassWallClockTime:
			return KindClockChange, protocols.OpControl
		case class == ClassTCPIP || class == ClassEthernetLink:
			return KindNetworkConfig, protocols.OpWrite
		case class != ClassLogixMap && class != ClassLogixCxn && logixProgramClass(class):
			return KindProgramDownload, protocols.OpProgram
		}
		return KindService, protocols.OpWrite
	case SvcCreate, SvcDelete:
		switch {
		case class == ClassFile:
			return KindService, protocols.OpProgram // creating or deleting a file object instance
		case logixProgramClass(class):
			return KindProgramDownload, protocols.OpProgram
		}
		return KindService, protocols.OpWrite
	case SvcReset, SvcStart, SvcStop, SvcGroupSync:
		return KindService, protocols.OpControl
	case SvcNoOperation, SvcMultipleServicePacket:
		return KindService, protocols.OpNone
	}
	if svc < 0x32 {
		return KindUnknown, protocols.OpNone // reserved common service
	}
	// Object-specific services mean what the object's class defines.
	if !havePath {
		return KindUnknown, protocols.OpNone
	}
	switch {
	case class == ClassConnectionManager:
		switch svc {
		case SvcForwardOpen, SvcLargeForwardOpen, SvcForwardClose, SvcUnconnectedSend:
			return KindService, protocols.OpNone // connection set-up; what flows over it is judged
		case SvcGetConnectionData, 0x57, SvcGetConnectionOwner: // 0x57: search connection data
			return KindService, protocols.OpRead
		}
	case class == ClassFile:
		if svc >= 0x4b && svc <= 0x51 { // upload and download initiation and transfer, clear file
			return KindService, protocols.OpProgram
		}
	case class == ClassNonVolatile:
		return KindFirmwareUpdate, protocols.OpProgram
	case class == ClassPCCC && svc == SvcExecutePCCC:
		var cmd PCCC
		if data == nil || !ParsePCCC(data, &cmd) {
			return KindPCCC, protocols.OpNone
		}
		return KindPCCC, cmd.OpClass()
	case class == ClassLogixCode:
		switch svc {
		case 0x4f: // upload transfer
			return KindProgramUpload, protocols.OpProgram
		case 0x50: // download transfer
			return KindProgramDownload, protocols.OpProgram
		}
		// 0x51 follows the upload of openics__EIP-ControlProtocolChangeAttempt
		// (frame 414, after 0x4f in frame 411): what it does is not known.
	case class == ClassTemplate && p.NumSymbols == 0:
		switch svc {
		case 0x4c: // read template
			return KindService, protocols.OpRead
		case 0x4d: // write template: a data type's definition, part of a download
			return KindProgramDownload, protocols.OpProgram
		}
	case p.NumSymbols > 0 || class == ClassSymbol:
		// Tag services of Logix controllers.
		switch svc {
		case 0x4c, 0x52, 0x55: // read tag, read tag fragmented, get instance attribute list
			return KindService, protocols.OpRead
		case 0x4d, 0x4e, 0x53: // write tag, read-modify-write tag, write tag fragmented
			return KindService, protocols.OpWrite
		}
	}
	return KindUnknown, protocols.OpNone
}
