package enip

import (
	"encoding/binary"
	"strconv"
)

// CIP common services (the response sets bit 7).
const (
	SvcGetAttributesAll      uint8 = 0x01
	SvcSetAttributesAll      uint8 = 0x02
	SvcGetAttributeList      uint8 = 0x03
	SvcSetAttributeList      uint8 = 0x04
	SvcReset                 uint8 = 0x05
	SvcStart                 uint8 = 0x06
	SvcStop                  uint8 = 0x07
	SvcCreate                uint8 = 0x08
	SvcDelete                uint8 = 0x09
	SvcMultipleServicePacket uint8 = 0x0a
	SvcApplyAttributes       uint8 = 0x0d
	SvcGetAttributeSingle    uint8 = 0x0e
	SvcSetAttributeSingle    uint8 = 0x10
	SvcFindNextObjectInst    uint8 = 0x11
	SvcRestore               uint8 = 0x15
	SvcSave                  uint8 = 0x16
	SvcNoOperation           uint8 = 0x17
	SvcGetMember             uint8 = 0x18
	SvcSetMember             uint8 = 0x19
	SvcInsertMember          uint8 = 0x1a
	SvcRemoveMember          uint8 = 0x1b
	SvcGroupSync             uint8 = 0x1c

	// Connection Manager (class 6) services.
	SvcForwardClose       uint8 = 0x4e
	SvcUnconnectedSend    uint8 = 0x52
	SvcForwardOpen        uint8 = 0x54
	SvcLargeForwardOpen   uint8 = 0x5b
	SvcGetConnectionData  uint8 = 0x56
	SvcGetConnectionOwner uint8 = 0x5a
)

// Object classes the package treats specially.
const (
	ClassIdentity          uint32 = 0x01
	ClassMessageRouter     uint32 = 0x02
	ClassConnectionManager uint32 = 0x06
	ClassFile              uint32 = 0x37
	ClassPCCC              uint32 = 0x67
	ClassSymbol            uint32 = 0x6b
	ClassTemplate          uint32 = 0x6c
)

// Path segment presence flags of Path.Has.
const (
	HasClass uint8 = 1 << iota
	HasInstance
	HasAttribute
	HasMember
	HasConnectionPoint
	HasPort
)

// Path is a decoded CIP path (EPATH). For each logical segment type the first value
// is kept; Symbol is the first symbolic segment (a tag name), and Raw the whole path,
// which AppendTagName walks for the full name.
type Path struct {
	Has   uint8 // HasClass | HasInstance | ...
	Class uint32
	// LastClass is the last class segment's value: the class of the object the path
	// ends at ("program 0x25e2, its routine class 0x6d" ends at 0x6d), which is the
	// one whose services a request invokes.
	LastClass uint32
	// LastInstance is the last instance segment's value (the instance of LastClass
	// when the path names one).
	LastInstance    uint32
	Instance        uint32
	Attribute       uint32
	Member          uint32 // member id, or element index after a symbol
	ConnectionPoint uint32
	Port            uint16 // first port segment (routing)
	Link            []byte // its link address
	Symbol          []byte
	NumSymbols      uint8
	Raw             []byte
}

// Route is the routing of an Unconnected_Send request.
type Route struct {
	PriorityTimeTick uint8
	TimeoutTicks     uint8
	Path             Path // port segments towards the target
}

// CIPMessage is one CIP request or response.
type CIPMessage struct {
	Service  uint8 // without the response bit
	Response bool
	// Request.
	Path Path
	// Response.
	GeneralStatus uint8
	ExtStatus     []byte // additional status words, raw
	// Data is the request or response data after path or status.
	Data []byte
}

// parseCIPPayload parses the CIP message of a data item and what it embeds.
func (m *Message) parseCIPPayload(b []byte) error {
	if err := parseCIP(b, &m.CIP); err != nil {
		return err
	}
	m.HasCIP = true
	eff := &m.CIP
	if !m.CIP.Response && m.CIP.Service == SvcUnconnectedSend && m.CIP.Path.Has&HasClass != 0 &&
		m.CIP.Path.Class == ClassConnectionManager {
		if err := parseUnconnectedSend(m.CIP.Data, &m.Route, &m.Embedded); err != nil {
			return err
		}
		m.Routed = true
		eff = &m.Embedded
	}
	if eff.Service == SvcMultipleServicePacket {
		return m.parseMultipleServices(eff.Data)
	}
	return nil
}

