package lldp

import (
	"errors"
	"net/netip"
)

// EtherType is the Ethernet type of LLDP frames.
const EtherType = 0x88CC

// TLV types (IEEE 802.1AB clause 8.4 and 8.5).
const (
	TLVEnd          = 0
	TLVChassisID    = 1
	TLVPortID       = 2
	TLVTTL          = 3
	TLVPortDesc     = 4
	TLVSystemName   = 5
	TLVSystemDesc   = 6
	TLVCapabilities = 7
	TLVMgmtAddress  = 8
	TLVOrgSpecific  = 127
)

// Chassis ID subtypes.
const (
	ChassisComponent      = 1
	ChassisInterfaceAlias = 2
	ChassisPortComponent  = 3
	ChassisMACAddress     = 4
	ChassisNetworkAddr    = 5
	ChassisInterfaceName  = 6
	ChassisLocal          = 7
)

// Port ID subtypes.
const (
	PortInterfaceAlias = 1
	PortComponent      = 2
	PortMACAddress     = 3
	PortNetworkAddr    = 4
	PortInterfaceName  = 5
	PortAgentCircuitID = 6
	PortLocal          = 7
)

// System capability bits (the same in the supported and the enabled set).
const (
	CapOther    uint16 = 1 << 0
	CapRepeater uint16 = 1 << 1
	CapBridge   uint16 = 1 << 2
	CapWLANAP   uint16 = 1 << 3
	CapRouter   uint16 = 1 << 4
	CapPhone    uint16 = 1 << 5
	CapDOCSIS   uint16 = 1 << 6
	CapStation  uint16 = 1 << 7
	CapCVLAN    uint16 = 1 << 8
	CapSVLAN    uint16 = 1 << 9
	CapTPMR     uint16 = 1 << 10
)

var capNames = [...]string{"other", "repeater", "bridge", "wlan_ap", "router", "telephone", "docsis", "station", "c_vlan", "s_vlan", "tpmr"}

// CapabilityName returns the name of capability bit i (0..10), or "".
func CapabilityName(i int) string {
	if i >= 0 && i < len(capNames) {
		return capNames[i]
	}
	return ""
}

// IANA address family numbers used by management addresses and network-address
// chassis and port ids.
const (
	AddrFamilyIPv4 = 1
	AddrFamilyIPv6 = 2
	AddrFamily802  = 6
)

// Organizationally unique identifiers of the organisation-specific TLVs decoded here.
var (
	ouiIEEE8021 = [3]byte{0x00, 0x80, 0xC2}
	ouiTIAMED   = [3]byte{0x00, 0x12, 0xBB}
)

// MaxMgmtAddrs is how many management addresses a Message keeps; more are counted in
// MgmtAddrsDropped.
const MaxMgmtAddrs = 4

var (
	errShort      = errors.New("lldp: TLV header truncated")
	errTLVLength  = errors.New("lldp: TLV runs past the end of the frame")
	errMandatory  = errors.New("lldp: LLDPDU does not start with chassis id, port id and TTL TLVs")
	errIDLength   = errors.New("lldp: chassis or port id TLV shorter than 2 bytes")
	errTTLLength  = errors.New("lldp: TTL TLV is not 2 bytes")
	errCapLength  = errors.New("lldp: capabilities TLV is not 4 bytes")
	errMgmtLength = errors.New("lldp: malformed management address TLV")
	errOrgLength  = errors.New("lldp: organisation-specific TLV shorter than 4 bytes")
)

// MgmtAddr is one management address TLV.
type MgmtAddr struct {
	Family    uint8  // IANA address family of Addr
	Addr      []byte // the address (aliases the input)
	IfSubtype uint8  // 1 unknown, 2 ifIndex, 3 system port number
	IfNumber  uint32
	OID       []byte // BER-encoded object identifier, often empty
}

// IP returns the address as an IP address when its family is IPv4 or IPv6.
func (a *MgmtAddr) IP() (netip.Addr, bool) {
	return familyAddr(a.Family, a.Addr)
}

func familyAddr(family uint8, b []byte) (netip.Addr, bool) {
	switch {
	case family == AddrFamilyIPv4 && len(b) == 4:
		return netip.AddrFrom4([4]byte(b)), true
	case family == AddrFamilyIPv6 && len(b) == 16:
		return netip.AddrFrom16([16]byte(b)), true
	}
	return netip.Addr{}, false
}

// Inventory is the LLDP-MED inventory set (TIA-1057), each a string of up to 32 bytes.
type Inventory struct {
	HardwareRevision []byte
	FirmwareRevision []byte
	SoftwareRevision []byte
	SerialNumber     []byte
	Manufacturer     []byte
	Model            []byte
	AssetID          []byte
}

