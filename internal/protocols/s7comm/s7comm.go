package s7comm

import (
	"errors"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// Fixed capacities of a Message. PDUs with more items or records are decoded up to the
// capacity; the counts the PDU states are kept so the overflow can be seen.
const (
	MaxItems      = 32
	MaxSZLRecords = 16
)

// maxSZLRecordLen bounds the record length of a plausible SZL head; the longest records
// of the lists in use are a few dozen bytes.
const maxSZLRecordLen = 1024

const (
	tpktHeaderLen = 4
	minTPKTLen    = tpktHeaderLen + 3 // a COTP DT header is the smallest payload
	protoS7       = 0x32
	protoS7Plus   = 0x72
)

var (
	errNotTPKT      = errors.New("s7comm: not a TPKT header (version 3, reserved 0)")
	errTPKTLen      = errors.New("s7comm: TPKT length shorter than a COTP header")
	errTruncated    = errors.New("s7comm: PDU shorter than its TPKT length")
	errCOTPLen      = errors.New("s7comm: COTP length indicator outside the PDU")
	errCOTPShort    = errors.New("s7comm: COTP header too short for its TPDU type")
	errCOTPParam    = errors.New("s7comm: COTP parameter runs past the header")
	errS7Short      = errors.New("s7comm: S7 header truncated")
	errS7Lengths    = errors.New("s7comm: S7 parameter and data lengths exceed the PDU")
	errS7ROSCTR     = errors.New("s7comm: unknown ROSCTR")
	errParamShort   = errors.New("s7comm: S7 parameter truncated")
	errItemShort    = errors.New("s7comm: variable item truncated")
	errUserdata     = errors.New("s7comm: userdata parameter truncated")
	errS7PlusShort  = errors.New("s7comm: S7comm-plus header truncated")
	errS7PlusDigest = errors.New("s7comm: S7comm-plus integrity part truncated")
)

// COTP is the COTP header of a PDU.
type COTP struct {
	Type     COTPType
	DstRef   uint16 // CR, CC, DR, DC
	SrcRef   uint16
	Class    uint8  // CR, CC: protocol class
	TPDUSize uint16 // CR, CC: maximum TPDU size in bytes, 0 when absent
	SrcTSAP  []byte // CR, CC: calling TSAP (aliases the input)
	DstTSAP  []byte // CR, CC: called TSAP (aliases the input)
	EOT      bool   // DT: last TPDU of the user PDU
	TPDUNr   uint8  // DT
}

// Item is one variable of a read or write request, with the return code of its answer.
type Item struct {
	Syntax        uint8 // 0x10 for the usual S7ANY address
	TransportSize uint8
	Length        uint16 // number of elements
	DB            uint16
	Area          Area
	Address       uint32 // bit address: byte<<3 | bit
	ReturnCode    uint8  // ack_data of read/write: 0xFF is success
	Data          []byte // write job and read ack_data: the item's value (aliases the input)
}

// Block describes the block transfer of an upload or download function.
type Block struct {
	Status      uint8  // function status
	SessionID   uint32 // upload id / download session
	Filename    []byte // such as "_0B00000A" (aliases the input)
	Type        BlockType
	Number      uint32
	FileSystem  byte   // 'P' passive, 'A' or 'B' active
	Length      uint32 // start upload ack: length of the block; request download: load memory length
	MC7Length   uint32 // request download: MC7 code length
	HaveLengths bool
}

// Userdata is the parameter and data head of a userdata PDU.
type Userdata struct {
	Method       uint8 // 0x11 request, 0x12 response
	Type         uint8 // 0 push, 4 request, 8 response
	Group        Group
	Subfunction  uint8
	Seq          uint8
	DataUnitRef  uint8
	LastDataUnit uint8  // 0 when this is the last data unit
	ErrorCode    uint16 // response error code, 0 is no error
	ReturnCode   uint8  // data return code, 0xFF is success
	Data         []byte // data after the 4-byte data head (aliases the input)
}

// MoreFollows reports whether the answer continues in another PDU.
func (u *Userdata) MoreFollows() bool { return u.LastDataUnit != 0 }

// SZLRecord is one record of a module (0x0011) or component (0x001C) identification list.
type SZLRecord struct {
	Index uint16
	// Text is the order number (0x0011) or the name (0x001C) with trailing NULs and
	// spaces cut (aliases the input).
	Text       []byte
	ModuleType uint16 // 0x0011: BGTyp
	Ausbg      uint16 // 0x0011: version of the module or firmware, see Version
	Ausbe      uint16
}

// Version returns the version an 0x0011 record carries. Firmware records (index 7) hold
// a letter such as 'V' and three numbers (V3.2.6); hardware and module records hold the
// version in Ausbg alone (letter 0, major only).
func (r *SZLRecord) Version() (letter byte, major, minor, patch uint8) {
	hi := byte(r.Ausbg >> 8)
	if hi >= 'A' && hi <= 'Z' {
		return hi, byte(r.Ausbg), byte(r.Ausbe >> 8), byte(r.Ausbe)
	}
	return 0, byte(r.Ausbg), 0, 0
}

// SZL is a system status list read.
type SZL struct {
	ID          uint16
	Index       uint16
	RecordLen   uint16 // response only
	RecordCount uint16 // as stated by the PDU
	NumRecords  int    // records decoded into Records (identity lists only)
	Records     [MaxSZLRecords]SZLRecord
}

// Record returns the decoded record with the given index.
func (s *SZL) Record(index uint16) (*SZLRecord, bool) {
	for i := 0; i < s.NumRecords; i++ {
		if s.Records[i].Index == index {
			return &s.Records[i], true
		}
	}
	return nil, false
}

// Message is one TPKT PDU: COTP and, for data PDUs, the S7comm or S7comm-plus PDU.
type Message struct {
	Length  uint16 // TPKT length
	COTP    COTP
	Payload Payload
	// UserData is a data TPDU's user data (from the S7 protocol id on, or whatever
	// else ISO-on-TCP carries: MMS on the OSI session layer, RDP); aliases the input.
	UserData []byte

	// S7comm-plus
	PlusVersion  uint8
	PlusOpcode   uint8  // 0x31 request, 0x32 response, 0x33 notification
	PlusFunction uint16 // requests and responses

	// S7comm header
	ROSCTR     ROSCTR
	PDURef     uint16
	ErrorClass uint8 // ack, ack_data
	ErrorCode  uint8
	Param      []byte // aliases the input
	Data       []byte // aliases the input

	// Job and ack_data
	Function      Function
	MaxAmQCalling uint16 // setup communication
	MaxAmQCalled  uint16
	PDUSize       uint16
	ItemCount     uint8 // items stated by the PDU
	NumItems      int   // items decoded into Items
	Items         [MaxItems]Item
	Block         Block
	PIService     []byte // plc control and stop: PI service name such as "P_PROGRAM"
	PIParam       []byte // plc control: parameter block such as "C " (cold start)
	Control       Control

	// Userdata
	UD     Userdata
	HasSZL bool
	SZL    SZL
	// SZLContinuation marks an answer's later data unit, which carries the rest of the
	// records without a head; see ParseSZL.
	SZLContinuation bool
}

// PDULen returns the TPKT length of the PDU at b[0]: 0 with no error while the 4-byte
// header is incomplete, an error when b does not start with a TPKT header.
func PDULen(b []byte) (int, error) {
	if len(b) < tpktHeaderLen {
		return 0, nil
	}
	if b[0] != 3 || b[1] != 0 {
		return 0, errNotTPKT
	}
	n := int(be16(b[2:]))
	if n < minTPKTLen {
		return 0, errTPKTLen
	}
	return n, nil
}

// Parse decodes one TPKT PDU from b into m, which it resets first. Slices in m alias b.
// An error means b is not a well-formed PDU; m then holds what was decoded before it.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	n, err := PDULen(b)
	if err != nil {
		return err
	}
	if n == 0 || n > len(b) {
		return errTruncated
	}
	m.Length = uint16(n)
	cotp := b[tpktHeaderLen:n]
	li := int(cotp[0])
	if li < 1 || 1+li > len(cotp) {
		return errCOTPLen
	}
	hdr := cotp[1 : 1+li]
	m.COTP.Type = COTPType(hdr[0] & 0xF0)
	switch m.COTP.Type {
	case COTPData:
		if len(hdr) < 2 {
			return errCOTPShort
		}
		m.COTP.EOT = hdr[1]&0x80 != 0
		m.COTP.TPDUNr = hdr[1] & 0x7F
	case COTPConnectReq, COTPConnectCon:
		if len(hdr) < 6 {
			return errCOTPShort
		}
		m.COTP.DstRef, m.COTP.SrcRef = be16(hdr[1:]), be16(hdr[3:])
		m.COTP.Class = hdr[5] >> 4
		if err := parseCOTPParams(hdr[6:], &m.COTP); err != nil {
			return err
		}
	case COTPDisconnectReq, COTPDisconnectCon:
		if len(hdr) < 5 {
			return errCOTPShort
		}
		m.COTP.DstRef, m.COTP.SrcRef = be16(hdr[1:]), be16(hdr[3:])
	}
	user := cotp[1+li:]
	if m.COTP.Type != COTPData || len(user) == 0 {
		return nil
	}
	m.UserData = user
	switch user[0] {
	case protoS7:
		m.Payload = PayloadS7
		if !m.COTP.EOT {
			// The first fragment of an S7 PDU split over several DTs: its lengths run
			// past this TPDU, so there is nothing whole to decode.
			return nil
		}
		return parseS7(user, m)
	case protoS7Plus:
		m.Payload = PayloadS7Plus
		return parseS7Plus(user, m)
	}
	m.Payload = PayloadUnknown
	return nil
}

