package iec104

import (
	"errors"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// MaxIOAs is how many information object addresses of an ASDU a Message keeps.
const MaxIOAs = 8

const (
	startByte     = 0x68
	minAPDULen    = 4 // control field only
	asduHeaderLen = 6 // type, VSQ, cause (2), common address (2)
	ioaLen        = 3
)

var (
	errNotIEC104 = errors.New("iec104: no start octet 0x68")
	errAPDULen   = errors.New("iec104: APDU length below the 4-octet control field")
	errTruncated = errors.New("iec104: APDU shorter than its length")
	errIShort    = errors.New("iec104: I-format APDU too short for an ASDU header")
	errSUFormat  = errors.New("iec104: S- or U-format APDU longer than its control field")
)

// Message is one APDU: the APCI and, for I-format APDUs, the ASDU.
type Message struct {
	Length  uint8 // APDU length after the length octet
	Format  Format
	SendSeq uint16 // I format
	RecvSeq uint16 // I and S formats
	UFunc   UFunction

	HasASDU     bool
	TypeID      TypeID
	SQ          bool  // elements of one object sequence, addressed from the first IOA
	NumObjects  uint8 // objects or elements the VSQ states
	Cause       uint8 // cause of transmission (6 bits)
	Negative    bool  // P/N bit: negative confirmation
	Test        bool
	Originator  uint8
	CommonAddr  uint16
	NumIOAs     int
	IOAs        [MaxIOAs]uint32
	Objects     []byte // information objects (aliases the input)
	ObjectsPart bool   // more objects than decoded: capacity, unknown size or short APDU
	// SelectBit is the S/E bit of the first command's qualifier: set for select, clear
	// for execute (commands only).
	SelectBit bool
}

// PDULen returns the length of the APDU at b[0]: 0 with no error while its first two
// octets are incomplete, an error when b does not start an APDU.
func PDULen(b []byte) (int, error) {
	if len(b) >= 1 && b[0] != startByte {
		return 0, errNotIEC104
	}
	if len(b) < 2 {
		return 0, nil
	}
	if b[1] < minAPDULen {
		return 0, errAPDULen
	}
	return int(b[1]) + 2, nil
}

// Parse decodes one APDU from b into m, which it resets first. Slices in m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	n, err := PDULen(b)
	if err != nil {
		return err
	}
	if n == 0 || n > len(b) {
		return errTruncated
	}
	m.Length = b[1]
	cf := b[2:6]
	switch {
	case cf[0]&1 == 0:
		m.Format = FormatI
		m.SendSeq = uint16(cf[0])>>1 | uint16(cf[1])<<7
		m.RecvSeq = uint16(cf[2])>>1 | uint16(cf[3])<<7
	case cf[0]&3 == 1:
		m.Format = FormatS
		m.RecvSeq = uint16(cf[2])>>1 | uint16(cf[3])<<7
	default:
		m.Format = FormatU
		m.UFunc = UFunction(cf[0] & 0xFC)
	}
	asdu := b[6:n]
	if m.Format != FormatI {
		if len(asdu) != 0 {
			return errSUFormat
		}
		return nil
	}
	if len(asdu) < asduHeaderLen {
		return errIShort
	}
	m.HasASDU = true
	m.TypeID = TypeID(asdu[0])
	m.SQ = asdu[1]&0x80 != 0
	m.NumObjects = asdu[1] & 0x7F
	m.Cause = asdu[2] & 0x3F
	m.Negative = asdu[2]&0x40 != 0
	m.Test = asdu[2]&0x80 != 0
	m.Originator = asdu[3]
	m.CommonAddr = uint16(asdu[4]) | uint16(asdu[5])<<8
	m.Objects = asdu[asduHeaderLen:]
	m.parseObjects()
	return nil
}

func (m *Message) parseObjects() {
	b := m.Objects
	size := m.TypeID.ElementSize()
	count := int(m.NumObjects)
	if count == 0 {
		return
	}
	if len(b) < ioaLen {
		m.ObjectsPart = true
		return
	}
	if size >= 0 && m.TypeID.IsCommand() && len(b) >= ioaLen+size && size > 0 {
		// The qualifier with the S/E bit is the element's last octet before any time tag.
		q := b[ioaLen+commandQualifierOffset(m.TypeID)]
		m.SelectBit = q&0x80 != 0
	}
	if m.SQ {
		m.IOAs[0], m.NumIOAs = ioa(b), 1
		if size < 0 || ioaLen+count*size > len(b) {
			m.ObjectsPart = true
		}
		return
	}
	for i := 0; i < count; i++ {
		if len(b) < ioaLen {
			m.ObjectsPart = true
			return
		}
		if i == MaxIOAs {
			m.ObjectsPart = true
			return
		}
		m.IOAs[i] = ioa(b)
		m.NumIOAs = i + 1
		if size < 0 || ioaLen+size > len(b) {
			if i < count-1 || size < 0 {
				m.ObjectsPart = true
			}
			return
		}
		b = b[ioaLen+size:]
	}
}

// commandQualifierOffset returns the offset of the octet holding the S/E bit within a
// command's element.
func commandQualifierOffset(t TypeID) int {
	switch t {
	case C_SE_NA_1, C_SE_NB_1, C_SE_TA_1, C_SE_TB_1:
		return 2 // normalised or scaled value, then QOS
	case C_SE_NC_1, C_SE_TC_1:
		return 4 // short float, then QOS
	case C_BO_NA_1, C_BO_TA_1:
		return 0 // bitstrings have no S/E bit; the first octet is harmless to read
	}
	return 0 // SCO, DCO, RCO
}

func ioa(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 }

// IsActivation reports whether the ASDU asks for an action (cause activation or
// deactivation), as opposed to confirming, terminating or reporting.
func (m *Message) IsActivation() bool {
	return m.HasASDU && (m.Cause == CauseActivation || m.Cause == CauseDeactivation)
}

// OpClass returns the class of the operation the ASDU's type belongs to. Confirmations
// and terminations carry the class of the command they answer; use IsActivation to count
// each operation once. Monitor-direction data, S and U formats return OpNone.
func (m *Message) OpClass() protocols.OpClass {
	if !m.HasASDU {
		return protocols.OpNone
	}
	t := m.TypeID
	switch {
	case t.IsCommand():
		return protocols.OpWrite
	case t == C_IC_NA_1, t == C_CI_NA_1, t == C_RD_NA_1:
		return protocols.OpRead
	case t == C_CS_NA_1, t == C_RP_NA_1, t == C_CD_NA_1:
		return protocols.OpControl
	case t == C_TS_NA_1, t == C_TS_TA_1:
		return protocols.OpDiagnostics
	case t >= P_ME_NA_1 && t <= P_AC_NA_1:
		return protocols.OpWrite
	case t >= F_FR_NA_1 && t <= F_SC_NB_1:
		return protocols.OpProgram
	}
	return protocols.OpNone
}
