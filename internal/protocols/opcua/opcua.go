package opcua

import (
	"errors"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// MaxChunkSize bounds the message size PDULen accepts, so that a hostile size cannot make
// a stream reassembler buffer without limit. Servers commonly negotiate 64 KiB chunks.
const MaxChunkSize = 1 << 24

const headerLen = 8

// SecurityPolicyNone is the URI of the policy without signing or encryption.
const SecurityPolicyNone = "http://opcfoundation.org/UA/SecurityPolicy#None"

var (
	errNotOPCUA  = errors.New("opcua: unknown message type (want HEL, ACK, ERR, RHE, OPN, MSG or CLO)")
	errChunkType = errors.New("opcua: unknown chunk type (want F, C or A)")
	errSize      = errors.New("opcua: message size outside 8 octets .. MaxChunkSize")
	errTruncated = errors.New("opcua: message shorter than its size")
	errBody      = errors.New("opcua: message body truncated or malformed")
)

// MessageType is the three-letter type of a chunk.
type MessageType uint8

const (
	TypeHello MessageType = iota + 1
	TypeAcknowledge
	TypeError
	TypeReverseHello
	TypeOpenSecureChannel
	TypeMessage
	TypeCloseSecureChannel
)

var typeNames = [...]string{"", "HEL", "ACK", "ERR", "RHE", "OPN", "MSG", "CLO"}

func (t MessageType) String() string {
	if int(t) < len(typeNames) && t != 0 {
		return typeNames[t]
	}
	return "unknown"
}

func messageType(b []byte) MessageType {
	switch string(b[:3]) {
	case "HEL":
		return TypeHello
	case "ACK":
		return TypeAcknowledge
	case "ERR":
		return TypeError
	case "RHE":
		return TypeReverseHello
	case "OPN":
		return TypeOpenSecureChannel
	case "MSG":
		return TypeMessage
	case "CLO":
		return TypeCloseSecureChannel
	}
	return 0
}

// Security modes of a channel.
const (
	SecurityModeNone           uint32 = 1
	SecurityModeSign           uint32 = 2
	SecurityModeSignAndEncrypt uint32 = 3
)

// Application is the description of a client or server application.
type Application struct {
	URI        []byte
	ProductURI []byte
	Name       []byte
	Type       uint32 // 0 server, 1 client, 2 client and server, 3 discovery server
}

// Message is one OPC UA binary chunk.
type Message struct {
	Type  MessageType
	Chunk byte // 'F' final, 'C' intermediate, 'A' abort
	Size  uint32

	// HEL and ACK
	ProtocolVersion   uint32
	ReceiveBufferSize uint32
	SendBufferSize    uint32
	MaxMessageSize    uint32
	MaxChunkCount     uint32
	// EndpointURL: HEL, RHE, CreateSession requests, and the first endpoint of
	// CreateSession and GetEndpoints responses (aliases the input).
	EndpointURL []byte
	ServerURI   []byte // RHE

	// ERR and aborted chunks
	ErrorCode uint32
	Reason    []byte

	// OPN, MSG and CLO
	SecureChannelID   uint32
	SecurityPolicyURI []byte // OPN; in responses, the first endpoint's policy
	TokenID           uint32 // MSG and CLO
	SequenceNumber    uint32
	RequestID         uint32
	// Opaque: the body could not be read, because it is encrypted (OPN with a policy
	// other than None, MSG on an encrypting channel) or continues an earlier chunk.
	Opaque bool

	HasService      bool
	ServiceID       uint32 // binary encoding id of the body's type
	Service         Service
	Response        bool
	ServiceResult   uint32 // responses
	HasSecurityMode bool   // OpenSecureChannel requests with a readable body; first endpoint of responses
	SecurityMode    uint32
	RequestType     uint32 // OpenSecureChannel: 0 issue, 1 renew
	HasApplication  bool
	Application     Application // CreateSession: the client's; responses: the server's
	ItemCount       int32       // Read, Write, Browse, Call: nodes or methods asked for; -1 if not read
}

// PDULen returns the size of the chunk at b[0]: 0 with no error while its 8-octet
// header is incomplete, an error when b does not start an OPC UA chunk.
func PDULen(b []byte) (int, error) {
	if len(b) < headerLen {
		return 0, nil
	}
	if messageType(b) == 0 {
		return 0, errNotOPCUA
	}
	if b[3] != 'F' && b[3] != 'C' && b[3] != 'A' {
		return 0, errChunkType
	}
	n := le32(b[4:])
	if n < headerLen || n > MaxChunkSize {
		return 0, errSize
	}
	return int(n), nil
}

// Parse decodes one chunk from b into m, which it resets first. Slices in m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{ItemCount: -1}
	n, err := PDULen(b)
	if err != nil {
		return err
	}
	if n == 0 || n > len(b) {
		return errTruncated
	}
	m.Type, m.Chunk, m.Size = messageType(b), b[3], uint32(n)
	r := reader{b: b[headerLen:n]}
	switch m.Type {
	case TypeHello, TypeAcknowledge:
		m.ProtocolVersion, m.ReceiveBufferSize, m.SendBufferSize = r.u32(), r.u32(), r.u32()
		m.MaxMessageSize, m.MaxChunkCount = r.u32(), r.u32()
		if m.Type == TypeHello {
			m.EndpointURL = r.str()
		}
	case TypeError:
		m.ErrorCode, m.Reason = r.u32(), r.str()
	case TypeReverseHello:
		m.ServerURI, m.EndpointURL = r.str(), r.str()
	case TypeOpenSecureChannel:
		m.SecureChannelID = r.u32()
		m.SecurityPolicyURI = r.str()
		r.str() // sender certificate
		r.str() // receiver certificate thumbprint
		if r.bad {
			return errBody
		}
		if string(m.SecurityPolicyURI) != SecurityPolicyNone {
			m.Opaque = true // the rest is encrypted with the peer's public key
			return nil
		}
		m.SequenceNumber, m.RequestID = r.u32(), r.u32()
		m.parseBody(&r)
	case TypeMessage, TypeCloseSecureChannel:
		m.SecureChannelID, m.TokenID = r.u32(), r.u32()
		if r.bad {
			return errBody
		}
		if m.Chunk == 'A' {
			// An aborted message's body is an error code and reason, in clear when the
			// channel does not encrypt.
			m.SequenceNumber, m.RequestID = r.u32(), r.u32()
			m.ErrorCode, m.Reason = r.u32(), r.str()
			if r.bad {
				m.ErrorCode, m.Reason, m.Opaque = 0, nil, true
			}
			return nil
		}
		m.SequenceNumber, m.RequestID = r.u32(), r.u32()
		m.parseBody(&r)
	}
	if r.bad && !m.Opaque {
		return errBody
	}
	return nil
}