// parseCIP reads one CIP message: a request (service, path size in words, path, data)
// or a response (service with bit 7, reserved byte, general status, additional status
// size in words, additional status, data).
func parseCIP(b []byte, c *CIPMessage) error {
	*c = CIPMessage{}
	if len(b) < 2 {
		return ErrCIP
	}
	c.Service = b[0] & 0x7f
	if b[0]&0x80 != 0 {
		c.Response = true
		if len(b) < 4 {
			return ErrCIP
		}
		c.GeneralStatus = b[2]
		n := 4 + 2*int(b[3])
		if len(b) < n {
			return ErrCIP
		}
		c.ExtStatus = b[4:n]
		c.Data = b[n:]
		return nil
	}
	n := 2 + 2*int(b[1])
	if len(b) < n {
		return ErrCIP
	}
	if err := parsePath(b[2:n], &c.Path); err != nil {
		return err
	}
	c.Data = b[n:]
	return nil
}

// parseUnconnectedSend reads an Unconnected_Send request's data: priority and time
// tick, timeout ticks, the embedded request with its size, a pad byte when the size
// is odd, and the route path (size in words, a reserved byte, port segments).
func parseUnconnectedSend(b []byte, r *Route, embedded *CIPMessage) error {
	if len(b) < 4 {
		return ErrCIP
	}
	r.PriorityTimeTick, r.TimeoutTicks = b[0], b[1]
	size := int(binary.LittleEndian.Uint16(b[2:4]))
	if len(b) < 4+size {
		return ErrCIP
	}
	if err := parseCIP(b[4:4+size], embedded); err != nil {
		return err
	}
	rest := b[4+size:]
	if size%2 == 1 && len(rest) > 0 {
		rest = rest[1:]
	}
	if len(rest) < 2 {
		return nil // some senders omit the route
	}
	n := 2 + 2*int(rest[0])
	if len(rest) < n {
		return ErrCIP
	}
	return parsePath(rest[2:n], &r.Path)
}

// parseMultipleServices reads a Multiple_Service_Packet's data (request or reply): a
// service count, offsets from the count, and the services.
func (m *Message) parseMultipleServices(b []byte) error {
	if len(b) < 2 {
		return ErrCIP
	}
	count := int(binary.LittleEndian.Uint16(b[0:2]))
	if len(b) < 2+2*count {
		return ErrCIP
	}
	if m.services == nil && count > 0 {
		m.services = new([MaxServices]CIPMessage)
	}
	for i := range count {
		start := int(binary.LittleEndian.Uint16(b[2+2*i:]))
		end := len(b)
		if i+1 < count {
			end = int(binary.LittleEndian.Uint16(b[4+2*i:]))
		}
		if start < 2+2*count || start > end || end > len(b) {
			return ErrCIP
		}
		if m.NumServices == MaxServices {
			m.DroppedServices++
			continue
		}
		if err := parseCIP(b[start:end], &m.services[m.NumServices]); err != nil {
			return err
		}
		m.NumServices++
	}
	return nil
}

// parsePath decodes a padded EPATH.
func parsePath(b []byte, p *Path) error {
	p.Raw = b
	for i := 0; i < len(b); {
		n, err := p.segment(b[i:])
		if err != nil {
			return err
		}
		i += n
	}
	return nil
}

