// Package live captures packets from a network interface: a memory-mapped Linux
// AF_PACKET socket (no libpcap, no cgo) with a capture filter, in pcap-filter syntax,
// compiled here into the classic BPF program the kernel runs on the socket.
//
// It is a further implementation of capture.Source and, like package capture, must not
// know what is inside a packet beyond what the filter tests.
package live
