// Package iec104 decodes IEC 60870-5-104 (TCP port 2404): the APCI with its I, S and U
// formats, sequence numbers and STARTDT/STOPDT/TESTFR functions, and the ASDU's type
// identification, variable structure qualifier, cause of transmission with its negative
// and test bits, originator and common addresses, and the first information object
// addresses.
//
// It parses one APDU from a byte slice into a caller-owned Message without allocating,
// using the 104 profile's field sizes (two-octet cause and common address, three-octet
// object address). It knows nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package iec104
