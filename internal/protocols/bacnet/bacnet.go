package bacnet

import (
	"errors"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

const bvlcType = 0x81

var (
	errShort       = errors.New("bacnet: datagram shorter than a BVLC header")
	errNotBVLC     = errors.New("bacnet: BVLC type is not 0x81 (BACnet/IP)")
	errBVLCLength  = errors.New("bacnet: BVLC length outside the datagram")
	errBVLCShort   = errors.New("bacnet: BVLC function data truncated")
	errNPDUShort   = errors.New("bacnet: NPDU truncated")
	errNPDUVersion = errors.New("bacnet: NPDU version is not 1")
	errAPDUShort   = errors.New("bacnet: APDU header truncated")
	errAPDUType    = errors.New("bacnet: unknown APDU type")
	errIAm         = errors.New("bacnet: malformed I-Am")
	errWhoIs       = errors.New("bacnet: malformed Who-Is")
	errProperty    = errors.New("bacnet: malformed property service")
	errDCC         = errors.New("bacnet: malformed DeviceCommunicationControl")
	errReinit      = errors.New("bacnet: malformed ReinitializeDevice")
	errErrorPDU    = errors.New("bacnet: malformed Error PDU")
)

// BVLC is the BACnet/IP virtual link control header.
type BVLC struct {
	Function BVLCFunction
	Length   uint16
	// ForwardedFrom is the original source (IPv4 address and port) of a forwarded NPDU.
	ForwardedFrom [6]byte
	Result        uint16 // result code of a BVLC-Result
	TTL           uint16 // time to live of a foreign device registration
	// LengthMismatch: the BVLC length differs from the datagram's length.
	LengthMismatch bool
}

// NPDU is the network layer header.
type NPDU struct {
	Control       uint8
	HasDst        bool
	DNET          uint16
	DADR          []byte // empty for a remote broadcast (aliases the input)
	HasSrc        bool
	SNET          uint16
	SADR          []byte
	HopCount      uint8
	NetworkMsg    bool // a network layer message instead of an APDU
	NetMsgType    uint8
	NetMsgVendor  uint16 // proprietary network messages (type >= 0x80)
	NetMsgPayload []byte
}

// ExpectingReply reports the data-expecting-reply bit.
func (n *NPDU) ExpectingReply() bool { return n.Control&0x04 != 0 }

// Priority returns the network priority (0 normal .. 3 life safety).
func (n *NPDU) Priority() uint8 { return n.Control & 0x03 }

// APDU is the application layer header.
type APDU struct {
	Type              PDUType
	Segmented         bool // confirmed request, complex ack: segmented message
	MoreFollows       bool
	SegmentedAccepted bool  // confirmed request: segmented response accepted
	MaxSegments       uint8 // confirmed request: encoded maximum segments
	MaxAPDU           uint8 // confirmed request: encoded maximum APDU length
	InvokeID          uint8
	SequenceNumber    uint8
	WindowSize        uint8
	Service           uint8  // service choice (not for segment ack, reject, abort)
	Reason            uint8  // reject and abort reason
	Server            bool   // abort and segment ack: sent by the server
	Body              []byte // service data (aliases the input)
}

// Message is one BACnet/IP datagram.
type Message struct {
	BVLC    BVLC
	HasNPDU bool
	NPDU    NPDU
	HasAPDU bool
	APDU    APDU

	// ServicePartial: the service data is one segment of a longer message, so only the
	// first segment's beginning was decoded.
	ServicePartial bool

	// Who-Is
	HasRange  bool
	RangeLow  uint32
	RangeHigh uint32

	// I-Am
	Device        ObjectID
	MaxAPDULength uint32
	Segmentation  uint8
	VendorID      uint16

	// ReadProperty request and ack, WriteProperty request
	Object      ObjectID
	Property    uint32
	HasIndex    bool
	ArrayIndex  uint32
	HasValue    bool
	Value       Value // the first value of an ack or write
	HasPriority bool
	Priority    uint8

	// DeviceCommunicationControl and ReinitializeDevice
	Duration      uint32 // minutes, 0 when absent
	EnableDisable uint8  // 0 enable, 1 disable, 2 disable initiation
	ReinitState   uint8  // 0 cold start, 1 warm start, 2..7 backup, restore, activate changes
	HasPassword   bool

	// Error PDU
	ErrorClass uint32
	ErrorCode  uint32
}

// ServiceName returns the name of the APDU's service, or "" for PDUs without one.
func (m *Message) ServiceName() string {
	if !m.HasAPDU {
		return ""
	}
	switch m.APDU.Type {
	case PDUUnconfirmedRequest:
		if int(m.APDU.Service) < len(unconfirmedNames) {
			return unconfirmedNames[m.APDU.Service]
		}
		return "unknown"
	case PDUConfirmedRequest, PDUSimpleAck, PDUComplexAck, PDUError:
		if int(m.APDU.Service) < len(confirmedNames) {
			return confirmedNames[m.APDU.Service]
		}
		return "unknown"
	}
	return ""
}

// Parse decodes one BACnet/IP datagram (the UDP payload) into m, which it resets first.
// Slices in m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	if len(b) < 4 {
		return errShort
	}
	if b[0] != bvlcType {
		return errNotBVLC
	}
	m.BVLC.Function = BVLCFunction(b[1])
	m.BVLC.Length = be16(b[2:])
	if m.BVLC.Length < 4 {
		return errBVLCLength
	}
	// Some stacks state a wrong BVLC length. Like tshark, decode the whole datagram, and
	// record the disagreement.
	m.BVLC.LengthMismatch = int(m.BVLC.Length) != len(b)
	p := b[4:]
	switch m.BVLC.Function {
	case BVLCResult:
		if len(p) < 2 {
			return errBVLCShort
		}
		m.BVLC.Result = be16(p)
		return nil
	case BVLCRegisterForeignDevice:
		if len(p) < 2 {
			return errBVLCShort
		}
		m.BVLC.TTL = be16(p)
		return nil
	case BVLCForwardedNPDU:
		if len(p) < 6 {
			return errBVLCShort
		}
		copy(m.BVLC.ForwardedFrom[:], p)
		p = p[6:]
	case BVLCDistributeBroadcast, BVLCOriginalUnicastNPDU, BVLCOriginalBroadcastNPDU:
	default:
		return nil // table management and secure BVLL carry no NPDU to decode
	}
	return ParseNPDU(p, m)
}