func parseCOTPParams(p []byte, c *COTP) error {
	for len(p) > 0 {
		if len(p) < 2 || 2+int(p[1]) > len(p) {
			return errCOTPParam
		}
		code, val := p[0], p[2:2+int(p[1])]
		switch code {
		case 0xC0:
			if len(val) == 1 && val[0] < 16 {
				c.TPDUSize = 1 << val[0]
			}
		case 0xC1:
			c.SrcTSAP = val
		case 0xC2:
			c.DstTSAP = val
		}
		p = p[2+len(val):]
	}
	return nil
}

func parseS7Plus(p []byte, m *Message) error {
	if len(p) < 4 {
		return errS7PlusShort
	}
	m.PlusVersion = p[1]
	body := p[4:]
	if m.PlusVersion == 3 && len(body) > 0 && body[0] == 0x20 {
		// Version 3 carries a 32-byte integrity digest, after its length byte, before
		// the opcode.
		if len(body) < 33 {
			return errS7PlusDigest
		}
		body = body[33:]
	}
	if m.PlusVersion > 3 || len(body) == 0 {
		return nil // keep-alives and unknown versions: detection by id and version only
	}
	m.PlusOpcode = body[0]
	if (m.PlusOpcode == 0x31 || m.PlusOpcode == 0x32) && len(body) >= 5 {
		m.PlusFunction = be16(body[3:])
	}
	return nil
}