// parseBody reads the body's type id and, for the services that show them, the
// security mode, application description, endpoint URL and item count. A body whose type
// id is not a known service is taken as opaque rather than malformed.
func (m *Message) parseBody(r *reader) {
	if r.bad {
		return
	}
	body := *r
	ns, id, numeric := r.nodeID(false)
	svc, resp, ok := serviceOf(id)
	if r.bad || !numeric || ns != 0 || !ok {
		*r = body
		r.bad = false
		m.Opaque = true
		return
	}
	m.HasService, m.ServiceID, m.Service, m.Response = true, id, svc, resp
	if resp {
		m.ServiceResult = r.responseHeader()
	} else {
		r.requestHeader()
	}
	if r.bad {
		// A first chunk of a long message, or a signed body we misread: the service id
		// stands, the details are dropped.
		r.bad = false
		return
	}
	switch {
	case svc == ServiceOpenSecureChannel && !resp:
		r.u32() // client protocol version
		m.RequestType = r.u32()
		m.SecurityMode = r.u32()
		m.HasSecurityMode = !r.bad
	case svc == ServiceCreateSession && !resp:
		m.readApplication(r)
		r.str() // server URI
		m.EndpointURL = r.str()
	case svc == ServiceCreateSession && resp:
		r.nodeID(false) // session id
		r.nodeID(false) // authentication token
		r.skip(8)       // revised session timeout
		r.str()         // server nonce
		r.str()         // server certificate
		m.readFirstEndpoint(r)
	case svc == ServiceGetEndpoints && resp:
		m.readFirstEndpoint(r)
	case svc == ServiceRead && !resp:
		r.skip(8) // max age
		r.u32()   // timestamps to return
		m.ItemCount = int32(r.u32())
	case svc == ServiceBrowse && !resp:
		r.nodeID(false) // view id
		r.skip(8)       // view timestamp
		r.u32()         // view version
		r.u32()         // requested max references per node
		m.ItemCount = int32(r.u32())
	case (svc == ServiceWrite || svc == ServiceCall) && !resp:
		m.ItemCount = int32(r.u32())
	}
	if r.bad {
		m.HasApplication, m.ItemCount = false, -1
		r.bad = false
	}
}

func (m *Message) readApplication(r *reader) {
	a := &m.Application
	a.URI = r.str()
	a.ProductURI = r.str()
	a.Name = r.localizedText()
	a.Type = r.u32()
	r.str()         // gateway server URI
	r.str()         // discovery profile URI
	r.stringArray() // discovery URLs
	m.HasApplication = !r.bad
}

// readFirstEndpoint reads the first EndpointDescription of an array: its URL, server
// application, and security mode and policy.
func (m *Message) readFirstEndpoint(r *reader) {
	if n := int32(r.u32()); n < 1 || r.bad {
		return
	}
	url := r.str()
	m.readApplication(r)
	r.str() // server certificate
	mode := r.u32()
	policy := r.str()
	if !r.bad {
		m.EndpointURL = url
		m.SecurityMode, m.HasSecurityMode = mode, true
		m.SecurityPolicyURI = policy
	}
}

// OpClass returns the class of the chunk's service; responses carry their request's.
func (m *Message) OpClass() protocols.OpClass {
	if !m.HasService {
		return protocols.OpNone
	}
	return m.Service.OpClass()
}
