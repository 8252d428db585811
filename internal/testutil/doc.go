// Package testutil is zonewarden's one home for the helpers that tests share about
// captures, reference tools and outputs. It is for tests only: production code must not
// import it (internal/archtest fails when a non-test file does, directly or through
// another package).
//
// It owns:
//
//   - the public captures: Dir and Path find them below $ZONEWARDEN_CAPTURES and skip the
//     test when the variable is unset; Load reads a capture into memory with zonewarden's
//     own reader (internal/capture), so pcap, pcapng and gzip all work and every packet
//     keeps its number and link type;
//   - L2-L4 without internal/decode: Payloads splits each loaded frame with gopacket into
//     its Ethernet payload and TCP or UDP payload, TCPStreams reassembles TCP simply per
//     direction and Split cuts a stream into PDUs with a dissector's PDULen, so that a
//     dissector is tested on real bytes by a decoder that is not the one under test;
//   - reference tools: Tshark (one row per frame, one column per field), TsharkVerbose
//     (tshark -V text per frame), HaveTshark, and ZeekLog (the rows of a Zeek TSV log);
//   - small captures built in a test: Pcap and PcapNG from Frames, TCPSession (a whole
//     TCP connection), Serialize (a frame from gopacket layers), WriteFrames and WriteTemp
//     (a file for tshark or for the readers under test), and MustHex;
//   - output tests: Hostile (names with escape sequences, controls, bidi overrides,
//     markup and formulas to render in every format), FailAfter and ErrFull (a writer
//     that fails like a full disk) and Cuts (where to cut an output).
//
// It knows nothing of any OT protocol, of the model or of the analyses, and imports no
// zonewarden package but internal/capture (whose own tests are an external test package,
// so there is no cycle). The textsafe checks of rendered output (textsafe.CheckTerminal,
// CheckLines, CheckMarkup) stay in textsafe: they are its rules read backwards and share
// its character classes, and textsafe's own tests use this package.
//
// Helpers that need the flow table live in internal/testutil/decodetest, a separate
// package, so that the dissectors' tests that use this one do not depend on
// internal/decode.
package testutil
