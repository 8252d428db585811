package lldp

import (
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is the Link Layer Discovery Protocol (EtherType 0x88CC): switches, routers,
// phones and many field devices announce their name, description, port, capabilities
// and management addresses in it, so a switch seen only by its MAC gets its name and the
// address it is managed at.
var App = observe.Register(observe.Protocol{
	Name:       "lldp",
	EtherTypes: []uint16{EtherType},
	New:        func() observe.Handler { return new(lldpHandler) },
	OpName: func(code uint32) string {
		if code == 0 {
			return "lldpdu"
		}
		return ""
	},
})

type lldpHandler struct{ m Message }

// An LLDPDU is the sender's own announcement: everything in it is the sender's word
// about itself (high confidence). Announcements repeat every 30 seconds or so, few enough
// to report each.
func (h *lldpHandler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	c.Op(0, protocols.OpNone)
	c.Identity(observe.Sender, observe.FieldSystemName, observe.TrimText(m.SystemName), observe.High)
	c.Identity(observe.Sender, observe.FieldSystemDescription, observe.TrimText(m.SystemDescription), observe.High)
	ReportDescription(c, observe.TrimText(m.SystemDescription))
	c.Identity(observe.Sender, observe.FieldPortID, lldpPortID(c.Scratch(), m), observe.High)
	if m.HasCapabilities {
		c.Identity(observe.Sender, observe.FieldCapabilities, observe.AppendFlagNames(c.Scratch(), uint32(m.EnabledCaps), CapabilityName), observe.High)
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
	c.Identity(observe.Sender, observe.FieldVendor, observe.TrimText(inv.Manufacturer), observe.High)
	c.Identity(observe.Sender, observe.FieldModel, observe.TrimText(inv.Model), observe.High)
	c.Identity(observe.Sender, observe.FieldFirmware, observe.TrimText(inv.FirmwareRevision), observe.High)
	c.Identity(observe.Sender, observe.FieldHardware, observe.TrimText(inv.HardwareRevision), observe.High)
	c.Identity(observe.Sender, observe.FieldSoftware, observe.TrimText(inv.SoftwareRevision), observe.High)
	c.Identity(observe.Sender, observe.FieldSerial, observe.TrimText(inv.SerialNumber), observe.High)
}

// lldpPortID writes the port id as people read it: a MAC address, an IP address, or the
// interface name; an id of another form that is not text is written in hex.
func lldpPortID(dst []byte, m *Message) []byte {
	id := m.PortID
	switch {
	case m.PortIDSubtype == PortMACAddress && len(id) == 6:
		return observe.AppendMAC(dst, id)
	case m.PortIDSubtype == PortNetworkAddr && len(id) > 1:
		var ip netip.Addr
		switch {
		case id[0] == AddrFamilyIPv4 && len(id) == 5:
			ip = netip.AddrFrom4([4]byte(id[1:]))
		case id[0] == AddrFamilyIPv6 && len(id) == 17:
			ip = netip.AddrFrom16([16]byte(id[1:]))
		default:
			return observe.AppendHexBytes(dst, id, 0)
		}
		return ip.AppendTo(dst)
	}
	if t := observe.TrimText(id); observe.Printable(t) {
		return append(dst, t...)
	}
	return observe.AppendHexBytes(dst, id, 0)
}

// ReportDescription reports what an industrial device's system description says about
// it (ParseDescription): vendor, model, order number, firmware, hardware, serial and the
// kind of network device, each of medium confidence (a self-description read through its
// vendor's format). CDP calls it on the software version TLV, which carries the same
// text.
func ReportDescription(c *observe.Conn, desc []byte) (Description, bool) {
	var d Description
	if !ParseDescription(desc, &d) {
		return d, false
	}
	c.IdentityString(observe.Sender, observe.FieldVendor, d.Vendor, observe.Medium)
	c.Identity(observe.Sender, observe.FieldModel, d.Model, observe.Medium)
	c.Identity(observe.Sender, observe.FieldOrderNumber, d.OrderNumber, observe.Medium)
	c.Identity(observe.Sender, observe.FieldFirmware, d.Firmware, observe.Medium)
	c.Identity(observe.Sender, observe.FieldHardware, d.Hardware, observe.Medium)
	c.Identity(observe.Sender, observe.FieldSerial, d.Serial, observe.Medium)
	if d.Kind != "" {
		c.IdentityString(observe.Sender, observe.FieldDeviceType, d.Kind, observe.Medium)
	}
	return d, true
}
