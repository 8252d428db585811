package enip

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// Ports of EtherNet/IP.
const (
	Port   = 44818 // encapsulation, TCP and UDP
	PortIO = 2222  // implicit (class 0/1) I/O, UDP
)

// headerLen is the length of the encapsulation header.
const headerLen = 24

// Encapsulation commands.
const (
	CmdNOP               uint16 = 0x0000
	CmdListServices      uint16 = 0x0004
	CmdListIdentity      uint16 = 0x0063
	CmdListInterfaces    uint16 = 0x0064
	CmdRegisterSession   uint16 = 0x0065
	CmdUnregisterSession uint16 = 0x0066
	CmdSendRRData        uint16 = 0x006f
	CmdSendUnitData      uint16 = 0x0070
	CmdIndicateStatus    uint16 = 0x0072
	CmdCancel            uint16 = 0x0073
	CmdStartDTLS         uint16 = 0x00c8
)

// Common packet format item types.
const (
	ItemNullAddress      uint16 = 0x0000
	ItemListIdentity     uint16 = 0x000c
	ItemConnectedAddress uint16 = 0x00a1
	ItemConnectedData    uint16 = 0x00b1
	ItemUnconnectedData  uint16 = 0x00b2
	ItemListServices     uint16 = 0x0100
	ItemSockaddrOT       uint16 = 0x8000
	ItemSockaddrTO       uint16 = 0x8001
	ItemSequencedAddress uint16 = 0x8002
)

// Capacities of a Message's fixed arrays.
const (
	MaxItems    = 8  // common packet format items kept
	MaxServices = 32 // Multiple_Service_Packet services kept
)

// Errors returned by PDULen, Parse and ParseIO. They are fixed values so that
// rejecting garbage allocates nothing.
var (
	ErrNotENIP   = errors.New("enip: not an EtherNet/IP encapsulation header (unknown command)")
	ErrShort     = errors.New("enip: PDU shorter than its lengths say")
	ErrMalformed = errors.New("enip: malformed command data or common packet format")
	ErrCIP       = errors.New("enip: malformed CIP message")
	ErrPath      = errors.New("enip: malformed CIP path")
)

// Item is one common packet format item.
type Item struct {
	Type uint16
	Data []byte
}

// IdentitySource says where an Identity came from.
type IdentitySource uint8

const (
	IdentityNone              IdentitySource = iota
	IdentityFromListIdentity                 // a ListIdentity reply item
	IdentityFromGetAttributes                // a Get_Attributes_All reply of the Identity object
)

// Identity is what a device says of itself: the Identity object's attributes.
type Identity struct {
	Source IdentitySource
	// ProtocolVersion and Socket: ListIdentity replies only.
	ProtocolVersion uint16
	Socket          netip.AddrPort
	VendorID        uint16
	DeviceType      uint16
	ProductCode     uint16
	RevisionMajor   uint8
	RevisionMinor   uint8
	Status          uint16
	SerialNumber    uint32
	ProductName     []byte
	State           uint8
	HasState        bool
}

// Message is one EtherNet/IP PDU: an encapsulation message, or a class-1 I/O datagram
// (ParseIO). Parse and ParseIO reset it first.
type Message struct {
	// Encapsulation header.
	Command       uint16
	Length        uint16
	Session       uint32
	Status        uint32
	SenderContext [8]byte
	Options       uint32

	// RegisterSession.
	ProtocolVersion uint16
	// SendRRData and SendUnitData.
	InterfaceHandle uint32
	Timeout         uint16

	// Items are the common packet format items, up to MaxItems; DroppedItems counts
	// those beyond.
	Items        [MaxItems]Item
	NumItems     int
	DroppedItems int

	// Identity from a ListIdentity reply, or from a Get_Attributes_All reply that
	// Pairing tied to the Identity object.
	Identity    Identity
	HasIdentity bool

	// Connected messaging: the connection and sequence numbers.
	Connected     bool
	ConnectionID  uint32
	EncapSequence uint32 // sequenced address item (I/O)
	CIPSequence   uint16 // sequence count leading connected data

	// CIP is the CIP message carried (HasCIP). When it is an Unconnected_Send request,
	// Routed is set, Route holds its routing and Embedded the request it carries.
	HasCIP   bool
	CIP      CIPMessage
	Routed   bool
	Route    Route
	Embedded CIPMessage
	// NumServices is the number of Multiple_Service_Packet services (the carried
	// message's, or the embedded one's) held, see ServiceList; DroppedServices counts
	// those beyond MaxServices.
	NumServices     int
	DroppedServices int
	services        *[MaxServices]CIPMessage // allocated once per Message, on first use

	// Paired is set by Pairing on a reply tied to its request; RequestPath holds that
	// request's numeric path (class, instance, attribute, member).
	Paired      bool
	RequestPath Path

	// IO marks a class-0/1 I/O datagram; IOData is its connected data (after the
	// sequence count).
	IO     bool
	IOData []byte
}

