package observe

import (
	"github.com/zonewarden/zonewarden/internal/finding"
	"net/netip"
	"strconv"
	"unicode/utf8"

	"github.com/zonewarden/zonewarden/internal/protocols/bacnet"
)

// AppBACnet is BACnet/IP (UDP port 47808).
var AppBACnet = Register(Protocol{
	Name:      "bacnet",
	UDPPorts:  []uint16{47808},
	DetectUDP: detectBACnet,
	New:       func() Handler { return new(bacnetHandler) },
	OpName:    bacnetOpName,
	Rules:     bacnetRules,
	Match:     bacnetMatch,
})

type bacnetHandler struct {
	m    bacnet.Message
	comp [64]byte
	text [256]byte
}

func (h *bacnetHandler) Handle(c *Conn, b []byte) {
	m := &h.m
	if err := bacnet.Parse(b, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	if !m.HasAPDU {
		return
	}
	switch m.APDU.Type {
	case bacnet.PDUConfirmedRequest, bacnet.PDUUnconfirmedRequest:
		c.Op(uint32(m.APDU.Type)<<8|uint32(m.APDU.Service), m.OpClass())
	case bacnet.PDUError, bacnet.PDUReject, bacnet.PDUAbort:
		c.Anomaly(AnomalyErrorResponse)
	}
	isIAm := m.APDU.Type == bacnet.PDUUnconfirmedRequest && m.APDU.Service == bacnet.SvcIAm
	isDeviceAck := m.APDU.Type == bacnet.PDUComplexAck && m.APDU.Service == bacnet.SvcReadProperty && m.HasValue &&
		m.Object.Type() == bacnet.ObjectDevice && bacnet.IsIdentityProperty(m.Property)
	if !isIAm && !isDeviceAck {
		return
	}
	// The device is the sender, or the original sender of a forwarded NPDU; a device on
	// a BACnet network behind a router is a component of the router's address.
	who := c.Endpoint(Sender)
	if m.BVLC.Function == bacnet.BVLCForwardedNPDU {
		who = Endpoint{IP: netip.AddrFrom4([4]byte(m.BVLC.ForwardedFrom[:4]))}
	}
	var component []byte
	if m.HasNPDU && m.NPDU.HasSrc {
		component = append(h.comp[:0], "bacnet network "...)
		component = strconv.AppendUint(component, uint64(m.NPDU.SNET), 10)
		component = append(component, " address 0x"...)
		for _, x := range m.NPDU.SADR {
			component = append(component, "0123456789abcdef"[x>>4], "0123456789abcdef"[x&0xf])
		}
	}
	s := c.Scratch()
	if isIAm {
		c.IdentityOf(who, component, FieldDeviceInstance, strconv.AppendUint(s, uint64(m.Device.Instance()), 10), High)
		h.vendor(c, who, component, uint32(m.VendorID))
		return
	}
	if m.Property == bacnet.PropVendorIdentifier {
		if v, ok := m.Value.Unsigned(); ok {
			h.vendor(c, who, component, v)
		}
		return
	}
	text, charset, ok := m.Value.Text()
	if !ok {
		return
	}
	var f Field
	switch m.Property {
	case bacnet.PropObjectName:
		f = FieldName
	case bacnet.PropModelName:
		f = FieldModel
	case bacnet.PropFirmwareRevision:
		f = FieldFirmware
	case bacnet.PropApplicationSoftwareVersion:
		f = FieldApplicationName
	case bacnet.PropVendorName:
		f = FieldVendor
	case bacnet.PropDescription:
		f = FieldDescription
	case bacnet.PropLocation:
		f = FieldLocation
	case bacnet.PropSerialNumber:
		f = FieldSerial
	default:
		return
	}
	if v, ok := h.utf8(text, charset); ok {
		c.IdentityOf(who, component, f, v, High)
	}
}

func (h *bacnetHandler) vendor(c *Conn, who Endpoint, component []byte, id uint32) {
	c.IdentityOf(who, component, FieldVendorID, strconv.AppendUint(c.Scratch(), uint64(id), 10), High)
	if id <= 0xffff {
		if n, ok := bacnet.VendorName(uint16(id)); ok {
			c.IdentityOf(who, component, FieldVendor, append(c.Scratch(), n...), High)
		}
	}
}

// utf8 returns a character string as UTF-8: as it is when it is UTF-8 (or ASCII),
// converted from ISO 8859-1; other character sets are not reported.
func (h *bacnetHandler) utf8(text []byte, charset uint8) ([]byte, bool) {
	switch charset {
	case bacnet.CharsetUTF8:
		return text, utf8.Valid(text)
	case bacnet.CharsetISO88591:
		out := h.text[:0]
		for _, b := range text {
			if len(out)+2 > cap(out) {
				break
			}
			out = utf8.AppendRune(out, rune(b))
		}
		return out, true
	}
	return nil, false
}

func bacnetOpName(code uint32) string {
	var m bacnet.Message
	m.HasAPDU = true
	m.APDU.Type = bacnet.PDUType(code >> 8)
	m.APDU.Service = uint8(code)
	if n := m.ServiceName(); n != "" && n != "unknown" {
		return n
	}
	return ""
}

// detectBACnet recognises a BACnet/IP datagram: BVLC type 0x81 and a length that is the
// datagram's.
func detectBACnet(b []byte) bool {
	return len(b) >= 4 && b[0] == 0x81 && int(b[2])<<8|int(b[3]) == len(b)
}

// The alerts of BACnet operations.
var (
	ruleBACnetDCC    = NewRule("bacnet/device-communication-control", "BACnet DeviceCommunicationControl", finding.High, "T0814")
	ruleBACnetReinit = NewRule("bacnet/reinitialize-device", "BACnet ReinitializeDevice", finding.High, "T0816")
	ruleBACnetWrite  = NewRule("bacnet/write-property", "BACnet WriteProperty", finding.Medium, "T0836")
	bacnetRules      = []*Rule{ruleBACnetDCC, ruleBACnetReinit, ruleBACnetWrite}
)

func bacnetMatch(op *Operation) *Rule {
	c := op.Code
	if c>>8 != uint32(bacnet.PDUConfirmedRequest) {
		return nil
	}
	switch uint8(c) {
	case bacnet.SvcDeviceCommunicationControl:
		return ruleBACnetDCC
	case bacnet.SvcReinitializeDevice:
		return ruleBACnetReinit
	case bacnet.SvcWriteProperty, bacnet.SvcWritePropertyMultiple:
		return ruleBACnetWrite
	}
	return nil
}
