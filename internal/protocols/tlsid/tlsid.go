package tlsid

import (
	"errors"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Record content types.
const (
	TypeChangeCipherSpec = 20
	TypeAlert            = 21
	TypeHandshake        = 22
	TypeApplicationData  = 23
	TypeHeartbeat        = 24
)

// Handshake message types.
const (
	HandshakeClientHello = 1
	HandshakeServerHello = 2
	HandshakeCertificate = 11
)

// Protocol versions.
const (
	VersionSSL30 = 0x0300
	VersionTLS10 = 0x0301
	VersionTLS11 = 0x0302
	VersionTLS12 = 0x0303
	VersionTLS13 = 0x0304
)

// VersionName returns "TLS 1.2" and the like, or "" for an unknown version.
func VersionName(v uint16) string {
	switch v {
	case VersionSSL30:
		return "SSL 3.0"
	case VersionTLS10:
		return "TLS 1.0"
	case VersionTLS11:
		return "TLS 1.1"
	case VersionTLS12:
		return "TLS 1.2"
	case VersionTLS13:
		return "TLS 1.3"
	}
	return ""
}

// Extension types read here.
const (
	extServerName        = 0
	extALPN              = 16
	extSupportedVersions = 43
)

// RecordHeaderLen is the length of a record header; MaxRecordLen the largest record
// payload a peer may send (2^14 plus expansion).
const (
	RecordHeaderLen = 5
	MaxRecordLen    = 1<<14 + 2048
)

var (
	errNotTLS      = errors.New("tlsid: not a TLS record (content type or version)")
	errRecordLen   = errors.New("tlsid: record longer than TLS allows")
	errShort       = errors.New("tlsid: record truncated")
	errHandshake   = errors.New("tlsid: malformed handshake message header")
	errClientHello = errors.New("tlsid: malformed ClientHello")
	errServerHello = errors.New("tlsid: malformed ServerHello")
	errCertificate = errors.New("tlsid: malformed Certificate message")
	errX509        = errors.New("tlsid: malformed X.509 certificate")
)

// Name holds the attributes of an X.509 distinguished name an inventory reads. Values
// are the raw string contents (UTF8String, PrintableString and the like; a BMPString
// stays UTF-16). When an attribute repeats, the last one is kept.
type Name struct {
	CommonName   []byte
	Organization []byte
	OrgUnit      []byte
	SerialNumber []byte // the serialNumber attribute, often a device's serial
	Country      []byte
}

// Certificate is what Message keeps of the first certificate of a chain.
type Certificate struct {
	Subject   Name
	Issuer    Name
	Serial    []byte // the certificate's serial number, big-endian as encoded
	NotBefore time.Time
	NotAfter  time.Time
}

// SelfIssued reports whether subject and issuer name the same entity, as on the
// self-signed certificates that devices generate for themselves.
func (c *Certificate) SelfIssued() bool {
	return string(c.Subject.CommonName) == string(c.Issuer.CommonName) &&
		string(c.Subject.Organization) == string(c.Issuer.Organization)
}

// ClientHello holds what a ClientHello shows.
type ClientHello struct {
	Version      uint16 // legacy_version
	ServerName   []byte // SNI host name
	ALPN         []byte // the first protocol offered ("h2", "http/1.1")
	MaxVersion   uint16 // highest non-GREASE entry of supported_versions; Version if absent
	CipherSuites int
	Extensions   int
}

// ServerHello holds what a ServerHello shows.
type ServerHello struct {
	Version     uint16 // the negotiated version: supported_versions when present, else legacy_version
	CipherSuite uint16
	ALPN        []byte
}

// Message is what one record (Parse) or one run of handshake messages (ParseHandshake)
// shows.
type Message struct {
	ContentType uint8
	Version     uint16 // record layer version
	Length      int    // record payload length

	Handshakes int  // handshake messages begun in the input
	Partial    bool // the last handshake message continues past the input
	// Opaque: handshake data that is not a message in clear. After a ChangeCipherSpec a
	// peer's handshake records are encrypted and Parse cannot tell them from clear ones
	// but by this; callers that track ChangeCipherSpec per direction should stop there.
	Opaque bool

	HasClientHello bool
	ClientHello    ClientHello
	HasServerHello bool
	ServerHello    ServerHello

	HasCertificate bool
	Certificates   int  // certificates in the chain, counted as far as the input reaches
	CertTruncated  bool // the first certificate did not fit the input: Certificate is empty
	Certificate    Certificate
}

// PDULen returns the length of the record at the start of b, header included. It returns
// 0 while fewer than RecordHeaderLen bytes are there, and an error when the header is not
// a TLS record's.
func PDULen(b []byte) (int, error) {
	if len(b) < RecordHeaderLen {
		return 0, nil
	}
	if b[0] < TypeChangeCipherSpec || b[0] > TypeHeartbeat || b[1] != 3 || b[2] > 4 {
		return 0, errNotTLS
	}
	n := int(b[3])<<8 | int(b[4])
	if n > MaxRecordLen {
		return 0, errRecordLen
	}
	return RecordHeaderLen + n, nil
}

// Parse decodes one TLS record (as PDULen delimits it) into m, which it resets first. In
// a handshake record it decodes the hellos and the Certificate message; a handshake
// message that continues in the next record is decoded as far as it goes (Partial).
// Slices in m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	n, err := PDULen(b)
	if err != nil {
		return err
	}
	if n == 0 || len(b) < n {
		return errShort
	}
	m.ContentType, m.Version, m.Length = b[0], uint16(b[1])<<8|uint16(b[2]), n-RecordHeaderLen
	if m.ContentType != TypeHandshake {
		return nil
	}
	return m.handshakes(b[RecordHeaderLen:n])
}

