// Package goose decodes IEC 61850-8-1 GOOSE messages (EtherType 0x88B8): the
// publications with which protection and control IEDs multicast the state of their
// datasets (breaker positions, trips, interlocks) on the station and process bus.
//
// Parse reads the header (APPID, length) and the goosePdu: the control block reference
// and dataset names, which name the publishing IED's logical device, the state and
// sequence numbers, the configuration revision and the simulation (test) flag. It
// allocates nothing; strings alias the input.
//
// It knows nothing of devices or conversations: what a publication says of its
// publisher is for the handler.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package goose
