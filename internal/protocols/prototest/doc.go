// Package prototest is the dissector packages' shared test helper: it reads the public
// captures named by ZONEWARDEN_CAPTURES with gopacket's pcap and pcapng readers, hands out
// TCP and UDP payloads and Ethernet frames, reassembles TCP simply per direction, cuts
// streams into PDUs with a dissector's PDULen, and runs tshark as a reference.
//
// It is for tests only. It must not be imported by production code, and it knows nothing
// of any protocol beyond L2–L4: it exists so that the dissectors can be tested on real bytes
// without depending on internal/decode.
package prototest
