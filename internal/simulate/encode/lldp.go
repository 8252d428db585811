package encode

// LLDPMulticast is the nearest-bridge address LLDP is sent to.
var LLDPMulticast = [6]byte{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e}

// CDPMulticast is the address CDP is sent to.
var CDPMulticast = [6]byte{0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}

// LLDPInfo is what a device announces in LLDP.
type LLDPInfo struct {
	ChassisMAC [6]byte
	PortID     string
	PortDesc   string
	SysName    string
	SysDesc    string
	Caps       uint16 // system capabilities: 0x0004 bridge, 0x0010 router, 0x0080 station
	MgmtIP     [4]byte
	HasIP      bool
	TTL        uint16
}

func lldpTLV(b []byte, typ int, n int) []byte {
	return u16be(b, uint16(typ<<9|n&0x1ff))
}

func clipN(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// LLDP appends an LLDP data unit (what follows EtherType 0x88CC).
func LLDP(b []byte, in *LLDPInfo) []byte {
	b = lldpTLV(b, 1, 7)
	b = append(b, 4)
	b = append(b, in.ChassisMAC[:]...)
	port := clipN(in.PortID, 255)
	b = lldpTLV(b, 2, 1+len(port))
	b = append(append(b, 5), port...)
	b = lldpTLV(b, 3, 2)
	b = u16be(b, in.TTL)
	if in.PortDesc != "" {
		s := clipN(in.PortDesc, 255)
		b = append(lldpTLV(b, 4, len(s)), s...)
	}
	if in.SysName != "" {
		s := clipN(in.SysName, 255)
		b = append(lldpTLV(b, 5, len(s)), s...)
	}
	if in.SysDesc != "" {
		s := clipN(in.SysDesc, 255)
		b = append(lldpTLV(b, 6, len(s)), s...)
	}
	b = lldpTLV(b, 7, 4)
	b = u16be(b, in.Caps)
	b = u16be(b, in.Caps)
	if in.HasIP {
		b = lldpTLV(b, 8, 12)
		b = append(b, 5, 1)
		b = append(b, in.MgmtIP[:]...)
		b = append(b, 2, 0, 0, 0, 1, 0) // ifIndex 1, no OID
	}
	return lldpTLV(b, 0, 0)
}

// CDPInfo is what a Cisco device announces in CDP.
type CDPInfo struct {
	DeviceID        string
	SoftwareVersion string
	Platform        string
	PortID          string
	IP              [4]byte
	Caps            uint32 // 0x08 switch, 0x20 IGMP, 0x01 router
	NativeVLAN      uint16
}

func cdpTLV(b []byte, typ uint16, value string) []byte {
	value = clipN(value, 1000)
	b = u16be(b, typ)
	b = u16be(b, uint16(4+len(value)))
	return append(b, value...)
}

func cdpAddress(b []byte, typ uint16, ip [4]byte) []byte {
	b = u16be(b, typ)
	b = u16be(b, 17)
	b = u32be(b, 1)
	b = append(b, 1, 1, 0xcc, 0, 4)
	return append(b, ip[:]...)
}

// CDP appends a CDP version 2 packet (what follows the SNAP header), with its checksum.
func CDP(b []byte, in *CDPInfo) []byte {
	start := len(b)
	b = append(b, 2, 180, 0, 0)
	b = cdpTLV(b, 0x0001, in.DeviceID)
	b = cdpAddress(b, 0x0002, in.IP)
	b = cdpTLV(b, 0x0003, in.PortID)
	b = u16be(b, 0x0004)
	b = u16be(b, 8)
	b = u32be(b, in.Caps)
	b = cdpTLV(b, 0x0005, in.SoftwareVersion)
	b = cdpTLV(b, 0x0006, in.Platform)
	if in.NativeVLAN != 0 {
		b = u16be(b, 0x000a)
		b = u16be(b, 6)
		b = u16be(b, in.NativeVLAN)
	}
	b = cdpAddress(b, 0x0016, in.IP)
	if (len(b)-start)%2 == 1 {
		// Cisco sums an odd last byte differently from RFC 1071; the duplex TLV (five
		// bytes) makes the length even so both sums agree.
		b = append(b, 0x00, 0x0b, 0x00, 0x05, 0x01)
	}
	sum := internetChecksum(b[start:])
	putU16be(b, start+2, int(sum))
	return b
}

// internetChecksum is the RFC 1071 checksum.
func internetChecksum(data []byte) uint16 {
	var s uint32
	for len(data) >= 2 {
		s += uint32(data[0])<<8 | uint32(data[1])
		data = data[2:]
	}
	if len(data) == 1 {
		s += uint32(data[0]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}