// ParseNPDU decodes an NPDU and its APDU into m without resetting it, for callers that
// meet BACnet on other data links (BACnet/Ethernet, MS/TP).
func ParseNPDU(p []byte, m *Message) error {
	if len(p) < 2 {
		return errNPDUShort
	}
	if p[0] != 1 {
		return errNPDUVersion
	}
	m.HasNPDU = true
	n := &m.NPDU
	n.Control = p[1]
	p = p[2:]
	if n.Control&0x20 != 0 {
		if len(p) < 3 || len(p) < 3+int(p[2]) {
			return errNPDUShort
		}
		n.HasDst, n.DNET = true, be16(p)
		n.DADR = p[3 : 3+int(p[2])]
		p = p[3+int(p[2]):]
	}
	if n.Control&0x08 != 0 {
		if len(p) < 3 || len(p) < 3+int(p[2]) {
			return errNPDUShort
		}
		n.HasSrc, n.SNET = true, be16(p)
		n.SADR = p[3 : 3+int(p[2])]
		p = p[3+int(p[2]):]
	}
	if n.HasDst {
		if len(p) < 1 {
			return errNPDUShort
		}
		n.HopCount, p = p[0], p[1:]
	}
	if n.Control&0x80 != 0 {
		if len(p) < 1 {
			return errNPDUShort
		}
		n.NetworkMsg, n.NetMsgType, p = true, p[0], p[1:]
		if n.NetMsgType >= 0x80 {
			if len(p) < 2 {
				return errNPDUShort
			}
			n.NetMsgVendor, p = be16(p), p[2:]
		}
		n.NetMsgPayload = p
		return nil
	}
	return parseAPDU(p, m)
}

