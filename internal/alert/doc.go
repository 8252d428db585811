// Package alert owns the Alert — one risky OT operation seen on the network, with who
// did it to whom, what the zone model says about it and which MITRE ATT&CK for ICS
// techniques it stands for — and its renderings: JSON lines, a terminal table line,
// syslog RFC 5424 and ArcSight CEF. Each renderer is a pure function that appends to a
// byte slice, escapes whatever hostile strings a capture puts in the fields, and
// allocates nothing when the slice has room.
//
// It must not know how alerts are raised (package detect), about packets or flags, or
// where alerts go: delivery, queues and routing are package alert/sink.
package alert
