package enip

import "github.com/zonewarden/zonewarden/internal/protocols"

// OpClass classifies the message's operation. Discovery commands (ListIdentity and
// the like) read; session commands and I/O datagrams are OpNone (cyclic I/O is the
// steady state of a connection whose Forward_Open is what gets judged). A
// Multiple_Service_Packet takes the most consequential class of its services
// (program, then control, write, read, diagnostics). Services this package cannot
// classify count as writes, so that a read-only conduit does not pass them unnoticed.
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
		return serviceOpClass(eff.Service, &m.RequestPath, true)
	}
	return eff.OpClass()
}

// OpClass classifies one CIP message by its service and, for object-specific services,
// the class or tag its path names. A response carries no path, so an object-specific
// reply classifies as OpNone unless Pairing tied it to its request.
func (c *CIPMessage) OpClass() protocols.OpClass {
	return serviceOpClass(c.Service, &c.Path, !c.Response)
}

var opRank = [...]uint8{protocols.OpNone: 0, protocols.OpDiagnostics: 1, protocols.OpRead: 2, protocols.OpWrite: 3,
	protocols.OpControl: 4, protocols.OpProgram: 5}

func stronger(a, b protocols.OpClass) protocols.OpClass {
	if int(b) < len(opRank) && (int(a) >= len(opRank) || opRank[b] > opRank[a]) {
		return b
	}
	return a
}

func serviceOpClass(svc uint8, p *Path, havePath bool) protocols.OpClass {
	class := p.Class
	if p.Has&HasClass == 0 {
		class = 0
	}
	switch svc {
	case SvcGetAttributesAll, SvcGetAttributeList, SvcGetAttributeSingle, SvcFindNextObjectInst, SvcGetMember:
		return protocols.OpRead
	case SvcCreate, SvcDelete:
		if class == ClassFile {
			return protocols.OpProgram // creating or deleting a file object instance
		}
		return protocols.OpWrite
	case SvcSetAttributesAll, SvcSetAttributeList, SvcSetAttributeSingle, SvcSetMember, SvcInsertMember,
		SvcRemoveMember, SvcApplyAttributes, SvcSave, SvcRestore:
		return protocols.OpWrite
	case SvcReset, SvcStart, SvcStop, SvcGroupSync:
		return protocols.OpControl
	case SvcNoOperation, SvcMultipleServicePacket:
		return protocols.OpNone
	}
	if svc < 0x32 {
		return protocols.OpWrite // reserved common service
	}
	// Object-specific services mean what the object's class defines.
	if !havePath {
		return protocols.OpNone
	}
	switch {
	case class == ClassConnectionManager:
		switch svc {
		case SvcForwardOpen, SvcLargeForwardOpen, SvcForwardClose, SvcUnconnectedSend:
			return protocols.OpNone // connection set-up; what flows over it is judged
		case SvcGetConnectionData, 0x57, SvcGetConnectionOwner: // 0x57: search connection data
			return protocols.OpRead
		}
	case class == ClassFile:
		if svc >= 0x4b && svc <= 0x51 { // upload and download initiation and transfer, clear file
			return protocols.OpProgram
		}
	case p.NumSymbols > 0 || class == ClassSymbol || class == ClassTemplate:
		// Tag services of Logix controllers.
		switch svc {
		case 0x4c, 0x52, 0x55: // read tag, read tag fragmented, get instance attribute list
			return protocols.OpRead
		case 0x4d, 0x4e, 0x53: // write tag, read-modify-write tag, write tag fragmented
			return protocols.OpWrite
		}
	}
	return protocols.OpWrite
}
