package encode

// TLS records as a client and server exchange them: a real ClientHello (with SNI, key
// share and supported versions) and ServerHello, after which TLS 1.3 encrypts
// everything, so the rest is application data records of opaque bytes.

const (
	tlsChangeCipherSpec = 20
	tlsHandshake        = 22
	tlsApplicationData  = 23
)

func tlsRecord(b []byte, typ uint8, version uint16) ([]byte, int) {
	b = append(b, typ, byte(version>>8), byte(version), 0, 0)
	return b, len(b) - 2
}

func tlsEndRecord(b []byte, lenAt int) []byte {
	putU16be(b, lenAt, len(b)-lenAt-2)
	return b
}

// ext appends an extension header whose length extEnd patches.
func ext(b []byte, typ uint16) ([]byte, int) {
	b = u16be(b, typ)
	b = u16be(b, 0)
	return b, len(b)
}

func extEnd(b []byte, at int) []byte {
	putU16be(b, at-2, len(b)-at)
	return b
}

// TLSClientHello appends a TLS 1.3 ClientHello (offering 1.2 as well) for server name
// sni (none when empty), with ALPN protocols alpn.
func TLSClientHello(b []byte, sni string, alpn []string, f *Filler) []byte {
	b, rec := tlsRecord(b, tlsHandshake, 0x0301)
	b = append(b, 1, 0, 0, 0)
	hs := len(b)
	b = append(b, 3, 3)
	b = f.Append(b, 32)
	b = f.Append(append(b, 32), 32) // legacy session id
	suites := [...]uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d}
	b = u16be(b, uint16(2*len(suites)))
	for _, s := range suites {
		b = u16be(b, s)
	}
	b = append(b, 1, 0) // null compression
	b = u16be(b, 0)
	exts := len(b)
	var at int
	if sni != "" {
		sni = clipN(sni, 253)
		b, at = ext(b, 0x0000)
		b = u16be(b, uint16(3+len(sni)))
		b = u16be(append(b, 0), uint16(len(sni)))
		b = extEnd(append(b, sni...), at)
	}
	b, at = ext(b, 0x0017) // extended master secret
	b = extEnd(b, at)
	b, at = ext(b, 0xff01) // renegotiation info
	b = extEnd(append(b, 0), at)
	b, at = ext(b, 0x000a) // supported groups
	b = extEnd(append(b, 0, 6, 0, 0x1d, 0, 0x17, 0, 0x18), at)
	b, at = ext(b, 0x000b) // EC point formats
	b = extEnd(append(b, 1, 0), at)
	b, at = ext(b, 0x0023) // session ticket
	b = extEnd(b, at)
	if len(alpn) > 0 {
		b, at = ext(b, 0x0010)
		la := len(b)
		b = u16be(b, 0)
		for _, p := range alpn {
			b = append(append(b, byte(len(p))), p...)
		}
		putU16be(b, la, len(b)-la-2)
		b = extEnd(b, at)
	}
	b, at = ext(b, 0x000d) // signature algorithms
	b = extEnd(append(b, 0, 16, 4, 3, 8, 4, 4, 1, 5, 3, 8, 5, 5, 1, 8, 6, 6, 1), at)
	b, at = ext(b, 0x0033) // key share: x25519
	b = u16be(b, 36)
	b = u16be(b, 0x001d)
	b = f.Append(u16be(b, 32), 32)
	b = extEnd(b, at)
	b, at = ext(b, 0x002d) // PSK key exchange modes
	b = extEnd(append(b, 1, 1), at)
	b, at = ext(b, 0x002b) // supported versions
	b = extEnd(append(b, 4, 3, 4, 3, 3), at)
	putU16be(b, exts-2, len(b)-exts)
	n := len(b) - hs
	b[hs-3], b[hs-2], b[hs-1] = byte(n>>16), byte(n>>8), byte(n)
	return tlsEndRecord(b, rec)
}

// TLSServerHello appends a TLS 1.3 ServerHello (echoing the client's session id is left
// to chance: the simulator's peers do not check), the compatibility ChangeCipherSpec
// and the encrypted rest of the server's handshake (extensions, certificate, verify,
// finished) as one application data record of certLen bytes.
func TLSServerHello(b []byte, certLen int, f *Filler) []byte {
	return TLSAppData(TLSServerHelloCCS(b, f), certLen, f)
}

// TLSServerHelloCCS appends the ServerHello and the ChangeCipherSpec alone.
func TLSServerHelloCCS(b []byte, f *Filler) []byte {
	b, rec := tlsRecord(b, tlsHandshake, 0x0303)
	b = append(b, 2, 0, 0, 0)
	hs := len(b)
	b = append(b, 3, 3)
	b = f.Append(b, 32)
	b = f.Append(append(b, 32), 32)
	b = u16be(b, 0x1301)
	b = append(b, 0)
	b = u16be(b, 46)
	b = append(b, 0x00, 0x2b, 0, 2, 3, 4) // supported versions: TLS 1.3
	b = append(b, 0x00, 0x33, 0, 36, 0, 0x1d, 0, 32)
	b = f.Append(b, 32)
	n := len(b) - hs
	b[hs-3], b[hs-2], b[hs-1] = byte(n>>16), byte(n>>8), byte(n)
	b = tlsEndRecord(b, rec)
	return append(b, tlsChangeCipherSpec, 3, 3, 0, 1, 1)
}

// TLSClientFinished appends the client's ChangeCipherSpec and encrypted Finished.
func TLSClientFinished(b []byte, f *Filler) []byte {
	b = append(b, tlsChangeCipherSpec, 3, 3, 0, 1, 1)
	return TLSAppData(b, 53, f)
}

// TLSAppData appends application data records carrying n encrypted bytes (split into
// records of at most 16 KiB plus overhead).
func TLSAppData(b []byte, n int, f *Filler) []byte {
	for n > 0 {
		m := n
		if m > 16401 {
			m = 16401
		}
		b = append(b, tlsApplicationData, 3, 3, byte(m>>8), byte(m))
		b = f.Append(b, m)
		n -= m
	}
	return b
}
