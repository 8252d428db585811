// Package protocols holds what every OT protocol dissector shares: the operation classes
// that conduits allow or forbid. Each protocol has its own subpackage (modbus, enip,
// s7comm, dnp3, iec104, bacnet, opcua, profinet, ...) that parses that protocol's PDUs
// from byte slices without allocating, and whose observe.go registers the protocol's
// handler, operation names and detection rules with the pipeline (internal/observe);
// builtin lists the built-in protocols. Dissectors know nothing of zones, conduits or the
// plant model; that meeting happens in the analyses (verify, detect).
package protocols
