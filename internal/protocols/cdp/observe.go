package cdp

import (
	"bytes"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/lldp"
)

// App is the Cisco Discovery Protocol: Cisco switches, routers and phones, and many
// industrial switches, announce their name, platform, software, port, capabilities and
// addresses in 802.3 frames with an LLC/SNAP header to 01:00:0C:CC:CC:CC.
var App = observe.Register(observe.Protocol{
	Name: "cdp",
	LLC: func(dst *[6]byte, payload []byte) bool {
		_, ok := FromLLC(payload)
		return *dst == Multicast && ok
	},
	New: func() observe.Handler { return new(cdpHandler) },
	OpName: func(code uint32) string {
		if code == 0 {
			return "announcement"
		}
		return ""
	},
})

type cdpHandler struct{ m Message }

func (h *cdpHandler) Handle(c *observe.Conn, b []byte) {
	payload, ok := FromLLC(b)
	if !ok {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	m := &h.m
	if err := Parse(payload, m); err != nil {
		// A short announcement is padded to Ethernet's minimum frame, and the padding is
		// no TLV: parse again without it.
		if n := cdpTLVEnd(payload); n == len(payload) || !allZero(payload[n:]) || Parse(payload[:n], m) != nil {
			c.Anomaly(observe.AnomalyMalformed)
			return
		}
	}
	if !m.ChecksumOK {
		c.Anomaly(observe.AnomalyChecksum)
	}
	c.Op(0, protocols.OpNone)
	// The device id is the host name on switches and routers (and a name built from the
	// MAC on phones); the system name TLV, when sent, is the configured name.
	name := observe.TrimText(m.SystemName)
	if len(name) == 0 {
		name = observe.TrimText(m.DeviceID)
	}
	c.Identity(observe.Sender, observe.FieldSystemName, name, observe.High)
	c.Identity(observe.Sender, observe.FieldPlatform, observe.TrimText(m.Platform), observe.High)
	c.Identity(observe.Sender, observe.FieldSoftware, observe.TrimText(m.SoftwareVersion), observe.High)
	// The software version TLV carries the text LLDP's system description does.
	if d, ok := lldp.ReportDescription(c, observe.TrimText(m.SoftwareVersion)); ok && d.Vendor == "Cisco" {
		// Cisco's platform is "cisco " and the model ("cisco IE-4000-8GT4G-E").
		if p := observe.TrimText(m.Platform); len(p) > 6 && bytes.EqualFold(p[:6], []byte("cisco ")) {
			c.Identity(observe.Sender, observe.FieldModel, p[6:], observe.Medium)
		}
	}
	c.Identity(observe.Sender, observe.FieldPortID, observe.TrimText(m.PortID), observe.High)
	c.Identity(observe.Sender, observe.FieldLocation, observe.TrimText(m.Location), observe.High)
	if m.HasCapabilities {
		c.Identity(observe.Sender, observe.FieldCapabilities, observe.AppendFlagNames(c.Scratch(), m.Capabilities, CapabilityName), observe.High)
	}
	// The management address list names where the device is managed; the address list,
	// the addresses of the interface the announcement left from. Both are the device's.
	for i := range m.MgmtAddresses.Addrs[:m.MgmtAddresses.N] {
		c.ManagementAddress(m.MgmtAddresses.Addrs[i])
	}
	if m.MgmtAddresses.N == 0 {
		for i := range m.Addresses.Addrs[:m.Addresses.N] {
			c.ManagementAddress(m.Addresses.Addrs[i])
		}
	}
}

// cdpTLVEnd returns where the chain of TLVs after the 4-byte header stops being well
// formed.
func cdpTLVEnd(b []byte) int {
	off := 4
	for off+4 <= len(b) {
		n := int(b[off+2])<<8 | int(b[off+3])
		if n < 4 || off+n > len(b) {
			break
		}
		off += n
	}
	return min(off, len(b))
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
