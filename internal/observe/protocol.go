package observe

import (
	"fmt"
	"strconv"

	"github.com/zonewarden/zonewarden/internal/decode"
)

// App identifies a registered protocol; 0 is "not recognised". Values are assigned in
// registration order and are only meaningful within one run: outputs use names.
type App uint8

// Protocol describes a dissector to the pipeline: where its traffic is found and how to
// make its handler. A dissector registers one from an init function in its own file.
type Protocol struct {
	// Name is the protocol's name in outputs ("modbus", "s7comm", ...).
	Name string
	// TCPPorts and UDPPorts are the well-known server ports; EtherTypes the EtherTypes of
	// non-IP frames.
	TCPPorts   []uint16
	UDPPorts   []uint16
	EtherTypes []uint16
	// LLC recognises an IEEE 802.3 frame (a length instead of an EtherType: STP, CDP) of
	// the protocol by its destination address and payload (the LLC header onwards).
	LLC func(dst *[6]byte, payload []byte) bool
	// PDULen frames the TCP stream into PDUs. Nil for a TCP protocol means the handler
	// gets each in-order segment payload as it comes.
	PDULen decode.PDULenFunc
	// DetectTCP and DetectUDP recognise the protocol from the first payload of a flow on
	// a port that names no protocol (or names one the payload is not). They must be
	// strict: a false positive mislabels a conversation.
	DetectTCP func(payload []byte) bool
	DetectUDP func(payload []byte) bool
	// Role says from a PDU's own bytes (as Handle gets it) whether the client or the
	// server of the conversation sent it. The pipeline asks it about a flow's first PDUs
	// when neither a TCP handshake nor a well-known server port on one side only showed
	// which side opened the conversation (a capture that starts in the middle of one, a
	// protocol whose both ends use its port or ephemeral ports), and re-orients the flow
	// by the first answer that is not PDUUnknown. It must not keep pdu or allocate. Nil:
	// the protocol's PDUs do not tell.
	Role func(pdu []byte) PDURole
	// New makes the protocol's handler; each pipeline (worker) has its own.
	New func() Handler
	// OpName names an operation code the handler counted with Conn.Op.
	OpName func(code uint32) string
	// Rules are the alerts the protocol's operations can raise, and Match picks the
	// rule of one operation (nil for none) by the protocol's own operation codes.
	Rules []*Rule
	Match func(op *Operation) *Rule
	// FlowMatch picks the rule a whole flow raises when it ends (a storm of error
	// answers, say); its Rule is nil for none.
	FlowMatch func(f *Flow) FlowHit
}

// PDURole is which end of a conversation a PDU's own structure says sent it.
type PDURole uint8

const (
	PDUUnknown  PDURole = iota // the PDU does not tell (a keep-alive either end sends)
	PDURequest                 // sent by the client: a request, a command
	PDUResponse                // sent by the server: an answer, or a report the server sends unasked
)

// Handler dissects one protocol. Handle is given one PDU of a TCP stream (as PDULen cut
// it), one UDP datagram's payload, or one non-IP frame's payload after the EtherType;
// c tells which packet and flow it belongs to and takes what the handler learns. Handle
// must not keep b or allocate in steady state.
type Handler interface {
	Handle(c *Conn, b []byte)
}

// FlowEnder is implemented by handlers that keep per-flow state (Conn.SetExt): FlowEnd is
// called with that state when the flow ends, so it can be reused.
type FlowEnder interface {
	FlowEnd(ext any)
}

type etherEntry struct {
	etherType uint16
	app       App
}

// The registry is filled by init functions and read-only afterwards.
var (
	protocolsByApp = []Protocol{{Name: "unknown"}}
	tcpPortApp     [1 << 16]App
	udpPortApp     [1 << 16]App
	etherApps      []etherEntry
	llcApps        []App
)

// Register adds a protocol and returns its App. It panics on a duplicate name or port,
// which is a programming error found the first time the binary runs.
func Register(p Protocol) App {
	if p.Name == "" || p.New == nil {
		panic("observe: Register needs a name and a handler constructor")
	}
	if len(protocolsByApp) > 255 {
		panic("observe: too many protocols")
	}
	for _, q := range protocolsByApp {
		if q.Name == p.Name {
			panic("observe: protocol " + p.Name + " registered twice")
		}
	}
	app := App(len(protocolsByApp))
	for _, port := range p.TCPPorts {
		if tcpPortApp[port] != 0 {
			panic(fmt.Sprintf("observe: tcp port %d claimed by %s and %s", port, protocolsByApp[tcpPortApp[port]].Name, p.Name))
		}
		tcpPortApp[port] = app
	}
	for _, port := range p.UDPPorts {
		if udpPortApp[port] != 0 {
			panic(fmt.Sprintf("observe: udp port %d claimed by %s and %s", port, protocolsByApp[udpPortApp[port]].Name, p.Name))
		}
		udpPortApp[port] = app
	}
	for _, et := range p.EtherTypes {
		if et < 0x0600 {
			panic("observe: " + p.Name + ": EtherType below 0x0600 is a length; use LLC")
		}
		etherApps = append(etherApps, etherEntry{et, app})
	}
	if p.LLC != nil {
		llcApps = append(llcApps, app)
	}
	protocolsByApp = append(protocolsByApp, p)
	return app
}

// String returns the protocol's name ("unknown" for 0).
func (a App) String() string {
	if int(a) < len(protocolsByApp) {
		return protocolsByApp[a].Name
	}
	return "unknown"
}

// OpName names an operation code of the protocol; codes without a name are spelled
// "op_0x..".
func (a App) OpName(code uint32) string {
	if int(a) < len(protocolsByApp) && protocolsByApp[a].OpName != nil {
		if n := protocolsByApp[a].OpName(code); n != "" {
			return n
		}
	}
	return "op_0x" + strconv.FormatUint(uint64(code), 16)
}

// AppByName returns the registered protocol called name.
func AppByName(name string) (App, bool) {
	for i, p := range protocolsByApp {
		if i > 0 && p.Name == name {
			return App(i), true
		}
	}
	return 0, false
}

// Protocols returns the names of the registered protocols in registration order.
func Protocols() []string {
	names := make([]string, 0, len(protocolsByApp)-1)
	for _, p := range protocolsByApp[1:] {
		names = append(names, p.Name)
	}
	return names
}

// TCPPortApp returns the protocol registered for a TCP port (0 when none).
func TCPPortApp(port uint16) App { return tcpPortApp[port] }

// UDPPortApp returns the protocol registered for a UDP port (0 when none).
func UDPPortApp(port uint16) App { return udpPortApp[port] }

// IsServerPort reports whether port is a server port of transport proto: below 1024, or
// registered by a protocol. A flow picked up without its TCP handshake whose packets
// have such a port on one side only is oriented with that side as the server.
func IsServerPort(proto uint8, port uint16) bool {
	switch {
	case port < 1024:
		return true
	case proto == decode.ProtoTCP:
		return tcpPortApp[port] != 0
	case proto == decode.ProtoUDP:
		return udpPortApp[port] != 0
	}
	return false
}

// frameApp returns the protocol of a non-IP frame.
func frameApp(et uint16, dst *[6]byte, payload []byte) App {
	if et == 0 {
		for _, a := range llcApps {
			if protocolsByApp[a].LLC(dst, payload) {
				return a
			}
		}
		return 0
	}
	for _, e := range etherApps {
		if e.etherType == et {
			return e.app
		}
	}
	return 0
}
