// Package http decodes the header block of HTTP/1.x requests and responses for passive
// discovery: the request line or status line and the headers that name software and
// devices — Host and User-Agent from clients; Server, X-Powered-By and the
// WWW-Authenticate realm (which embedded web servers often fill with the device model)
// from servers — plus Content-Type, Content-Length and Transfer-Encoding so that a caller
// can step over the body to the next message of a kept-alive connection.
//
// PDULen finds the end of a header block in a TCP stream (bounded by MaxHeaderBytes);
// Parse decodes one header block into a caller-owned Message without allocating;
// byte-slice fields alias the input. SSDP datagrams (UDP 1900) use the same format and
// parse the same way. HTTP/2 and HTTPS are not visible here. The package
// knows nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package http