// ParseHandshake decodes handshake messages (type, 3-byte length, body, repeated) that a
// caller has joined from the payloads of consecutive handshake records, into m, which it
// resets first. ContentType, Version and Length stay zero.
func ParseHandshake(b []byte, m *Message) error {
	*m = Message{}
	return m.handshakes(b)
}

func (m *Message) handshakes(p []byte) error {
	for len(p) > 0 {
		if len(p) < 4 {
			m.Partial = true
			return nil
		}
		typ := p[0]
		n := int(p[1])<<16 | int(p[2])<<8 | int(p[3])
		body := p[4:]
		partial := len(body) < n
		if !partial {
			body = body[:n]
		}
		m.Handshakes++
		var err error
		switch typ {
		case HandshakeClientHello:
			if !partial {
				m.HasClientHello = true
				err = parseClientHello(body, &m.ClientHello)
			}
		case HandshakeServerHello:
			if !partial {
				m.HasServerHello = true
				err = parseServerHello(body, &m.ServerHello)
			}
		case HandshakeCertificate:
			// A TLS 1.3 Certificate would be encrypted; in clear it is TLS 1.2 or older.
			err = m.parseCertificates(body, n)
		case 0, 4, 12, 13, 14, 15, 16, 20, 22, 23, 24, 25:
			// other messages of a handshake in clear: counted, not read
		default:
			// Not a message type of a handshake in clear: most likely an encrypted
			// Finished after ChangeCipherSpec, or TLS 1.3's encrypted records.
			m.Opaque = true
			return nil
		}
		if err != nil {
			return err
		}
		if partial {
			m.Partial = true
			return nil
		}
		p = p[4+n:]
	}
	return nil
}

