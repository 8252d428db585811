package observe

import "github.com/zonewarden/zonewarden/internal/protocols"

// OpSink is implemented by a Sink that wants every protocol operation as it is seen,
// not only the per-flow counts of Flow: a detector raising alerts within a packet of
// the operation. The pointer is valid only during the call.
type OpSink interface {
	Operation(op *Operation)
}

// Operation is one protocol operation (a request a dissector counted with Conn.Op),
// with where it was seen and the parameters a detector judges it by.
type Operation struct {
	At       Provenance
	App      App
	Code     uint32 // the protocol's operation code; App.OpName names it
	Class    protocols.OpClass
	Src, Dst Endpoint
	// SrcPort and DstPort are 0 for protocols below IP (PROFINET DCP).
	SrcPort, DstPort uint16
	// FromClient: the sender opened the conversation.
	FromClient bool
	// TCP: the operation came over TCP (else UDP, or below IP when both ports are 0).
	TCP bool
	// Broadcast: the packet went to a broadcast or multicast address.
	Broadcast bool
	Detail    OpDetail
}

// OpDetail holds the parameters of an operation that its code does not tell. Which
// fields are set depends on the protocol; the Has flags say which.
type OpDetail struct {
	// Station is the Modbus unit id, the DNP3 destination or the IEC 104 common address.
	Station    uint16
	HasStation bool
	// SubFunction is Modbus function 8's sub-function.
	SubFunction uint16
	HasSub      bool
	// Address and Quantity: the Modbus register or coil range, the first IEC 104
	// information object address (Quantity: objects).
	Address, Quantity uint32
	HasAddress        bool
	// Cause is the cause of transmission (IEC 104); Select its select/execute bit.
	Cause    uint8
	Select   bool
	HasCause bool
	// CIPClass and CIPInstance: the object an EtherNet/IP request addresses.
	CIPClass, CIPInstance uint32
	HasCIPPath            bool
	// Block names the S7 block of a download, upload or delete ("OB1"), PIService the
	// PI service of a PLC control request (such as "_INSE", "P_PROGRAM").
	BlockType   uint8
	BlockNumber uint32
	HasBlock    bool
	PIService   [16]byte
	PILen       uint8
}

// PIServiceName returns the PI service name, aliasing d.
func (d *OpDetail) PIServiceName() []byte { return d.PIService[:d.PILen] }

// DetailFiller is implemented by a Handler whose operations have parameters a detector
// judges them by: FillDetail copies those of the message it has just parsed (the one
// whose operation it is reporting with Conn.Op) into d, which starts zeroed, and sets the
// Has flags of what it filled. It must not allocate.
type DetailFiller interface {
	FillDetail(d *OpDetail)
}

// emitOp hands the operation being counted to the sink when it wants operations. The
// details are read from the message the protocol's handler has just parsed, which is
// still in the handler while it reports the operation.
func (c *Conn) emitOp(code uint32, class protocols.OpClass) {
	os, ok := c.p.sink.(OpSink)
	if !ok {
		return
	}
	op := &c.op
	pk := c.Packet
	*op = Operation{At: c.Provenance(), Code: code, Class: class, Src: c.Endpoint(Sender), Dst: c.Endpoint(Receiver),
		SrcPort: pk.SrcPort, DstPort: pk.DstPort, FromClient: c.FromClient(), TCP: c.IsTCP(),
		Broadcast: pk.DstMAC[0]&1 != 0 || (pk.DstIP.Is4() && pk.DstIP.As4()[3] == 0xff)}
	if c.st != nil {
		op.App = c.st.app
	}
	if op.App != 0 && int(op.App) < len(c.p.handlers) {
		if f, ok := c.p.handlers[op.App].(DetailFiller); ok {
			f.FillDetail(&op.Detail)
		}
	}
	os.Operation(op)
}
