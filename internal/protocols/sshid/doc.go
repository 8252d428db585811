// Package sshid reads the identification strings (banners) that both ends of an SSH
// connection send in clear before anything else (RFC 4253 4.2): "SSH-2.0-OpenSSH_9.2p1
// Debian-2+deb12u3" names the protocol version, the software with its version and often
// the operating system; on switches, gateways and controllers it often names the vendor's
// stack ("SSH-2.0-Cisco-1.25", "SSH-2.0-ROSSSH", "SSH-2.0-dropbear_2022.83"). A server may
// send other lines before its banner; they are recognised and kept apart.
//
// PDULen cuts the stream at the end of each line (bounded at 255 bytes, as the RFC
// bounds the banner); Parse decodes one line into a caller-owned Message without
// allocating; byte-slice fields alias the input. Everything after the banner is the
// binary packet protocol and is not read here. The package knows nothing of packets,
// flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package sshid
