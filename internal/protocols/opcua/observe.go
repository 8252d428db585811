package opcua

import (
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
)

// App is the OPC UA binary protocol (opc.tcp, port 4840).
var App = observe.Register(observe.Protocol{
	Name:      "opcua",
	TCPPorts:  []uint16{4840},
	PDULen:    PDULen,
	DetectTCP: detectOPCUA,
	New:       func() observe.Handler { return new(opcuaHandler) },
	Rules:     opcuaRules,
	Match:     opcuaMatch,
	OpName: func(code uint32) string {
		if code < 0x100 {
			if n := Service(code).String(); n != "unknown" {
				return n
			}
		}
		return ""
	},
})

// The alerts of OPC UA requests that change the server or make it act. Only requests
// are operations (the handler reports no responses), so each alert is a client asking.
//
//   - Write sets attribute values of nodes (process variables, setpoints, configuration):
//     T0836 Modify Parameter.
//   - Call invokes a method the server exposes, code that runs on the server with the
//     client's arguments (start a batch, acknowledge, reconfigure): T0871 Execution through
//     API, the server's API being its methods.
//   - AddNodes changes the server's address space, what it offers its clients:
//     T0836 Modify Parameter, the nearest ATT&CK for ICS has to a change of a device's
//     configuration.
//   - DeleteNodes removes nodes, and the values and references they held, from the
//     address space: T0809 Data Destruction. It is ranked higher than the others:
//     clients that read the deleted nodes lose them.
//
// Reads, browses, subscriptions and publishing raise nothing: they are a client's normal
// polling.
var (
	ruleOPCUAWrite       = observe.NewRule("opcua/write", "OPC UA Write (node attribute values written)", finding.Medium, "T0836")
	ruleOPCUACall        = observe.NewRule("opcua/call", "OPC UA Call (server method invoked)", finding.Medium, "T0871")
	ruleOPCUAAddNodes    = observe.NewRule("opcua/add-nodes", "OPC UA AddNodes (nodes added to the address space)", finding.Medium, "T0836")
	ruleOPCUADeleteNodes = observe.NewRule("opcua/delete-nodes", "OPC UA DeleteNodes (nodes deleted from the address space)", finding.High, "T0809")
	opcuaRules           = []*observe.Rule{ruleOPCUAWrite, ruleOPCUACall, ruleOPCUAAddNodes, ruleOPCUADeleteNodes}
)

func opcuaMatch(op *observe.Operation) *observe.Rule {
	if op.Code >= 0x100 {
		return nil
	}
	switch Service(op.Code) {
	case ServiceWrite:
		return ruleOPCUAWrite
	case ServiceCall:
		return ruleOPCUACall
	case ServiceAddNodes:
		return ruleOPCUAAddNodes
	case ServiceDeleteNodes:
		return ruleOPCUADeleteNodes
	}
	return nil
}

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
