package opcua

import "github.com/zonewarden/zonewarden/internal/observe"

// App is the OPC UA binary protocol (opc.tcp, port 4840).
var App = observe.Register(observe.Protocol{
	Name:      "opcua",
	TCPPorts:  []uint16{4840},
	PDULen:    PDULen,
	DetectTCP: detectOPCUA,
	New:       func() observe.Handler { return new(opcuaHandler) },
	OpName: func(code uint32) string {
		if code < 0x100 {
			if n := Service(code).String(); n != "unknown" {
				return n
			}
		}
		return ""
	},
})

type opcuaHandler struct{ m Message }

const (
	opcuaOnceEndpoint = iota
	opcuaOncePolicy
)

func (h *opcuaHandler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	server := observe.Receiver // the side that serves the endpoint
	if !c.FromClient() {
		server = observe.Sender
	}
	if m.Type == TypeError || m.Chunk == 'A' {
		c.Anomaly(observe.AnomalyErrorResponse)
	}
	if len(m.EndpointURL) > 0 && c.Once(opcuaOnceEndpoint) {
		// Hello and CreateSession name the endpoint the client asks for; responses list
		// the server's own.
		conf := observe.Medium
		if server == observe.Sender {
			conf = observe.High
		}
		c.Identity(server, observe.FieldEndpointURL, m.EndpointURL, conf)
	}
	if len(m.SecurityPolicyURI) > 0 && c.Once(opcuaOncePolicy) {
		c.Identity(server, observe.FieldSecurityPolicy, m.SecurityPolicyURI, observe.High)
	}
	if m.HasService {
		if !m.Response {
			c.Op(uint32(m.Service), m.OpClass())
		} else if m.ServiceResult&0x80000000 != 0 { // a Bad status code
			c.Anomaly(observe.AnomalyErrorResponse)
		}
	}
	if m.HasApplication {
		// CreateSession requests describe the client, responses the server: the sender.
		a := &m.Application
		c.Identity(observe.Sender, observe.FieldApplicationName, a.Name, observe.High)
		c.Identity(observe.Sender, observe.FieldApplicationURI, a.URI, observe.High)
		c.Identity(observe.Sender, observe.FieldProductURI, a.ProductURI, observe.High)
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
	n, err := PDULen(b)
	return err == nil && n == len(b)
}
