package observe

import (
	"net/netip"
	"strconv"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// Side picks an end of the current packet.
type Side uint8

const (
	Sender Side = iota
	Receiver
)

// Conn is what a Handler sees of the packet it is handed and where it reports what it
// learns. It is only valid during Handle.
type Conn struct {
	p *Pipeline
	// Packet is the decoded packet; Info its capture information.
	Packet *decode.Packet
	Info   *capture.CaptureInfo
	// Flow is the packet's flow, nil for non-IP frames; Dir its direction in the flow
	// (or in the conversation of MAC addresses, for non-IP frames).
	Flow   *decode.Flow
	Dir    decode.Dir
	st     *flowState
	l2orig decode.Dir
	time   int64
	op     Operation // reused for every OpSink call (operation.go)
}

// FromClient reports whether the packet was sent by the side that opened the
// conversation (the first sender, for non-IP frames).
func (c *Conn) FromClient() bool {
	if c.Flow != nil {
		return c.Dir == c.Flow.Orig
	}
	return c.Dir == c.l2orig
}

// SrcPort and DstPort are the packet's transport ports (0 for non-IP frames).
func (c *Conn) SrcPort() uint16 { return c.Packet.SrcPort }
func (c *Conn) DstPort() uint16 { return c.Packet.DstPort }

// IsTCP reports whether the packet is TCP.
func (c *Conn) IsTCP() bool { return c.Packet.Layers&decode.LayerTCP != 0 }

// Provenance is where the current packet is: its capture, number and time.
func (c *Conn) Provenance() Provenance {
	return Provenance{File: c.p.file, Packet: c.Info.Number, Time: c.time}
}

// Endpoint returns the sender or the receiver of the current packet.
func (c *Conn) Endpoint(s Side) Endpoint {
	pk := c.Packet
	if s == Sender {
		return Endpoint{MAC: pk.SrcMAC, HasMAC: !MACIsZero(&pk.SrcMAC), IP: pk.SrcIP}
	}
	return Endpoint{MAC: pk.DstMAC, HasMAC: !MACIsZero(&pk.DstMAC), IP: pk.DstIP}
}

// Op counts one operation of the flow: code is the protocol's (see Protocol.OpName),
// class its operation class.
func (c *Conn) Op(code uint32, class protocols.OpClass) {
	if c.st != nil {
		c.st.op(code, class, c.Dir)
	}
	c.emitOp(code, class)
}

// Anomaly counts trouble found in the flow.
func (c *Conn) Anomaly(a FlowAnomaly) {
	if a == AnomalyMalformed {
		c.p.stats.Malformed++
	}
	if c.st != nil && a < numFlowAnomalies {
		c.st.anomalies[a]++
	}
}

// Address records a protocol station address used in the flow (a Modbus unit id, a
// DNP3 outstation address, an IEC 104 common address).
func (c *Conn) Address(a uint16) {
	if c.st != nil {
		c.st.address(a)
	}
}

// Once reports true the first time it is called with bit (0..31) in the packet's flow,
// false afterwards: a handler reports a fact that every PDU repeats once per flow.
// Frames without a conversation always get true.
func (c *Conn) Once(bit uint8) bool {
	if c.st == nil {
		return true
	}
	m := uint32(1) << (bit & 31)
	if c.st.once&m != 0 {
		return false
	}
	c.st.once |= m
	return true
}

// OnceDone reports whether Once was called with bit in the packet's flow, without
// setting it: a handler that stops looking at a flow once it has what it wanted (an SSH
// banner, the clear part of a TLS handshake) asks it first. Frames without a
// conversation always get false.
func (c *Conn) OnceDone(bit uint8) bool {
	return c.st != nil && c.st.once&(uint32(1)<<(bit&31)) != 0
}

// Taker is implemented by a Handler that can take over a flow another protocol frames
// the same way (Conn.Handoff): Takes reports whether pdu is its protocol's. It must not
// keep pdu or allocate.
type Taker interface {
	Takes(pdu []byte) bool
}

// Handoff gives the flow to protocol app, which shares the current protocol's framing
// (S7comm and MMS both ride TPKT and COTP on port 102), and hands it the current PDU:
// from here on the flow is app's, its operations named by app. When app's handler is a
// Taker, the flow goes over only if it takes the PDU. Handoff reports whether it did;
// the current handler looks up app by name (AppByName) when it is made, so that
// neither protocol's package imports the other's.
func (c *Conn) Handoff(app App, pdu []byte) bool {
	st := c.st
	if st == nil || app == 0 || st.app == app || int(app) >= len(c.p.handlers) {
		return false
	}
	h := c.p.handlers[app]
	if t, ok := h.(Taker); ok && !t.Takes(pdu) {
		return false
	}
	c.p.releaseExt(st)
	st.app, st.once = app, 0
	h.Handle(c, pdu)
	return true
}

// Ext returns the handler's per-flow state set with SetExt (nil at first).
func (c *Conn) Ext() any {
	if c.st == nil {
		return nil
	}
	return c.st.ext
}

// SetExt sets the handler's per-flow state; the handler gets it back in FlowEnd when
// it implements FlowEnder. It does nothing for frames that have no conversation.
func (c *Conn) SetExt(v any) {
	if c.st != nil {
		c.st.ext = v
		c.st.extOwner = c.st.app
	}
}

// Identity reports that field of the side's device is value. value may alias the packet.
func (c *Conn) Identity(s Side, field Field, value []byte, conf Confidence) {
	c.IdentityOf(c.Endpoint(s), nil, field, value, conf)
}

// IdentityOf reports a fact about a device named otherwise than by the packet's ends
// (an address the payload gives), or about a component of it: a module in a chassis
// slot, a device on a network behind it. component names the component ("backplane
// slot 2"); nil means the device itself.
func (c *Conn) IdentityOf(e Endpoint, component []byte, field Field, value []byte, conf Confidence) {
	if len(value) == 0 {
		return
	}
	p := c.p
	id := &p.ident
	*id = Identity{Subject: e, Component: component, Field: field, Value: value, Confidence: conf, At: c.Provenance()}
	if c.st != nil {
		id.App = c.st.app
	}
	p.stats.Identities++
	p.sink.Identity(id)
}

// IdentityString is Identity for a string value.
func (c *Conn) IdentityString(s Side, field Field, value string, conf Confidence) {
	c.Identity(s, field, append(c.p.scratch[:0], value...), conf)
}

// IdentityUint is Identity for a number, written in decimal.
func (c *Conn) IdentityUint(s Side, field Field, v uint64, conf Confidence) {
	c.Identity(s, field, strconv.AppendUint(c.p.scratch[:0], v, 10), conf)
}

// IdentityHex is Identity for a number written as 0x and width hex digits.
func (c *Conn) IdentityHex(s Side, field Field, v uint64, width int, conf Confidence) {
	c.Identity(s, field, AppendHex(c.p.scratch[:0], v, width), conf)
}

// Scratch returns a buffer a handler may build a value in for one Identity call.
func (c *Conn) Scratch() []byte { return c.p.scratch[:0] }

// Bind reports that the payload names mac with ip (a device announcing its address).
func (c *Conn) Bind(mac [6]byte, ip netip.Addr) {
	if ip.IsValid() && !ip.IsUnspecified() {
		c.p.sighting(mac, ip, BindAnnounced, 0)
	}
}

// ManagementAddress reports an address a discovery protocol names as the sender's
// management address, and binds it to the sender's MAC: the device holds it, even when
// no packet from that address was captured.
func (c *Conn) ManagementAddress(ip netip.Addr) {
	if !ip.IsValid() || ip.IsUnspecified() || ip.IsMulticast() || ip.IsLoopback() {
		return
	}
	c.Identity(Sender, FieldManagementAddress, ip.AppendTo(c.Scratch()), High)
	if pk := c.Packet; !MACIsZero(&pk.SrcMAC) {
		c.Bind(pk.SrcMAC, ip)
	}
}

// AppendHex appends v as "0x" and width hex digits (more if v needs them).
func AppendHex(dst []byte, v uint64, width int) []byte {
	const digits = "0123456789abcdef"
	dst = append(dst, '0', 'x')
	n := 1
	for x := v >> 4; x != 0; x >>= 4 {
		n++
	}
	for i := n; i < width; i++ {
		dst = append(dst, '0')
	}
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, digits[(v>>(4*uint(i)))&0xf])
	}
	return dst
}
