package observe

import (
	"encoding/binary"
	"github.com/zonewarden/zonewarden/internal/finding"
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/profinet"
)

// AppPROFINET is PROFINET: real-time frames and DCP on EtherType 0x8892, and the IO
// context manager's DCE/RPC on UDP 34964.
var AppPROFINET = Register(Protocol{
	Name:       "profinet",
	UDPPorts:   []uint16{profinet.UDPPort},
	EtherTypes: []uint16{profinet.EtherType},
	DetectUDP:  detectPNIO,
	New:        func() Handler { return new(profinetHandler) },
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

type profinetHandler struct{ m profinet.Message }

const (
	pnOnceConnect = iota
	pnOnceDevice
)

func (h *profinetHandler) Handle(c *Conn, b []byte) {
	if c.Flow == nil {
		h.frame(c, b)
		return
	}
	m := &h.m
	if err := profinet.ParseRPC(b, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	r := &m.RPC
	switch r.PacketType {
	case profinet.PktRequest:
		if r.Interface != profinet.IfaceUnknown && r.Interface != profinet.IfaceEPM {
			c.Op(pnOpRPC|uint32(r.Opnum), m.OpClass())
		}
	case profinet.PktFault, profinet.PktReject:
		c.Anomaly(AnomalyErrorResponse)
	case profinet.PktResponse:
		if r.HasBody && r.PNIOStatus != 0 {
			c.Anomaly(AnomalyErrorResponse)
		}
	}
	if r.Interface != profinet.IfaceDevice {
		return
	}
	device := Receiver
	if r.PacketType == profinet.PktResponse {
		device = Sender
	}
	if r.HasDeviceIdent && c.Once(pnOnceDevice) {
		c.IdentityHex(device, FieldVendorID, uint64(r.VendorID), 4, Medium)
		c.IdentityHex(device, FieldDeviceID, uint64(r.DeviceID), 4, Medium)
	}
	if r.PacketType == profinet.PktRequest && r.Opnum == profinet.OpConnect && c.Once(pnOnceConnect) {
		c.IdentityString(Sender, FieldDeviceRole, RoleHintIOController, Medium)
		c.IdentityString(Receiver, FieldDeviceRole, RoleHintIODevice, Medium)
		c.Identity(Sender, FieldName, r.StationName, Medium)
	}
}

// frame handles a PROFINET real-time frame: cyclic data and alarms are counted, DCP
// frames dissected.
func (h *profinetHandler) frame(c *Conn, b []byte) {
	if len(b) < 2 {
		c.Anomaly(AnomalyMalformed)
		return
	}
	switch id := binary.BigEndian.Uint16(b); {
	case id < 0xfc00:
		c.Op(pnOpCyclic, protocols.OpNone)
		return
	case id == 0xfc01 || id == 0xfe01:
		c.Op(pnOpAlarm, protocols.OpNone)
		return
	case id < profinet.FrameHello:
		return
	}
	m := &h.m
	if err := profinet.ParseDCP(b, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	d := &m.DCP
	if !d.IsResponse() && d.FrameID != profinet.FrameHello {
		c.Op(pnOpDCP|uint32(d.ServiceID), m.OpClass())
		return
	}
	if d.ServiceType&0x04 != 0 { // "not supported" answers carry no identity
		c.Anomaly(AnomalyErrorResponse)
		return
	}
	c.Identity(Sender, FieldName, d.NameOfStation, High)
	c.Identity(Sender, FieldModel, d.VendorValue, High)
	if d.HasDeviceID {
		c.IdentityHex(Sender, FieldVendorID, uint64(d.VendorID), 4, High)
		c.IdentityHex(Sender, FieldDeviceID, uint64(d.DeviceID), 4, High)
	}
	if d.HasRole {
		for _, r := range [...]struct {
			bit  uint8
			hint string
		}{{profinet.RoleIODevice, RoleHintIODevice}, {profinet.RoleIOController, RoleHintIOController},
			{profinet.RoleSupervisor, RoleHintIOSupervisor}} {
			if d.DeviceRole&r.bit != 0 {
				c.IdentityString(Sender, FieldDeviceRole, r.hint, High)
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
		case profinet.DCPGet:
			return "dcp_get"
		case profinet.DCPSet:
			return "dcp_set"
		case profinet.DCPIdentify:
			return "dcp_identify"
		case profinet.DCPHello:
			return "dcp_hello"
		}
	case code&^0xff == pnOpRPC:
		r := profinet.RPC{Interface: profinet.IfaceDevice, Opnum: uint16(code & 0xff)}
		return r.OperationName()
	}
	return ""
}

// detectPNIO recognises a connectionless DCE/RPC datagram of a PNIO interface: the
// context manager answers from and to ephemeral ports.
func detectPNIO(b []byte) bool {
	if len(b) < 80 || b[0] != 4 {
		return false
	}
	var m profinet.Message
	return profinet.ParseRPC(b, &m) == nil && m.RPC.Interface != profinet.IfaceUnknown
}

// The alerts of PROFINET operations.
var (
	rulePNDCPSet = NewRule("profinet/dcp-set", "PROFINET DCP Set (name or IP change)", finding.High, "T0855")
	// Sweeps address many targets: one alert per source, with the count of targets.
	rulePNDCPIdentify = AggregatePerSource(NewRule("profinet/dcp-identify", "PROFINET DCP Identify", finding.Info, "T0846"))
	profinetRules     = []*Rule{rulePNDCPSet, rulePNDCPIdentify}
)

func profinetMatch(op *Operation) *Rule {
	switch op.Code {
	case pnOpDCP | uint32(profinet.DCPSet):
		return rulePNDCPSet
	case pnOpDCP | uint32(profinet.DCPIdentify):
		return rulePNDCPIdentify
	}
	return nil
}