// segment decodes the segment at the start of b and returns its length.
func (p *Path) segment(b []byte) (int, error) {
	seg := b[0]
	switch seg >> 5 {
	case 0: // port segment
		i := 1
		port := uint16(seg & 0x0f)
		if port == 0x0f { // extended port number follows
			if len(b) < i+2 {
				return 0, ErrPath
			}
			port = binary.LittleEndian.Uint16(b[i:])
			i += 2
		}
		var link []byte
		if seg&0x10 != 0 { // link address of several bytes, with its size
			if len(b) < i+1 || len(b) < i+1+int(b[i]) {
				return 0, ErrPath
			}
			link = b[i+1 : i+1+int(b[i])]
			i += 1 + int(b[i])
		} else {
			if len(b) < i+1 {
				return 0, ErrPath
			}
			link = b[i : i+1]
			i++
		}
		if i%2 == 1 {
			i++ // pad to a word
		}
		if p.Has&HasPort == 0 {
			p.Has |= HasPort
			p.Port, p.Link = port, link
		}
		return min(i, len(b)), nil
	case 1: // logical segment
		ltype := (seg >> 2) & 7
		if ltype == 5 { // special: electronic key, format 4, 8 bytes
			if len(b) < 2 || b[1] != 4 || len(b) < 10 {
				return 0, ErrPath
			}
			return 10, nil
		}
		var v uint32
		var n int
		switch seg & 3 {
		case 0:
			if len(b) < 2 {
				return 0, ErrPath
			}
			v, n = uint32(b[1]), 2
		case 1: // pad byte, 16-bit value
			if len(b) < 4 {
				return 0, ErrPath
			}
			v, n = uint32(binary.LittleEndian.Uint16(b[2:4])), 4
		case 2: // pad byte, 32-bit value
			if len(b) < 6 {
				return 0, ErrPath
			}
			v, n = binary.LittleEndian.Uint32(b[2:6]), 6
		default:
			return 0, ErrPath
		}
		p.setLogical(ltype, v)
		return n, nil
	case 2: // network segment
		if seg&0x10 != 0 { // sized in words
			if len(b) < 2 || len(b) < 2+2*int(b[1]) {
				return 0, ErrPath
			}
			return 2 + 2*int(b[1]), nil
		}
		if len(b) < 2 {
			return 0, ErrPath
		}
		return 2, nil
	case 3: // symbolic segment, size in the low bits
		size := int(seg & 0x1f)
		if size == 0 || len(b) < 1+size {
			return 0, ErrPath // extended symbols are not decoded
		}
		p.addSymbol(b[1 : 1+size])
		n := 1 + size
		if n%2 == 1 {
			n++ // pad to a word
		}
		return min(n, len(b)), nil
	case 4: // data segment
		switch seg {
		case 0x91: // ANSI extended symbol: size, characters, pad to a word
			if len(b) < 2 || len(b) < 2+int(b[1]) {
				return 0, ErrPath
			}
			n := int(b[1])
			p.addSymbol(b[2 : 2+n])
			return min(2+n+n%2, len(b)), nil
		case 0x80: // simple data: size in words
			if len(b) < 2 || len(b) < 2+2*int(b[1]) {
				return 0, ErrPath
			}
			return 2 + 2*int(b[1]), nil
		}
	}
	return 0, ErrPath
}

func (p *Path) setLogical(ltype uint8, v uint32) {
	var flag uint8
	var dst *uint32
	switch ltype {
	case 0:
		p.LastClass = v
		flag, dst = HasClass, &p.Class
	case 1:
		p.LastInstance = v
		flag, dst = HasInstance, &p.Instance
	case 2:
		flag, dst = HasMember, &p.Member
	case 3:
		flag, dst = HasConnectionPoint, &p.ConnectionPoint
	case 4:
		flag, dst = HasAttribute, &p.Attribute
	default:
		return // service id, extended logical: not kept
	}
	if p.Has&flag == 0 {
		p.Has |= flag
		*dst = v
	}
}

func (p *Path) addSymbol(s []byte) {
	if p.NumSymbols == 0 {
		p.Symbol = s
	}
	if p.NumSymbols < 255 {
		p.NumSymbols++
	}
}

// AppendTagName appends the path's tag name to dst - its symbols joined by dots, with
// element indexes in brackets ("Program:Main.Counts[3].Value") - and returns the
// extended buffer. It appends nothing for a path without symbols. Reusing dst keeps
// this free of allocations.
func (p *Path) AppendTagName(dst []byte) []byte {
	if p.NumSymbols == 0 {
		return dst
	}
	b := p.Raw
	first := true
	for i := 0; i < len(b); {
		seg := b[i]
		var q Path
		n, err := q.segment(b[i:])
		if err != nil || n == 0 {
			break
		}
		switch {
		case q.NumSymbols > 0:
			if !first {
				dst = append(dst, '.')
			}
			dst = append(dst, q.Symbol...)
			first = false
		case seg>>5 == 1 && (seg>>2)&7 == 2 && !first: // member id after a symbol: an element
			dst = append(dst, '[')
			dst = strconv.AppendUint(dst, uint64(q.Member), 10)
			dst = append(dst, ']')
		}
		i += n
	}
	return dst
}

// AppendAttributeList appends to dst the attribute ids a Get_Attribute_List request
// asks for, or the first one a Set_Attribute_List request sets, and returns the
// extended slice; it appends nothing for other messages. (Set_Attribute_List and the
// replies interleave values whose sizes depend on each attribute's type, which only
// the object's definition gives.)
func (c *CIPMessage) AppendAttributeList(dst []uint16) []uint16 {
	if c.Response || len(c.Data) < 2 || (c.Service != SvcGetAttributeList && c.Service != SvcSetAttributeList) {
		return dst
	}
	n := int(binary.LittleEndian.Uint16(c.Data[0:2]))
	if c.Service == SvcSetAttributeList {
		n = min(n, 1)
	}
	for i := range n {
		off := 2 + 2*i
		if off+2 > len(c.Data) {
			break
		}
		dst = append(dst, binary.LittleEndian.Uint16(c.Data[off:]))
	}
	return dst
}
