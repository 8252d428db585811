package bacnet

import (
	"net/netip"
	"strconv"
	"unicode/utf8"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
)

// App is BACnet/IP (UDP port 47808).
var App = observe.Register(observe.Protocol{
	Name:      "bacnet",
	UDPPorts:  []uint16{47808},
	DetectUDP: detectBACnet,
	Role:      pduRole,
	New:       func() observe.Handler { return new(bacnetHandler) },
	OpName:    bacnetOpName,
	Rules:     bacnetRules,
	Match:     bacnetMatch,
})

type bacnetHandler struct {
	m    Message
	comp [64]byte
	text [256]byte
}

func (h *bacnetHandler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if !m.HasAPDU {
		return
	}
	switch m.APDU.Type {
	case PDUConfirmedRequest, PDUUnconfirmedRequest:
		c.Op(uint32(m.APDU.Type)<<8|uint32(m.APDU.Service), m.OpClass())
	case PDUError, PDUReject, PDUAbort:
		c.Anomaly(observe.AnomalyErrorResponse)
	}
	isIAm := m.APDU.Type == PDUUnconfirmedRequest && m.APDU.Service == SvcIAm
	isDeviceAck := m.APDU.Type == PDUComplexAck && m.APDU.Service == SvcReadProperty && m.HasValue &&
		m.Object.Type() == ObjectDevice && IsIdentityProperty(m.Property)
	if !isIAm && !isDeviceAck {
		return
	}
	// The device is the sender, or the original sender of a forwarded NPDU; a device on
	// a BACnet network behind a router is a component of the router's address.
	who := c.Endpoint(observe.Sender)
	if m.BVLC.Function == BVLCForwardedNPDU {
		who = observe.Endpoint{IP: netip.AddrFrom4([4]byte(m.BVLC.ForwardedFrom[:4]))}
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
		c.IdentityOf(who, component, observe.FieldDeviceInstance, strconv.AppendUint(s, uint64(m.Device.Instance()), 10), observe.High)
		h.vendor(c, who, component, uint32(m.VendorID))
		return
	}
	if m.Property == PropVendorIdentifier {
		if v, ok := m.Value.Unsigned(); ok {
			h.vendor(c, who, component, v)
		}
		return
	}
	text, charset, ok := m.Value.Text()
	if !ok {
		return
	}
	var f observe.Field
	switch m.Property {
	case PropObjectName:
		f = observe.FieldName
	case PropModelName:
		f = observe.FieldModel
	case PropFirmwareRevision:
		f = observe.FieldFirmware
	case PropApplicationSoftwareVersion:
		f = observe.FieldApplicationName
	case PropVendorName:
		f = observe.FieldVendor
	case PropDescription:
		f = observe.FieldDescription
	case PropLocation:
		f = observe.FieldLocation
	case PropSerialNumber:
		f = observe.FieldSerial
	default:
		return
	}
	if v, ok := h.utf8(text, charset); ok {
		c.IdentityOf(who, component, f, v, observe.High)
	}
}

func (h *bacnetHandler) vendor(c *observe.Conn, who observe.Endpoint, component []byte, id uint32) {
	c.IdentityOf(who, component, observe.FieldVendorID, strconv.AppendUint(c.Scratch(), uint64(id), 10), observe.High)
	if id <= 0xffff {
		if n, ok := VendorName(uint16(id)); ok {
			c.IdentityOf(who, component, observe.FieldVendor, append(c.Scratch(), n...), observe.High)
		}
	}
}

// utf8 returns a character string as UTF-8, converted from its character set
// (AppendUTF8); a string in a set it cannot read is not reported.
func (h *bacnetHandler) utf8(text []byte, charset uint8) ([]byte, bool) {
	if charset == CharsetUTF8 {
		return text, utf8.Valid(text)
	}
	return AppendUTF8(h.text[:0], text, charset)
}

func bacnetOpName(code uint32) string {
	var m Message
	m.HasAPDU = true
	m.APDU.Type = PDUType(code >> 8)
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
	ruleBACnetDCC    = observe.NewRule("bacnet/device-communication-control", "BACnet DeviceCommunicationControl", finding.High, "T0814")
	ruleBACnetReinit = observe.NewRule("bacnet/reinitialize-device", "BACnet ReinitializeDevice", finding.High, "T0816")
	ruleBACnetWrite  = observe.NewRule("bacnet/write-property", "BACnet WriteProperty", finding.Medium, "T0836")
	bacnetRules      = []*observe.Rule{ruleBACnetDCC, ruleBACnetReinit, ruleBACnetWrite}
)

func bacnetMatch(op *observe.Operation) *observe.Rule {
	c := op.Code
	if c>>8 != uint32(PDUConfirmedRequest) {
		return nil
	}
	switch uint8(c) {
	case SvcDeviceCommunicationControl:
		return ruleBACnetDCC
	case SvcReinitializeDevice:
		return ruleBACnetReinit
	case SvcWriteProperty, SvcWritePropertyMultiple:
		return ruleBACnetWrite
	}
	return nil
}