func parseClientHello(b []byte, ch *ClientHello) error {
	s := cryptobyte.String(b)
	var session, suites, comp, exts cryptobyte.String
	if !s.ReadUint16(&ch.Version) || !s.Skip(32) || !s.ReadUint8LengthPrefixed(&session) ||
		!s.ReadUint16LengthPrefixed(&suites) || len(suites)%2 != 0 || !s.ReadUint8LengthPrefixed(&comp) {
		return errClientHello
	}
	ch.CipherSuites = len(suites) / 2
	ch.MaxVersion = ch.Version
	if s.Empty() {
		return nil // no extensions (SSL 3.0 style)
	}
	if !s.ReadUint16LengthPrefixed(&exts) || !s.Empty() {
		return errClientHello
	}
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return errClientHello
		}
		ch.Extensions++
		switch typ {
		case extServerName:
			var list cryptobyte.String
			if !data.ReadUint16LengthPrefixed(&list) {
				return errClientHello
			}
			for !list.Empty() {
				var nameType uint8
				var name cryptobyte.String
				if !list.ReadUint8(&nameType) || !list.ReadUint16LengthPrefixed(&name) {
					return errClientHello
				}
				if nameType == 0 && ch.ServerName == nil {
					ch.ServerName = name
				}
			}
		case extALPN:
			var list, proto cryptobyte.String
			if !data.ReadUint16LengthPrefixed(&list) || !list.ReadUint8LengthPrefixed(&proto) {
				return errClientHello
			}
			ch.ALPN = proto
		case extSupportedVersions:
			var list cryptobyte.String
			if !data.ReadUint8LengthPrefixed(&list) {
				return errClientHello
			}
			for !list.Empty() {
				var v uint16
				if !list.ReadUint16(&v) {
					return errClientHello
				}
				if !grease(v) && v > ch.MaxVersion && v>>8 == 3 {
					ch.MaxVersion = v
				}
			}
		}
	}
	return nil
}

func parseServerHello(b []byte, sh *ServerHello) error {
	s := cryptobyte.String(b)
	var session, exts cryptobyte.String
	var comp uint8
	if !s.ReadUint16(&sh.Version) || !s.Skip(32) || !s.ReadUint8LengthPrefixed(&session) ||
		!s.ReadUint16(&sh.CipherSuite) || !s.ReadUint8(&comp) {
		return errServerHello
	}
	if s.Empty() {
		return nil
	}
	if !s.ReadUint16LengthPrefixed(&exts) || !s.Empty() {
		return errServerHello
	}
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return errServerHello
		}
		switch typ {
		case extSupportedVersions:
			if !data.ReadUint16(&sh.Version) {
				return errServerHello
			}
		case extALPN:
			var list, proto cryptobyte.String
			if !data.ReadUint16LengthPrefixed(&list) || !list.ReadUint8LengthPrefixed(&proto) {
				return errServerHello
			}
			sh.ALPN = proto
		}
	}
	return nil
}

// grease reports the reserved values of RFC 8701 (0x0A0A, 0x1A1A, ... 0xFAFA).
func grease(v uint16) bool { return v&0x0F0F == 0x0A0A && v>>8 == v&0xFF }

// parseCertificates reads the certificate list of a TLS 1.2 Certificate message whose
// body claims n bytes but may be cut short (b shorter than n) at a record's end. The
// list's own length must agree with n: that tells a Certificate from encrypted bytes
// that merely start with its type (a Finished after ChangeCipherSpec), which are marked
// Opaque instead.
func (m *Message) parseCertificates(b []byte, n int) error {
	s := cryptobyte.String(b)
	var total uint32
	if !s.ReadUint24(&total) {
		if len(b) < n {
			return nil // cut before the list's length: nothing to tell yet
		}
		return errCertificate
	}
	if int(total)+3 != n {
		m.Opaque = true
		return nil
	}
	m.HasCertificate = true
	for i := 0; !s.Empty(); i++ {
		var cert cryptobyte.String
		if !s.ReadUint24LengthPrefixed(&cert) {
			if len(b) < n { // the rest is in the next record
				if i == 0 {
					m.CertTruncated = true
				}
				return nil
			}
			return errCertificate
		}
		m.Certificates++
		if i == 0 {
			if err := parseX509(cert, &m.Certificate); err != nil {
				return err
			}
		}
	}
	return nil
}

// OIDs of the name attributes kept (2.5.4.x), as DER contents.
var (
	oidCommonName   = []byte{0x55, 0x04, 0x03}
	oidSerialNumber = []byte{0x55, 0x04, 0x05}
	oidCountry      = []byte{0x55, 0x04, 0x06}
	oidOrganization = []byte{0x55, 0x04, 0x0A}
	oidOrgUnit      = []byte{0x55, 0x04, 0x0B}
)

