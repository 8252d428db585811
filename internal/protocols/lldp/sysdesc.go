package lldp

import "bytes"

// Kinds of network device a system description names (Description.Kind).
const (
	KindSwitch   = "industrial Ethernet switch"
	KindITSwitch = "Ethernet switch" // a switch of an office range (Cisco Catalyst)
	KindRouter   = "industrial router"
	KindSecurity = "industrial security appliance"
	KindWireless = "industrial wireless access point"
)

// Description is what an industrial device's system description (LLDP system
// description TLV, CDP software version, SNMP sysDescr) says about it, in the formats
// its vendor writes. Slices alias the description; Vendor and Kind are constants.
//
// The formats read:
//
//   - Siemens, comma-separated: "Siemens, SIMATIC NET, SCALANCE X204IRT, 6GK5 204-0BA00-2BA3,
//     HW: Version 9, FW: Version V05.04.02, SVPL6147920" (product, order number, hardware and
//     firmware versions, serial) and the CPUs' "Siemens, SIMATIC S7, CPU 1516-3 PN/DP,
//     6ES7 516-3AN01-0AB0, HW: 3, FW: V2.9.4"; the older PROFINET form "Siemens AG SIMATIC S7
//     MULTIPORT SCALANCE X 200 FAM" names the product family only.
//   - Hirschmann (Belden): "Hirschmann BOBCAT - SW: HiOS-2A-10.0.00", "Hirschmann Rail
//     Switch Power Enhanced - SW: HiOS-3S-09.0.00": product, then the software after "SW:"
//     (HiOS or Classic), sometimes "HW:".
//   - Cisco IOS and IOS XE: "Cisco IOS Software, IE4000 Software (IE4000-UNIVERSALK9-M),
//     Version 15.2(7)E4, RELEASE SOFTWARE (fc2)": the image's platform family and the
//     release. Industrial Ethernet (IE) and Connected Grid families are industrial
//     switches, Catalyst families switches; other families (routers) get no kind.
//   - Moxa EtherDevice and industrial switches (EDS-, IKS-, ICS-G), whose description
//     starts with the model ("EDS-G512E-4GSFP"); a following token "V5.2" is taken for the
//     firmware. No Moxa announcement was at hand to check this form against: it follows
//     Moxa's model naming, and a description that goes on otherwise yields the model only.
//
// The formats above are the ones read, each from descriptions seen in captures and in
// published lldpctl, NAPALM and SNMP output, except Moxa's. A description is the device's
// word about itself, but read through a format, so the facts taken from it are of medium
// confidence.
type Description struct {
	Vendor      string // "Siemens", "Hirschmann", "Cisco", "Moxa"; "" when no format matched
	Model       []byte // the product ("SCALANCE X204IRT", "CPU 1516-3 PN/DP", "BOBCAT", "EDS-G512E-4GSFP")
	Family      []byte // Cisco: the software image's platform family ("IE4000")
	OrderNumber []byte // Siemens order number (MLFB)
	Firmware    []byte // firmware or software version
	Hardware    []byte // hardware version
	Serial      []byte // serial number (Siemens)
	Kind        string // a Kind* constant when the product is a network device, else ""
}

// ParseDescription reads an industrial device's system description. It returns false
// when the description is in none of the formats it knows.
func ParseDescription(b []byte, d *Description) bool {
	*d = Description{}
	b = bytes.TrimSpace(b)
	switch {
	case hasPrefixFold(b, "Siemens"):
		return parseSiemens(b, d)
	case hasPrefixFold(b, "Hirschmann "):
		return parseHirschmann(b, d)
	case hasPrefixFold(b, "Cisco IOS"):
		return parseCisco(b, d)
	case hasPrefixFold(b, "EDS-") || hasPrefixFold(b, "IKS-") || hasPrefixFold(b, "ICS-G"):
		return parseMoxa(b, d)
	}
	return false
}

// nextField returns the text up to the next ", " (or the end) and the rest.
func nextField(b []byte) (field, rest []byte) {
	if i := bytes.IndexByte(b, ','); i >= 0 {
		return bytes.TrimSpace(b[:i]), b[i+1:]
	}
	return bytes.TrimSpace(b), nil
}

func parseSiemens(b []byte, d *Description) bool {
	d.Vendor = "Siemens"
	first, rest := nextField(b)
	if !bytes.EqualFold(first, []byte("Siemens")) {
		// "Siemens AG SIMATIC S7 MULTIPORT SCALANCE X 200 FAM": the family only.
		if i := indexFold(first, "SCALANCE "); i >= 0 {
			d.Model = first[i:]
			d.Kind = scalanceKind(d.Model)
		}
		return d.Model != nil
	}
	_, rest = nextField(rest) // "SIMATIC NET", "SIMATIC S7"
	d.Model, rest = nextField(rest)
	if len(d.Model) == 0 {
		return false
	}
	if hasPrefixFold(d.Model, "SCALANCE ") {
		d.Kind = scalanceKind(d.Model)
	}
	for len(rest) > 0 {
		var f []byte
		f, rest = nextField(rest)
		switch {
		case hasPrefixFold(f, "HW:"):
			d.Hardware = versionAfter(f[3:])
		case hasPrefixFold(f, "FW:"):
			d.Firmware = versionAfter(f[3:])
		case d.OrderNumber == nil && d.Firmware == nil && isOrderNumber(f):
			d.OrderNumber = f
		case d.Firmware != nil && isSiemensSerial(f):
			d.Serial = f
		}
	}
	return true
}