func parseS7(p []byte, m *Message) error {
	if len(p) < 10 {
		return errS7Short
	}
	m.ROSCTR = ROSCTR(p[1])
	m.PDURef = be16(p[4:])
	parLen, datLen := int(be16(p[6:])), int(be16(p[8:]))
	hl := 10
	switch m.ROSCTR {
	case ROSCTRAck, ROSCTRAckData:
		if len(p) < 12 {
			return errS7Short
		}
		m.ErrorClass, m.ErrorCode = p[10], p[11]
		hl = 12
	case ROSCTRJob, ROSCTRUserdata:
	default:
		return errS7ROSCTR
	}
	if hl+parLen+datLen > len(p) {
		return errS7Lengths
	}
	m.Param = p[hl : hl+parLen]
	m.Data = p[hl+parLen : hl+parLen+datLen]
	if m.ROSCTR == ROSCTRUserdata {
		return parseUserdata(m)
	}
	if len(m.Param) == 0 {
		return nil
	}
	m.Function = Function(m.Param[0])
	job := m.ROSCTR == ROSCTRJob
	switch m.Function {
	case FuncSetupComm:
		if len(m.Param) < 8 {
			return errParamShort
		}
		m.MaxAmQCalling, m.MaxAmQCalled, m.PDUSize = be16(m.Param[2:]), be16(m.Param[4:]), be16(m.Param[6:])
	case FuncReadVar, FuncWriteVar:
		return parseVar(m, job)
	case FuncRequestDownload, FuncDownloadBlock, FuncDownloadEnded,
		FuncStartUpload, FuncUpload, FuncEndUpload:
		return parseBlock(m, job)
	case FuncPLCControl:
		if job {
			return parsePLCControl(m)
		}
	case FuncPLCStop:
		if job {
			return parsePLCStop(m)
		}
	}
	return nil
}

