package modbus

import (
	"encoding/binary"
	"errors"
)

// Port is the registered TCP port of Modbus/TCP.
const Port = 502

// mbapLen is the length of the MBAP header including the unit identifier.
const mbapLen = 7

// maxLengthField is the largest MBAP length: the unit identifier and a PDU of at most
// 253 bytes (the 256-byte serial ADU less address and CRC).
const maxLengthField = 254

// maxUMASLengthField is the largest MBAP length taken for function 90: Schneider
// Electric's UMAS sends PDUs past Modbus's limit (an MBAP length of 255 in the real
// capture modicon__modicon_test.pcap, which tshark dissects); longer ones are refused.
const maxUMASLengthField = 1024

// lengthOK reports whether an MBAP length fits the function fc (0 when not yet known).
func lengthOK(n int, fc byte) bool {
	return n >= 2 && (n <= maxLengthField || fc&0x7f == FuncUMAS && n <= maxUMASLengthField)
}

// Errors returned by PDULen and Parse. They are fixed values so that rejecting
// garbage allocates nothing.
var (
	ErrNotModbus = errors.New("modbus: not a Modbus/TCP header (protocol id not 0 or length out of range)")
	ErrShort     = errors.New("modbus: PDU shorter than its header says")
	ErrFunction  = errors.New("modbus: function code 0 is not valid")
	ErrMalformed = errors.New("modbus: function data does not match the function's layout")
)

// Direction says whether a message is a request (client to server) or a response.
type Direction uint8

const (
	DirUnknown Direction = iota
	DirRequest
	DirResponse
)

func (d Direction) String() string {
	switch d {
	case DirRequest:
		return "request"
	case DirResponse:
		return "response"
	}
	return "unknown"
}

// Function codes named by the Modbus application protocol specification, plus
// Schneider Electric's UMAS, which rides on function 90.
const (
	FuncReadCoils                  uint8 = 1
	FuncReadDiscreteInputs         uint8 = 2
	FuncReadHoldingRegisters       uint8 = 3
	FuncReadInputRegisters         uint8 = 4
	FuncWriteSingleCoil            uint8 = 5
	FuncWriteSingleRegister        uint8 = 6
	FuncReadExceptionStatus        uint8 = 7
	FuncDiagnostics                uint8 = 8
	FuncGetCommEventCounter        uint8 = 11
	FuncGetCommEventLog            uint8 = 12
	FuncWriteMultipleCoils         uint8 = 15
	FuncWriteMultipleRegisters     uint8 = 16
	FuncReportServerID             uint8 = 17
	FuncReadFileRecord             uint8 = 20
	FuncWriteFileRecord            uint8 = 21
	FuncMaskWriteRegister          uint8 = 22
	FuncReadWriteMultipleRegisters uint8 = 23
	FuncReadFIFOQueue              uint8 = 24
	FuncEncapsulatedInterface      uint8 = 43
	FuncUMAS                       uint8 = 90
)

// MEI types of function 43.
const (
	MEICANopen      uint8 = 13
	MEIReadDeviceID uint8 = 14
)

// Message is one decoded Modbus/TCP PDU. Parse resets it first.
type Message struct {
	TransactionID uint16
	ProtocolID    uint16
	Length        uint16 // MBAP length: unit identifier and PDU
	UnitID        uint8

	Function      uint8 // function code without the exception bit
	Exception     bool
	ExceptionCode uint8

	// Direction is the caller's, when given to ParseDirected, or else inferred from
	// the PDU's layout; DirUnknown when the layout fits both (functions 5, 6, 8, 21
	// and 22 echo their request, for instance).
	Direction Direction

	// Address and Quantity of the items read or written (a request's, and the
	// responses that echo them). For function 23 they are the read range.
	Address, Quantity uint16
	HasAddress        bool
	HasQuantity       bool
	// WriteAddress and WriteQuantity: the write range of function 23.
	WriteAddress, WriteQuantity uint16
	// ByteCount is the count byte of functions that carry one (reads' responses,
	// multiple writes' requests); Values are the bytes it counts.
	ByteCount uint8
	Values    []byte

	SubFunction uint16 // function 8
	MEIType     uint8  // function 43
	UMASCode    uint8  // function 90 request: the UMAS function
	DeviceID    DeviceIdentification
	HasDeviceID bool // a 43/14 request or response

	// Data is everything after the function code.
	Data []byte
}

