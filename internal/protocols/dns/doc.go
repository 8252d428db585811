// Package dns decodes the name protocols that reveal host names on a plant network:
// DNS (UDP 53), multicast DNS (UDP 5353, RFC 6762: the same format with the cache-flush
// and unicast-response bits in the class field) and the NetBIOS name service (UDP 137,
// RFC 1002: DNS's format with names in NetBIOS first-level encoding, NB address records
// and node status answers that list a host's names and its MAC address). LLMNR (UDP
// 5355, RFC 4795) has DNS's format as well.
//
// Parse (DNS and mDNS) and ParseNetBIOS decode one datagram into a caller-owned Message
// without allocating. Names, which compression pointers scatter over the datagram, are
// written in dotted form into a fixed buffer inside the Message; ReadName does the same
// into any buffer the caller gives. Name decoding is bounded (255 bytes on the wire) and
// loop-safe: a compression pointer must point before the start of the labels that led to
// it, so every chain ends. Other byte-slice fields alias the input.
//
// The package knows nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package dns
