// Package fins parses Omron FINS, the command protocol of Omron PLCs (CP, CJ, CS, NJ/NX
// series) on UDP and TCP 9600: a 10-byte header (ICF, gateway count, destination and
// source network, node and unit, service id), a command code (MRC, SRC) and its
// parameters, or in a response an end code and data. Over TCP each frame is wrapped in a
// FINS/TCP header ("FINS", length, command, error code), which also carries the node
// address exchange that opens a connection.
//
// The parser works on byte slices without allocating. observe.go registers the protocol
// with the pipeline: commands classed (memory reads and writes, program-area and file
// transfers, run and stop, forced set/reset), the CPU model and version a Controller Data
// Read answer names, and the alerts of writes, program transfers and mode changes. It
// knows nothing of zones or the plant model.
package fins
