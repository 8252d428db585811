package snmp

import (
	"errors"
	"net/netip"
)

// Ports.
const (
	Port     = 161
	TrapPort = 162
)

// BER tags used by SNMP.
const (
	tagInteger     = 0x02
	tagOctetString = 0x04
	tagNull        = 0x05
	tagOID         = 0x06
	tagSequence    = 0x30
	TagIPAddress   = 0x40
	TagCounter32   = 0x41
	TagGauge32     = 0x42
	TagTimeTicks   = 0x43
	TagOpaque      = 0x44
	TagCounter64   = 0x46
	TagNoSuchObj   = 0x80
	TagNoSuchInst  = 0x81
	TagEndOfMIB    = 0x82
)

// Value tags of the universal types, exported for VarBind.Tag.
const (
	TagInteger     = tagInteger
	TagOctetString = tagOctetString
	TagNull        = tagNull
	TagOID         = tagOID
)

// PDUType is the context tag of a PDU.
type PDUType uint8

// PDU types.
const (
	GetRequest     PDUType = 0xA0
	GetNextRequest PDUType = 0xA1
	Response       PDUType = 0xA2
	SetRequest     PDUType = 0xA3
	TrapV1         PDUType = 0xA4
	GetBulkRequest PDUType = 0xA5
	InformRequest  PDUType = 0xA6
	TrapV2         PDUType = 0xA7
	Report         PDUType = 0xA8
)

var pduNames = [...]string{"get_request", "get_next_request", "response", "set_request", "trap_v1",
	"get_bulk_request", "inform_request", "trap_v2", "report"}

// String returns the PDU type's name, or "unknown".
func (t PDUType) String() string {
	if t >= GetRequest && t <= Report {
		return pduNames[t-GetRequest]
	}
	return "unknown"
}

// CarriesValues reports whether the PDU's variable bindings hold an agent's values rather
// than the names a manager asks for.
func (t PDUType) CarriesValues() bool {
	return t == Response || t == TrapV1 || t == TrapV2 || t == InformRequest || t == Report
}

// Versions as encoded.
const (
	Version1  = 0
	Version2c = 1
	Version3  = 3
)

// MaxVarBinds is how many variable bindings a Message keeps.
const MaxVarBinds = 32

var (
	errVersion = errors.New("snmp: unsupported version")
	errPDU     = errors.New("snmp: unknown PDU type")
	errV3      = errors.New("snmp: malformed SNMPv3 header")
)

// System group object identifiers (1.3.6.1.2.1.1.x.0) as BER contents.
var (
	oidSysDescr    = []byte{0x2B, 6, 1, 2, 1, 1, 1, 0}
	oidSysObjectID = []byte{0x2B, 6, 1, 2, 1, 1, 2, 0}
	oidSysUpTime   = []byte{0x2B, 6, 1, 2, 1, 1, 3, 0}
	oidSysContact  = []byte{0x2B, 6, 1, 2, 1, 1, 4, 0}
	oidSysName     = []byte{0x2B, 6, 1, 2, 1, 1, 5, 0}
	oidSysLocation = []byte{0x2B, 6, 1, 2, 1, 1, 6, 0}
)

// VarBind is one variable binding.
type VarBind struct {
	OID   []byte // BER contents of the name; AppendOID formats it
	Tag   uint8  // the value's tag: TagOctetString, TagTimeTicks, TagNull, ...
	Value []byte // the value's contents
}

// System holds the system group values found in a message's bindings.
type System struct {
	Descr     []byte
	ObjectID  []byte // BER contents: the vendor's product OID (1.3.6.1.4.1.<enterprise>...)
	Contact   []byte
	Name      []byte
	Location  []byte
	UpTime    uint32 // hundredths of a second
	HasUpTime bool
}

// V3 holds the SNMPv3 header and USM parameters.
type V3 struct {
	MsgID         int32
	MaxSize       int32
	Flags         uint8 // 1 auth, 2 priv, 4 reportable
	SecurityModel int32 // 3: USM
	EngineID      []byte
	EngineBoots   int32
	EngineTime    int32
	UserName      []byte
	Encrypted     bool // the scoped PDU is encrypted: no PDU was decoded
	ContextEngine []byte
	ContextName   []byte
}

// EngineEnterprise returns the IANA enterprise number that an RFC 3411 engine id starts
// with (its first bit set), which names the agent's vendor.
func (v *V3) EngineEnterprise() (uint32, bool) {
	id := v.EngineID
	if len(id) < 5 || id[0]&0x80 == 0 {
		return 0, false
	}
	return uint32(id[0]&0x7F)<<24 | uint32(id[1])<<16 | uint32(id[2])<<8 | uint32(id[3]), true
}

// Message is one SNMP message.
type Message struct {
	Version   int32
	Community []byte // v1 and v2c
	V3        V3

	HasPDU      bool
	PDUType     PDUType
	RequestID   int32
	ErrorStatus int32 // GetBulk: non-repeaters
	ErrorIndex  int32 // GetBulk: max-repetitions

	// v1 trap
	Enterprise   []byte // BER contents of the enterprise OID
	AgentAddr    netip.Addr
	GenericTrap  int32
	SpecificTrap int32
	TimeStamp    uint32

	VarBinds        [MaxVarBinds]VarBind
	NumVarBinds     int
	VarBindsDropped int

	System System // from PDUs that carry values
}

