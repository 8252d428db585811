// Package melsec dissects Mitsubishi Electric MELSEC traffic: the MC protocol / SLMP in
// its 3E and 4E binary frames (subheaders 0x5000 and 0x5400 for requests, 0xD000 and
// 0xD400 for responses), as Mitsubishi's SLMP reference manual describes them, and the
// MELSOFT engineering frames (first byte 0x57, answers 0xD7) and the 4-byte MELSOFT
// search datagrams seen in the two real captures MELSEC__melsoft_129_clean.pcap and
// MELSEC__melsoft_UDP_clean_2.pcap.
//
// It owns the framing, the SLMP command names and classes, the CPU model read from Read
// Type Name answers (and from the MELSOFT answer that carries it in the capture), and
// the MELSEC detection rules. Of MELSOFT it claims only what those bytes show: the frame
// length, a command word named by its value, and the model name; Mitsubishi publishes no
// description of MELSOFT's commands, so none is classified and none raises a rule.
//
// It must not know the model, the policy or other protocols.
package melsec