// Effective returns the CIP message that does the work: the request an
// Unconnected_Send carries, or else the carried message.
func (m *Message) Effective() *CIPMessage {
	if m.Routed {
		return &m.Embedded
	}
	return &m.CIP
}

// ServiceList returns the Multiple_Service_Packet services held.
func (m *Message) ServiceList() []CIPMessage {
	if m.services == nil {
		return nil
	}
	return m.services[:m.NumServices]
}

// ItemList returns the common packet format items held.
func (m *Message) ItemList() []Item { return m.Items[:m.NumItems] }

func knownCommand(c uint16) bool {
	switch c {
	case CmdNOP, CmdListServices, CmdListIdentity, CmdListInterfaces, CmdRegisterSession, CmdUnregisterSession,
		CmdSendRRData, CmdSendUnitData, CmdIndicateStatus, CmdCancel, CmdStartDTLS:
		return true
	}
	return false
}

// PDULen is the TCP framing function: the total length of the encapsulation message
// at b[0], 0 if fewer than 4 bytes are available, ErrNotENIP if the command is not an
// EtherNet/IP command.
func PDULen(b []byte) (int, error) {
	if len(b) >= 2 && !knownCommand(binary.LittleEndian.Uint16(b[0:2])) {
		return 0, ErrNotENIP
	}
	if len(b) < 4 {
		return 0, nil
	}
	return headerLen + int(binary.LittleEndian.Uint16(b[2:4])), nil
}

// Parse decodes the encapsulation message b (one whole PDU, as PDULen cuts it, or a
// UDP datagram on port 44818) into m.
func Parse(b []byte, m *Message) error {
	m.reset()
	if len(b) < headerLen {
		return ErrShort
	}
	m.Command = binary.LittleEndian.Uint16(b[0:2])
	m.Length = binary.LittleEndian.Uint16(b[2:4])
	m.Session = binary.LittleEndian.Uint32(b[4:8])
	m.Status = binary.LittleEndian.Uint32(b[8:12])
	copy(m.SenderContext[:], b[12:20])
	m.Options = binary.LittleEndian.Uint32(b[20:24])
	if !knownCommand(m.Command) {
		return ErrNotENIP
	}
	if int(m.Length) != len(b)-headerLen {
		return ErrShort
	}
	body := b[headerLen:]
	switch m.Command {
	case CmdListIdentity, CmdListServices, CmdListInterfaces:
		if len(body) == 0 {
			return nil // the request
		}
		if err := m.parseItems(body); err != nil {
			return err
		}
		for _, it := range m.ItemList() {
			if it.Type == ItemListIdentity {
				if err := parseListIdentityItem(it.Data, &m.Identity); err != nil {
					return err
				}
				m.HasIdentity = true
				break
			}
		}
	case CmdRegisterSession:
		if len(body) < 4 {
			return ErrMalformed
		}
		m.ProtocolVersion = binary.LittleEndian.Uint16(body[0:2])
	case CmdSendRRData, CmdSendUnitData:
		if len(body) == 0 && m.Status != 0 {
			return nil // an error reply carries no data
		}
		if len(body) < 6 {
			return ErrMalformed
		}
		m.InterfaceHandle = binary.LittleEndian.Uint32(body[0:4])
		m.Timeout = binary.LittleEndian.Uint16(body[4:6])
		if err := m.parseItems(body[6:]); err != nil {
			return err
		}
		return m.parseMessaging()
	}
	return nil
}

// reset clears m for reuse, keeping its services array (most of its memory) and
// clearing only the part the last message filled.
func (m *Message) reset() {
	svc, n := m.services, m.NumServices
	*m = Message{services: svc}
	if svc != nil {
		clear(svc[:n])
	}
}

// parseItems reads a common packet format: an item count and the items.
func (m *Message) parseItems(b []byte) error {
	if len(b) < 2 {
		return ErrMalformed
	}
	count := int(binary.LittleEndian.Uint16(b[0:2]))
	b = b[2:]
	for range count {
		if len(b) < 4 {
			return ErrMalformed
		}
		typ := binary.LittleEndian.Uint16(b[0:2])
		n := int(binary.LittleEndian.Uint16(b[2:4]))
		if len(b) < 4+n {
			return ErrShort
		}
		if m.NumItems < MaxItems {
			m.Items[m.NumItems] = Item{Type: typ, Data: b[4 : 4+n]}
			m.NumItems++
		} else {
			m.DroppedItems++
		}
		b = b[4+n:]
	}
	return nil
}

