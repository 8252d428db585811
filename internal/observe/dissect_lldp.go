package observe

import (
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/lldp"
)

// AppLLDP is the Link Layer Discovery Protocol (EtherType 0x88CC): switches, routers,
// phones and many field devices announce their name, description, port, capabilities
// and management addresses in it, so a switch seen only by its MAC gets its name and the
// address it is managed at.
var AppLLDP = Register(Protocol{
	Name:       "lldp",
	EtherTypes: []uint16{lldp.EtherType},
	New:        func() Handler { return new(lldpHandler) },
	OpName: func(code uint32) string {
		if code == 0 {
			return "lldpdu"
		}
		return ""
	},
})

type lldpHandler struct{ m lldp.Message }

// An LLDPDU is the sender's own announcement: everything in it is the sender's word
// about itself (high confidence). Announcements repeat every 30 seconds or so, few enough
// to report each.
func (h *lldpHandler) Handle(c *Conn, b []byte) {
	m := &h.m
	if err := lldp.Parse(b, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	c.Op(0, protocols.OpNone)
	c.Identity(Sender, FieldSystemName, TrimText(m.SystemName), High)
	c.Identity(Sender, FieldSystemDescription, TrimText(m.SystemDescription), High)
	c.Identity(Sender, FieldPortID, lldpPortID(c.Scratch(), m), High)
	if m.HasCapabilities {
		c.Identity(Sender, FieldCapabilities, AppendFlagNames(c.Scratch(), uint32(m.EnabledCaps), lldp.CapabilityName), High)
	}
	for i := range m.MgmtAddrs[:m.NumMgmtAddrs] {
		if ip, ok := m.MgmtAddrs[i].IP(); ok {
			c.ManagementAddress(ip)
		}
	}
	if ip, ok := m.ChassisIP(); ok {
		c.ManagementAddress(ip)
	}
	inv := &m.MEDInventory
	c.Identity(Sender, FieldVendor, TrimText(inv.Manufacturer), High)
	c.Identity(Sender, FieldModel, TrimText(inv.Model), High)
	c.Identity(Sender, FieldFirmware, TrimText(inv.FirmwareRevision), High)
	c.Identity(Sender, FieldHardware, TrimText(inv.HardwareRevision), High)
	c.Identity(Sender, FieldSoftware, TrimText(inv.SoftwareRevision), High)
	c.Identity(Sender, FieldSerial, TrimText(inv.SerialNumber), High)
}

// lldpPortID writes the port id as people read it: a MAC address, an IP address, or the
// interface name; an id of another form that is not text is written in hex.
func lldpPortID(dst []byte, m *lldp.Message) []byte {
	id := m.PortID
	switch {
	case m.PortIDSubtype == lldp.PortMACAddress && len(id) == 6:
		return AppendMAC(dst, id)
	case m.PortIDSubtype == lldp.PortNetworkAddr && len(id) > 1:
		var ip netip.Addr
		switch {
		case id[0] == lldp.AddrFamilyIPv4 && len(id) == 5:
			ip = netip.AddrFrom4([4]byte(id[1:]))
		case id[0] == lldp.AddrFamilyIPv6 && len(id) == 17:
			ip = netip.AddrFrom16([16]byte(id[1:]))
		default:
			return AppendHexBytes(dst, id, 0)
		}
		return ip.AppendTo(dst)
	}
	if t := TrimText(id); Printable(t) {
		return append(dst, t...)
	}
	return AppendHexBytes(dst, id, 0)
}
