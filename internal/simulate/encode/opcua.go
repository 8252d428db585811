package encode

import (
	"math"
	"time"
)

// OPC UA binary (opc.tcp) messages. Everything is little-endian; strings and byte
// strings carry an Int32 length, -1 meaning null.

// OPC UA service type ids (binary encodings) the simulator sends.
const (
	uaOpenSecureChannelRequest  = 446
	uaOpenSecureChannelResponse = 449
	uaCloseSecureChannelRequest = 452
	uaCreateSessionRequest      = 461
	uaCreateSessionResponse     = 464
	uaActivateSessionRequest    = 467
	uaActivateSessionResponse   = 470
	uaCloseSessionRequest       = 473
	uaCloseSessionResponse      = 476
	uaReadRequest               = 631
	uaReadResponse              = 634
	uaAnonymousIdentityToken    = 321
)

// UASecurityPolicyNone is the URI of the security policy without security.
const UASecurityPolicyNone = "http://opcfoundation.org/UA/SecurityPolicy#None"

func uaString(b []byte, s string) []byte {
	if s == "" {
		return u32le(b, 0xffffffff)
	}
	s = clipN(s, 4096)
	return append(u32le(b, uint32(len(s))), s...)
}

func uaBytes(b []byte, n int, f *Filler) []byte {
	if n < 0 {
		return u32le(b, 0xffffffff)
	}
	return f.Append(u32le(b, uint32(n)), n)
}

// uaNodeID appends a numeric node id in the shortest encoding.
func uaNodeID(b []byte, ns uint16, id uint32) []byte {
	switch {
	case ns == 0 && id <= 0xff:
		return append(b, 0x00, byte(id))
	case ns <= 0xff && id <= 0xffff:
		return u16le(append(b, 0x01, byte(ns)), uint16(id))
	}
	return u32le(u16le(append(b, 0x02), ns), id)
}

// uaStringNodeID appends a string node id such as ns=2;s=Filter1.Level.
func uaStringNodeID(b []byte, ns uint16, id string) []byte {
	return uaString(u16le(append(b, 0x03), ns), id)
}

// UADateTime converts t to OPC UA's 100-nanosecond ticks since 1601-01-01.
func UADateTime(t time.Time) uint64 {
	return uint64(t.UnixNano()/100 + 116444736000000000)
}

// UAChunkStart appends a message chunk header of type typ ("HEL", "ACK", "OPN", "MSG",
// "CLO"), final; UAChunkEnd patches its size.
func UAChunkStart(b []byte, typ string) (out []byte, start int) {
	start = len(b)
	b = append(b, typ[0], typ[1], typ[2], 'F')
	return u32le(b, 0), start
}

// UAChunkEnd patches the size of the chunk started at start.
func UAChunkEnd(b []byte, start int) []byte {
	putU32le(b, start+4, len(b)-start)
	return b
}

// UAHello appends a Hello for endpoint url.
func UAHello(b []byte, url string) []byte {
	b, st := UAChunkStart(b, "HEL")
	b = u32le(b, 0)
	b = u32le(b, 65536)
	b = u32le(b, 65536)
	b = u32le(b, 0)
	b = u32le(b, 0)
	b = uaString(b, url)
	return UAChunkEnd(b, st)
}

// UAAcknowledge appends the server's Acknowledge.
func UAAcknowledge(b []byte) []byte {
	b, st := UAChunkStart(b, "ACK")
	b = u32le(b, 0)
	b = u32le(b, 65536)
	b = u32le(b, 65536)
	b = u32le(b, 16777216)
	b = u32le(b, 5000)
	return UAChunkEnd(b, st)
}

// UAHeader holds what every request or response of a session carries.
type UAHeader struct {
	Channel   uint32
	Token     uint32
	Seq       uint32
	RequestID uint32
	Handle    uint32
	AuthToken uint32 // numeric node id ns=0 of the session's authentication token (0: null)
	Time      time.Time
}

func uaRequestHeader(b []byte, h *UAHeader) []byte {
	if h.AuthToken == 0 {
		b = append(b, 0, 0)
	} else {
		b = uaNodeID(b, 0, h.AuthToken)
	}
	b = u64le(b, UADateTime(h.Time))
	b = u32le(b, h.Handle)
	b = u32le(b, 0)
	b = uaString(b, "")
	b = u32le(b, 10000)
	return append(b, 0, 0, 0) // no additional header
}

