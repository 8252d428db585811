// Package mms decodes the Manufacturing Message Specification (ISO 9506) as IEC 61850
// stations and ICCP/TASE.2 links carry it: on ISO-on-TCP (TPKT and COTP, port 102, as
// the s7comm package frames it), through the OSI session layer (ISO 8327), presentation
// (ISO 8823) and, while an association is set up or released, ACSE (ISO 8650).
//
// Parse takes the user data of one COTP data TPDU and walks down to the MMS PDU: which
// PDU it is (confirmed request, response or error, unconfirmed, initiate, conclude ...),
// its invoke id and service, the version an initiate proposes or agrees, and the vendor,
// model and revision of an Identify response, which is how an IED names itself. It
// reads only the BER elements on that path, with definite lengths checked against
// their enclosing elements, and never allocates.
//
// The S7 family shares port 102 and the same framing; what follows COTP tells them
// apart: S7comm starts with 0x32, S7comm-plus with 0x72, MMS with a session SPDU.
// TPKT and COTP are package s7comm's; this package starts at the session layer and
// knows nothing of devices or conversations.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package mms
