package encode

// IKEv2 (UDP 500 and 4500) and ESP in UDP (RFC 3948).

// IKE exchange types.
const (
	IKESAInit = 34
	IKEAuth   = 35
)

// ikeHeader appends the IKE header; the length is patched by ikeEnd.
func ikeHeader(b []byte, spiI, spiR uint64, next, exchange uint8, response bool, msgID uint32) ([]byte, int) {
	start := len(b)
	b = be.AppendUint64(b, spiI)
	b = be.AppendUint64(b, spiR)
	flags := byte(0x08) // initiator
	if response {
		flags = 0x20
	}
	b = append(b, next, 0x20, exchange, flags)
	b = u32be(b, msgID)
	return u32be(b, 0), start
}

func ikeEnd(b []byte, start int) []byte {
	be.PutUint32(b[start+24:], uint32(len(b)-start))
	return b
}

// ikePayload appends a generic payload header; the length is patched by ikePayloadEnd.
func ikePayload(b []byte, next uint8) ([]byte, int) {
	return append(b, next, 0, 0, 0), len(b)
}

func ikePayloadEnd(b []byte, at int) []byte {
	putU16be(b, at+2, len(b)-at)
	return b
}

// IKESAInitMessage appends an IKE_SA_INIT request (response false) or response with an
// SA proposing AES-GCM-256, SHA2-256 and Curve25519, the key exchange and a nonce.
func IKESAInitMessage(b []byte, spiI, spiR uint64, response bool, f *Filler) []byte {
	b, st := ikeHeader(b, spiI, spiR, 33, IKESAInit, response, 0)
	b, sa := ikePayload(b, 34)
	b, prop := append(b, 0, 0, 0, 0, 1, 1, 0, 3), len(b)            // last proposal, #1, IKE, no SPI, 3 transforms
	b = append(b, 3, 0, 0, 12, 1, 0, 0, 20, 0x80, 0x0e, 0x01, 0x00) // ENCR AES-GCM-16, 256-bit key
	b = append(b, 3, 0, 0, 8, 2, 0, 0, 5)                           // PRF HMAC-SHA2-256
	b = append(b, 0, 0, 0, 8, 4, 0, 0, 31)                          // DH Curve25519
	putU16be(b, prop+2, len(b)-prop)
	b = ikePayloadEnd(b, sa)
	b, ke := ikePayload(b, 40)
	b = append(b, 0, 31, 0, 0)
	b = f.Append(b, 32)
	b = ikePayloadEnd(b, ke)
	b, nonce := ikePayload(b, 0)
	b = f.Append(b, 32)
	b = ikePayloadEnd(b, nonce)
	return ikeEnd(b, st)
}

// IKEAuthMessage appends an IKE_AUTH carried, as always, in an Encrypted payload (IV,
// n bytes of ciphertext, 16-byte ICV), sent on UDP 4500 after the non-ESP marker.
func IKEAuthMessage(b []byte, spiI, spiR uint64, response bool, n int, f *Filler) []byte {
	b = append(b, 0, 0, 0, 0) // non-ESP marker
	b, st := ikeHeader(b, spiI, spiR, 46, IKEAuth, response, 1)
	b, enc := ikePayload(b, 35)
	b = f.Append(b, 8+n+16)
	b = ikePayloadEnd(b, enc)
	// The header's length counts from the IKE header, not the marker.
	be.PutUint32(b[st+24:], uint32(len(b)-st))
	return b
}

// ESP appends an ESP packet of SA spi with sequence number seq and n encrypted bytes
// (IV, payload, padding and ICV are all opaque on the wire).
func ESP(b []byte, spi, seq uint32, n int, f *Filler) []byte {
	b = u32be(b, spi)
	b = u32be(b, seq)
	return f.Append(b, 8+(n+2+15)/16*16+16)
}
