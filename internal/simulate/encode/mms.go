package encode

import "math"

func f32bits(v float32) uint32 { return math.Float32bits(v) }

// IEC 61850 MMS (ISO 9506) on the OSI upper layers over ISO-on-TCP (port 102): COTP,
// the session layer (ISO 8327), presentation (ISO 8823) and ACSE, all BER except the
// session layer's own parameters.

// mmsDT appends TPKT and COTP DT; the session and above follow. Close with TPKTEnd.
func mmsDT(b []byte) ([]byte, int) {
	b, st := TPKTStart(b)
	return append(b, 2, 0xf0, 0x80), st
}

// sessionUserData appends the session layer's user data parameter (PGI 193) around
// what builds it; the length takes one octet below 255, else 0xFF and two octets.
func sessionLen(b []byte, at int) []byte {
	n := len(b) - at - 1
	if n < 255 {
		b[at] = byte(n)
		return b
	}
	b = append(b, 0, 0)
	copy(b[at+3:], b[at+1:len(b)-2])
	b[at], b[at+1], b[at+2] = 0xff, byte(n>>8), byte(n)
	return b
}

var (
	oidACSE     = []byte{0x52, 0x01, 0x00, 0x01}       // 2.2.1.0.1
	oidBER      = []byte{0x51, 0x01}                   // 2.1.1
	oidMMS      = []byte{0x28, 0xca, 0x22, 0x02, 0x01} // 1.0.9506.2.1
	oidMMSAppl  = []byte{0x28, 0xca, 0x22, 0x02, 0x03} // 1.0.9506.2.3
	oidAPTitle  = []byte{0x29, 0x01, 0x87, 0x67, 0x01} // 1.1.1.999.1
	oidAPTitle2 = []byte{0x29, 0x01, 0x87, 0x67}       // 1.1.1.999
)

func berBytes(b []byte, tag byte, v []byte) []byte {
	b, at := berOpen(b, tag)
	return berClose(append(b, v...), at)
}

// mmsInitDetail appends the parameters of an initiate request (tag 0xa8) or response
// (0xa9): local detail 65000, five outstanding requests each way, nesting level 10,
// version 1 and the services and parameter support of a typical IED client or server.
func mmsInitDetail(b []byte, tag byte) []byte {
	b, at := berOpen(b, tag)
	b = append(b, 0x80, 0x03, 0x00, 0xfd, 0xe8, 0x81, 0x01, 0x05, 0x82, 0x01, 0x05, 0x83, 0x01, 0x0a)
	b, d := berOpen(b, 0xa4)
	b = append(b, 0x80, 0x01, 0x01)
	b = append(b, 0x81, 0x03, 0x05, 0xf1, 0x00)
	b = append(b, 0x82, 0x0c, 0x03, 0xee, 0x1c, 0x00, 0x00, 0x04, 0x08, 0x00, 0x00, 0x79, 0xef, 0x18)
	b = berClose(b, d)
	return berClose(b, at)
}

// MMSConnectRequest appends the client's session CONNECT carrying the presentation
// CP, the ACSE AARQ and the MMS initiate request.
func MMSConnectRequest(b []byte) []byte {
	b, st := mmsDT(b)
	b = append(b, 0x0d, 0)
	li := len(b) - 1
	b = append(b, 0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02) // accept item: options, version 2
	b = append(b, 0x14, 0x02, 0x00, 0x02)                         // session requirements: duplex
	b = append(b, 0x33, 0x02, 0x00, 0x01, 0x34, 0x02, 0x00, 0x01) // calling and called SSAP
	b = append(b, 0xc1, 0)
	ud := len(b) - 1
	// Presentation CP-type.
	b, cp := berOpen(b, 0x31)
	b = append(b, 0xa0, 0x03, 0x80, 0x01, 0x01) // normal mode
	b, np := berOpen(b, 0xa2)
	b = append(b, 0x81, 0x04, 0, 0, 0, 1, 0x82, 0x04, 0, 0, 0, 1)
	b, ctx := berOpen(b, 0xa4)
	b = presentationContext(b, 1, oidACSE)
	b = presentationContext(b, 3, oidMMS)
	b = berClose(b, ctx)
	b, fe := berOpen(b, 0x61)
	b, pdv := berOpen(b, 0x30)
	b = append(b, 0x02, 0x01, 0x01)
	b, sa := berOpen(b, 0xa0)
	// ACSE AARQ.
	b, aarq := berOpen(b, 0x60)
	b = berBytes(append(b, 0xa1, 7), 0x06, oidMMSAppl)
	b = berBytes(append(b, 0xa2, 7), 0x06, oidAPTitle)
	b = append(b, 0xa3, 0x03, 0x02, 0x01, 0x0c)
	b = berBytes(append(b, 0xa6, 6), 0x06, oidAPTitle2)
	b = append(b, 0xa7, 0x03, 0x02, 0x01, 0x0c)
	b = mmsUserInformation(b, 0xa8)
	b = berClose(b, aarq)
	b = berClose(berClose(berClose(berClose(b, sa), pdv), fe), np)
	b = berClose(b, cp)
	b = sessionLen(b, ud)
	b = sessionLen(b, li)
	return TPKTEnd(b, st)
}

