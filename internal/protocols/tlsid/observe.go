package tlsid

import (
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is TLS on the usual ports of HTTPS, LDAPS, mail, SIP, syslog, MQTT and OPC UA
// over TLS, or wherever a connection starts with a handshake. What a handshake shows in
// clear: the server name a client asks for (SNI), and, up to TLS 1.2, the certificate
// each side presents, whose subject often names a device and its serial.
var App = observe.Register(observe.Protocol{
	Name:      "tls",
	TCPPorts:  []uint16{443, 636, 853, 993, 995, 4843, 5061, 6514, 8443, 8883},
	PDULen:    PDULen,
	DetectTCP: detectTLS,
	New:       func() observe.Handler { return new(tlsHandler) },
	OpName:    tlsOpName,
})

type tlsHandler struct {
	m   Message
	buf [512]byte
}

// Once bits: a side sent ChangeCipherSpec (its handshake records are encrypted from
// then on), by decode.Dir.
const tlsOnceCipher = 0

// Operation codes: the handshake messages an inventory reads.
const (
	tlsOpClientHello = 1
	tlsOpServerHello = 2
	tlsOpCertificate = 11
)

func (h *tlsHandler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		if !c.OnceDone(tlsOnceCipher + uint8(c.Dir)) {
			c.Anomaly(observe.AnomalyMalformed)
		}
		return
	}
	switch m.ContentType {
	case TypeChangeCipherSpec:
		c.Once(tlsOnceCipher + uint8(c.Dir))
		return
	case TypeAlert:
		if !c.OnceDone(tlsOnceCipher+uint8(c.Dir)) && m.Length == 2 && b[RecordHeaderLen] == 2 {
			c.Anomaly(observe.AnomalyErrorResponse) // a fatal alert in clear: a failed handshake
		}
		return
	case TypeHandshake:
		if c.OnceDone(tlsOnceCipher + uint8(c.Dir)) {
			return // Finished and later messages, encrypted
		}
	default:
		return
	}
	if m.HasClientHello {
		c.Op(tlsOpClientHello, protocols.OpNone)
		// The name the client asks for is one of the server's names as far as the client
		// knows: low confidence, and it may be a front for another host.
		c.Identity(observe.Receiver, observe.FieldServerName, observe.TrimText(m.ClientHello.ServerName), observe.Low)
	}
	if m.HasServerHello {
		c.Op(tlsOpServerHello, protocols.OpNone)
	}
	if m.HasCertificate {
		c.Op(tlsOpCertificate, protocols.OpNone)
		if !m.CertTruncated {
			cert := &m.Certificate
			c.Identity(observe.Sender, observe.FieldCertificateSubject, appendDN(h.buf[:0], &cert.Subject), observe.High)
			c.Identity(observe.Sender, observe.FieldCertificateIssuer, appendDN(h.buf[:0], &cert.Issuer), observe.High)
		}
	}
}

// appendDN writes a distinguished name's attributes as "CN=..., OU=..., O=..., C=...,
// serialNumber=...", the most specific first, leaving out those the name lacks.
func appendDN(dst []byte, n *Name) []byte {
	start := len(dst)
	for _, a := range [...]struct {
		key string
		v   []byte
	}{{"CN=", n.CommonName}, {"OU=", n.OrgUnit}, {"O=", n.Organization}, {"C=", n.Country}, {"serialNumber=", n.SerialNumber}} {
		v := observe.TrimText(a.v)
		if len(v) == 0 {
			continue
		}
		if len(dst) > start {
			dst = append(dst, ", "...)
		}
		dst = append(append(dst, a.key...), v[:min(len(v), 96)]...)
	}
	return dst
}

func tlsOpName(code uint32) string {
	switch code {
	case tlsOpClientHello:
		return "client_hello"
	case tlsOpServerHello:
		return "server_hello"
	case tlsOpCertificate:
		return "certificate"
	}
	return ""
}

// detectTLS recognises a connection that starts with a TLS handshake record holding a
// ClientHello or ServerHello whose length fits the record.
func detectTLS(b []byte) bool {
	if len(b) < 9 || b[0] != TypeHandshake || b[1] != 3 || b[2] > 4 {
		return false
	}
	rec := int(b[3])<<8 | int(b[4])
	hs := int(b[6])<<16 | int(b[7])<<8 | int(b[8])
	return (b[5] == HandshakeClientHello || b[5] == HandshakeServerHello) && rec <= MaxRecordLen && hs+4 <= rec
}
