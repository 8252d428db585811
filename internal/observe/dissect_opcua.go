package observe

import (
	"github.com/zonewarden/zonewarden/internal/protocols/opcua"
)

// AppOPCUA is the OPC UA binary protocol (opc.tcp, port 4840).
var AppOPCUA = Register(Protocol{
	Name:      "opcua",
	TCPPorts:  []uint16{4840},
	PDULen:    opcua.PDULen,
	DetectTCP: detectOPCUA,
	New:       func() Handler { return new(opcuaHandler) },
	OpName: func(code uint32) string {
		if code < 0x100 {
			if n := opcua.Service(code).String(); n != "unknown" {
				return n
			}
		}
		return ""
	},
})

type opcuaHandler struct{ m opcua.Message }

const (
	opcuaOnceEndpoint = iota
	opcuaOncePolicy
)

func (h *opcuaHandler) Handle(c *Conn, b []byte) {
	m := &h.m
	if err := opcua.Parse(b, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	server := Receiver // the side that serves the endpoint
	if !c.FromClient() {
		server = Sender
	}
	if m.Type == opcua.TypeError || m.Chunk == 'A' {
		c.Anomaly(AnomalyErrorResponse)
	}
	if len(m.EndpointURL) > 0 && c.Once(opcuaOnceEndpoint) {
		// Hello and CreateSession name the endpoint the client asks for; responses list
		// the server's own.
		conf := Medium
		if server == Sender {
			conf = High
		}
		c.Identity(server, FieldEndpointURL, m.EndpointURL, conf)
	}
	if len(m.SecurityPolicyURI) > 0 && c.Once(opcuaOncePolicy) {
		c.Identity(server, FieldSecurityPolicy, m.SecurityPolicyURI, High)
	}
	if m.HasService {
		if !m.Response {
			c.Op(uint32(m.Service), m.OpClass())
		} else if m.ServiceResult&0x80000000 != 0 { // a Bad status code
			c.Anomaly(AnomalyErrorResponse)
		}
	}
	if m.HasApplication {
		// CreateSession requests describe the client, responses the server: the sender.
		a := &m.Application
		c.Identity(Sender, FieldApplicationName, a.Name, High)
		c.Identity(Sender, FieldApplicationURI, a.URI, High)
		c.Identity(Sender, FieldProductURI, a.ProductURI, High)
	}
}

// detectOPCUA recognises an OPC UA chunk: a known message type, a chunk flag and a
// size that covers the segment exactly.
func detectOPCUA(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	switch string(b[:3]) {
	case "HEL", "ACK", "OPN", "MSG", "CLO", "ERR", "RHE":
	default:
		return false
	}
	n, err := opcua.PDULen(b)
	return err == nil && n == len(b)
}