func parseVar(m *Message, job bool) error {
	if len(m.Param) < 2 {
		return errParamShort
	}
	m.ItemCount = m.Param[1]
	count := int(m.ItemCount)
	if job {
		p := m.Param[2:]
		for i := 0; i < count; i++ {
			// An item is a specification type, its length (at least the syntax id) and the
			// specification.
			if len(p) < 3 || p[1] == 0 || 2+int(p[1]) > len(p) {
				return errItemShort
			}
			spec := p[2 : 2+int(p[1])]
			p = p[2+int(p[1]):]
			if i >= MaxItems {
				continue
			}
			it := &m.Items[i]
			it.Syntax = spec[0]
			if it.Syntax == 0x10 && len(spec) >= 10 {
				it.TransportSize = spec[1]
				it.Length = be16(spec[2:])
				it.DB = be16(spec[4:])
				it.Area = Area(spec[6])
				it.Address = uint32(spec[7])<<16 | uint32(spec[8])<<8 | uint32(spec[9])
			}
			m.NumItems = i + 1
		}
		if m.Function == FuncWriteVar {
			return parseDataItems(m, count, false)
		}
		return nil
	}
	if m.Function == FuncWriteVar {
		// The answer to a write holds one return code per item.
		for i := 0; i < count && i < len(m.Data) && i < MaxItems; i++ {
			m.Items[i].ReturnCode = m.Data[i]
			m.NumItems = i + 1
		}
		return nil
	}
	return parseDataItems(m, count, true)
}

// parseDataItems walks the data items of a write job or a read answer: return code,
// transport size, length, value, and a fill byte after odd-length values but the last.
func parseDataItems(m *Message, count int, setCount bool) error {
	d := m.Data
	for i := 0; i < count; i++ {
		if len(d) < 4 {
			return errItemShort
		}
		rc, ts, n := d[0], d[1], int(be16(d[2:]))
		if setCount && rc != 0xFF {
			n = 0 // a failed item of an answer carries no value
		}
		switch ts {
		case 0x03, 0x04, 0x05: // bit, byte/word/dword and integer lengths count bits
			n = (n + 7) / 8
		}
		if 4+n > len(d) {
			return errItemShort
		}
		if i < MaxItems {
			m.Items[i].ReturnCode = rc
			m.Items[i].Data = d[4 : 4+n]
			if setCount {
				m.NumItems = i + 1
			}
		}
		d = d[4+n:]
		if n%2 == 1 && i < count-1 && len(d) > 0 {
			d = d[1:]
		}
	}
	return nil
}

func parseBlock(m *Message, job bool) error {
	p := m.Param
	if len(p) >= 2 {
		m.Block.Status = p[1]
	}
	if len(p) < 8 {
		return nil // short answers: function and status only
	}
	m.Block.SessionID = be32(p[4:])
	rest := p[8:]
	switch {
	case job && m.Function != FuncUpload && m.Function != FuncEndUpload:
		if len(rest) < 1 || 1+int(rest[0]) > len(rest) {
			return errParamShort
		}
		m.Block.Filename = rest[1 : 1+int(rest[0])]
		parseFilename(&m.Block)
		rest = rest[1+int(rest[0]):]
		if m.Function == FuncRequestDownload && len(rest) >= 14 && rest[0] >= 13 {
			// Part 2: '1', load memory length and MC7 code length, six ASCII digits each.
			l1, ok1 := atoi(rest[2:8])
			l2, ok2 := atoi(rest[8:14])
			m.Block.Length, m.Block.MC7Length, m.Block.HaveLengths = l1, l2, ok1 && ok2
		}
	case !job && m.Function == FuncStartUpload:
		if len(rest) >= 1 && 1+int(rest[0]) <= len(rest) {
			m.Block.Length, m.Block.HaveLengths = atoi(rest[1 : 1+int(rest[0])])
		}
	}
	return nil
}

