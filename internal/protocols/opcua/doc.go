// Package opcua decodes the OPC UA binary protocol over TCP (opc.tcp, port 4840): the
// message header of HEL, ACK, ERR, RHE, OPN, MSG and CLO chunks, the Hello's endpoint
// URL, the OpenSecureChannel's security policy and (when its body is not encrypted) its
// security mode, and for unencrypted MSG chunks the service's type id, with CreateSession,
// ActivateSession, Read, Write, Browse, Call and the other services named, and the client's
// or server's application URI and name where the service shows them.
//
// It parses one chunk from a byte slice into a caller-owned Message without allocating.
// Whether a channel encrypts is agreed in its OpenSecureChannel; without that state, an
// encrypted MSG body is recognised by not starting with a known service type id. It knows
// nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package opcua
