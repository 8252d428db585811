package bacnet

import "github.com/zonewarden/zonewarden/internal/observe"

// pduRole tells a BACnet/IP client's PDUs from a server's (observe.Protocol.Role), as
// both ends use port 47808: confirmed requests and the unconfirmed services that ask
// (Who-Is, Who-Has, time synchronisation, WriteGroup) against acknowledgements, errors
// and rejects; segment acks and aborts by their server bit. What a device sends of
// itself unconfirmed (I-Am, I-Have, COV and event notifications) does not tell: it goes
// to a broadcast address more often than not, and a directed broadcast (172.20.32.255)
// cannot be told from a device's address without the subnet mask, so it would make the
// broadcast address the client. Network-layer messages and other BVLC functions do not
// tell either.
func pduRole(b []byte) observe.PDURole {
	if len(b) < 6 || b[0] != 0x81 {
		return observe.PDUUnknown
	}
	o := 0
	switch b[1] {
	case 0x09, 0x0a, 0x0b: // distribute broadcast, original unicast, original broadcast
		o = 4
	case 0x04: // forwarded NPDU: the original source's address and port first
		o = 10
	default:
		return observe.PDUUnknown
	}
	if len(b) < o+2 || b[o] != 1 {
		return observe.PDUUnknown
	}
	ctrl := b[o+1]
	o += 2
	if ctrl&0x80 != 0 {
		return observe.PDUUnknown // a network-layer message
	}
	if ctrl&0x20 != 0 { // destination network, address length, address
		if len(b) < o+3 {
			return observe.PDUUnknown
		}
		o += 3 + int(b[o+2])
	}
	if ctrl&0x08 != 0 { // source network, address length, address
		if len(b) < o+3 {
			return observe.PDUUnknown
		}
		o += 3 + int(b[o+2])
	}
	if ctrl&0x20 != 0 {
		o++ // hop count
	}
	if len(b) < o+2 {
		return observe.PDUUnknown
	}
	switch b[o] >> 4 {
	case 0: // confirmed request
		return observe.PDURequest
	case 1: // unconfirmed request: by service
		switch b[o+1] {
		case 6, 7, 8, 9, 10: // time synchronisation, Who-Has, Who-Is, UTC time synchronisation, WriteGroup
			return observe.PDURequest
		}
	case 2, 3, 5, 6: // simple ack, complex ack, error, reject
		return observe.PDUResponse
	case 4, 7: // segment ack, abort: the SRV bit says whether the server sent it
		if b[o]&0x01 != 0 {
			return observe.PDUResponse
		}
		return observe.PDURequest
	}
	return observe.PDUUnknown
}