// parseFilename splits "_TTNNNNNF": block type in two hex digits, five decimal digits of
// block number and the destination file system.
func parseFilename(b *Block) {
	f := b.Filename
	if len(f) != 9 || f[0] != '_' {
		return
	}
	hi, ok1 := hexDigit(f[1])
	lo, ok2 := hexDigit(f[2])
	num, ok3 := atoi(f[3:8])
	if ok1 && ok2 && ok3 {
		b.Type = BlockType(hi<<4 | lo)
		b.Number = num
		b.FileSystem = f[8]
	}
}

func parsePLCControl(m *Message) error {
	p := m.Param
	if len(p) < 10 {
		return errParamShort
	}
	pl := int(be16(p[8:]))
	if 10+pl+1 > len(p) {
		return errParamShort
	}
	m.PIParam = p[10 : 10+pl]
	sl := int(p[10+pl])
	if 11+pl+sl > len(p) {
		return errParamShort
	}
	m.PIService = p[11+pl : 11+pl+sl]
	m.Control = controlOf(m.PIService, m.PIParam)
	return nil
}

func parsePLCStop(m *Message) error {
	p := m.Param
	if len(p) < 7 || 7+int(p[6]) > len(p) {
		return errParamShort
	}
	m.PIService = p[7 : 7+int(p[6])]
	m.Control = ControlStop
	return nil
}

func controlOf(service, param []byte) Control {
	switch string(service) { // no allocation: the compiler compares in place
	case "P_PROGRAM":
		for _, c := range param {
			if c == 'C' {
				return ControlColdStart
			}
		}
		return ControlHotStart
	case "_INSE":
		return ControlInsertBlock
	case "_DELE":
		return ControlDeleteBlock
	case "_MODU":
		return ControlCopyRAMToROM
	case "_GARB":
		return ControlCompress
	}
	if len(service) > 3 && service[0] == '_' && service[1] == 'N' && service[2] == '_' {
		return ControlNCFile
	}
	return ControlUnknown
}

func parseUserdata(m *Message) error {
	p := m.Param
	if len(p) < 8 {
		return errUserdata
	}
	u := &m.UD
	u.Method = p[4]
	u.Type = p[5] >> 4
	u.Group = Group(p[5] & 0x0F)
	u.Subfunction = p[6]
	u.Seq = p[7]
	if p[3] >= 8 && len(p) >= 12 {
		u.DataUnitRef, u.LastDataUnit = p[8], p[9]
		u.ErrorCode = be16(p[10:])
	}
	d := m.Data
	if len(d) < 4 {
		return nil
	}
	u.ReturnCode = d[0]
	n := int(be16(d[2:]))
	if 4+n > len(d) {
		n = len(d) - 4
	}
	u.Data = d[4 : 4+n]
	if u.Group == GroupCPU && u.Subfunction == SubCPUReadSZL && u.ReturnCode == 0xFF {
		parseSZL(m)
	}
	return nil
}

func parseSZL(m *Message) {
	u := &m.UD
	if u.Type == 4 && m.Param[3] >= 8 {
		return // a request for the next data unit of an answer: no SZL id in it
	}
	if !ParseSZL(u.Data, u.Type == 8, u.MoreFollows(), &m.SZL) {
		m.SZL = SZL{}
		m.SZLContinuation = u.Type == 8
		return
	}
	m.HasSZL = true
}

