// Package snmp decodes SNMP messages (UDP 161 and 162) for passive discovery: versions 1
// and 2c with their community, PDU type, request id, error status and variable bindings,
// the fields of version 1 traps, and the system group values that answer who a device
// is — sysDescr, sysObjectID, sysUpTime, sysContact, sysName, sysLocation — wherever a
// response, trap, inform or report carries them. For version 3 it reads the header, the
// USM security parameters (the authoritative engine id names the vendor's enterprise
// number, the user name is in clear) and, when the message is not encrypted, the scoped
// PDU.
//
// Parse decodes one datagram into a caller-owned Message without allocating, with its
// own bounded BER reader (agents send non-minimal lengths that a DER reader refuses).
// Byte-slice fields alias the input; AppendOID formats an object identifier into a
// caller's buffer and EnterpriseOf reads the vendor's enterprise number from one. The
// package knows nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package snmp