// PDULen is the TCP framing function: the total length of the MBAP-framed PDU at
// b[0], 0 if fewer than 6 bytes are available, ErrNotModbus if b cannot start one.
func PDULen(b []byte) (int, error) {
	if len(b) >= 4 && (b[2] != 0 || b[3] != 0) {
		return 0, ErrNotModbus
	}
	if len(b) < 6 {
		return 0, nil
	}
	n := int(binary.BigEndian.Uint16(b[4:6]))
	if n > maxLengthField && n <= maxUMASLengthField && len(b) < 8 {
		return 0, nil // the function code decides whether this length is one
	}
	fc := byte(0)
	if len(b) >= 8 {
		fc = b[7]
	}
	if !lengthOK(n, fc) {
		return 0, ErrNotModbus
	}
	return 6 + n, nil
}

// Parse decodes the PDU b (one whole MBAP-framed PDU, as PDULen cuts it) into m,
// inferring whether it is a request or a response from its layout.
func Parse(b []byte, m *Message) error { return ParseDirected(b, DirUnknown, m) }

// ParseDirected is Parse for callers that know the direction (from the TCP port: a
// PDU sent to port 502 is a request), which lets every field be decoded.
func ParseDirected(b []byte, dir Direction, m *Message) error {
	*m = Message{}
	if len(b) < mbapLen+1 {
		return ErrShort
	}
	m.TransactionID = binary.BigEndian.Uint16(b[0:2])
	m.ProtocolID = binary.BigEndian.Uint16(b[2:4])
	m.Length = binary.BigEndian.Uint16(b[4:6])
	m.UnitID = b[6]
	if m.ProtocolID != 0 || !lengthOK(int(m.Length), b[7]) {
		return ErrNotModbus
	}
	if int(m.Length) != len(b)-6 {
		return ErrShort
	}
	fc := b[7]
	m.Data = b[8:]
	m.Function = fc & 0x7f
	if m.Function == 0 {
		return ErrFunction
	}
	if fc&0x80 != 0 {
		m.Exception = true
		m.Direction = DirResponse
		if len(m.Data) < 1 {
			return ErrShort
		}
		m.ExceptionCode = m.Data[0]
		return nil
	}
	m.Direction = dir
	if dir == DirUnknown {
		m.Direction = inferDirection(m.Function, m.Data)
	}
	return m.decodeFields()
}

// inferDirection tells requests from responses by layout, where the two differ.
func inferDirection(fc uint8, d []byte) Direction {
	n := len(d)
	counted := n >= 1 && n == 1+int(d[0]) // a count byte followed by what it counts
	switch fc {
	case FuncReadCoils, FuncReadDiscreteInputs:
		// A 4-byte response has count 3; a request starting with 3 is address 768+.
		if n == 4 && d[0] != 3 {
			return DirRequest
		}
		if counted && n != 4 {
			return DirResponse
		}
	case FuncReadHoldingRegisters, FuncReadInputRegisters:
		// Register responses count an even number of bytes, so 4 bytes is a request.
		if n == 4 {
			return DirRequest
		}
		if counted {
			return DirResponse
		}
	case FuncReadExceptionStatus, FuncGetCommEventCounter, FuncGetCommEventLog, FuncReportServerID:
		if n == 0 {
			return DirRequest
		}
		return DirResponse
	case FuncWriteMultipleCoils, FuncWriteMultipleRegisters:
		if n == 4 {
			return DirResponse
		}
		if n >= 5 {
			return DirRequest
		}
	case FuncReadFileRecord:
		// Request: count, then 7-byte sub-requests of reference type 6.
		if counted && n > 1 && d[0]%7 == 0 && d[1] == 6 {
			return DirRequest
		}
		if counted && n > 2 && d[2] == 6 {
			return DirResponse
		}
	case FuncReadWriteMultipleRegisters:
		if n >= 9 && n == 9+int(d[8]) {
			return DirRequest
		}
		if counted {
			return DirResponse
		}
	case FuncReadFIFOQueue:
		if n == 2 {
			return DirRequest
		}
		if n >= 4 {
			return DirResponse
		}
	case FuncEncapsulatedInterface:
		if n >= 1 && d[0] == MEIReadDeviceID {
			if n == 3 {
				return DirRequest
			}
			if n >= 6 {
				return DirResponse
			}
		}
	case FuncUMAS:
		// UMAS responses put a status (0xfe success, 0xfd error) where requests put
		// the UMAS function code.
		if n >= 2 {
			if d[1] == 0xfe || d[1] == 0xfd {
				return DirResponse
			}
			return DirRequest
		}
	}
	return DirUnknown
}

