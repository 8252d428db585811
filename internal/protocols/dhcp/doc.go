// Package dhcp decodes DHCP and BOOTP messages (RFC 2131 and 2132; UDP ports 67 and 68)
// for passive discovery: the client's hardware address, the addresses a server hands out,
// and the options that name a device — host name, vendor class, client identifier, client
// FQDN, vendor-identifying vendor class — together with the parameter request list whose
// content and order fingerprint the client's DHCP stack. Options carried in the sname and
// file fields (option overload) are decoded too.
//
// ParseV6 does the same for DHCPv6 (RFC 8415; UDP ports 546 and 547): the client's DUID
// (which often carries its MAC), client FQDN, vendor class with its enterprise number,
// option request list and assigned addresses, through any relay envelopes.
//
// Parse and ParseV6 decode one datagram into a caller-owned message without allocating;
// byte-slice fields alias the input. The package knows nothing of packets, flows, assets
// or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package dhcp
