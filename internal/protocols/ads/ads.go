package ads

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// Ports: AMS over TCP 48898; the discovery and route service on UDP 48899.
const (
	TCPPort = 48898
	UDPPort = 48899
)

// MaxMessage bounds an AMS/TCP message.
const MaxMessage = 64 << 10

// ADS commands.
const (
	CmdReadDeviceInfo  = 1
	CmdRead            = 2
	CmdWrite           = 3
	CmdReadState       = 4
	CmdWriteControl    = 5
	CmdAddNotification = 6
	CmdDelNotification = 7
	CmdNotification    = 8
	CmdReadWrite       = 9
)

// Discovery services (UDP 48899); a response has bit 31 set.
const (
	SvcDiscover = 1
	SvcAddRoute = 6
	svcResponse = 0x80000000
	udpMagic    = 0x71146603
)

// Discovery tags.
const (
	TagPassword   = 0x02
	TagTCVersion  = 0x03
	TagHostname   = 0x05
	TagNetID      = 0x07
	TagRouteName  = 0x0c
	TagUser       = 0x0d
	maxUDPTags    = 16
	amsHeaderSize = 32
)

var (
	errShort = errors.New("ads: shorter than its header")
	errLen   = errors.New("ads: length out of range")
	errMagic = errors.New("ads: not an ADS discovery datagram")
	errTags  = errors.New("ads: discovery tags run past the datagram")
)

// NetID is an AMS net id (six bytes, written as 5.13.117.96.1.1).
type NetID [6]byte

// AppendText writes n as "a.b.c.d.e.f".
func (n NetID) AppendText(b []byte) []byte {
	for i, x := range n {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, uint64(x), 10)
	}
	return b
}

// Message is one AMS message (TCP) with its ADS command.
type Message struct {
	Target, Source         NetID
	TargetPort, SourcePort uint16
	Command                uint16
	Response               bool
	ErrorCode              uint32
	Data                   []byte // the ADS data after the AMS header
}

// PDULen frames AMS/TCP: two reserved zero bytes and a 4-byte little-endian length.
func PDULen(b []byte) (int, error) {
	if len(b) < 6 {
		if len(b) >= 2 && (b[0] != 0 || b[1] != 0) {
			return 0, errLen
		}
		return 0, nil
	}
	if b[0] != 0 || b[1] != 0 {
		return 0, errLen
	}
	n := binary.LittleEndian.Uint32(b[2:6])
	if n < amsHeaderSize || n > MaxMessage {
		return 0, errLen
	}
	return 6 + int(n), nil
}

// ParseTCP parses one AMS/TCP message (as PDULen framed it).
func ParseTCP(b []byte, m *Message) error {
	*m = Message{}
	if len(b) < 6+amsHeaderSize {
		return errShort
	}
	if int(binary.LittleEndian.Uint32(b[2:6]))+6 != len(b) {
		return errLen
	}
	h := b[6:]
	copy(m.Target[:], h[0:6])
	m.TargetPort = binary.LittleEndian.Uint16(h[6:8])
	copy(m.Source[:], h[8:14])
	m.SourcePort = binary.LittleEndian.Uint16(h[14:16])
	m.Command = binary.LittleEndian.Uint16(h[16:18])
	flags := binary.LittleEndian.Uint16(h[18:20])
	m.Response = flags&1 != 0
	n := int(binary.LittleEndian.Uint32(h[20:24]))
	m.ErrorCode = binary.LittleEndian.Uint32(h[24:28])
	if n != len(h)-amsHeaderSize {
		return errLen
	}
	m.Data = h[amsHeaderSize:]
	return nil
}

// DeviceInfo reads a Read Device Info response's data: result, version and device name.
func DeviceInfo(data []byte) (major, minor uint8, build uint16, name []byte, ok bool) {
	if len(data) < 24 || binary.LittleEndian.Uint32(data) != 0 {
		return 0, 0, 0, nil, false
	}
	name = data[8:24]
	for i, c := range name {
		if c == 0 {
			name = name[:i]
			break
		}
	}
	return data[4], data[5], binary.LittleEndian.Uint16(data[6:8]), name, true
}

// Control reads a Write Control request's ADS state and device state.
func Control(data []byte) (adsState, deviceState uint16, ok bool) {
	if len(data) < 8 {
		return 0, 0, false
	}
	return binary.LittleEndian.Uint16(data), binary.LittleEndian.Uint16(data[2:4]), true
}

// IndexGroup reads the index group a Read, Write or ReadWrite request addresses.
func IndexGroup(data []byte) (uint32, bool) {
	if len(data) < 4 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(data), true
}

// Tag is one tag of a discovery datagram.
type Tag struct {
	ID   uint16
	Data []byte
}

// UDP is one datagram of the discovery and route service.
type UDP struct {
	Service  uint32 // without the response bit
	Response bool
	NetID    NetID
	Tags     []Tag
	tags     [maxUDPTags]Tag
}

// ParseUDP parses a discovery datagram: magic, invoke id, service, the sender's AMS net
// id and port, a tag count and the tags (id, length, data).
func ParseUDP(b []byte, u *UDP) error {
	*u = UDP{}
	if len(b) < 24 {
		return errShort
	}
	if binary.LittleEndian.Uint32(b) != udpMagic {
		return errMagic
	}
	svc := binary.LittleEndian.Uint32(b[8:12])
	u.Response = svc&svcResponse != 0
	u.Service = svc &^ svcResponse
	copy(u.NetID[:], b[12:18])
	n := int(binary.LittleEndian.Uint32(b[20:24]))
	rest := b[24:]
	for i := 0; i < n; i++ {
		if len(rest) < 4 {
			return errTags
		}
		id, l := binary.LittleEndian.Uint16(rest), int(binary.LittleEndian.Uint16(rest[2:4]))
		if len(rest) < 4+l {
			return errTags
		}
		if len(u.Tags) < maxUDPTags {
			u.Tags = u.tags[:len(u.Tags)+1]
			u.Tags[len(u.Tags)-1] = Tag{ID: id, Data: rest[4 : 4+l]}
		}
		rest = rest[4+l:]
	}
	return nil
}

// Tag returns the data of the first tag id.
func (u *UDP) Tag(id uint16) ([]byte, bool) {
	for i := range u.Tags {
		if u.Tags[i].ID == id {
			return u.Tags[i].Data, true
		}
	}
	return nil, false
}

// CString cuts b at its first NUL.
func CString(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}
