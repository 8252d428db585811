package dns

import (
	"errors"
	"net/netip"
)

// Ports.
const (
	Port        = 53
	LLMNRPort   = 5355
	MDNSPort    = 5353
	NetBIOSPort = 137
)

// Record types decoded into Record fields.
const (
	TypeA      = 1
	TypeNS     = 2
	TypeCNAME  = 5
	TypeSOA    = 6
	TypePTR    = 12
	TypeHINFO  = 13
	TypeMX     = 15
	TypeTXT    = 16
	TypeAAAA   = 28
	TypeSRV    = 33
	TypeOPT    = 41
	TypeNSEC   = 47
	TypeANY    = 255
	TypeNB     = 0x20 // NetBIOS general name service record
	TypeNBSTAT = 0x21 // NetBIOS node status; the same number as SRV, so only ParseNetBIOS reads it so
)

// Capacities of a Message. Questions and records past them, or whose names no longer fit
// the name buffer, are not decoded: Message.Partial says so.
const (
	MaxQuestions = 4
	MaxRecords   = 32
	NameBufSize  = 4096
)

const headerLen = 12

var (
	errShort    = errors.New("dns: shorter than the 12-byte header")
	errQuestion = errors.New("dns: question truncated")
	errRecord   = errors.New("dns: resource record truncated")
	errRData    = errors.New("dns: record data too short for its type")
)

// Header is the fixed header.
type Header struct {
	ID                                 uint16
	Flags                              uint16
	QDCount, ANCount, NSCount, ARCount uint16
}

// Response reports the QR bit.
func (h *Header) Response() bool { return h.Flags&0x8000 != 0 }

// Opcode returns the operation: 0 query; NetBIOS uses 5 registration, 6 release, 8 refresh.
func (h *Header) Opcode() uint8 { return uint8(h.Flags>>11) & 0x0F }

// Rcode returns the response code.
func (h *Header) Rcode() uint8 { return uint8(h.Flags & 0x0F) }

// Question is one entry of the question section.
type Question struct {
	Name  []byte // dotted, in the Message's name buffer
	Type  uint16
	Class uint16 // as on the wire: in mDNS the top bit asks for a unicast answer
	NB    NBName // ParseNetBIOS: the decoded NetBIOS name
}

// UnicastResponse reports mDNS's QU bit.
func (q *Question) UnicastResponse() bool { return q.Class&0x8000 != 0 }

// Section tells where a record stood.
type Section uint8

const (
	Answer Section = iota + 1
	Authority
	Additional
)

// Record is one resource record.
type Record struct {
	Section Section
	Name    []byte // dotted, in the Message's name buffer
	Type    uint16
	Class   uint16 // as on the wire: in mDNS the top bit is cache-flush
	TTL     uint32
	Data    []byte // RDATA (aliases the input)

	Addr   netip.Addr // A, AAAA; NetBIOS NB: the first address
	Target []byte     // PTR, CNAME, NS, MX exchange, SRV target (in the name buffer)

	Priority, Weight, Port uint16 // SRV (MX: Priority is the preference)

	NB      NBName // ParseNetBIOS: the owner's decoded NetBIOS name
	NBFlags uint16 // ParseNetBIOS: flags of the first NB entry (group bit, node type)
}

// CacheFlush reports mDNS's cache-flush bit.
func (r *Record) CacheFlush() bool { return r.Class&0x8000 != 0 }

// Message is one DNS, mDNS or NetBIOS name service datagram.
type Message struct {
	Header
	NetBIOS bool // decoded by ParseNetBIOS

	Questions    [MaxQuestions]Question
	NumQuestions int
	Records      [MaxRecords]Record
	NumRecords   int
	// Partial: questions or records were left undecoded because a capacity was reached.
	Partial bool

	names [NameBufSize]byte
	used  int
}

// Parse decodes one DNS or mDNS message (the UDP payload) into m, which it resets first.
// Names are written into m's own buffer: slices in m point there or into b, and stay valid
// until m is reused.
func Parse(b []byte, m *Message) error { return parse(b, m, false) }

// ParseNetBIOS decodes one NetBIOS name service datagram into m: as Parse, and with the
// NetBIOS names of questions and records decoded, NB records' addresses read and type
// 0x21 taken as node status rather than SRV.
func ParseNetBIOS(b []byte, m *Message) error { return parse(b, m, true) }

