package enip_test

import (
	"encoding/binary"
	"encoding/hex"
)

// Builders of EtherNet/IP and CIP bytes, following the encapsulation and CIP
// specifications' layouts. TestSyntheticMatchesTshark checks what they build against
// tshark's dissector.

func h(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

const testSession = 0x11020100

// encap builds an encapsulation message: command, length, session, status, sender
// context (8 bytes), options, then body.
func encap(cmd uint16, status uint32, ctx string, body []byte) []byte {
	c := make([]byte, 8)
	copy(c, ctx)
	return cat(le16(cmd), le16(uint16(len(body))), le32(testSession), le32(status), c, le32(0), body)
}

func item(typ uint16, data []byte) []byte { return cat(le16(typ), le16(uint16(len(data))), data) }

func cpf(items ...[]byte) []byte { return cat(append([][]byte{le16(uint16(len(items)))}, items...)...) }

// rr wraps a CIP message in SendRRData (unconnected messaging).
func rr(ctx string, cip []byte) []byte {
	return encap(0x6f, 0, ctx, cat(le32(0), le16(10), cpf(item(0x0000, nil), item(0x00b2, cip))))
}

// unit wraps a CIP message in SendUnitData (connected messaging).
func unit(connID uint32, seq uint16, cip []byte) []byte {
	return encap(0x70, 0, "", cat(le32(0), le16(0), cpf(item(0x00a1, le32(connID)), item(0x00b1, cat(le16(seq), cip)))))
}

// req builds a CIP request: service, path size in words, path, data.
func req(svc uint8, path, data []byte) []byte {
	return cat([]byte{svc, byte(len(path) / 2)}, path, data)
}

// resp builds a CIP reply: service with the reply bit, reserved, general status,
// additional status size in words, additional status, data.
func resp(svc, status uint8, ext, data []byte) []byte {
	return cat([]byte{svc | 0x80, 0, status, byte(len(ext) / 2)}, ext, data)
}

// sym builds an ANSI extended symbol segment, padded to a word.
func sym(name string) []byte {
	b := cat([]byte{0x91, byte(len(name))}, []byte(name))
	if len(name)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// unconnectedSend wraps a request for the Connection Manager to route to a port and
// link address (backplane port 1, slot 0 for a Logix CPU in slot 0).
func unconnectedSend(embedded []byte, port, link byte) []byte {
	data := cat([]byte{0x0a, 0x0e}, le16(uint16(len(embedded))), embedded)
	if len(embedded)%2 == 1 {
		data = append(data, 0)
	}
	data = cat(data, []byte{1, 0, port, link})
	return req(0x52, h("20062401"), data)
}

// msp builds Multiple_Service_Packet data: count, offsets from the count, services.
func msp(services ...[]byte) []byte {
	off := 2 + 2*len(services)
	out := le16(uint16(len(services)))
	var body []byte
	for _, s := range services {
		out = append(out, le16(uint16(off+len(body)))...)
		body = append(body, s...)
	}
	return cat(out, body)
}

// Synthetic PDUs.
var (
	synRegisterReq = encap(0x65, 0, "", h("01000000"))
	// Read_Tag "Program:Main.Counts[3]", one element, routed to backplane slot 0.
	synReadTagRouted = rr("zwtest01", unconnectedSend(req(0x4c, cat(sym("Program:Main"), sym("Counts"), h("2803")), le16(1)), 1, 0))
	// Its reply: a DINT (0xc4) of 42.
	synReadTagReply = rr("zwtest01", resp(0x4c, 0, nil, h("c4002a000000")))
	// Get_Attributes_All of the Identity object, and the reply of a 1756-L61.
	synGAAReq   = rr("zwtest02", req(0x01, h("20012401"), nil))
	synGAAReply = rr("zwtest02", resp(0x01, 0, nil, cat(le16(1), le16(14), le16(54), []byte{20, 11}, le16(0x3060),
		le32(0x00c0ffee), []byte{20}, []byte("1756-L61/B LOGIX5561"), []byte{3})))
	// Write_Tag "Spd1" = 42 (DINT) over a class-3 connection.
	synWriteTag = unit(0x7c0b01, 7, req(0x4d, sym("Spd1"), cat(le16(0xc4), le16(1), le32(42))))
	// Reset of the Identity object (a device restart).
	synReset = rr("zwtest03", req(0x05, h("20012401"), []byte{0}))
	// File object: initiate a download (program transfer).
	synFileDownload = rr("zwtest04", req(0x4c, h("20372401"), cat(le32(4096), le32(0x1234), le16(1))))
	// Get_Attribute_Single with 16-bit class, 16-bit instance and 8-bit attribute.
	synWideLogical = rr("zwtest05", req(0x0e, h("21002c01250020243005"), nil))
	// Get_Attribute_Single with a 32-bit instance.
	synInstance32 = rr("zwtest06", req(0x0e, h("2004260078563412300a"), nil))
	// A routed Multiple_Service_Packet with two reads.
	synRoutedMSP = rr("zwtest07", unconnectedSend(req(0x0a, h("20022401"), msp(req(0x0e, h("200124013001"), nil),
		req(0x4c, sym("Spd1"), le16(1)))), 1, 0))
	// Forward_Open failing with "connection in use" (general status 1, extended 0x0100).
	synForwardOpenFail = rr("zwtest08", resp(0x54, 1, le16(0x0100), nil))
)