// Parse decodes one SNMP message (the UDP payload) into m, which it resets first. Slices
// in m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	r := ber(b)
	msg, err := r.expect(tagSequence)
	if err != nil {
		return err
	}
	body := ber(msg)
	if m.Version, err = body.integer(); err != nil {
		return err
	}
	switch m.Version {
	case Version1, Version2c:
		if m.Community, err = body.expect(tagOctetString); err != nil {
			return err
		}
		return m.parsePDU(&body)
	case Version3:
		return m.parseV3(&body)
	}
	return errVersion
}

func (m *Message) parseV3(body *ber) error {
	v := &m.V3
	hdr, err := body.expect(tagSequence)
	if err != nil {
		return errV3
	}
	h := ber(hdr)
	var flags []byte
	if v.MsgID, err = h.integer(); err != nil {
		return errV3
	}
	if v.MaxSize, err = h.integer(); err != nil {
		return errV3
	}
	if flags, err = h.expect(tagOctetString); err != nil || len(flags) != 1 {
		return errV3
	}
	v.Flags = flags[0]
	if v.SecurityModel, err = h.integer(); err != nil {
		return errV3
	}
	sec, err := body.expect(tagOctetString)
	if err != nil {
		return errV3
	}
	if v.SecurityModel == 3 {
		if err := v.parseUSM(sec); err != nil {
			return err
		}
	}
	if v.Flags&2 != 0 {
		v.Encrypted = true
		return nil
	}
	scoped, err := body.expect(tagSequence)
	if err != nil {
		return errV3
	}
	s := ber(scoped)
	if v.ContextEngine, err = s.expect(tagOctetString); err != nil {
		return errV3
	}
	if v.ContextName, err = s.expect(tagOctetString); err != nil {
		return errV3
	}
	return m.parsePDU(&s)
}

// parseUSM reads UsmSecurityParameters ::= SEQUENCE { engine id, boots, time, user name,
// authentication parameters, privacy parameters }.
func (v *V3) parseUSM(sec []byte) error {
	outer := ber(sec)
	usm, err := outer.expect(tagSequence)
	if err != nil {
		return errV3
	}
	u := ber(usm)
	if v.EngineID, err = u.expect(tagOctetString); err != nil {
		return errV3
	}
	if v.EngineBoots, err = u.integer(); err != nil {
		return errV3
	}
	if v.EngineTime, err = u.integer(); err != nil {
		return errV3
	}
	if v.UserName, err = u.expect(tagOctetString); err != nil {
		return errV3
	}
	return nil
}

func (m *Message) parsePDU(body *ber) error {
	tag, pdu, err := body.next()
	if err != nil {
		return err
	}
	t := PDUType(tag)
	if t < GetRequest || t > Report {
		return errPDU
	}
	m.HasPDU, m.PDUType = true, t
	p := ber(pdu)
	if t == TrapV1 {
		if err := m.parseTrapV1(&p); err != nil {
			return err
		}
	} else {
		if m.RequestID, err = p.integer(); err != nil {
			return err
		}
		if m.ErrorStatus, err = p.integer(); err != nil {
			return err
		}
		if m.ErrorIndex, err = p.integer(); err != nil {
			return err
		}
	}
	list, err := p.expect(tagSequence)
	if err != nil {
		return err
	}
	vbs := ber(list)
	for len(vbs) > 0 {
		vb, err := vbs.expect(tagSequence)
		if err != nil {
			return err
		}
		e := ber(vb)
		oid, err := e.expect(tagOID)
		if err != nil {
			return err
		}
		vtag, val, err := e.next()
		if err != nil {
			return err
		}
		if m.NumVarBinds == MaxVarBinds {
			m.VarBindsDropped++
		} else {
			m.VarBinds[m.NumVarBinds] = VarBind{OID: oid, Tag: vtag, Value: val}
			m.NumVarBinds++
		}
		if t.CarriesValues() {
			m.System.take(oid, vtag, val)
		}
	}
	return nil
}

func (m *Message) parseTrapV1(p *ber) error {
	var err error
	if m.Enterprise, err = p.expect(tagOID); err != nil {
		return err
	}
	addr, err := p.expect(TagIPAddress)
	if err != nil {
		return err
	}
	if len(addr) == 4 {
		m.AgentAddr = netip.AddrFrom4([4]byte(addr))
	}
	if m.GenericTrap, err = p.integer(); err != nil {
		return err
	}
	if m.SpecificTrap, err = p.integer(); err != nil {
		return err
	}
	ts, err := p.expect(TagTimeTicks)
	if err != nil {
		return err
	}
	m.TimeStamp, _ = beUint(ts)
	return nil
}

// take keeps a system group value. OIDs are compared as bytes: the same object has one
// BER encoding.
func (s *System) take(oid []byte, tag byte, val []byte) {
	if len(oid) != len(oidSysDescr) || string(oid[:6]) != string(oidSysDescr[:6]) || oid[7] != 0 {
		return
	}
	switch string(oid) {
	case string(oidSysDescr):
		if tag == tagOctetString {
			s.Descr = val
		}
	case string(oidSysObjectID):
		if tag == tagOID {
			s.ObjectID = val
		}
	case string(oidSysUpTime):
		if tag == TagTimeTicks {
			s.UpTime, s.HasUpTime = beUint(val)
		}
	case string(oidSysContact):
		if tag == tagOctetString {
			s.Contact = val
		}
	case string(oidSysName):
		if tag == tagOctetString {
			s.Name = val
		}
	case string(oidSysLocation):
		if tag == tagOctetString {
			s.Location = val
		}
	}
}
