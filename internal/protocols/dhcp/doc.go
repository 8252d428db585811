// Package dhcp decodes DHCP and BOOTP messages (RFC 2131 and 2132; UDP ports 67 and 68)
// for passive discovery: the client's hardware address, the addresses a server hands out,
// and the options that name a device — host name, vendor class, client identifier, client
// FQDN, vendor-identifying vendor class — together with the parameter request list whose
// content and order fingerprint the client's DHCP stack. Options carried in the sname and
// file fields (option overload) are decoded too.
//
// Parse decodes one datagram into a caller-owned Message without allocating; byte-slice
// fields alias the input. The package knows nothing of packets, flows, assets or the plant
// model. DHCPv6 is not decoded here.
package dhcp
