// Package capture owns packet sources: it reads pcap and pcapng files (plain or
// gzip-compressed) and hands out one packet at a time, numbered from 1 as Wireshark
// numbers them, with its timestamp, lengths, interface and link type. A damaged file
// ends the read with a counted anomaly that names the file, the packet number and the
// byte where its record or block begins; a directory or other non-file is refused by
// name. Warnings turns what a reader counted into what a person must be told: a file
// read only in part, packets stamped with times that cannot be real.
//
// Classic pcap records and pcapng blocks are read by this package straight out of its
// read buffer (the reader that spreads one large file over the cores does little else).
// gopacket's pcapgo readers are the fuzz test's reference for both.
//
// It must not know what is inside a packet: decoding belongs to package decode. Live
// capture (AF_PACKET, package live) is another implementation of Source.
package capture