func parseAPDU(a []byte, m *Message) error {
	if len(a) < 1 {
		return errAPDUShort
	}
	m.HasAPDU = true
	d := &m.APDU
	d.Type = PDUType(a[0] >> 4)
	flags := a[0]
	switch d.Type {
	case PDUConfirmedRequest:
		if len(a) < 4 {
			return errAPDUShort
		}
		d.Segmented, d.MoreFollows, d.SegmentedAccepted = flags&0x08 != 0, flags&0x04 != 0, flags&0x02 != 0
		d.MaxSegments, d.MaxAPDU, d.InvokeID = a[1]>>4&0x07, a[1]&0x0F, a[2]
		off := 3
		if d.Segmented {
			if len(a) < 6 {
				return errAPDUShort
			}
			d.SequenceNumber, d.WindowSize, off = a[3], a[4], 5
		}
		d.Service, d.Body = a[off], a[off+1:]
	case PDUUnconfirmedRequest:
		if len(a) < 2 {
			return errAPDUShort
		}
		d.Service, d.Body = a[1], a[2:]
	case PDUSimpleAck:
		if len(a) < 3 {
			return errAPDUShort
		}
		d.InvokeID, d.Service = a[1], a[2]
		return nil
	case PDUComplexAck:
		if len(a) < 3 {
			return errAPDUShort
		}
		d.Segmented, d.MoreFollows = flags&0x08 != 0, flags&0x04 != 0
		d.InvokeID = a[1]
		off := 2
		if d.Segmented {
			if len(a) < 5 {
				return errAPDUShort
			}
			d.SequenceNumber, d.WindowSize, off = a[2], a[3], 4
		}
		d.Service, d.Body = a[off], a[off+1:]
	case PDUSegmentAck:
		if len(a) < 4 {
			return errAPDUShort
		}
		d.Server, d.InvokeID, d.SequenceNumber, d.WindowSize = flags&0x01 != 0, a[1], a[2], a[3]
		return nil
	case PDUError:
		if len(a) < 3 {
			return errAPDUShort
		}
		d.InvokeID, d.Service, d.Body = a[1], a[2], a[3:]
		return parseError(m)
	case PDUReject, PDUAbort:
		if len(a) < 3 {
			return errAPDUShort
		}
		d.Server, d.InvokeID, d.Reason = flags&0x01 != 0, a[1], a[2]
		return nil
	default:
		return errAPDUType
	}
	if d.Segmented {
		m.ServicePartial = true
		if d.SequenceNumber != 0 {
			return nil // a later segment: no service header in it
		}
	}
	return parseService(m)
}

func parseService(m *Message) error {
	d := &m.APDU
	switch d.Type {
	case PDUUnconfirmedRequest:
		switch d.Service {
		case SvcIAm:
			return parseIAm(m)
		case SvcWhoIs:
			return parseWhoIs(m)
		}
	case PDUConfirmedRequest:
		switch d.Service {
		case SvcReadProperty:
			return parseProperty(m, false)
		case SvcWriteProperty:
			return parseProperty(m, true)
		case SvcDeviceCommunicationControl:
			return parseDCC(m)
		case SvcReinitializeDevice:
			return parseReinit(m)
		}
	case PDUComplexAck:
		if d.Service == SvcReadProperty {
			return parseProperty(m, true)
		}
	}
	return nil
}

