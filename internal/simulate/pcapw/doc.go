// Package pcapw writes captures as a stream: the classic pcap format and pcapng, one
// record at a time through a buffer, so that a capture of any size is written in
// constant memory. Writing a packet allocates nothing.
//
// It knows nothing of what the packets hold; it only frames them with timestamps (and,
// in pcapng, an optional comment) and counts the bytes written.
package pcapw
