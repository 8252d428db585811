package profinet

import (
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// EtherType is the EtherType of PROFINET real-time frames, DCP among them.
const EtherType = 0x8892

// UDPPort is the port of the PROFINET IO context manager (DCE/RPC).
const UDPPort = 34964

// Kind tells which part of PROFINET a Message holds.
type Kind uint8

const (
	KindNone Kind = iota
	KindDCP
	KindRPC
)

// Message is one PROFINET DCP frame or PNIO CM datagram.
type Message struct {
	Kind Kind
	DCP  DCP
	RPC  RPC
}

// OpClass returns the class of the operation: DCP Get reads, DCP Set changes the
// device's name, address or state (control); the context manager's Read reads, Write
// writes records, and Connect, Release and Control manage the device's application
// relation (control). Answers carry their request's class.
func (m *Message) OpClass() protocols.OpClass {
	switch m.Kind {
	case KindDCP:
		switch m.DCP.ServiceID {
		case DCPGet:
			return protocols.OpRead
		case DCPSet:
			return protocols.OpControl
		}
	case KindRPC:
		if m.RPC.Interface == IfaceEPM || m.RPC.Interface == IfaceUnknown {
			return protocols.OpNone
		}
		switch m.RPC.Opnum {
		case OpRead, OpReadImplicit:
			return protocols.OpRead
		case OpWrite:
			return protocols.OpWrite
		case OpConnect, OpRelease, OpControl:
			return protocols.OpControl
		}
	}
	return protocols.OpNone
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