// Message is one LLDPDU.
type Message struct {
	ChassisIDSubtype uint8
	ChassisID        []byte // raw value: a MAC, an address with its family byte, or text
	PortIDSubtype    uint8
	PortID           []byte
	TTL              uint16 // seconds; 0 announces that the sender leaves

	PortDescription   []byte
	SystemName        []byte
	SystemDescription []byte

	HasCapabilities bool
	Capabilities    uint16 // supported capability bits (CapRouter, ...)
	EnabledCaps     uint16 // enabled capability bits

	MgmtAddrs        [MaxMgmtAddrs]MgmtAddr
	NumMgmtAddrs     int
	MgmtAddrsDropped int

	HasPortVLAN bool
	PortVLAN    uint16 // IEEE 802.1 port VLAN id (0: none)

	HasMED       bool  // an LLDP-MED capabilities TLV was present
	MEDDevClass  uint8 // 1..3 endpoint classes, 4 network connectivity device
	MEDInventory Inventory

	OrgTLVs int  // organisation-specific TLVs seen, decoded or not
	Ended   bool // the End of LLDPDU TLV was seen (else the frame was cut or padded oddly)
}

// ChassisMAC returns the chassis id as a MAC address when its subtype says so.
func (m *Message) ChassisMAC() ([6]byte, bool) {
	if m.ChassisIDSubtype == ChassisMACAddress && len(m.ChassisID) == 6 {
		return [6]byte(m.ChassisID), true
	}
	return [6]byte{}, false
}

// ChassisIP returns the chassis id as an IP address when its subtype is a network address.
func (m *Message) ChassisIP() (netip.Addr, bool) {
	if m.ChassisIDSubtype == ChassisNetworkAddr && len(m.ChassisID) > 1 {
		return familyAddr(m.ChassisID[0], m.ChassisID[1:])
	}
	return netip.Addr{}, false
}

// Parse decodes one LLDPDU (the payload after the Ethernet header) into m, which it resets
// first. Slices in m alias b. Bytes after the End TLV (Ethernet padding) are ignored.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	for i := 0; ; i++ {
		if len(b) == 0 {
			if i < 3 {
				return errMandatory
			}
			return nil
		}
		if len(b) < 2 {
			return errShort
		}
		typ := b[0] >> 1
		n := int(b[0]&1)<<8 | int(b[1])
		if len(b)-2 < n {
			return errTLVLength
		}
		v := b[2 : 2+n]
		b = b[2+n:]
		// 802.1AB: the first three TLVs are chassis id, port id and TTL, in that order.
		if i < 3 && int(typ) != TLVChassisID+i {
			return errMandatory
		}
		switch typ {
		case TLVEnd:
			m.Ended = true
			return nil
		case TLVChassisID, TLVPortID:
			if len(v) < 2 {
				return errIDLength
			}
			if typ == TLVChassisID {
				m.ChassisIDSubtype, m.ChassisID = v[0], v[1:]
			} else {
				m.PortIDSubtype, m.PortID = v[0], v[1:]
			}
		case TLVTTL:
			if len(v) != 2 {
				return errTTLLength
			}
			m.TTL = be16(v)
		case TLVPortDesc:
			m.PortDescription = v
		case TLVSystemName:
			m.SystemName = v
		case TLVSystemDesc:
			m.SystemDescription = v
		case TLVCapabilities:
			if len(v) != 4 {
				return errCapLength
			}
			m.HasCapabilities = true
			m.Capabilities, m.EnabledCaps = be16(v), be16(v[2:])
		case TLVMgmtAddress:
			if err := m.parseMgmt(v); err != nil {
				return err
			}
		case TLVOrgSpecific:
			if len(v) < 4 {
				return errOrgLength
			}
			m.OrgTLVs++
			m.parseOrg([3]byte(v), v[3], v[4:])
		}
	}
}

func (m *Message) parseMgmt(v []byte) error {
	// address string length (subtype + address), subtype, address, interface subtype,
	// interface number (4), OID length, OID.
	if len(v) < 1 {
		return errMgmtLength
	}
	alen := int(v[0])
	if alen < 2 || alen > 32 || len(v) < 1+alen+5+1 {
		return errMgmtLength
	}
	a := MgmtAddr{Family: v[1], Addr: v[2 : 1+alen]}
	p := v[1+alen:]
	a.IfSubtype = p[0]
	a.IfNumber = uint32(p[1])<<24 | uint32(p[2])<<16 | uint32(p[3])<<8 | uint32(p[4])
	olen := int(p[5])
	if olen > 128 || len(p)-6 < olen {
		return errMgmtLength
	}
	a.OID = p[6 : 6+olen]
	if m.NumMgmtAddrs == MaxMgmtAddrs {
		m.MgmtAddrsDropped++
		return nil
	}
	m.MgmtAddrs[m.NumMgmtAddrs] = a
	m.NumMgmtAddrs++
	return nil
}

func (m *Message) parseOrg(oui [3]byte, subtype uint8, v []byte) {
	switch oui {
	case ouiIEEE8021:
		if subtype == 1 && len(v) == 2 {
			m.HasPortVLAN, m.PortVLAN = true, be16(v)
		}
	case ouiTIAMED:
		inv := &m.MEDInventory
		switch subtype {
		case 1: // capabilities: 2 bytes of capability bits, 1 byte device class
			if len(v) == 3 {
				m.HasMED, m.MEDDevClass = true, v[2]
			}
		case 5:
			inv.HardwareRevision = v
		case 6:
			inv.FirmwareRevision = v
		case 7:
			inv.SoftwareRevision = v
		case 8:
			inv.SerialNumber = v
		case 9:
			inv.Manufacturer = v
		case 10:
			inv.Model = v
		case 11:
			inv.AssetID = v
		}
	}
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
