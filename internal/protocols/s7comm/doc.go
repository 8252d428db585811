// Package s7comm decodes Siemens S7 communication on ISO-on-TCP (port 102): the TPKT
// framing, the COTP connection and data PDUs with their TSAPs, the S7comm header, setup,
// variable reads and writes, block upload and download, PLC control and stop, userdata
// functions with the module and component identity records of SZL 0x0011 and 0x001C, and
// the presence and version of S7comm-plus.
//
// It parses one TPKT PDU from a byte slice into a caller-owned Message without
// allocating. It knows nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package s7comm
