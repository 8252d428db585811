// Package capture owns packet sources: it reads pcap and pcapng files (plain or
// gzip-compressed) and hands out one packet at a time, numbered from 1 as Wireshark
// numbers them, with its timestamp, lengths, interface and link type. A damaged file
// ends the read with a counted anomaly that names the file and the packet number.
//
// It must not know what is inside a packet: decoding belongs to package decode. Live
// capture (AF_PACKET) and the simulator will be further implementations of Source.
package capture
