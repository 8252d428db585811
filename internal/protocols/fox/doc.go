// Package fox parses Niagara Fox, the protocol of Tridium's Niagara framework on TCP 1911:
// building-automation and energy supervisors, JACE controllers and the Workbench
// engineering tool speak it. Messages are text: a header line ("fox a 1 -1 fox hello"), then
// optionally a body of "key=type:value" lines between "{" and "};;", where a value may be
// length-prefixed ("b:44[...]", "o:bog 61[...]") and then holds any bytes. The hello both
// ends send first names the software, its version, the operating system, the host and,
// for a station, its name.
//
// The parser works on byte slices without allocating and bounds every message (64 KiB), line
// and field count. observe.go registers the protocol with the pipeline: the identity facts
// of the hello and the alert of a Workbench session. It knows nothing of zones or the plant
// model.
package fox
