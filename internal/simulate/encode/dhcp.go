package encode

// DHCP message types.
const (
	DHCPDiscover = 1
	DHCPOffer    = 2
	DHCPRequest  = 3
	DHCPAck      = 5
	DHCPInform   = 8
)

// DHCPMsg is a DHCP message from a client (Op 1) or server (Op 2).
type DHCPMsg struct {
	Op, Type    uint8
	XID         uint32
	Secs        uint16
	Broadcast   bool
	CIAddr      [4]byte
	YIAddr      [4]byte
	CHAddr      [6]byte
	RequestedIP [4]byte // client: option 50 when not zero
	Hostname    string  // client: option 12
	VendorClass string  // client: option 60
	ServerID    [4]byte // server: option 54
	Lease       uint32  // server: option 51
	Mask        [4]byte
	Router      [4]byte
	DNS         [4]byte
	Domain      string
}

// DHCP appends a DHCP message (the UDP payload), padded to the 300 bytes BOOTP clients
// send.
func DHCP(b []byte, m *DHCPMsg) []byte {
	start := len(b)
	b = append(b, m.Op, 1, 6, 0)
	b = u32be(b, m.XID)
	b = u16be(b, m.Secs)
	if m.Broadcast {
		b = u16be(b, 0x8000)
	} else {
		b = u16be(b, 0)
	}
	b = append(b, m.CIAddr[:]...)
	b = append(b, m.YIAddr[:]...)
	b = zeros(b, 8) // siaddr, giaddr
	b = append(b, m.CHAddr[:]...)
	b = zeros(b, 10+64+128)
	b = append(b, 99, 130, 83, 99, 53, 1, m.Type)
	if m.Op == 1 {
		b = append(b, 61, 7, 1)
		b = append(b, m.CHAddr[:]...)
		if m.RequestedIP != [4]byte{} {
			b = append(append(b, 50, 4), m.RequestedIP[:]...)
		}
		if m.Hostname != "" {
			s := clipN(m.Hostname, 63)
			b = append(append(b, 12, byte(len(s))), s...)
		}
		if m.VendorClass != "" {
			s := clipN(m.VendorClass, 63)
			b = append(append(b, 60, byte(len(s))), s...)
		}
		b = append(b, 55, 14, 1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252)
	} else {
		b = append(append(b, 54, 4), m.ServerID[:]...)
		b = u32be(append(b, 51, 4), m.Lease)
		b = append(append(b, 1, 4), m.Mask[:]...)
		if m.Router != [4]byte{} {
			b = append(append(b, 3, 4), m.Router[:]...)
		}
		if m.DNS != [4]byte{} {
			b = append(append(b, 6, 4), m.DNS[:]...)
		}
		if m.Domain != "" {
			s := clipN(m.Domain, 63)
			b = append(append(b, 15, byte(len(s))), s...)
		}
	}
	b = append(b, 255)
	for len(b)-start < 300 {
		b = append(b, 0)
	}
	return b
}