func uaResponseHeader(b []byte, h *UAHeader) []byte {
	b = u64le(b, UADateTime(h.Time))
	b = u32le(b, h.Handle)
	b = u32le(b, 0)           // Good
	b = append(b, 0)          // no diagnostics
	b = u32le(b, 0xffffffff)  // no string table
	return append(b, 0, 0, 0) // no additional header
}

// uaMSG starts a MSG or CLO chunk with the symmetric security header and service id.
func uaMSG(b []byte, typ string, h *UAHeader, service uint32) (out []byte, start int) {
	b, st := UAChunkStart(b, typ)
	b = u32le(b, h.Channel)
	b = u32le(b, h.Token)
	b = u32le(b, h.Seq)
	b = u32le(b, h.RequestID)
	return uaNodeID(b, 0, service), st
}

// UAOpenRequest appends an OpenSecureChannel request (issue, security None).
func UAOpenRequest(b []byte, h *UAHeader) []byte {
	b, st := UAChunkStart(b, "OPN")
	b = u32le(b, 0)
	b = uaString(b, UASecurityPolicyNone)
	b = u32le(b, 0xffffffff)
	b = u32le(b, 0xffffffff)
	b = u32le(b, h.Seq)
	b = u32le(b, h.RequestID)
	b = uaNodeID(b, 0, uaOpenSecureChannelRequest)
	b = uaRequestHeader(b, h)
	b = u32le(b, 0) // client protocol version
	b = u32le(b, 0) // issue
	b = u32le(b, 1) // security mode None
	b = append(b, 0, 0, 0, 0)
	b = u32le(b, 3600000)
	return UAChunkEnd(b, st)
}

// UAOpenResponse appends the answer to UAOpenRequest issuing channel h.Channel and token
// h.Token.
func UAOpenResponse(b []byte, h *UAHeader) []byte {
	b, st := UAChunkStart(b, "OPN")
	b = u32le(b, h.Channel)
	b = uaString(b, UASecurityPolicyNone)
	b = u32le(b, 0xffffffff)
	b = u32le(b, 0xffffffff)
	b = u32le(b, h.Seq)
	b = u32le(b, h.RequestID)
	b = uaNodeID(b, 0, uaOpenSecureChannelResponse)
	b = uaResponseHeader(b, h)
	b = u32le(b, 0)
	b = u32le(b, h.Channel)
	b = u32le(b, h.Token)
	b = u64le(b, UADateTime(h.Time))
	b = u32le(b, 3600000)
	b = append(b, 0, 0, 0, 0) // empty server nonce
	return UAChunkEnd(b, st)
}

// UAApplication describes an OPC UA application.
type UAApplication struct {
	URI, ProductURI, Name string
	Type                  uint32 // 0 server, 1 client
}

func uaApplication(b []byte, a *UAApplication, discoveryURL string) []byte {
	b = uaString(b, a.URI)
	b = uaString(b, a.ProductURI)
	b = append(b, 0x02)
	b = uaString(b, a.Name)
	b = u32le(b, a.Type)
	b = uaString(b, "")
	b = uaString(b, "")
	if discoveryURL == "" {
		return u32le(b, 0xffffffff)
	}
	return uaString(u32le(b, 1), discoveryURL)
}

// UACreateSessionRequest appends a CreateSession request from client to endpoint url.
func UACreateSessionRequest(b []byte, h *UAHeader, client *UAApplication, url, session string, f *Filler) []byte {
	b, st := uaMSG(b, "MSG", h, uaCreateSessionRequest)
	b = uaRequestHeader(b, h)
	b = uaApplication(b, client, "")
	b = uaString(b, "")
	b = uaString(b, url)
	b = uaString(b, session)
	b = uaBytes(b, 32, f)
	b = u32le(b, 0xffffffff)
	b = u64le(b, math.Float64bits(1200000))
	b = u32le(b, 16777216)
	return UAChunkEnd(b, st)
}