func presentationContext(b []byte, id byte, abstract []byte) []byte {
	b, at := berOpen(b, 0x30)
	b = append(b, 0x02, 0x01, id)
	b = berBytes(b, 0x06, abstract)
	b = append(b, 0x30, 0x04)
	b = berBytes(b, 0x06, oidBER)
	return berClose(b, at)
}

// mmsUserInformation appends the ACSE user information: an EXTERNAL holding the MMS
// initiate PDU (tag 0xa8 request, 0xa9 response).
func mmsUserInformation(b []byte, tag byte) []byte {
	b, ui := berOpen(b, 0xbe)
	b, ext := berOpen(b, 0x28)
	b = berBytes(b, 0x06, oidBER)
	b = append(b, 0x02, 0x01, 0x03)
	b, sa := berOpen(b, 0xa0)
	b = mmsInitDetail(b, tag)
	return berClose(berClose(berClose(b, sa), ext), ui)
}

// MMSConnectResponse appends the server's session ACCEPT with the presentation CPA, the
// ACSE AARE (accepted) and the MMS initiate response.
func MMSConnectResponse(b []byte) []byte {
	b, st := mmsDT(b)
	b = append(b, 0x0e, 0)
	li := len(b) - 1
	b = append(b, 0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02)
	b = append(b, 0x14, 0x02, 0x00, 0x02)
	b = append(b, 0xc1, 0)
	ud := len(b) - 1
	b, cpa := berOpen(b, 0x31)
	b = append(b, 0xa0, 0x03, 0x80, 0x01, 0x01)
	b, np := berOpen(b, 0xa2)
	b = append(b, 0x83, 0x04, 0, 0, 0, 1)
	b, res := berOpen(b, 0xa5)
	for range 2 {
		b = append(b, 0x30, 0x07, 0x80, 0x01, 0x00)
		b = berBytes(b, 0x81, oidBER)
	}
	b = berClose(b, res)
	b, fe := berOpen(b, 0x61)
	b, pdv := berOpen(b, 0x30)
	b = append(b, 0x02, 0x01, 0x01)
	b, sa := berOpen(b, 0xa0)
	b, aare := berOpen(b, 0x61)
	b = berBytes(append(b, 0xa1, 7), 0x06, oidMMSAppl)
	b = append(b, 0xa2, 0x03, 0x02, 0x01, 0x00)             // accepted
	b = append(b, 0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00) // acse-service-user: null
	b = berBytes(append(b, 0xa4, 7), 0x06, oidAPTitle)
	b = append(b, 0xa5, 0x03, 0x02, 0x01, 0x0c)
	b = mmsUserInformation(b, 0xa9)
	b = berClose(b, aare)
	b = berClose(berClose(berClose(berClose(b, sa), pdv), fe), np)
	b = berClose(b, cpa)
	b = sessionLen(b, ud)
	b = sessionLen(b, li)
	return TPKTEnd(b, st)
}

