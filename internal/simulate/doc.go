// Package simulate turns a plant model into the network traffic of that plant: every
// asset behaves as its kind and the conduits say, speaking real protocol encodings
// (package encode) over Ethernet, 802.1Q, IPv4, TCP and UDP (package wire), with TCP
// sessions that open, acknowledge and close properly. It runs a discrete-event
// simulation on a virtual clock, seeded, so one seed always gives the same bytes, and
// streams the packets to a pcap or pcapng writer (package pcapw) without holding the
// capture in memory. The attack scenario injects the operations a monitor must catch.
// Run returns the ground truth: assets with the identities they revealed, flows with
// their packet counts, and every injected event with its packets and MITRE ATT&CK for
// ICS technique.
//
// It reads the model but never changes it, and knows nothing of flags, files or how
// the truth is used: package cli does the I/O, and discovery, verification and detection
// compare their results with the truth.
package simulate
