// Package decodetest runs captures through zonewarden's own decoding, flow table and TCP
// stream handling (internal/decode) for the tests and benchmarks of protocol dissectors,
// and collects the PDUs and datagrams a dissector would be handed: Run for tests,
// BenchPipeline for the per-packet path. It is for tests only: production code must not
// import it (internal/archtest checks).
//
// It lives below internal/testutil, the one home of test helpers, but is a package of
// its own because it imports internal/decode: were its helpers in testutil, every
// dissector test that reads a capture or asks tshark would depend on the decoder, while
// most of them check the dissector against gopacket's and tshark's reading of the bytes
// precisely so as not to. Only the dissectors whose tests mean to exercise the real flow
// table (framing, reassembly) import it. It loads captures with testutil.Load.
package decodetest
