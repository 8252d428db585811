package encode

// PROFINET DCP (Discovery and Configuration Protocol) frames go straight on Ethernet
// (EtherType 0x8892); these functions build what follows the EtherType.

// DCPMulticast is the destination of DCP Identify requests.
var DCPMulticast = [6]byte{0x01, 0x0e, 0xcf, 0x00, 0x00, 0x00}

// DCPIdentity is what a PROFINET device answers to Identify.
type DCPIdentity struct {
	NameOfStation string
	TypeOfStation string // the device vendor value, such as "S7-1500"
	VendorID      uint16
	DeviceID      uint16
	Role          uint8 // 1 IO device, 2 IO controller, 4 IO multidevice, 8 IO supervisor
	IP, Mask, GW  [4]byte
	MAC           [6]byte
}

// DCPIdentifyRequest appends an Identify request for all devices.
func DCPIdentifyRequest(b []byte, xid uint32) []byte {
	b = append(b, 0xfe, 0xfe, 0x05, 0x00)
	b = u32be(b, xid)
	b = u16be(b, 0x0080) // response delay factor
	b = u16be(b, 4)
	return append(b, 0xff, 0xff, 0x00, 0x00) // all selector
}

// dcpBlock appends a response block: option, suboption, length, block info, value,
// padded to an even length.
func dcpBlock(b []byte, opt, sub uint8, info uint16, value []byte, s string) []byte {
	n := 2 + len(value) + len(s)
	b = append(b, opt, sub)
	b = u16be(b, uint16(n))
	b = u16be(b, info)
	b = append(b, value...)
	b = append(b, s...)
	if n%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func dcpHeader(b []byte, service, typ uint8, xid uint32) ([]byte, int) {
	frameID := uint16(0xfeff)
	if service == 4 {
		frameID = 0xfefd
	}
	b = u16be(b, frameID)
	b = append(b, service, typ)
	b = u32be(b, xid)
	b = u16be(b, 0)
	at := len(b)
	return u16be(b, 0), at
}

// DCPIdentifyResponse appends a device's answer to Identify.
func DCPIdentifyResponse(b []byte, xid uint32, id *DCPIdentity) []byte {
	b, at := dcpHeader(b, 5, 1, xid)
	start := len(b)
	var v [16]byte
	b = dcpBlock(b, 2, 5, 0, []byte{1, 2, 2, 1, 2, 2, 2, 3, 2, 4, 2, 5}, "") // device options
	b = dcpBlock(b, 2, 1, 0, nil, id.TypeOfStation)
	b = dcpBlock(b, 2, 2, 0, nil, id.NameOfStation)
	v[0], v[1], v[2], v[3] = byte(id.VendorID>>8), byte(id.VendorID), byte(id.DeviceID>>8), byte(id.DeviceID)
	b = dcpBlock(b, 2, 3, 0, v[:4], "")
	v[0], v[1] = id.Role, 0
	b = dcpBlock(b, 2, 4, 0, v[:2], "")
	copy(v[0:], id.IP[:])
	copy(v[4:], id.Mask[:])
	copy(v[8:], id.GW[:])
	b = dcpBlock(b, 1, 2, 1, v[:12], "") // IP set
	putU16be(b, at, len(b)-start)
	return b
}

// DCPSetIP appends a Set request giving a device a new IP address (permanently).
func DCPSetIP(b []byte, xid uint32, ip, mask, gw [4]byte) []byte {
	b, at := dcpHeader(b, 4, 0, xid)
	start := len(b)
	b = append(b, 1, 2, 0, 14, 0, 1) // IP parameter, block qualifier: permanent
	b = append(b, ip[:]...)
	b = append(b, mask[:]...)
	b = append(b, gw[:]...)
	putU16be(b, at, len(b)-start)
	return b
}

// DCPSetResponse appends the device's positive answer to a Set of the IP parameter.
func DCPSetResponse(b []byte, xid uint32) []byte {
	b, at := dcpHeader(b, 4, 1, xid)
	start := len(b)
	b = append(b, 5, 4, 0, 3, 1, 2, 0, 0) // control/response: option 1/2, no error; padded
	putU16be(b, at, len(b)-start)
	return b
}
