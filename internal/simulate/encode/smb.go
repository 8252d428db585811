package encode

// SMB2 NEGOTIATE over direct TCP (port 445).

func smb2Header(b []byte, cmd uint16, response bool, msgID uint64) []byte {
	b = append(b, 0xfe, 'S', 'M', 'B')
	b = u16le(b, 64)
	b = u16le(b, 0) // credit charge
	b = u32le(b, 0) // status
	b = u16le(b, cmd)
	b = u16le(b, 1) // credits
	if response {
		b = u32le(b, 1)
	} else {
		b = u32le(b, 0)
	}
	b = u32le(b, 0) // next command
	b = u64le(b, msgID)
	b = u32le(b, 0xfeff) // process id
	b = u32le(b, 0)      // tree id
	b = u64le(b, 0)      // session id
	return zeros(b, 16)  // signature
}

func netbios(b []byte) ([]byte, int) { return append(b, 0, 0, 0, 0), len(b) }

func netbiosEnd(b []byte, at int) []byte {
	n := len(b) - at - 4
	b[at+1], b[at+2], b[at+3] = byte(n>>16), byte(n>>8), byte(n)
	return b
}

// SMB2NegotiateRequest appends a NEGOTIATE offering SMB 2.0.2 to 3.0.2.
func SMB2NegotiateRequest(b []byte, msgID uint64, f *Filler) []byte {
	b, at := netbios(b)
	b = smb2Header(b, 0, false, msgID)
	dialects := [...]uint16{0x0202, 0x0210, 0x0300, 0x0302}
	b = u16le(b, 36)
	b = u16le(b, uint16(len(dialects)))
	b = u16le(b, 1) // signing enabled
	b = u16le(b, 0)
	b = u32le(b, 0x7f) // capabilities
	b = f.Append(b, 16)
	b = u64le(b, 0)
	for _, d := range dialects {
		b = u16le(b, d)
	}
	return netbiosEnd(b, at)
}

// spnegoNTLM is a GSS-API negTokenInit offering NTLMSSP, as a server's NEGOTIATE
// response carries it.
var spnegoNTLM = []byte{0x60, 0x1c, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0, 0x12, 0x30, 0x10, 0xa0, 0x0e,
	0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a}

// SMB2NegotiateResponse appends the server's NEGOTIATE answer choosing SMB 3.0.2; t is
// the server's time in Windows FILETIME units.
func SMB2NegotiateResponse(b []byte, msgID uint64, t uint64, f *Filler) []byte {
	b, at := netbios(b)
	b = smb2Header(b, 0, true, msgID)
	b = u16le(b, 65)
	b = u16le(b, 1)
	b = u16le(b, 0x0302)
	b = u16le(b, 0)
	b = f.Append(b, 16)
	b = u32le(b, 0x2f)
	b = u32le(b, 8388608)
	b = u32le(b, 8388608)
	b = u32le(b, 8388608)
	b = u64le(b, t)
	b = u64le(b, 0)
	b = u16le(b, 64+64) // security buffer offset from the SMB2 header
	b = u16le(b, uint16(len(spnegoNTLM)))
	b = u32le(b, 0)
	b = append(b, spnegoNTLM...)
	return netbiosEnd(b, at)
}

// FileTime converts Unix nanoseconds to a Windows FILETIME.
func FileTime(unixNano int64) uint64 { return uint64(unixNano/100 + 116444736000000000) }

// RDPConnectionRequest appends the X.224 Connection Request that opens RDP, with the
// user name cookie and a negotiation request for TLS and CredSSP.
func RDPConnectionRequest(b []byte, user string) []byte {
	b, st := TPKTStart(b)
	li := len(b)
	b = append(b, 0, 0xe0, 0, 0, 0, 0, 0)
	b = append(b, "Cookie: mstshash="...)
	b = append(b, clipN(user, 64)...)
	b = append(b, '\r', '\n')
	b = append(b, 1, 0, 8, 0, 3, 0, 0, 0) // RDP_NEG_REQ: SSL | HYBRID
	b[li] = byte(len(b) - li - 1)
	return TPKTEnd(b, st)
}

// RDPConnectionConfirm appends the X.224 Connection Confirm selecting CredSSP.
func RDPConnectionConfirm(b []byte, srcRef uint16) []byte {
	b, st := TPKTStart(b)
	b = append(b, 14, 0xd0, 0, 0, byte(srcRef>>8), byte(srcRef), 0)
	b = append(b, 2, 0x1f, 8, 0, 2, 0, 0, 0) // RDP_NEG_RSP: HYBRID
	return TPKTEnd(b, st)
}
