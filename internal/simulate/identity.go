package simulate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// Identity kinds a host can reveal, one bit each.
const (
	revENIP = iota
	revModbus
	revS7
	revBACnet
	revDCP
	revLLDP
	revCDP
	revDHCP
	revOPCUA
	revSSH
	revTelnet
	revHTTP
	revMMS
	numRev
)

// identities holds what a device says about itself in each protocol it speaks, derived
// once from the model, and which of them it has revealed on the wire so far.
type identities struct {
	enip     encode.ENIPIdentity
	modbus   encode.ModbusDeviceID
	szl11    []encode.SZLRecord
	szl1c    []encode.SZLRecord
	bacnet   bacnetIdentity
	dcp      encode.DCPIdentity
	hostname string
	sysDescr string
	platform string
	software string
	appURI   string
	appName  string
	banner   string // telnet and console banner
	sshID    string // SSH identification string

	entry    [numRev]*Identity
	revealed []*Identity
	mms      *Identity // the MMS identity (kept after it is revealed: every connection asks)
}

type bacnetIdentity struct {
	instance   uint32
	vendorID   uint16
	vendorName string
	model      string
	firmware   string
	appSW      string
	objectName string
}

func intp(v int) *int { return &v }

// reveal records that h has sent the identity of kind r (the first time only).
func (h *host) reveal(r int) {
	if e := h.ident.entry[r]; e != nil {
		h.ident.entry[r] = nil
		h.ident.revealed = append(h.ident.revealed, e)
	}
}

// deriveIdentities works out each host's identities from its model entry.
func (s *sim) deriveIdentities() {
	for _, h := range s.p.hosts {
		deriveIdentity(h)
	}
}

