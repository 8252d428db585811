// Package modbus parses Modbus/TCP: the MBAP header that frames PDUs on TCP port 502,
// the function codes with their addresses and quantities, exception responses, and
// the device identification objects of function 43/14 (vendor, product code,
// revision, ...). Parsing allocates nothing; byte-slice fields alias the PDU.
//
// It must not know about flows, captures or the plant model: it is handed one PDU at
// a time by the stream layer (package decode) through PDULen, and its Message is
// turned into observations by later stages.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package modbus
