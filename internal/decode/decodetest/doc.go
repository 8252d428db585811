// Package decodetest runs captures through decoding, the flow table and TCP stream
// handling for the tests of protocol dissectors, and collects the PDUs and datagrams
// they would be handed. It is imported by tests only.
package decodetest
