// Package observe turns packets into observations: it runs each packet through
// decoding, the flow table and TCP stream handling, picks the protocol dissector of each
// flow (by port, EtherType, or by recognising the payload where a port lies), and hands
// what the dissectors learn to a Sink as observations: host sightings (a MAC address with
// an IP address), identity facts with their provenance and confidence, and, when a flow
// ends, the flow with its counters, operations by class and anomalies.
//
// It owns the per-packet path, which allocates nothing in steady state, and the fan-out of
// files and of one large file over the CPU cores. It must not know about assets, roles,
// zones or output formats: merging observations into an inventory is package inventory's
// job. Nor does it know any protocol: each protocol's package (internal/protocols/NAME,
// its observe.go) registers itself (Register) with a Protocol value, a Handler and its
// rules, and internal/protocols/builtin lists the built-in ones. observe owns the
// framework they plug into: Conn, Register, Rule, the identity fields and role hints,
// ExtPool, the Handoff between protocols that share a framing, and the interfaces a
// handler may implement (FlowEnder, DetailFiller, Taker).
package observe