func parse(b []byte, m *Message, netbios bool) error {
	m.reset()
	m.NetBIOS = netbios
	if len(b) < headerLen {
		return errShort
	}
	m.ID, m.Flags = be16(b), be16(b[2:])
	m.QDCount, m.ANCount, m.NSCount, m.ARCount = be16(b[4:]), be16(b[6:]), be16(b[8:]), be16(b[10:])
	off := headerLen
	for i := 0; i < int(m.QDCount); i++ {
		if m.NumQuestions == MaxQuestions {
			m.Partial = true
			return nil
		}
		name, next, err := m.readName(b, off)
		if err == errNameBuffer {
			m.Partial = true
			return nil
		}
		if err != nil {
			return err
		}
		if next+4 > len(b) {
			return errQuestion
		}
		q := &m.Questions[m.NumQuestions]
		*q = Question{Name: name, Type: be16(b[next:]), Class: be16(b[next+2:])}
		if netbios {
			q.NB, _ = DecodeNetBIOSName(name)
		}
		m.NumQuestions++
		off = next + 4
	}
	sections := [3]struct {
		s Section
		n uint16
	}{{Answer, m.ANCount}, {Authority, m.NSCount}, {Additional, m.ARCount}}
	for _, sec := range sections {
		for i := 0; i < int(sec.n); i++ {
			if m.NumRecords == MaxRecords {
				m.Partial = true
				return nil
			}
			next, err := m.parseRecord(b, off, sec.s)
			if err == errNameBuffer {
				m.Partial = true
				return nil
			}
			if err != nil {
				return err
			}
			off = next
		}
	}
	return nil
}

func (m *Message) parseRecord(b []byte, off int, sec Section) (int, error) {
	name, p, err := m.readName(b, off)
	if err != nil {
		return 0, err
	}
	if p+10 > len(b) {
		return 0, errRecord
	}
	r := &m.Records[m.NumRecords]
	*r = Record{Section: sec, Name: name, Type: be16(b[p:]), Class: be16(b[p+2:]), TTL: be32(b[p+4:])}
	rdlen := int(be16(b[p+8:]))
	start := p + 10
	if start+rdlen > len(b) {
		return 0, errRecord
	}
	r.Data = b[start : start+rdlen]
	if m.NetBIOS {
		r.NB, _ = DecodeNetBIOSName(name)
	}
	if err := m.rdata(b, start, r); err != nil {
		return 0, err
	}
	m.NumRecords++
	return start + rdlen, nil
}

// rdata decodes the data of the record types an inventory reads.
func (m *Message) rdata(b []byte, start int, r *Record) error {
	d := r.Data
	var err error
	switch {
	case m.NetBIOS && r.Type == TypeNB:
		if len(d) >= 6 {
			r.NBFlags = be16(d)
			r.Addr = netip.AddrFrom4([4]byte(d[2:6]))
		}
	case m.NetBIOS:
		// NBSTAT and others: the caller reads Data (see ParseNodeStatus).
	case r.Type == TypeA:
		if len(d) != 4 {
			return errRData
		}
		r.Addr = netip.AddrFrom4([4]byte(d))
	case r.Type == TypeAAAA:
		if len(d) != 16 {
			return errRData
		}
		r.Addr = netip.AddrFrom16([16]byte(d))
	case r.Type == TypePTR || r.Type == TypeCNAME || r.Type == TypeNS:
		r.Target, err = m.readTarget(b, start, len(d))
	case r.Type == TypeMX:
		if len(d) < 3 {
			return errRData
		}
		r.Priority = be16(d)
		r.Target, err = m.readTarget(b, start+2, len(d)-2)
	case r.Type == TypeSRV:
		if len(d) < 7 {
			return errRData
		}
		r.Priority, r.Weight, r.Port = be16(d), be16(d[2:]), be16(d[4:])
		r.Target, err = m.readTarget(b, start+6, len(d)-6)
	}
	return err
}

// readTarget reads a name that starts at off inside the record data [off, off+n); its
// own bytes must end inside the data (pointers may reach anywhere before).
func (m *Message) readTarget(b []byte, off, n int) ([]byte, error) {
	name, next, err := m.readName(b, off)
	if err != nil {
		return nil, err
	}
	if next > off+n {
		return nil, errRData
	}
	return name, nil
}

// readName decodes a name into the free part of the name buffer and claims its bytes.
func (m *Message) readName(b []byte, off int) ([]byte, int, error) {
	name, next, err := ReadName(b, off, m.names[m.used:])
	if err != nil {
		return nil, 0, err
	}
	m.used += len(name)
	return name[:len(name):len(name)], next, nil
}

func (m *Message) reset() {
	m.Header = Header{}
	m.NetBIOS = false
	m.NumQuestions, m.NumRecords, m.Partial, m.used = 0, 0, false, 0
}

// NextString splits the first character-string (a length byte and that many bytes) off
// TXT or HINFO record data. ok is false at the end of the data or when it is malformed.
func NextString(data []byte) (s, rest []byte, ok bool) {
	if len(data) == 0 || len(data) < 1+int(data[0]) {
		return nil, nil, false
	}
	return data[1 : 1+int(data[0])], data[1+int(data[0]):], true
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
