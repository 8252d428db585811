package observe

import (
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/cdp"
)

// AppCDP is the Cisco Discovery Protocol: Cisco switches, routers and phones, and many
// industrial switches, announce their name, platform, software, port, capabilities and
// addresses in 802.3 frames with an LLC/SNAP header to 01:00:0C:CC:CC:CC.
var AppCDP = Register(Protocol{
	Name: "cdp",
	LLC: func(dst *[6]byte, payload []byte) bool {
		_, ok := cdp.FromLLC(payload)
		return *dst == cdp.Multicast && ok
	},
	New: func() Handler { return new(cdpHandler) },
	OpName: func(code uint32) string {
		if code == 0 {
			return "announcement"
		}
		return ""
	},
})

type cdpHandler struct{ m cdp.Message }

func (h *cdpHandler) Handle(c *Conn, b []byte) {
	payload, ok := cdp.FromLLC(b)
	if !ok {
		c.Anomaly(AnomalyMalformed)
		return
	}
	m := &h.m
	if err := cdp.Parse(payload, m); err != nil {
		// A short announcement is padded to Ethernet's minimum frame, and the padding is
		// no TLV: parse again without it.
		if n := cdpTLVEnd(payload); n == len(payload) || !allZero(payload[n:]) || cdp.Parse(payload[:n], m) != nil {
			c.Anomaly(AnomalyMalformed)
			return
		}
	}
	if !m.ChecksumOK {
		c.Anomaly(AnomalyChecksum)
	}
	c.Op(0, protocols.OpNone)
	// The device id is the host name on switches and routers (and a name built from the
	// MAC on phones); the system name TLV, when sent, is the configured name.
	name := TrimText(m.SystemName)
	if len(name) == 0 {
		name = TrimText(m.DeviceID)
	}
	c.Identity(Sender, FieldSystemName, name, High)
	c.Identity(Sender, FieldPlatform, TrimText(m.Platform), High)
	c.Identity(Sender, FieldSoftware, TrimText(m.SoftwareVersion), High)
	c.Identity(Sender, FieldPortID, TrimText(m.PortID), High)
	c.Identity(Sender, FieldLocation, TrimText(m.Location), High)
	if m.HasCapabilities {
		c.Identity(Sender, FieldCapabilities, AppendFlagNames(c.Scratch(), m.Capabilities, cdp.CapabilityName), High)
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
