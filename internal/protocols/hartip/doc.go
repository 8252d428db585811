// Package hartip parses HART-IP, the HART field-device protocol carried over IP (TCP and
// UDP 5094): the 8-byte HART-IP header (version, message type, message id, status,
// sequence number, byte count of the whole message) and, in a token-passing
// (pass-through) message, the HART PDU it carries: delimiter, short or long (5-byte
// unique) address, command, byte count, in a response the response code and device
// status, the data and the check byte.
//
// The parser works on byte slices without allocating. observe.go registers the protocol
// with the pipeline: HART commands classed (reads, configuration writes, loop test and
// self test, device reset), the identity a Read Unique Identifier (command 0) answer
// gives (manufacturer, expanded device type, device id, HART and device revisions) and
// the tags of commands 13 and 20, and the alerts of configuration writes, device resets,
// fixed current mode and identification. It knows nothing of zones or the plant model.
package hartip