func deriveIdentity(h *host) {
	var vendor, mdl, fw, serial string
	if h.asset != nil {
		vendor, mdl, fw, serial = h.asset.Vendor, h.asset.Model, h.asset.Firmware, h.asset.Serial
	}
	id := &h.ident
	product := mdl
	if product == "" {
		product = h.name
	}
	if product == "" {
		product = h.id
	}

	// EtherNet/IP: the CIP vendor registry gives the vendor id.
	cv, _ := lookupVendor(cipVendors(), vendor)
	major, minor := splitRevision(fw)
	id.enip = encode.ENIPIdentity{
		VendorID: cv.ID, DeviceType: cipDeviceType(h.kind), ProductCode: uint16(fnv32(product)%900 + 1),
		Major: major, Minor: minor, Status: 0x0060, Serial: serialNumber(serial, h.id),
		ProductName: clip(product, 32), State: 3, IP: h.ip,
	}
	e := &Identity{Protocol: "enip", VendorID: intp(int(cv.ID)), DeviceType: intp(int(id.enip.DeviceType)),
		ProductCode: intp(int(id.enip.ProductCode)), ProductName: id.enip.ProductName,
		Revision: fmt.Sprintf("%d.%03d", major, minor), Serial: fmt.Sprintf("0x%08x", id.enip.Serial)}
	if cv.Name != "" {
		e.Vendor = cv.Name
	}
	id.entry[revENIP] = e

	// Modbus Read Device Identification.
	id.modbus = encode.ModbusDeviceID{VendorName: clip(vendor, 64), ProductCode: clip(product, 64), Revision: clip(fw, 64),
		ProductName: clip(product, 64), ModelName: clip(mdl, 64)}
	if id.modbus.VendorName == "" {
		id.modbus.VendorName = "unknown"
	}
	if id.modbus.Revision == "" {
		id.modbus.Revision = "1.0"
	}
	id.entry[revModbus] = &Identity{Protocol: "modbus", Vendor: id.modbus.VendorName, ProductCode: nil,
		ProductName: id.modbus.ProductName, ModelName: id.modbus.ModelName, Revision: id.modbus.Revision}

	// S7: module identification (order number, firmware) and component identification.
	order := clip(product, 20)
	l, a, b, c := s7Version(fw)
	id.szl11 = []encode.SZLRecord{
		{Index: 1, Text: order, Ausbg: 1, Ausbe: 1},
		{Index: 6, Text: order, Ausbg: 1, Ausbe: 1},
		{Index: 7, Text: "", Ausbg: uint16(l)<<8 | uint16(a), Ausbe: uint16(b)<<8 | uint16(c)},
	}
	ser := serial
	if ser == "" {
		ser = fmt.Sprintf("S C-%08X", fnv32(h.id))
	}
	id.szl1c = []encode.SZLRecord{
		{Index: 1, Text: clip(h.name, 24)},
		{Index: 2, Text: clip(product, 24)},
		{Index: 3, Text: clip(h.id, 32)},
		{Index: 4, Text: "Original Siemens Equipment"},
		{Index: 5, Text: clip(ser, 24)},
		{Index: 7, Text: clip(product, 32)},
	}
	id.entry[revS7] = &Identity{Protocol: "s7comm", OrderNumber: order, Firmware: fmt.Sprintf("%c%d.%d.%d", l, a, b, c),
		ModuleName: clip(product, 24), SystemName: clip(h.name, 24), PlantID: clip(h.id, 32), Serial: clip(ser, 24)}

	// BACnet device object.
	bv, _ := lookupVendor(bacnetVendors(), vendor)
	id.bacnet = bacnetIdentity{instance: 100000 + fnv32(h.id)%300000, vendorID: bv.ID, vendorName: vendor,
		model: product, firmware: fw, appSW: "", objectName: h.id}
	if id.bacnet.vendorName == "" {
		id.bacnet.vendorName = bv.Name
	}
	if id.bacnet.firmware == "" {
		id.bacnet.firmware = "1.0"
	}
	id.bacnet.appSW = id.bacnet.firmware
	id.entry[revBACnet] = &Identity{Protocol: "bacnet", VendorID: intp(int(bv.ID)), Vendor: id.bacnet.vendorName,
		ModelName: id.bacnet.model, Firmware: id.bacnet.firmware, ApplicationSoftware: id.bacnet.appSW,
		ObjectName: id.bacnet.objectName, DeviceInstance: intp(int(id.bacnet.instance))}

	// PROFINET DCP.
	id.dcp = encode.DCPIdentity{NameOfStation: stationName(h.id), TypeOfStation: clip(product, 240),
		VendorID: profinetVendor(vendor), DeviceID: uint16(fnv32(product)), Role: dcpRole(h.kind), IP: h.ip,
		Mask: maskOf(h), MAC: h.mac}
	id.entry[revDCP] = &Identity{Protocol: "profinet_dcp", StationName: id.dcp.NameOfStation, ProductName: id.dcp.TypeOfStation,
		VendorID: intp(int(id.dcp.VendorID)), DeviceID: intp(int(id.dcp.DeviceID))}

	// Names a host gives in LLDP, CDP, DHCP and application banners.
	id.hostname = strings.ToUpper(h.id)
	if !h.windows {
		id.hostname = h.id
	}
	id.sysDescr = strings.TrimSpace(strings.Join([]string{vendor, mdl, fw}, " "))
	if id.sysDescr == "" {
		id.sysDescr = h.kind
	}
	id.platform = strings.TrimSpace(vendor + " " + mdl)
	if strings.HasPrefix(normVendor(vendor), "cisco") && mdl != "" {
		id.platform = "cisco " + mdl // as Cisco devices name their platform in CDP
	}
	id.software = fw
	id.entry[revLLDP] = &Identity{Protocol: "lldp", SystemName: h.id, SystemDescription: id.sysDescr}
	id.entry[revCDP] = &Identity{Protocol: "cdp", SystemName: h.id, Platform: id.platform, SoftwareVersion: id.sysDescr}
	id.entry[revDHCP] = &Identity{Protocol: "dhcp", Hostname: id.hostname, VendorClass: dhcpVendorClass(h)}
	id.appURI = "urn:" + h.id + ":" + strings.ReplaceAll(normVendor(vendor+" "+mdl), " ", "-")
	id.appName = strings.TrimSpace(vendor + " " + mdl)
	if id.appName == "" {
		id.appName = h.name
	}
	id.entry[revOPCUA] = &Identity{Protocol: "opcua", ApplicationURI: id.appURI, ApplicationName: id.appName}
	id.banner = strings.TrimSpace(vendor + " " + mdl)
	if id.banner == "" {
		id.banner = h.name
	}
	switch {
	case strings.HasPrefix(normVendor(vendor), "cisco"):
		id.sshID = "SSH-2.0-Cisco-1.25"
	case h.windows:
		id.sshID = "SSH-2.0-OpenSSH_for_Windows_8.1"
	default:
		id.sshID = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"
	}
	id.entry[revSSH] = &Identity{Protocol: "ssh", Banner: id.sshID}
	mmsRev := fw
	if mmsRev == "" {
		mmsRev = "1.0"
	}
	mmsVendor := vendor
	if mmsVendor == "" {
		mmsVendor = "unknown"
	}
	id.mms = &Identity{Protocol: "iec61850_mms", Vendor: clip(mmsVendor, 200), ModelName: clip(product, 200), Revision: clip(mmsRev, 200)}
	id.entry[revMMS] = id.mms
	id.entry[revTelnet] = &Identity{Protocol: "telnet", Banner: id.banner}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// splitRevision reads "33.011" or "V2.7" as a major and minor revision.
func splitRevision(fw string) (uint8, uint8) {
	fw = strings.TrimLeft(fw, "vV")
	parts := strings.FieldsFunc(fw, func(r rune) bool { return r == '.' || r == '-' || r == ' ' })
	num := func(i int) uint8 {
		if i >= len(parts) {
			return 0
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 || n > 255 {
			return 0
		}
		return uint8(n)
	}
	major := num(0)
	if major == 0 {
		major = 1
	}
	return major, num(1)
}

// s7Version reads a firmware version such as "V3.2.10" or "2.70" for SZL 0x0011.
func s7Version(fw string) (letter byte, a, b, c uint8) {
	letter = 'V'
	rest := strings.TrimLeft(fw, "vV")
	parts := strings.Split(rest, ".")
	var n [3]uint8
	for i := 0; i < 3 && i < len(parts); i++ {
		v, err := strconv.Atoi(strings.TrimSpace(parts[i]))
		if err == nil && v >= 0 && v < 256 {
			n[i] = uint8(v)
		}
	}
	if n == [3]uint8{} {
		n[0] = 1
	}
	return letter, n[0], n[1], n[2]
}

// serialNumber reads the model's serial as a 32-bit CIP serial (hex with 0x, or
// decimal); anything else is hashed, as a vendor would print a longer serial.
func serialNumber(serial, id string) uint32 {
	s := strings.TrimSpace(serial)
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		if v, err := strconv.ParseUint(s[2:], 16, 32); err == nil {
			return uint32(v)
		}
	}
	if v, err := strconv.ParseUint(s, 10, 32); err == nil {
		return uint32(v)
	}
	if s == "" {
		s = id
	}
	return fnv32("serial:" + s)
}

// cipDeviceType maps an asset kind to a CIP device type.
func cipDeviceType(kind string) uint16 {
	switch kind {
	case "plc", "safety-controller", "dcs-controller", "rtu":
		return 0x0e // programmable logic controller
	case "drive":
		return 0x02 // AC drive
	case "hmi":
		return 0x18 // human-machine interface
	case "gateway":
		return 0x0c // communications adapter
	case "sensor", "actuator":
		return 0x07 // general purpose discrete I/O
	}
	return 0x2b // generic device (keyable)
}

// profinetVendor returns the PROFINET vendor id of the vendors this table knows (PI
// assigns them; 0 when unknown).
func profinetVendor(vendor string) uint16 {
	switch v := normVendor(vendor); {
	case strings.HasPrefix(v, "siemens"):
		return 0x002a
	case strings.HasPrefix(v, "phoenix contact"):
		return 0x00b0
	}
	return 0
}

func dcpRole(kind string) uint8 {
	if kind == "plc" || kind == "dcs-controller" || kind == "safety-controller" {
		return 0x02 // IO controller
	}
	if kind == "ews" || kind == "engineering-laptop" || kind == "hmi" {
		return 0x08 // IO supervisor
	}
	return 0x01 // IO device
}

// stationName turns an asset id into a PROFINET name of station (lower case letters,
// digits, hyphens and dots).
func stationName(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return clip(b.String(), 240)
}

func maskOf(h *host) [4]byte {
	if !h.zone.prefix.IsValid() {
		return [4]byte{255, 255, 255, 0}
	}
	bits := h.zone.prefix.Bits()
	m := ^uint32(0) << (32 - bits)
	return [4]byte{byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}
}

func dhcpVendorClass(h *host) string {
	if h.windows {
		return "MSFT 5.0"
	}
	return "udhcp 1.30.1"
}
