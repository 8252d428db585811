// Package wire builds link, network and transport headers for the simulator: Ethernet
// II and IEEE 802.3 with LLC/SNAP, 802.1Q tags, ARP, IPv4, TCP and UDP, with correct
// lengths and checksums. Each function appends one whole frame to a caller-owned buffer
// and allocates nothing.
//
// It knows nothing of application protocols, sessions, the plant model or captures: the
// caller hands it a payload and the addresses.
package wire