// parseMessaging reads the address and data items of SendRRData, SendUnitData and
// I/O datagrams.
func (m *Message) parseMessaging() error {
	var cip []byte
	for _, it := range m.ItemList() {
		switch it.Type {
		case ItemConnectedAddress:
			if len(it.Data) < 4 {
				return ErrMalformed
			}
			m.Connected = true
			m.ConnectionID = binary.LittleEndian.Uint32(it.Data)
		case ItemSequencedAddress:
			if len(it.Data) < 8 {
				return ErrMalformed
			}
			m.Connected = true
			m.ConnectionID = binary.LittleEndian.Uint32(it.Data[0:4])
			m.EncapSequence = binary.LittleEndian.Uint32(it.Data[4:8])
		case ItemUnconnectedData:
			cip = it.Data
		case ItemConnectedData:
			if m.Command == CmdSendUnitData {
				// Class-3 connected data starts with the connection's sequence count.
				if len(it.Data) < 2 {
					return ErrMalformed
				}
				m.CIPSequence = binary.LittleEndian.Uint16(it.Data[0:2])
				cip = it.Data[2:]
			} else {
				cip = it.Data
			}
		}
	}
	if cip == nil || len(cip) == 0 {
		return nil
	}
	return m.parseCIPPayload(cip)
}

// parseListIdentityItem reads a ListIdentity reply item (CIP Identity, type 0x0c).
func parseListIdentityItem(b []byte, id *Identity) error {
	// Version, a 16-byte socket address (big endian, as in struct sockaddr_in), then
	// the identity attributes (little endian).
	if len(b) < 2+16+15 {
		return ErrMalformed
	}
	id.Source = IdentityFromListIdentity
	id.ProtocolVersion = binary.LittleEndian.Uint16(b[0:2])
	port := binary.BigEndian.Uint16(b[4:6])
	id.Socket = netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[6:10])), port)
	rest, err := parseIdentityAttributes(b[18:], id)
	if err != nil {
		return err
	}
	if len(rest) >= 1 {
		id.State, id.HasState = rest[0], true
	}
	return nil
}

// parseIdentityAttributes reads the Identity object's attributes 1 to 7 as
// ListIdentity and Get_Attributes_All lay them out, and returns what follows.
func parseIdentityAttributes(b []byte, id *Identity) ([]byte, error) {
	if len(b) < 15 {
		return nil, ErrMalformed
	}
	id.VendorID = binary.LittleEndian.Uint16(b[0:2])
	id.DeviceType = binary.LittleEndian.Uint16(b[2:4])
	id.ProductCode = binary.LittleEndian.Uint16(b[4:6])
	id.RevisionMajor, id.RevisionMinor = b[6], b[7]
	id.Status = binary.LittleEndian.Uint16(b[8:10])
	id.SerialNumber = binary.LittleEndian.Uint32(b[10:14])
	n := int(b[14])
	if len(b) < 15+n {
		return nil, ErrMalformed
	}
	id.ProductName = b[15 : 15+n]
	return b[15+n:], nil
}

// DecodeIdentity reads the data of a Get_Attributes_All reply from the Identity object
// (class 1) into id. Pairing calls it for replies it ties to such a request.
func DecodeIdentity(data []byte, id *Identity) error {
	*id = Identity{Source: IdentityFromGetAttributes}
	rest, err := parseIdentityAttributes(data, id)
	if err != nil {
		return err
	}
	if len(rest) >= 1 { // attribute 8, state, when the device includes it
		id.State, id.HasState = rest[0], true
	}
	return nil
}

// ParseIO decodes a class-0/1 I/O datagram (UDP port 2222): a common packet format
// with a sequenced address item and a connected data item.
func ParseIO(b []byte, m *Message) error {
	m.reset()
	m.IO = true
	if err := m.parseItems(b); err != nil {
		return err
	}
	for _, it := range m.ItemList() {
		switch it.Type {
		case ItemSequencedAddress, ItemConnectedAddress:
			if len(it.Data) < 4 {
				return ErrMalformed
			}
			m.Connected = true
			m.ConnectionID = binary.LittleEndian.Uint32(it.Data[0:4])
			if it.Type == ItemSequencedAddress {
				if len(it.Data) < 8 {
					return ErrMalformed
				}
				m.EncapSequence = binary.LittleEndian.Uint32(it.Data[4:8])
			}
		case ItemConnectedData:
			// Class-1 data starts with a 16-bit sequence count; class-0 data has none
			// and cannot be told apart here, so the count is taken when present.
			m.IOData = it.Data
			if len(it.Data) >= 2 {
				m.CIPSequence = binary.LittleEndian.Uint16(it.Data[0:2])
				m.IOData = it.Data[2:]
			}
		}
	}
	if !m.Connected {
		return ErrMalformed
	}
	return nil
}

// ParseDatagram decodes a UDP datagram by its ports: class-0/1 I/O on PortIO
// (ParseIO), encapsulation messages such as ListIdentity broadcasts and their replies
// on Port (Parse). Other ports give ErrNotENIP.
func ParseDatagram(srcPort, dstPort uint16, b []byte, m *Message) error {
	switch {
	case srcPort == PortIO || dstPort == PortIO:
		return ParseIO(b, m)
	case srcPort == Port || dstPort == Port:
		return Parse(b, m)
	}
	m.reset()
	return ErrNotENIP
}