func parseIAm(m *Message) error {
	b := m.APDU.Body
	var vals [4][]byte
	for i, want := range [4]uint8{TagObjectID, TagUnsigned, TagEnumerated, TagUnsigned} {
		t, v, rest, err := nextTag(b)
		if err != nil || t.context || t.num != want {
			return errIAm
		}
		vals[i], b = v, rest
	}
	dev, ok1 := unsigned(vals[0])
	maxLen, ok2 := unsigned(vals[1])
	seg, ok3 := unsigned(vals[2])
	vendor, ok4 := unsigned(vals[3])
	if !ok1 || !ok2 || !ok3 || !ok4 || len(vals[0]) != 4 || vendor > 0xFFFF {
		return errIAm
	}
	m.Device, m.MaxAPDULength, m.Segmentation, m.VendorID = ObjectID(dev), maxLen, uint8(seg), uint16(vendor)
	return nil
}

func parseWhoIs(m *Message) error {
	b := m.APDU.Body
	if len(b) == 0 {
		return nil
	}
	t0, v0, rest, err := nextTag(b)
	if err != nil || !t0.context || t0.num != 0 {
		return errWhoIs
	}
	t1, v1, _, err := nextTag(rest)
	if err != nil || !t1.context || t1.num != 1 {
		return errWhoIs
	}
	lo, ok1 := unsigned(v0)
	hi, ok2 := unsigned(v1)
	if !ok1 || !ok2 {
		return errWhoIs
	}
	m.HasRange, m.RangeLow, m.RangeHigh = true, lo, hi
	return nil
}

// parseProperty decodes ReadProperty requests (withValue false) and ReadProperty acks and
// WriteProperty requests (withValue true): object, property, optional array index, the
// first value of the property value, and a write's priority.
func parseProperty(m *Message, withValue bool) error {
	b := m.APDU.Body
	t, v, rest, err := nextTag(b)
	if err != nil || !t.context || t.num != 0 || len(v) != 4 {
		return m.propertyErr()
	}
	oid, _ := unsigned(v)
	m.Object = ObjectID(oid)
	t, v, rest, err = nextTag(rest)
	if err != nil || !t.context || t.num != 1 {
		return m.propertyErr()
	}
	prop, ok := unsigned(v)
	if !ok {
		return m.propertyErr()
	}
	m.Property = prop
	if len(rest) == 0 {
		if withValue {
			return m.propertyErr()
		}
		return nil
	}
	t, v, next, err := nextTag(rest)
	if err != nil {
		return m.propertyErr()
	}
	if t.context && t.num == 2 && !t.open {
		idx, ok := unsigned(v)
		if !ok {
			return m.propertyErr()
		}
		m.HasIndex, m.ArrayIndex = true, idx
		rest = next
	}
	if !withValue {
		return nil
	}
	t, _, rest, err = nextTag(rest)
	if err != nil || !t.open || t.num != 3 {
		return m.propertyErr()
	}
	if len(rest) > 0 {
		vt, vv, _, verr := nextTag(rest)
		if verr != nil {
			return m.propertyErr()
		}
		if !vt.context && !vt.open && !vt.close {
			m.HasValue = true
			m.Value = Value{Tag: vt.num, Raw: vv, Bool: vt.num == TagBoolean && vt.lvt != 0}
		}
	}
	rest, err = skipConstructed(rest, 3)
	if err != nil {
		return m.propertyErr()
	}
	if m.APDU.Type == PDUConfirmedRequest && len(rest) > 0 {
		t, v, _, err = nextTag(rest)
		if err != nil || !t.context || t.num != 4 {
			return m.propertyErr()
		}
		pr, ok := unsigned(v)
		if !ok || pr > 16 {
			return m.propertyErr()
		}
		m.HasPriority, m.Priority = true, uint8(pr)
	}
	return nil
}

// propertyErr reports a malformed property service, unless the data is the first segment
// of a longer message and so legitimately cut short.
func (m *Message) propertyErr() error {
	if m.ServicePartial {
		return nil
	}
	return errProperty
}