func (m *Message) setRange(d []byte) {
	m.Address = binary.BigEndian.Uint16(d[0:2])
	m.Quantity = binary.BigEndian.Uint16(d[2:4])
	m.HasAddress, m.HasQuantity = true, true
}

// decodeFields decodes the function data according to function and direction.
func (m *Message) decodeFields() error {
	d := m.Data
	n := len(d)
	req, resp := m.Direction == DirRequest, m.Direction == DirResponse
	switch m.Function {
	case FuncReadCoils, FuncReadDiscreteInputs, FuncReadHoldingRegisters, FuncReadInputRegisters:
		switch {
		case req && n == 4:
			m.setRange(d)
		case resp && n >= 1 && n == 1+int(d[0]):
			m.ByteCount, m.Values = d[0], d[1:]
		case m.Direction != DirUnknown:
			return ErrMalformed
		}
	case FuncWriteSingleCoil, FuncWriteSingleRegister:
		// Request and response have the same layout: address and value.
		if n != 4 {
			return ErrMalformed
		}
		m.Address, m.Quantity, m.HasAddress, m.HasQuantity = binary.BigEndian.Uint16(d[0:2]), 1, true, true
		m.Values = d[2:4]
	case FuncWriteMultipleCoils, FuncWriteMultipleRegisters:
		switch {
		case req && n >= 5 && n == 5+int(d[4]):
			m.setRange(d)
			m.ByteCount, m.Values = d[4], d[5:]
		case resp && n == 4:
			m.setRange(d)
		case m.Direction != DirUnknown:
			return ErrMalformed
		}
	case FuncDiagnostics:
		if n < 2 {
			return ErrMalformed
		}
		m.SubFunction = binary.BigEndian.Uint16(d[0:2])
		m.Values = d[2:]
	case FuncMaskWriteRegister:
		if n != 6 {
			return ErrMalformed
		}
		m.Address, m.HasAddress = binary.BigEndian.Uint16(d[0:2]), true
		m.Values = d[2:6] // AND mask, OR mask
	case FuncReadWriteMultipleRegisters:
		switch {
		case req && n >= 9 && n == 9+int(d[8]):
			m.setRange(d)
			m.WriteAddress = binary.BigEndian.Uint16(d[4:6])
			m.WriteQuantity = binary.BigEndian.Uint16(d[6:8])
			m.ByteCount, m.Values = d[8], d[9:]
		case resp && n >= 1 && n == 1+int(d[0]):
			m.ByteCount, m.Values = d[0], d[1:]
		case m.Direction != DirUnknown:
			return ErrMalformed
		}
	case FuncReadFIFOQueue:
		switch {
		case req && n == 2:
			m.Address, m.HasAddress = binary.BigEndian.Uint16(d[0:2]), true
		case resp && n >= 4:
			// Two-byte byte count, then the number of registers queued and their values.
			m.Quantity, m.HasQuantity = binary.BigEndian.Uint16(d[2:4]), true
			m.Values = d[4:]
		case m.Direction != DirUnknown:
			return ErrMalformed
		}
	case FuncReportServerID, FuncGetCommEventLog:
		if resp && n >= 1 && n == 1+int(d[0]) {
			m.ByteCount, m.Values = d[0], d[1:]
		}
	case FuncEncapsulatedInterface:
		if n < 1 {
			return ErrMalformed
		}
		m.MEIType = d[0]
		if m.MEIType == MEIReadDeviceID {
			m.HasDeviceID = true
			return m.DeviceID.decode(d, m.Direction)
		}
	case FuncUMAS:
		// UMAS requests carry a session byte and then the UMAS function code.
		if req && n >= 2 {
			m.UMASCode = d[1]
		}
	}
	return nil
}
