// Package encode writes the application protocols the simulator speaks: Modbus/TCP,
// EtherNet/IP and CIP, S7comm on ISO-on-TCP, DNP3, IEC 60870-5-104, BACnet/IP, OPC UA
// binary, IEC 61850 MMS on the OSI upper layers, PROFINET DCP, GOOSE, LLDP, CDP, DHCP,
// DNS, NTP, TLS, SSH, RDP, SMB2, syslog, LDAP and IKEv2/ESP. Every function appends one
// message to a caller-owned buffer and allocates nothing once the buffer has grown.
//
// The bytes are the protocols' real encodings (lengths, CRCs and checksums included),
// checked by tests against this repository's dissectors and against tshark. The package
// knows nothing of hosts, sessions, timing, the plant model or captures; it encodes what
// it is given.
package encode
