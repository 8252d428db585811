// Package dnp3 decodes DNP3 over TCP (port 20000): the link frame with its per-block
// CRCs (checked, bad ones counted), the transport header, the application header with
// function code and internal indications, and the headers of the first objects, with the
// control relay output blocks that select, operate and direct operate carry.
//
// It parses one link frame from a byte slice into a caller-owned Message without
// allocating. It does not join transport segments into application fragments (that needs
// per-connection state) and knows nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package dnp3
