// Package tlsid reads the identity a TLS handshake shows in clear: from a ClientHello the
// server name a client asks for (SNI), the application protocols it offers (ALPN) and the
// versions it supports; from a ServerHello the version and cipher suite chosen; and from
// a TLS 1.2 (or older) Certificate message the first certificate's subject and issuer
// (common name, organisation, organisational unit, serial number attribute), its serial
// number and validity. Device certificates of PLCs, HMIs and OPC UA servers often name
// the product and its serial there.
//
// TLS 1.3 encrypts everything after the ServerHello, certificates included: on a TLS 1.3
// connection only the hellos are visible, and Encrypted Client Hello hides the real
// server name as well.
//
// PDULen cuts a TCP stream into TLS records (5-byte header); Parse decodes one record and
// ParseHandshake a run of handshake messages a caller has joined across records, each
// into a caller-owned Message without allocating (ASN.1 is read with
// golang.org/x/crypto/cryptobyte). Byte-slice fields alias the input. The package knows
// nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package tlsid