// mmsData starts a data transfer: session give-tokens and data-transfer SPDUs, the
// presentation fully-encoded user data for the MMS context, and an MMS confirmed
// request (0xa0) or response (0xa1) with invoke id; close with mmsDataEnd.
func mmsData(b []byte, tag byte, invoke uint32) ([]byte, [4]int, int) {
	b, st := mmsDT(b)
	b = append(b, 0x01, 0x00, 0x01, 0x00)
	var at [4]int
	b, at[0] = berOpen(b, 0x61)
	b, at[1] = berOpen(b, 0x30)
	b = append(b, 0x02, 0x01, 0x03)
	b, at[2] = berOpen(b, 0xa0)
	b, at[3] = berOpen(b, tag)
	b = berUint(b, 0x02, invoke)
	return b, at, st
}

func mmsDataEnd(b []byte, at [4]int, st int) []byte {
	for i := 3; i >= 0; i-- {
		b = berClose(b, at[i])
	}
	return TPKTEnd(b, st)
}

// MMSIdentifyRequest appends an Identify request.
func MMSIdentifyRequest(b []byte, invoke uint32) []byte {
	b, at, st := mmsData(b, 0xa0, invoke)
	return mmsDataEnd(append(b, 0x82, 0x00), at, st)
}

// MMSIdentifyResponse appends the server's identity: vendor, model and revision.
func MMSIdentifyResponse(b []byte, invoke uint32, vendor, model, revision string) []byte {
	b, at, st := mmsData(b, 0xa1, invoke)
	b, id := berOpen(b, 0xa2)
	b = berString(b, 0x80, clipN(vendor, 200))
	b = berString(b, 0x81, clipN(model, 200))
	b = berString(b, 0x82, clipN(revision, 200))
	return mmsDataEnd(berClose(b, id), at, st)
}

// MMSGetDomainsRequest appends a GetNameList of the server's domains (logical devices).
func MMSGetDomainsRequest(b []byte, invoke uint32) []byte {
	b, at, st := mmsData(b, 0xa0, invoke)
	b = append(b, 0xa1, 0x09, 0xa0, 0x03, 0x80, 0x01, 0x09, 0xa1, 0x02, 0x80, 0x00) // domains, VMD scope
	return mmsDataEnd(b, at, st)
}

// MMSGetNameListResponse appends the list of names, complete.
func MMSGetNameListResponse(b []byte, invoke uint32, names []string) []byte {
	b, at, st := mmsData(b, 0xa1, invoke)
	b, r := berOpen(b, 0xa1)
	b, l := berOpen(b, 0xa0)
	for _, n := range names {
		b = berString(b, 0x1a, clipN(n, 64))
	}
	b = berClose(b, l)
	b = append(b, 0x81, 0x01, 0x00)
	return mmsDataEnd(berClose(b, r), at, st)
}

// MMSReadRequest appends a Read of the named variables of a domain.
func MMSReadRequest(b []byte, invoke uint32, domain string, items []string) []byte {
	b, at, st := mmsData(b, 0xa0, invoke)
	b, rd := berOpen(b, 0xa4)
	b, vas := berOpen(b, 0xa1)
	b, lov := berOpen(b, 0xa0)
	for _, it := range items {
		var seq, name, ds int
		b, seq = berOpen(b, 0x30)
		b, name = berOpen(b, 0xa0)
		b, ds = berOpen(b, 0xa1)
		b = berString(b, 0x1a, clipN(domain, 64))
		b = berString(b, 0x1a, clipN(it, 64))
		b = berClose(berClose(berClose(b, ds), name), seq)
	}
	b = berClose(berClose(berClose(b, lov), vas), rd)
	return mmsDataEnd(b, at, st)
}

// MMSReadResponse appends the answer to a Read: one floating point value per variable.
func MMSReadResponse(b []byte, invoke uint32, values []float32) []byte {
	b, at, st := mmsData(b, 0xa1, invoke)
	b, rd := berOpen(b, 0xa4)
	b, list := berOpen(b, 0xa1)
	for _, v := range values {
		b = append(b, 0x87, 0x05, 0x08) // floating-point: 8-bit exponent, then IEEE 754 single
		b = u32be(b, f32bits(v))
	}
	b = berClose(berClose(b, list), rd)
	return mmsDataEnd(b, at, st)
}