// ParseSZL decodes the data of an SZL read: the id and index of a request, and for an
// answer also the record length and count and the identity records of lists 0x0011 and
// 0x001C. partial says that more data units follow, so the records may run past data.
// It reports false when data does not start with a plausible SZL head, as in the second
// and later data units of a long answer: a caller that keeps per-connection state joins
// the UD.Data of all data units of one answer (same DataUnitRef) and parses the result.
func ParseSZL(data []byte, response, partial bool, s *SZL) bool {
	*s = SZL{}
	if len(data) < 4 {
		return false
	}
	s.ID, s.Index = be16(data), be16(data[2:])
	if !response {
		return true
	}
	if len(data) < 8 {
		return false
	}
	s.RecordLen, s.RecordCount = be16(data[4:]), be16(data[6:])
	rl, total := int(s.RecordLen), int(s.RecordLen)*int(s.RecordCount)
	switch {
	case rl == 0 && s.RecordCount == 0:
		return !partial
	case rl == 0 || rl > maxSZLRecordLen:
		return false
	case !partial && 8+total != len(data):
		return false
	case partial && 8+total <= len(data):
		return false
	}
	recs := data[8:]
	var minLen int
	switch s.ID & 0xFF {
	case 0x11:
		minLen = 28
	case 0x1C:
		minLen = 34
	default:
		return true
	}
	if rl < minLen {
		return true
	}
	for i := 0; i < int(s.RecordCount) && s.NumRecords < MaxSZLRecords; i++ {
		if (i+1)*rl > len(recs) {
			break
		}
		r := recs[i*rl : (i+1)*rl]
		rec := &s.Records[s.NumRecords]
		rec.Index = be16(r)
		if minLen == 28 {
			rec.Text = trimText(r[2:22])
			rec.ModuleType, rec.Ausbg, rec.Ausbe = be16(r[22:]), be16(r[24:]), be16(r[26:])
		} else {
			rec.Text = trimText(r[2:34])
		}
		s.NumRecords++
	}
	return true
}

// IsRequest reports whether the PDU asks something of its peer (a job or a userdata
// request), as opposed to answering or notifying.
func (m *Message) IsRequest() bool {
	switch m.Payload {
	case PayloadS7:
		return m.ROSCTR == ROSCTRJob || (m.ROSCTR == ROSCTRUserdata && m.UD.Type == 4)
	case PayloadS7Plus:
		return m.PlusOpcode == 0x31
	}
	return false
}

// OpClass returns the class of the operation the PDU belongs to. Answers carry the class
// of their request, so that a conduit policy can judge either direction; use IsRequest to
// count each operation once.
func (m *Message) OpClass() protocols.OpClass {
	if m.Payload != PayloadS7 {
		return protocols.OpNone
	}
	if m.ROSCTR == ROSCTRUserdata {
		return userdataClass(&m.UD)
	}
	if len(m.Param) == 0 {
		return protocols.OpNone
	}
	switch m.Function {
	case FuncReadVar:
		return protocols.OpRead
	case FuncWriteVar:
		return protocols.OpWrite
	case FuncRequestDownload, FuncDownloadBlock, FuncDownloadEnded,
		FuncStartUpload, FuncUpload, FuncEndUpload:
		return protocols.OpProgram
	case FuncPLCStop:
		return protocols.OpControl
	case FuncPLCControl:
		switch m.Control {
		case ControlInsertBlock, ControlDeleteBlock, ControlCopyRAMToROM, ControlNCFile:
			return protocols.OpProgram
		}
		return protocols.OpControl
	case FuncCPUServices:
		return protocols.OpDiagnostics
	}
	return protocols.OpNone
}

func userdataClass(u *Userdata) protocols.OpClass {
	switch u.Group {
	case GroupCyclic, GroupBlock, GroupCPU:
		return protocols.OpRead
	case GroupSecurity:
		return protocols.OpControl
	case GroupTime:
		if u.Subfunction == SubTimeSet || u.Subfunction == SubTimeSet2 {
			return protocols.OpControl
		}
		return protocols.OpRead
	case GroupProgrammer:
		return protocols.OpDiagnostics
	case GroupPBC:
		return protocols.OpWrite
	case GroupNCProgramming:
		return protocols.OpProgram
	}
	return protocols.OpNone
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func atoi(b []byte) (uint32, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	var n uint32
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint32(c-'0')
	}
	return n, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func trimText(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == 0 || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