func parseDCC(m *Message) error {
	b := m.APDU.Body
	for len(b) > 0 {
		t, v, rest, err := nextTag(b)
		if err != nil || !t.context {
			return errDCC
		}
		switch t.num {
		case 0:
			d, ok := unsigned(v)
			if !ok {
				return errDCC
			}
			m.Duration = d
		case 1:
			e, ok := unsigned(v)
			if !ok || e > 2 {
				return errDCC
			}
			m.EnableDisable = uint8(e)
		case 2:
			m.HasPassword = true
		default:
			return errDCC
		}
		b = rest
	}
	return nil
}

func parseReinit(m *Message) error {
	t, v, rest, err := nextTag(m.APDU.Body)
	if err != nil || !t.context || t.num != 0 {
		return errReinit
	}
	s, ok := unsigned(v)
	if !ok || s > 7 {
		return errReinit
	}
	m.ReinitState = uint8(s)
	if len(rest) > 0 {
		t, _, _, err = nextTag(rest)
		if err != nil || !t.context || t.num != 1 {
			return errReinit
		}
		m.HasPassword = true
	}
	return nil
}

// parseError decodes the error class and code: two enumerated values, inside an opening
// context tag for the services whose errors carry more.
func parseError(m *Message) error {
	b := m.APDU.Body
	var got int
	var vals [2]uint32
	for len(b) > 0 && got < 2 {
		t, v, rest, err := nextTag(b)
		if err != nil {
			return errErrorPDU
		}
		b = rest
		if t.open || t.close {
			continue
		}
		if t.context || t.num != TagEnumerated {
			return errErrorPDU
		}
		u, ok := unsigned(v)
		if !ok {
			return errErrorPDU
		}
		vals[got] = u
		got++
	}
	if got != 2 {
		return errErrorPDU
	}
	m.ErrorClass, m.ErrorCode = vals[0], vals[1]
	return nil
}

// IsRequest reports whether the APDU is a confirmed or unconfirmed request.
func (m *Message) IsRequest() bool {
	return m.HasAPDU && (m.APDU.Type == PDUConfirmedRequest || m.APDU.Type == PDUUnconfirmedRequest)
}

// OpClass returns the class of the service the APDU belongs to. Acks and errors carry
// the class of the request they answer; use IsRequest to count each operation once.
func (m *Message) OpClass() protocols.OpClass {
	if !m.HasAPDU {
		return protocols.OpNone
	}
	s := m.APDU.Service
	switch m.APDU.Type {
	case PDUUnconfirmedRequest:
		switch s {
		case SvcTimeSynchronization, SvcUTCTimeSynchronization:
			return protocols.OpControl
		case SvcWriteGroup, SvcUnconfirmedPrivateTransfer:
			return protocols.OpWrite
		}
		return protocols.OpNone
	case PDUConfirmedRequest, PDUSimpleAck, PDUComplexAck, PDUError:
		switch s {
		case SvcReadProperty, SvcReadPropertyConditional, SvcReadPropertyMultiple, SvcReadRange,
			SvcGetAlarmSummary, SvcGetEnrollmentSummary, SvcGetEventInformation,
			SvcSubscribeCOV, SvcSubscribeCOVProperty:
			return protocols.OpRead
		case SvcWriteProperty, SvcWritePropertyMultiple, SvcAddListElement, SvcRemoveListElement,
			SvcCreateObject, SvcDeleteObject, SvcAcknowledgeAlarm, SvcLifeSafetyOperation,
			SvcConfirmedPrivateTransfer:
			return protocols.OpWrite
		case SvcAtomicReadFile, SvcAtomicWriteFile:
			return protocols.OpProgram
		case SvcDeviceCommunicationControl, SvcReinitializeDevice:
			return protocols.OpControl
		case SvcVTOpen, SvcVTClose, SvcVTData:
			return protocols.OpDiagnostics
		}
	}
	return protocols.OpNone
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
