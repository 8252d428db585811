// Package builtin is the list of the protocols built into zonewarden: importing it
// registers every one of them with the pipeline (internal/observe), each from its own
// package's init.
//
// Adding a protocol takes its folder internal/protocols/NAME (the parser, and observe.go
// registering its handler, operation names and detection rules), its row in
// internal/protocols/table.go, and one line here. Only the packages that run the
// pipeline import builtin (internal/inventory/discover, internal/detect and the CLI);
// the protocols and observe never do. It must not hold anything but the list.
package builtin
