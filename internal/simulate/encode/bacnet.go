package encode

import "math"

// BACnet object types and properties the simulator reads.
const (
	BACnetObjectAnalogInput = 0
	BACnetObjectDevice      = 8

	BACnetPropAppSoftwareVersion = 12
	BACnetPropDescription        = 28
	BACnetPropFirmwareRevision   = 44
	BACnetPropModelName          = 70
	BACnetPropObjectName         = 77
	BACnetPropPresentValue       = 85
	BACnetPropVendorIdentifier   = 120
	BACnetPropVendorName         = 121
)

// BACnet services.
const (
	bacnetIAm          = 0
	bacnetWhoIs        = 8
	bacnetReadProperty = 12
)

// BACnetObject returns the object identifier of instance of type typ.
func BACnetObject(typ uint16, instance uint32) uint32 { return uint32(typ)<<22 | instance&0x3fffff }

// bvlc appends the BVLC header (broadcast or unicast) whose length bvlcEnd patches.
func bvlc(b []byte, broadcast bool) (out []byte, start int) {
	fn := byte(0x0a)
	if broadcast {
		fn = 0x0b
	}
	return append(b, 0x81, fn, 0, 0), len(b)
}

func bvlcEnd(b []byte, start int) []byte {
	putU16be(b, start+2, len(b)-start)
	return b
}

// BACnetWhoIs appends a Who-Is: a global broadcast, or directed at one device across
// routers (broadcast false).
func BACnetWhoIs(b []byte, broadcast bool) []byte {
	b, st := bvlc(b, broadcast)
	b = npduUnconfirmed(b, broadcast)
	b = append(b, 0x10, bacnetWhoIs)
	return bvlcEnd(b, st)
}

// BACnetIAm appends an I-Am for device instance with vendor identifier vendor, by
// broadcast as devices answer a broadcast Who-Is, or directed.
func BACnetIAm(b []byte, instance uint32, vendor uint16, broadcast bool) []byte {
	b, st := bvlc(b, broadcast)
	b = npduUnconfirmed(b, broadcast)
	b = append(b, 0x10, bacnetIAm)
	b = u32be(append(b, 0xc4), BACnetObject(BACnetObjectDevice, instance))
	b = u16be(append(b, 0x22), 1476) // max APDU length accepted
	b = append(b, 0x91, 0x03)        // segmentation: none
	b = appUnsigned(b, uint32(vendor))
	return bvlcEnd(b, st)
}

// npduUnconfirmed appends the NPDU of an unconfirmed service: to every network (global
// broadcast, hop count 255) or to the local one.
func npduUnconfirmed(b []byte, global bool) []byte {
	if global {
		return append(b, 0x01, 0x20, 0xff, 0xff, 0x00, 0xff)
	}
	return append(b, 0x01, 0x00)
}

// BACnetReadProperty appends a confirmed ReadProperty request.
func BACnetReadProperty(b []byte, invoke uint8, object uint32, prop uint8) []byte {
	b, st := bvlc(b, false)
	b = append(b, 0x01, 0x04) // NPDU: expecting reply
	b = append(b, 0x00, 0x05, invoke, bacnetReadProperty)
	b = u32be(append(b, 0x0c), object)
	b = append(b, 0x19, prop)
	return bvlcEnd(b, st)
}

// BACnetReadPropertyAckStart appends the head of a ReadProperty complex ACK; append the
// value with BACnetText, BACnetUnsigned or BACnetReal, then call BACnetReadPropertyAckEnd.
func BACnetReadPropertyAckStart(b []byte, invoke uint8, object uint32, prop uint8) (out []byte, start int) {
	b, st := bvlc(b, false)
	b = append(b, 0x01, 0x00)
	b = append(b, 0x30, invoke, bacnetReadProperty)
	b = u32be(append(b, 0x0c), object)
	b = append(b, 0x19, prop, 0x3e)
	return b, st
}

// BACnetReadPropertyAckEnd closes the ACK started at start.
func BACnetReadPropertyAckEnd(b []byte, start int) []byte {
	return bvlcEnd(append(b, 0x3f), start)
}

// BACnetText appends an application-tagged character string (UTF-8).
func BACnetText(b []byte, s string) []byte {
	if len(s) > 200 {
		s = s[:200]
	}
	n := len(s) + 1
	if n <= 4 {
		b = append(b, 0x70|byte(n))
	} else {
		b = append(b, 0x75, byte(n))
	}
	b = append(b, 0) // character set: UTF-8
	return append(b, s...)
}

// appUnsigned appends an application-tagged unsigned integer in as few octets as fit.
func appUnsigned(b []byte, v uint32) []byte {
	switch {
	case v <= 0xff:
		return append(b, 0x21, byte(v))
	case v <= 0xffff:
		return u16be(append(b, 0x22), uint16(v))
	case v <= 0xffffff:
		return append(b, 0x23, byte(v>>16), byte(v>>8), byte(v))
	}
	return u32be(append(b, 0x24), v)
}

// BACnetUnsigned appends an application-tagged unsigned value.
func BACnetUnsigned(b []byte, v uint32) []byte { return appUnsigned(b, v) }

// BACnetReal appends an application-tagged REAL.
func BACnetReal(b []byte, v float32) []byte {
	return u32be(append(b, 0x44), math.Float32bits(v))
}
