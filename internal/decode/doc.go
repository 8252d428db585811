// Package decode owns the per-packet path below the OT protocols: link layers
// (Ethernet, Linux cooked SLL and SLL2, BSD loopback, raw IP), VLAN tags, ARP, IPv4,
// IPv6, TCP, UDP and ICMP decoded into a reusable Packet without allocating; flow keys
// and a bounded flow table; and TCP stream handling that cuts protocol PDUs out of
// segments with a protocol's framing function (PDULen) and hands them to a sink.
//
// It must not know any OT protocol: which framing function a flow uses, and what is
// done with a PDU, is decided by the caller. It knows nothing of files (package
// capture), assets, zones or the plant model.
package decode
