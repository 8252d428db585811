package encode

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols/bacnet"
)

func TestBACnetTshark(t *testing.T) {
	var c capture
	dev := BACnetObject(BACnetObjectDevice, 120001)
	c.udp(0, 47808, 47808, BACnetWhoIs(nil, true))
	c.udp(1, 47808, 47808, BACnetIAm(nil, 120001, 5, true))
	c.udp(0, 47808, 47808, BACnetReadProperty(nil, 1, dev, BACnetPropVendorName))
	b, st := BACnetReadPropertyAckStart(nil, 1, dev, BACnetPropVendorName)
	c.udp(1, 47808, 47808, BACnetReadPropertyAckEnd(BACnetText(b, "Johnson Controls"), st))
	b, st = BACnetReadPropertyAckStart(nil, 2, dev, BACnetPropVendorIdentifier)
	c.udp(1, 47808, 47808, BACnetReadPropertyAckEnd(BACnetUnsigned(b, 5), st))
	b, st = BACnetReadPropertyAckStart(nil, 3, dev, BACnetPropModelName)
	c.udp(1, 47808, 47808, BACnetReadPropertyAckEnd(BACnetText(b, "NAE5510"), st))
	b, st = BACnetReadPropertyAckStart(nil, 4, dev, BACnetPropFirmwareRevision)
	c.udp(1, 47808, 47808, BACnetReadPropertyAckEnd(BACnetText(b, "9.0"), st))
	ai := BACnetObject(BACnetObjectAnalogInput, 3)
	c.udp(0, 47808, 47808, BACnetReadProperty(nil, 5, ai, BACnetPropPresentValue))
	b, st = BACnetReadPropertyAckStart(nil, 5, ai, BACnetPropPresentValue)
	c.udp(1, 47808, 47808, BACnetReadPropertyAckEnd(BACnetReal(b, 21.5), st))
	rows := c.check(t, "bacapp.type", "bacapp.confirmed_service", "bacapp.property_identifier", "bacapp.string_character_set", "bacapp.vendor_identifier", "bacapp.instance_number")
	requireRow(t, rows, "120001")
	for _, r := range rows {
		t.Log(r)
	}
	if s := tshark(t, "-r", c.write(t), "-V"); !contains(s, "Johnson Controls") || !contains(s, "NAE5510") || !contains(s, "21.5") {
		t.Errorf("tshark does not show the property values:\n%s", s)
	}
}

func contains(s, sub string) bool { return len(sub) == 0 || indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestBACnetDissector(t *testing.T) {
	var m bacnet.Message
	if err := bacnet.Parse(BACnetIAm(nil, 120001, 5, true), &m); err != nil || m.Device.Instance() != 120001 || m.VendorID != 5 {
		t.Errorf("I-Am: %v %+v", err, m)
	}
	dev := BACnetObject(BACnetObjectDevice, 9)
	b, st := BACnetReadPropertyAckStart(nil, 1, dev, BACnetPropModelName)
	if err := bacnet.Parse(BACnetReadPropertyAckEnd(BACnetText(b, "NAE5510"), st), &m); err != nil || !m.HasValue {
		t.Fatalf("ack: %v", err)
	}
	if txt, _, ok := m.Value.Text(); !ok || string(txt) != "NAE5510" {
		t.Errorf("model name %q", txt)
	}
}
