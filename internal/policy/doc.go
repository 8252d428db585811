// Package policy compiles a plant model once into the answers that verification,
// detection and proposals ask of it, so that they cannot disagree: where an address, a
// MAC address or a VLAN sits (which declared asset, which zone, subzones included), and
// whether the model allows a flow between two places (the conduit that joins their
// zones, the rule whose ends, protocol, port, direction and operation classes take it,
// and whether the sender's kind may carry out what it sent), with the severity a
// violation of each kind deserves.
//
// It reads the model and the protocol table; it knows nothing of packets, captures,
// inventories or output formats. verify adapts observed conversations to Flow values,
// detect adapts single operations, propose asks the same protocol questions.
package policy