// versionAfter trims "Version " from " Version V05.04.02" (SCALANCE) as from " V2.9.4".
func versionAfter(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if hasPrefixFold(b, "Version ") {
		b = bytes.TrimSpace(b[len("Version "):])
	}
	if len(b) == 0 {
		return nil
	}
	return b
}

// isOrderNumber says whether f looks like a Siemens order number: "6GK5 204-0BA00-2BA3",
// "6ES7 516-3AN01-0AB0", "6GK56120BA102AA3".
func isOrderNumber(f []byte) bool {
	if len(f) < 10 || len(f) > 24 || f[0] != '6' || !isUpper(f[1]) || !isUpper(f[2]) {
		return false
	}
	for _, c := range f {
		if !isUpper(c) && !isDigit(c) && c != ' ' && c != '-' {
			return false
		}
	}
	return true
}

// isSiemensSerial says whether f looks like the serial number SCALANCE devices end their
// description with ("SVPL6147920"): letters then digits, no spaces.
func isSiemensSerial(f []byte) bool {
	i := 0
	for i < len(f) && isUpper(f[i]) {
		i++
	}
	if i < 2 || len(f)-i < 5 || len(f) > 20 {
		return false
	}
	for _, c := range f[i:] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// scalanceKind reads the SCALANCE product line from its letter: X (and XB, XC, XM, XP,
// XR, XF) switches, M routers, S security appliances, W wireless access points.
func scalanceKind(model []byte) string {
	m := bytes.TrimSpace(model[len("SCALANCE "):])
	if len(m) == 0 {
		return ""
	}
	switch m[0] | 0x20 {
	case 'x':
		return KindSwitch
	case 'm':
		return KindRouter
	case 's':
		return KindSecurity
	case 'w':
		return KindWireless
	}
	return ""
}

func parseHirschmann(b []byte, d *Description) bool {
	d.Vendor = "Hirschmann"
	body := b[len("Hirschmann "):]
	sw := indexFold(body, "SW:")
	model := body
	if sw >= 0 {
		model = body[:sw]
		d.Firmware = versionToken(body[sw+3:])
	}
	if i := bytes.IndexAny(model, ",-"); i >= 0 && (model[i] == ',' || i > 0 && model[i-1] == ' ') {
		model = model[:i] // "BOBCAT - SW:", "RSP20 Railswitch, SW:"
	}
	d.Model = bytes.TrimRight(bytes.TrimSpace(model), " -,")
	if hw := indexFold(body, "HW:"); hw >= 0 {
		d.Hardware = versionToken(body[hw+3:])
	}
	if len(d.Model) == 0 && d.Firmware == nil {
		return false
	}
	d.Kind = KindSwitch
	if indexFold(d.Model, "EAGLE") >= 0 {
		d.Kind = KindSecurity
	}
	return true
}

// versionToken returns the first token of b after spaces, up to a space or comma.
func versionToken(b []byte) []byte {
	b = bytes.TrimLeft(b, " ")
	end := bytes.IndexAny(b, " ,\r\n")
	if end < 0 {
		end = len(b)
	}
	if end == 0 {
		return nil
	}
	return b[:end]
}

// ciscoIndustrialFamilies are the prefixes of Cisco software images of industrial switch
// platforms (Industrial Ethernet, Connected Grid); ciscoSwitchFamilies those of office
// switches (Catalyst Express, Catalyst). A family in neither (ISR routers' C2900, C800)
// gets no kind.
var (
	ciscoIndustrialFamilies = []string{"IE", "CGS"}
	ciscoSwitchFamilies     = []string{"CE5", "C2950", "C2960", "C3550", "C3560", "C3650", "C3750", "C3850", "C4500", "C6500", "C9200", "C9300", "C9400", "C9500", "CAT"}
)

func parseCisco(b []byte, d *Description) bool {
	d.Vendor = "Cisco"
	// "Cisco IOS Software[ [Fuji]], IE3x00 Switch Software (IE3x00-UNIVERSALK9-M), Version ..."
	_, rest := nextField(b)
	fam, _ := nextField(rest)
	if i := bytes.IndexByte(fam, ' '); i > 0 {
		d.Family = fam[:i]
	}
	if v := indexFold(b, "Version "); v >= 0 {
		d.Firmware = versionToken(b[v+len("Version "):])
	}
	for _, p := range ciscoIndustrialFamilies {
		if hasPrefixFold(d.Family, p) {
			d.Kind = KindSwitch
		}
	}
	for _, p := range ciscoSwitchFamilies {
		if d.Kind == "" && hasPrefixFold(d.Family, p) {
			d.Kind = KindITSwitch
		}
	}
	if d.Kind == "" && indexFold(b, "Switch Software") >= 0 {
		d.Kind = KindITSwitch
	}
	return d.Firmware != nil || d.Family != nil
}

func parseMoxa(b []byte, d *Description) bool {
	d.Vendor = "Moxa"
	end := bytes.IndexAny(b, " ,")
	if end < 0 {
		end = len(b)
	}
	d.Model = b[:end]
	rest := b[end:]
	for len(rest) > 0 {
		rest = bytes.TrimLeft(rest, " ,")
		t := versionToken(rest)
		if len(t) > 1 && (t[0] == 'V' || t[0] == 'v') && isDigit(t[1]) {
			d.Firmware = t
			break
		}
		rest = rest[len(t):]
		if len(t) == 0 {
			break
		}
	}
	d.Kind = KindSwitch
	return len(d.Model) > 4
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func hasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && bytes.EqualFold(b[:len(p)], []byte(p))
}

// indexFold is bytes.Index ignoring ASCII case, without allocating.
func indexFold(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); i++ {
		if bytes.EqualFold(b[i:i+len(s)], []byte(s)) {
			return i
		}
	}
	return -1
}
