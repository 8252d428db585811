package dnp3

import (
	"errors"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// MaxObjects is how many object headers of a fragment a Message keeps.
const MaxObjects = 8

const (
	linkHeaderLen = 10 // start, length, control, destination, source, CRC
	blockLen      = 16 // user data is sent in blocks of 16 octets, each with its CRC
	maxUserData   = 250
)

var (
	errNotDNP3   = errors.New("dnp3: no link start octets 0x05 0x64")
	errLength    = errors.New("dnp3: link length below the 5-octet header")
	errTruncated = errors.New("dnp3: frame shorter than its link length")
)

// ObjectHeader is the header of one group of objects in an application fragment.
type ObjectHeader struct {
	Group      uint8
	Variation  uint8
	Qualifier  uint8
	Start      uint32 // start index, or 0 for count qualifiers
	Stop       uint32
	Count      uint32 // objects the range covers; 0 with qualifier 0x06 (all objects)
	PrefixSize uint8  // octets of index or size prefix before each object
	// Objects holds the prefixes and values of the header's objects when their size is
	// known (it aliases the Message); nil when the objects could not be delimited.
	Objects []byte
}

// CROB is a control relay output block (group 12 variation 1).
type CROB struct {
	Index   uint32 // from the object's prefix, or the header's range
	Code    uint8  // control code
	Count   uint8
	OnTime  uint32 // milliseconds
	OffTime uint32
	Status  uint8
}

// OpType returns the operation in the control code: 1 pulse on, 2 pulse off, 3 latch on,
// 4 latch off.
func (c CROB) OpType() uint8 { return c.Code & 0x0F }

// TripClose returns 1 for close and 2 for trip, 0 for neither.
func (c CROB) TripClose() uint8 { return c.Code >> 6 }

// Clear reports the clear bit of the control code.
func (c CROB) Clear() bool { return c.Code&0x20 != 0 }

// NumCROBs returns how many control relay output blocks the header carries.
func (h *ObjectHeader) NumCROBs() int {
	if h.Group != 12 || h.Variation != 1 || h.Objects == nil {
		return 0
	}
	return len(h.Objects) / (int(h.PrefixSize) + 11)
}

// CROBAt decodes the i-th control relay output block of a group 12 variation 1 header.
func (h *ObjectHeader) CROBAt(i int) (CROB, bool) {
	if i < 0 || i >= h.NumCROBs() {
		return CROB{}, false
	}
	sz := int(h.PrefixSize) + 11
	o := h.Objects[i*sz : (i+1)*sz]
	c := CROB{Index: h.Start + uint32(i)}
	if h.PrefixSize > 0 && h.Qualifier>>4 <= 3 {
		c.Index = leN(o[:h.PrefixSize])
	}
	o = o[h.PrefixSize:]
	c.Code, c.Count = o[0], o[1]
	c.OnTime, c.OffTime, c.Status = le32(o[2:]), le32(o[6:]), o[10]
	return c, true
}

// Message is one DNP3 link frame with its transport segment and, on the first segment of
// a fragment, the application header and object headers.
type Message struct {
	Length      uint8 // link length: octets after it, not counting CRCs
	Control     uint8 // link control: DIR, PRM, FCB/FCV or DFC, function
	Dst, Src    uint16
	HeaderCRCOK bool
	BadCRCs     int // CRCs that failed, header and blocks
	FrameLen    int // octets on the wire, CRCs included

	userLen int
	user    [maxUserData]byte

	HasTransport bool
	Transport    uint8 // FIN, FIR, sequence

	HasApp     bool
	AppControl uint8 // FIR, FIN, CON, UNS, sequence
	Function   FunctionCode
	IIN        uint16 // responses: IIN1<<8 | IIN2

	NumObjects int
	Objects    [MaxObjects]ObjectHeader
	// ObjectsPartial: headers past the last decoded one exist but were not decoded
	// (capacity, an object whose size this package does not know, or a fragment that
	// continues in the next segment).
	ObjectsPartial bool
}

// Link control bits.

// FromMaster reports the DIR bit: the frame was sent by a master.
func (m *Message) FromMaster() bool { return m.Control&0x80 != 0 }

// Primary reports the PRM bit: the frame starts a link transaction.
func (m *Message) Primary() bool { return m.Control&0x40 != 0 }

// LinkFunction returns the link-layer function code.
func (m *Message) LinkFunction() uint8 { return m.Control & 0x0F }

// UserData returns the frame's user data with the CRCs removed (aliases m).
func (m *Message) UserData() []byte { return m.user[:m.userLen] }

// FIR, FIN and Seq of the transport header.
func (m *Message) TransportFIR() bool  { return m.Transport&0x40 != 0 }
func (m *Message) TransportFIN() bool  { return m.Transport&0x80 != 0 }
func (m *Message) TransportSeq() uint8 { return m.Transport & 0x3F }

// Unsolicited reports the UNS bit of the application control.
func (m *Message) Unsolicited() bool { return m.AppControl&0x10 != 0 }

// AppSeq returns the application sequence number.
func (m *Message) AppSeq() uint8 { return m.AppControl & 0x0F }

// PDULen returns the wire length of the link frame at b[0]: 0 with no error while its
// first three octets are incomplete, an error when b does not start a DNP3 frame.
func PDULen(b []byte) (int, error) {
	if len(b) >= 1 && b[0] != 0x05 || len(b) >= 2 && b[1] != 0x64 {
		return 0, errNotDNP3
	}
	if len(b) < 3 {
		return 0, nil
	}
	if b[2] < 5 {
		return 0, errLength
	}
	n := int(b[2]) - 5
	return linkHeaderLen + n + 2*((n+blockLen-1)/blockLen), nil
}

// Parse decodes one link frame from b into m, which it resets first. Bad CRCs are
// counted in m.BadCRCs, not returned as errors: the data is decoded all the same.
func Parse(b []byte, m *Message) error {
	m.reset()
	n, err := PDULen(b)
	if err != nil {
		return err
	}
	if n == 0 || n > len(b) {
		return errTruncated
	}
	m.FrameLen = n
	m.Length, m.Control = b[2], b[3]
	m.Dst, m.Src = le16(b[4:]), le16(b[6:])
	m.HeaderCRCOK = crc(b[:8]) == le16(b[8:])
	if !m.HeaderCRCOK {
		m.BadCRCs++
	}
	rest := b[linkHeaderLen:n]
	for len(rest) > 0 {
		k := min(blockLen, len(rest)-2)
		if crc(rest[:k]) != le16(rest[k:]) {
			m.BadCRCs++
		}
		m.userLen += copy(m.user[m.userLen:], rest[:k])
		rest = rest[k+2:]
	}
	if m.userLen == 0 {
		return nil
	}
	u := m.user[:m.userLen]
	m.HasTransport, m.Transport = true, u[0]
	if !m.TransportFIR() || len(u) < 3 {
		return nil
	}
	m.HasApp = true
	m.AppControl, m.Function = u[1], FunctionCode(u[2])
	objs := u[3:]
	if m.Function.IsResponse() {
		if len(objs) < 2 {
			m.ObjectsPartial = true
			return nil
		}
		m.IIN = uint16(objs[0])<<8 | uint16(objs[1])
		objs = objs[2:]
	}
	m.parseObjects(objs)
	return nil
}

func (m *Message) reset() {
	// Clear the fields but not the whole user buffer: only user[:userLen] is ever read.
	user := m.user
	*m = Message{}
	m.user = user
}

func (m *Message) parseObjects(b []byte) {
	noData := requestWithoutData(m.Function)
	for len(b) > 0 {
		if m.NumObjects == MaxObjects || len(b) < 3 {
			m.ObjectsPartial = true
			return
		}
		h := &m.Objects[m.NumObjects]
		h.Group, h.Variation, h.Qualifier = b[0], b[1], b[2]
		b = b[3:]
		rangeLen, ok := rangeSize(h.Qualifier & 0x0F)
		if !ok || len(b) < rangeLen {
			m.ObjectsPartial = true
			return
		}
		r := b[:rangeLen]
		b = b[rangeLen:]
		switch h.Qualifier & 0x0F {
		case 0x00, 0x01, 0x02, 0x03, 0x04, 0x05:
			half := rangeLen / 2
			h.Start, h.Stop = leN(r[:half]), leN(r[half:])
			if h.Stop >= h.Start {
				h.Count = h.Stop - h.Start + 1
			}
		case 0x07, 0x08, 0x09, 0x0B:
			h.Count = leN(r)
		}
		m.NumObjects++
		prefix := prefixSize(h.Qualifier >> 4 & 0x07)
		h.PrefixSize = uint8(prefix)
		if noData || h.Qualifier&0x0F == 0x06 {
			continue
		}
		size, ok := m.objectsLen(h, b, prefix)
		if !ok || size > len(b) {
			m.ObjectsPartial = true
			return
		}
		h.Objects = b[:size:size]
		b = b[size:]
	}
}

// objectsLen returns how many octets the objects of h take, prefixes included.
func (m *Message) objectsLen(h *ObjectHeader, b []byte, prefix int) (int, bool) {
	if h.Count > maxUserData {
		return 0, false
	}
	count := int(h.Count)
	if sizeFromPrefix(h.Qualifier) {
		// Each object is preceded by its own length.
		off := 0
		for i := 0; i < count; i++ {
			if off+prefix > len(b) {
				return 0, false
			}
			off += prefix + int(leN(b[off:off+prefix]))
		}
		return off, true
	}
	octets, bits := objectSize(h.Group, h.Variation)
	switch {
	case bits > 0 && prefix == 0:
		return (count*bits + 7) / 8, true
	case octets >= 0 && bits == 0:
		return count * (prefix + octets), true
	}
	return 0, false
}

func requestWithoutData(f FunctionCode) bool {
	switch f {
	case FuncRead, FuncImmediateFreeze, FuncImmediateFreezeNoAck, FuncFreezeClear, FuncFreezeClearNoAck,
		FuncEnableUnsolicited, FuncDisableUnsolicited, FuncAssignClass, FuncColdRestart, FuncWarmRestart,
		FuncDelayMeasure, FuncRecordCurrentTime, FuncConfirm:
		return true
	}
	return false
}

func rangeSize(code uint8) (int, bool) {
	switch code {
	case 0x00, 0x03:
		return 2, true
	case 0x01, 0x04:
		return 4, true
	case 0x02, 0x05:
		return 8, true
	case 0x06:
		return 0, true
	case 0x07, 0x0B:
		return 1, true
	case 0x08:
		return 2, true
	case 0x09:
		return 4, true
	}
	return 0, false
}

func prefixSize(code uint8) int {
	switch code {
	case 1, 4:
		return 1
	case 2, 5:
		return 2
	case 3, 6:
		return 4
	}
	return 0
}

func sizeFromPrefix(q uint8) bool { c := q >> 4 & 0x07; return c >= 4 && c <= 6 }

// objectSize returns the octets of one object of a group and variation, or bits per
// object for packed groups; -1 when unknown.
func objectSize(g, v uint8) (octets, bits int) {
	switch g {
	case 1, 10:
		switch v {
		case 1:
			return 0, 1
		case 2:
			return 1, 0
		}
	case 12:
		switch v {
		case 1, 2:
			return 11, 0
		case 3:
			return 0, 1
		}
	case 80:
		if v == 1 {
			return 0, 1
		}
	case 3:
		if v == 1 {
			return 0, 2
		}
		if v == 2 {
			return 1, 0
		}
	case 2, 4, 11, 13:
		switch v {
		case 1:
			return 1, 0
		case 2:
			return 7, 0
		case 3:
			return 3, 0
		}
	case 20, 21, 22, 23:
		return counterSize(g, v), 0
	case 30:
		return pick(v, 5, 3, 4, 2, 5, 9), 0
	case 31:
		return pick(v, 5, 3, 11, 9, 4, 2, 5, 9), 0
	case 32, 33, 42, 43:
		return pick(v, 5, 3, 11, 9, 5, 9, 11, 15), 0
	case 34:
		return pick(v, 2, 4, 4), 0
	case 40, 41:
		return pick(v, 5, 3, 5, 9), 0
	case 50:
		return pick(v, 6, 10, 6, 11), 0
	case 51:
		return pick(v, 6, 6), 0
	case 52:
		return pick(v, 2, 2), 0
	case 60:
		return 0, 0
	case 110, 111:
		return int(v), 0
	}
	return -1, 0
}

func counterSize(g, v uint8) int {
	switch g {
	case 20:
		return pick(v, 5, 3, 5, 3, 4, 2, 4, 2)
	case 21:
		return pick(v, 5, 3, 5, 3, 11, 9, 11, 9, 4, 2, 4, 2)
	}
	return pick(v, 5, 3, 5, 3, 11, 9, 11, 9) // 22, 23: counter events
}

// pick returns sizes[v-1], or -1 for a variation past the list.
func pick(v uint8, sizes ...int) int {
	if v == 0 || int(v) > len(sizes) {
		return -1
	}
	return sizes[v-1]
}

// OpClass returns the class of the operation a request asks for. Responses carry no
// operation of their own and return OpNone; the request they answer has the class.
func (m *Message) OpClass() protocols.OpClass {
	if !m.HasApp {
		return protocols.OpNone
	}
	switch m.Function {
	case FuncRead:
		return protocols.OpRead
	case FuncWrite, FuncSelect, FuncOperate, FuncDirectOperate, FuncDirectOperateNoAck:
		return protocols.OpWrite
	case FuncImmediateFreeze, FuncImmediateFreezeNoAck, FuncFreezeClear, FuncFreezeClearNoAck,
		FuncFreezeAtTime, FuncFreezeAtTimeNoAck, FuncColdRestart, FuncWarmRestart, FuncInitializeData,
		FuncInitializeApp, FuncStartApp, FuncStopApp, FuncEnableUnsolicited, FuncDisableUnsolicited,
		FuncAssignClass, FuncDelayMeasure, FuncRecordCurrentTime:
		return protocols.OpControl
	case FuncSaveConfig, FuncOpenFile, FuncCloseFile, FuncDeleteFile, FuncGetFileInfo,
		FuncAuthenticateFile, FuncAbortFile, FuncActivateConfig:
		return protocols.OpProgram
	}
	return protocols.OpNone
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func leN(b []byte) uint32 {
	var v uint32
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint32(b[i])
	}
	return v
}
