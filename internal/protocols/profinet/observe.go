package profinet

import (
	"encoding/binary"
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is PROFINET: real-time frames and DCP on EtherType 0x8892, and the IO
// context manager's DCE/RPC on UDP 34964.
var App = observe.Register(observe.Protocol{
	Name:       "profinet",
	UDPPorts:   []uint16{UDPPort},
	EtherTypes: []uint16{EtherType},
	DetectUDP:  detectPNIO,
	Role:       pduRole,
	New:        func() observe.Handler { return new(profinetHandler) },
	OpName:     profinetOpName,
	Rules:      profinetRules,
	Match:      profinetMatch,
})

// Operation codes.
const (
	pnOpDCP    = 0x100 // | DCP service id: DCP requests
	pnOpRPC    = 0x200 // | PNIO operation number: context manager requests
	pnOpCyclic = 0x300 // cyclic real-time data frames
	pnOpAlarm  = 0x301 // acyclic real-time alarm frames
)

type profinetHandler struct{ m Message }

const (
	pnOnceConnect = iota
	pnOnceDevice
	pnOnceCyclic // and pnOnceCyclic+1: once per direction, both ends send cyclic frames
	_
)

// Frame ids of cyclic real-time data (tshark pn_rt: RT_CLASS_3 from 0x0100, RT_CLASS_2
// from 0x8000, RT_CLASS_1 and RT_CLASS_UDP from 0xC000 to 0xFBFF). Below 0x0100 are
// time synchronisation (PTCP RTSync 0x0020, 0x0080) and reserved ids: not I/O.
const (
	frameCyclicFirst uint16 = 0x0100
	frameCyclicLast  uint16 = 0xFBFF
)

func (h *profinetHandler) Handle(c *observe.Conn, b []byte) {
	if c.Flow == nil {
		h.frame(c, b)
		return
	}
	m := &h.m
	if err := ParseRPC(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	r := &m.RPC
	switch r.PacketType {
	case PktRequest:
		if r.Interface != IfaceUnknown && r.Interface != IfaceEPM {
			c.Op(pnOpRPC|uint32(r.Opnum), m.OpClass())
		}
	case PktFault, PktReject:
		c.Anomaly(observe.AnomalyErrorResponse)
	case PktResponse:
		if r.HasBody && r.PNIOStatus != 0 {
			c.Anomaly(observe.AnomalyErrorResponse)
		}
	}
	if r.Interface != IfaceDevice {
		return
	}
	device := observe.Receiver
	if r.PacketType == PktResponse {
		device = observe.Sender
	}
	if r.HasDeviceIdent && c.Once(pnOnceDevice) {
		c.IdentityHex(device, observe.FieldVendorID, uint64(r.VendorID), 4, observe.Medium)
		c.IdentityHex(device, observe.FieldDeviceID, uint64(r.DeviceID), 4, observe.Medium)
	}
	if r.PacketType == PktRequest && r.Opnum == OpConnect && c.Once(pnOnceConnect) {
		c.IdentityString(observe.Sender, observe.FieldDeviceRole, observe.RoleHintIOController, observe.Medium)
		c.IdentityString(observe.Receiver, observe.FieldDeviceRole, observe.RoleHintIODevice, observe.Medium)
		c.Identity(observe.Sender, observe.FieldName, r.StationName, observe.Medium)
	}
}

// frame handles a PROFINET real-time frame: cyclic data and alarms are counted, DCP
// frames dissected.
func (h *profinetHandler) frame(c *observe.Conn, b []byte) {
	if len(b) < 2 {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	switch id := binary.BigEndian.Uint16(b); {
	case id >= frameCyclicFirst && id <= frameCyclicLast:
		c.Op(pnOpCyclic, protocols.OpNone)
		if c.Once(pnOnceCyclic + uint8(c.Dir)) {
			// Evidence of cyclic I/O for the inventory's roles: only an RT cyclic frame
			// shows it, never DCP or the context manager.
			c.IdentityString(observe.Sender, observe.FieldDeviceRole, observe.RoleHintCyclicIO, observe.High)
		}
		return
	case id < frameCyclicFirst:
		return // synchronisation and reserved ids
	case id == 0xfc01 || id == 0xfe01:
		c.Op(pnOpAlarm, protocols.OpNone)
		return
	case id < FrameHello:
		return
	}
	m := &h.m
	if err := ParseDCP(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	d := &m.DCP
	if !d.IsResponse() && d.FrameID != FrameHello {
		c.Op(pnOpDCP|uint32(d.ServiceID), m.OpClass())
		if d.ServiceID == DCPIdentify && len(d.NameOfStation) > 0 && d.NumBlocks == 1 {
			// An Identify request for one name of station alone: a device starting up
			// asks whether another holds its own name (the uniqueness check), but a
			// controller looking for its device by name sends the same frame. The name
			// is the sender's own claim at best: low confidence.
			c.Identity(observe.Sender, observe.FieldName, d.NameOfStation, observe.Low)
		}
		return
	}
	if d.ServiceType&0x04 != 0 { // "not supported" answers carry no identity
		c.Anomaly(observe.AnomalyErrorResponse)
		return
	}
	c.Identity(observe.Sender, observe.FieldName, d.NameOfStation, observe.High)
	c.Identity(observe.Sender, observe.FieldModel, d.VendorValue, observe.High)
	if d.HasDeviceID {
		c.IdentityHex(observe.Sender, observe.FieldVendorID, uint64(d.VendorID), 4, observe.High)
		c.IdentityHex(observe.Sender, observe.FieldDeviceID, uint64(d.DeviceID), 4, observe.High)
	}
	if d.HasRole {
		for _, r := range [...]struct {
			bit  uint8
			hint string
		}{{RoleIODevice, observe.RoleHintIODevice}, {RoleIOController, observe.RoleHintIOController},
			{RoleSupervisor, observe.RoleHintIOSupervisor}} {
			if d.DeviceRole&r.bit != 0 {
				c.IdentityString(observe.Sender, observe.FieldDeviceRole, r.hint, observe.High)
			}
		}
	}
	if d.HasIP {
		mac := c.Packet.SrcMAC
		if d.HasMAC {
			mac = d.MAC
		}
		c.Bind(mac, netip.AddrFrom4(d.IP))
	}
}

func profinetOpName(code uint32) string {
	switch {
	case code == pnOpCyclic:
		return "cyclic_data"
	case code == pnOpAlarm:
		return "alarm"
	case code&^0xff == pnOpDCP:
		switch uint8(code) {
		case DCPGet:
			return "dcp_get"
		case DCPSet:
			return "dcp_set"
		case DCPIdentify:
			return "dcp_identify"
		case DCPHello:
			return "dcp_hello"
		}
	case code&^0xff == pnOpRPC:
		r := RPC{Interface: IfaceDevice, Opnum: uint16(code & 0xff)}
		return r.OperationName()
	}
	return ""
}

// pduRole tells a client's PDU from a server's: for the context manager's DCE/RPC, by
// its packet type (request, ping, ack and cancel are the caller's; response, fault,
// working, nocall, reject and cancel-ack the server's); for DCP by the service type
// (Identify, Get and Set requests against their responses; Hello announces). Cyclic
// and alarm frames do not tell.
func pduRole(b []byte) observe.PDURole {
	if len(b) >= 80 && b[0] == 4 { // connectionless DCE/RPC, version 4
		switch b[1] {
		case PktRequest, PktPing, PktAck, 8: // 8: cancel
			return observe.PDURequest
		case PktResponse, PktFault, PktWorking, PktNoCall, PktReject, 10: // 10: cancel ack
			return observe.PDUResponse
		}
		return observe.PDUUnknown
	}
	if len(b) < 12 {
		return observe.PDUUnknown
	}
	switch binary.BigEndian.Uint16(b) {
	case FrameGetSet, FrameIdentifyRequest, FrameIdentifyResponse:
		if b[3]&0x01 != 0 {
			return observe.PDUResponse
		}
		return observe.PDURequest
	}
	return observe.PDUUnknown
}

// detectPNIO recognises a connectionless DCE/RPC datagram of a PNIO interface: the
// context manager answers from and to ephemeral ports.
func detectPNIO(b []byte) bool {
	if len(b) < 80 || b[0] != 4 {
		return false
	}
	var m Message
	return ParseRPC(b, &m) == nil && m.RPC.Interface != IfaceUnknown
}

// The alerts of PROFINET operations.
var (
	rulePNDCPSet = observe.NewRule("profinet/dcp-set", "PROFINET DCP Set (name or IP change)", finding.High, "T0855")
	// Sweeps address many targets: one alert per source, with the count of targets.
	rulePNDCPIdentify = observe.AggregatePerSource(observe.NewRule("profinet/dcp-identify", "PROFINET DCP Identify", finding.Info, "T0846"))
	profinetRules     = []*observe.Rule{rulePNDCPSet, rulePNDCPIdentify}
)

func profinetMatch(op *observe.Operation) *observe.Rule {
	switch op.Code {
	case pnOpDCP | uint32(DCPSet):
		return rulePNDCPSet
	case pnOpDCP | uint32(DCPIdentify):
		return rulePNDCPIdentify
	}
	return nil
}
