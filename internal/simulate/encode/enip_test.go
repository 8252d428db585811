package encode

import (
	"math"
	"testing"
)

var treatID = ENIPIdentity{VendorID: 1, DeviceType: 14, ProductCode: 166, Major: 33, Minor: 11, Status: 0x0060, Serial: 0x00614a2c, ProductName: "1756-L83E/B", State: 3, IP: srvIP}

func TestENIPTshark(t *testing.T) {
	var c capture
	c.udp(0, 50000, 44818, ENIPListIdentityRequest(nil, 7))
	c.udp(1, 44818, 50000, ENIPListIdentityResponse(nil, 7, &treatID))
	s := c.tcp(49300, 44818)
	s.send(0, ENIPListIdentityRequest(nil, 1))
	s.send(1, ENIPListIdentityResponse(nil, 1, &treatID))
	s.send(0, ENIPRegisterSession(nil, 0, 2))
	s.send(1, ENIPRegisterSession(nil, 0x1234, 2))

	b, st := ENIPSendRRDataStart(nil, 0x1234, 3)
	b = CIPRequest(b, CIPGetAttributesAll, CIPClassIdentity, 1, 0)
	s.send(0, ENIPEnd(b, st))
	b, st = ENIPSendRRDataStart(nil, 0x1234, 3)
	b = CIPIdentityAll(CIPResponse(b, CIPGetAttributesAll, 0), &treatID)
	s.send(1, ENIPEnd(b, st))

	b, st = ENIPSendRRDataStart(nil, 0x1234, 4)
	b = CIPRequest(b, CIPGetAttributeSingle, CIPClassIdentity, 1, 7)
	s.send(0, ENIPEnd(b, st))
	b, st = ENIPSendRRDataStart(nil, 0x1234, 4)
	b = CIPResponse(b, CIPGetAttributeSingle, 0)
	b = append(b, byte(len(treatID.ProductName)))
	b = append(b, treatID.ProductName...)
	s.send(1, ENIPEnd(b, st))

	fo := ForwardOpen{OTConnID: 0x11223344, TOConnID: 0x55667788, Serial: 9, Vendor: 1, OrigSerial: 0xabcdef, RPI: 2_000_000}
	b, st = ENIPSendRRDataStart(nil, 0x1234, 5)
	s.send(0, ENIPEnd(CIPForwardOpenRequest(b, &fo), st))
	b, st = ENIPSendRRDataStart(nil, 0x1234, 5)
	s.send(1, ENIPEnd(CIPForwardOpenReply(b, &fo), st))

	b, st = ENIPSendUnitDataStart(nil, 0x1234, fo.OTConnID, 1)
	b = CIPTagRequest(b, CIPReadTag, "Filter1_Level")
	b = u16le(b, 1)
	s.send(0, ENIPEnd(b, st))
	b, st = ENIPSendUnitDataStart(nil, 0x1234, fo.TOConnID, 1)
	b = CIPResponse(b, CIPReadTag, 0)
	b = u16le(b, CIPTypeREAL)
	b = u32le(b, math.Float32bits(2.75))
	s.send(1, ENIPEnd(b, st))

	b, st = ENIPSendUnitDataStart(nil, 0x1234, fo.OTConnID, 2)
	b = CIPTagRequest(b, CIPWriteTag, "Cl2_Setpoint")
	b = u16le(b, CIPTypeREAL)
	b = u16le(b, 1)
	b = u32le(b, math.Float32bits(1.5))
	s.send(0, ENIPEnd(b, st))
	b, st = ENIPSendUnitDataStart(nil, 0x1234, fo.TOConnID, 2)
	s.send(1, ENIPEnd(CIPResponse(b, CIPWriteTag, 0), st))

	b, st = ENIPSendRRDataStart(nil, 0x1234, 6)
	b = CIPRequest(b, CIPReset, CIPClassIdentity, 1, 0)
	s.send(0, ENIPEnd(append(b, 0), st))
	b, st = ENIPSendRRDataStart(nil, 0x1234, 6)
	s.send(1, ENIPEnd(CIPResponse(b, CIPReset, 0), st))

	b, st = ENIPSendRRDataStart(nil, 0x1234, 7)
	s.send(0, ENIPEnd(CIPForwardCloseRequest(b, &fo), st))
	b, st = ENIPSendRRDataStart(nil, 0x1234, 7)
	s.send(1, ENIPEnd(CIPForwardCloseReply(b, &fo), st))
	s.send(0, ENIPUnregister(nil, 0x1234, 8))

	rows := c.check(t, "enip.command", "enip.lir.vendor", "enip.lir.devtype", "enip.lir.prodcode", "enip.lir.serial", "enip.lir.name", "cip.service", "cip.id.serial_number", "cip.id.product_name")
	requireRow(t, rows, "0x0063", "1\t14\t166\t0x00614a2c\t1756-L83E/B")
	requireRow(t, rows, "0x81", "0x00614a2c", "1756-L83E/B")
	for _, svc := range []string{"0x54", "0x4c", "0x4d", "0x05", "0x4e", "0xd4"} {
		requireRow(t, rows, svc)
	}
	for _, r := range rows {
		t.Log(r)
	}
}