// parseX509 reads serial, issuer, validity and subject from a DER certificate (RFC 5280
// 4.1): Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }.
func parseX509(der []byte, c *Certificate) error {
	s := cryptobyte.String(der)
	var cert, tbs, sigAlg, issuer, validity, subject cryptobyte.String
	var serial cryptobyte.String
	if !s.ReadASN1(&cert, asn1.SEQUENCE) || !cert.ReadASN1(&tbs, asn1.SEQUENCE) ||
		!tbs.SkipOptionalASN1(asn1.Tag(0).Constructed().ContextSpecific()) ||
		!tbs.ReadASN1(&serial, asn1.INTEGER) ||
		!tbs.ReadASN1(&sigAlg, asn1.SEQUENCE) ||
		!tbs.ReadASN1(&issuer, asn1.SEQUENCE) ||
		!tbs.ReadASN1(&validity, asn1.SEQUENCE) ||
		!tbs.ReadASN1(&subject, asn1.SEQUENCE) {
		return errX509
	}
	c.Serial = serial
	if !readName(issuer, &c.Issuer) || !readName(subject, &c.Subject) {
		return errX509
	}
	var ok bool
	if c.NotBefore, ok = readTime(&validity); !ok {
		return errX509
	}
	if c.NotAfter, ok = readTime(&validity); !ok {
		return errX509
	}
	return nil
}

// readName reads Name ::= SEQUENCE OF RelativeDistinguishedName, each a SET OF
// AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }.
func readName(rdns cryptobyte.String, n *Name) bool {
	for !rdns.Empty() {
		var set cryptobyte.String
		if !rdns.ReadASN1(&set, asn1.SET) {
			return false
		}
		for !set.Empty() {
			var atv, oid, value cryptobyte.String
			var tag asn1.Tag
			if !set.ReadASN1(&atv, asn1.SEQUENCE) || !atv.ReadASN1(&oid, asn1.OBJECT_IDENTIFIER) || !atv.ReadAnyASN1(&value, &tag) {
				return false
			}
			switch string(oid) {
			case string(oidCommonName):
				n.CommonName = value
			case string(oidOrganization):
				n.Organization = value
			case string(oidOrgUnit):
				n.OrgUnit = value
			case string(oidSerialNumber):
				n.SerialNumber = value
			case string(oidCountry):
				n.Country = value
			}
		}
	}
	return true
}

// readTime reads a UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) in the
// forms RFC 5280 allows, by hand: time.Parse would allocate.
func readTime(s *cryptobyte.String) (time.Time, bool) {
	var v cryptobyte.String
	var tag asn1.Tag
	if !s.ReadAnyASN1(&v, &tag) {
		return time.Time{}, false
	}
	var year int
	switch {
	case tag == asn1.UTCTime && len(v) == 13:
		yy, ok := digits(v[:2])
		if !ok {
			return time.Time{}, false
		}
		year = 1900 + yy
		if yy < 50 {
			year = 2000 + yy
		}
		v = v[2:]
	case tag == asn1.GeneralizedTime && len(v) == 15:
		y, ok := digits(v[:4])
		if !ok {
			return time.Time{}, false
		}
		year = y
		v = v[4:]
	default:
		return time.Time{}, false
	}
	// MMDDHHMMSSZ
	if v[10] != 'Z' {
		return time.Time{}, false
	}
	var f [5]int
	for i := range f {
		d, ok := digits(v[2*i : 2*i+2])
		if !ok {
			return time.Time{}, false
		}
		f[i] = d
	}
	if f[0] < 1 || f[0] > 12 || f[1] < 1 || f[1] > 31 || f[2] > 23 || f[3] > 59 || f[4] > 60 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(f[0]), f[1], f[2], f[3], f[4], 0, time.UTC), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// CipherSuiteBytes returns the cipher suite as its two bytes on the wire.
func (s *ServerHello) CipherSuiteBytes() []byte {
	return []byte{byte(s.CipherSuite >> 8), byte(s.CipherSuite)}
}
