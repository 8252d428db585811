package simulate

import (
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// BACnet exchanges.
const (
	bnWhoIs = iota
	bnRead  // ReadProperty of the device object, arg: property
	bnValue // ReadProperty of an analog input's present value, arg: instance
)

// bacnetIdentityProps are the device object properties a BACnet workstation reads on
// discovery.
var bacnetIdentityProps = []int{encode.BACnetPropObjectName, encode.BACnetPropVendorName, encode.BACnetPropVendorIdentifier,
	encode.BACnetPropModelName, encode.BACnetPropFirmwareRevision, encode.BACnetPropAppSoftwareVersion}

// bacnetProto is a BACnet workstation and a device: Who-Is and I-Am (broadcast on a
// shared network, directed across routers), the device object's identity properties,
// then present-value polls.
type bacnetProto struct {
	fresh  bool
	cycles int
	invoke uint8
	bcast  bool
	value  float32
}

func newBACnet(s *sim, sameZone bool) *bacnetProto {
	return &bacnetProto{fresh: true, bcast: sameZone, value: float32(150+s.rng.IntN(100)) / 10}
}

func (p *bacnetProto) refill(s *sim, q *stepQueue) bool {
	if p.fresh {
		p.fresh = false
		p.cycles = 100 + s.rng.IntN(400)
		q.add(step{kind: bnWhoIs, from: cli, bcast: p.bcast})
		q.add(step{kind: bnWhoIs, from: srv, bcast: p.bcast})
		for _, prop := range bacnetIdentityProps {
			q.add(step{kind: bnRead, from: cli, op: protocols.OpRead, arg: prop})
			q.add(step{kind: bnRead, from: srv, op: protocols.OpRead, arg: prop})
		}
	} else if p.cycles--; p.cycles <= 0 {
		p.fresh = true
		return false
	}
	inst := s.rng.IntN(4)
	q.add(step{kind: bnValue, from: cli, op: protocols.OpRead, pause: true, arg: inst})
	q.add(step{kind: bnValue, from: srv, op: protocols.OpRead, arg: inst})
	return true
}

func (p *bacnetProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	id := &c.ends[srv].ident.bacnet
	dev := encode.BACnetObject(encode.BACnetObjectDevice, id.instance)
	switch st.kind {
	case bnWhoIs:
		if st.from == cli {
			return encode.BACnetWhoIs(b, p.bcast)
		}
		return encode.BACnetIAm(b, id.instance, id.vendorID, p.bcast)
	case bnRead:
		if st.from == cli {
			p.invoke++
			return encode.BACnetReadProperty(b, p.invoke, dev, uint8(st.arg))
		}
		c.ends[srv].reveal(revBACnet)
		b, at := encode.BACnetReadPropertyAckStart(b, p.invoke, dev, uint8(st.arg))
		switch st.arg {
		case encode.BACnetPropObjectName:
			b = encode.BACnetText(b, id.objectName)
		case encode.BACnetPropVendorName:
			b = encode.BACnetText(b, id.vendorName)
		case encode.BACnetPropVendorIdentifier:
			b = encode.BACnetUnsigned(b, uint32(id.vendorID))
		case encode.BACnetPropModelName:
			b = encode.BACnetText(b, id.model)
		case encode.BACnetPropFirmwareRevision:
			b = encode.BACnetText(b, id.firmware)
		default:
			b = encode.BACnetText(b, id.appSW)
		}
		return encode.BACnetReadPropertyAckEnd(b, at)
	}
	ai := encode.BACnetObject(encode.BACnetObjectAnalogInput, uint32(st.arg))
	if st.from == cli {
		p.invoke++
		return encode.BACnetReadProperty(b, p.invoke, ai, encode.BACnetPropPresentValue)
	}
	p.value += float32(s.rng.IntN(11)-5) / 100
	b, at := encode.BACnetReadPropertyAckStart(b, p.invoke, ai, encode.BACnetPropPresentValue)
	return encode.BACnetReadPropertyAckEnd(encode.BACnetReal(b, p.value), at)
}