// UACreateSessionResponse appends the server's answer with its endpoint description.
func UACreateSessionResponse(b []byte, h *UAHeader, server *UAApplication, url string, session uint32, f *Filler) []byte {
	b, st := uaMSG(b, "MSG", h, uaCreateSessionResponse)
	b = uaResponseHeader(b, h)
	b = uaNodeID(b, 1, session)
	b = uaNodeID(b, 0, h.AuthToken)
	b = u64le(b, math.Float64bits(1200000))
	b = uaBytes(b, 32, f)
	b = u32le(b, 0xffffffff)
	// One endpoint: security None, anonymous login.
	b = u32le(b, 1)
	b = uaString(b, url)
	b = uaApplication(b, server, url)
	b = u32le(b, 0xffffffff)
	b = u32le(b, 1)
	b = uaString(b, UASecurityPolicyNone)
	b = u32le(b, 1)
	b = uaString(b, "anonymous")
	b = u32le(b, 0)
	b = uaString(b, "")
	b = uaString(b, "")
	b = uaString(b, "")
	b = uaString(b, "http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary")
	b = append(b, 0)
	b = u32le(b, 0)          // no software certificates
	b = uaString(b, "")      // signature algorithm
	b = u32le(b, 0xffffffff) // signature
	b = u32le(b, 16777216)
	return UAChunkEnd(b, st)
}

// UAActivateSessionRequest appends an anonymous ActivateSession.
func UAActivateSessionRequest(b []byte, h *UAHeader) []byte {
	b, st := uaMSG(b, "MSG", h, uaActivateSessionRequest)
	b = uaRequestHeader(b, h)
	b = uaString(b, "")
	b = u32le(b, 0xffffffff)
	b = u32le(b, 0)
	b = uaString(u32le(b, 1), "en-US")
	b = uaNodeID(b, 0, uaAnonymousIdentityToken)
	b = append(b, 0x01)
	b = u32le(b, 4+9)
	b = uaString(b, "anonymous")
	b = uaString(b, "")
	b = u32le(b, 0xffffffff)
	return UAChunkEnd(b, st)
}

// UAActivateSessionResponse appends the answer to UAActivateSessionRequest.
func UAActivateSessionResponse(b []byte, h *UAHeader, f *Filler) []byte {
	b, st := uaMSG(b, "MSG", h, uaActivateSessionResponse)
	b = uaResponseHeader(b, h)
	b = uaBytes(b, 32, f)
	b = u32le(b, 0)
	b = u32le(b, 0)
	return UAChunkEnd(b, st)
}

// UAReadRequest appends a Read of the Value attribute of the string node ids nodes in
// namespace ns.
func UAReadRequest(b []byte, h *UAHeader, ns uint16, nodes []string) []byte {
	b, st := uaMSG(b, "MSG", h, uaReadRequest)
	b = uaRequestHeader(b, h)
	b = u64le(b, 0)
	b = u32le(b, 0) // source timestamps
	b = u32le(b, uint32(len(nodes)))
	for _, n := range nodes {
		b = uaStringNodeID(b, ns, n)
		b = u32le(b, 13) // Value
		b = uaString(b, "")
		b = u16le(b, 0)
		b = uaString(b, "")
	}
	return UAChunkEnd(b, st)
}

// UAReadResponse appends the answer to a Read with a Double value per node.
func UAReadResponse(b []byte, h *UAHeader, values []float64) []byte {
	b, st := uaMSG(b, "MSG", h, uaReadResponse)
	b = uaResponseHeader(b, h)
	b = u32le(b, uint32(len(values)))
	for _, v := range values {
		b = append(b, 0x05) // value and source timestamp
		b = append(b, 0x0b) // Variant: Double
		b = u64le(b, math.Float64bits(v))
		b = u64le(b, UADateTime(h.Time))
	}
	b = u32le(b, 0xffffffff)
	return UAChunkEnd(b, st)
}

// UACloseSessionRequest appends a CloseSession.
func UACloseSessionRequest(b []byte, h *UAHeader) []byte {
	b, st := uaMSG(b, "MSG", h, uaCloseSessionRequest)
	b = uaRequestHeader(b, h)
	b = append(b, 1)
	return UAChunkEnd(b, st)
}

// UACloseSessionResponse appends the answer to a CloseSession.
func UACloseSessionResponse(b []byte, h *UAHeader) []byte {
	b, st := uaMSG(b, "MSG", h, uaCloseSessionResponse)
	return UAChunkEnd(uaResponseHeader(b, h), st)
}

// UACloseChannel appends a CloseSecureChannel (it has no answer).
func UACloseChannel(b []byte, h *UAHeader) []byte {
	b, st := uaMSG(b, "CLO", h, uaCloseSecureChannelRequest)
	return UAChunkEnd(uaRequestHeader(b, h), st)
}
