// Package profinet decodes the parts of PROFINET that passive discovery and detection
// need: DCP on Ethernet (EtherType 0x8892, frame ids 0xFEFC..0xFEFF: Hello, Get/Set,
// Identify request and response) with the station name, vendor and device ids, device
// role, IP parameters and vendor text blocks; and the PROFINET IO context manager's
// DCE/RPC datagrams (UDP 34964) with the PNIO interface, the Connect, Release, Read,
// Write, Control and implicit Read operations, and the first blocks of their bodies.
//
// ParseDCP and ParseRPC each decode one frame or datagram from a byte slice into a
// caller-owned Message without allocating. Neither protocol runs over TCP, so there is
// no PDULen. The package knows nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package profinet
