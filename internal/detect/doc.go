// Package detect turns the protocol operations and flows that package observe reports
// into alerts: risky OT operations (writes, program transfers, mode changes, restarts,
// network reconfiguration), reconnaissance (identification sweeps, scans), and, with a
// baseline, talkers, operations and devices never seen while learning. With a plant
// model it names the assets and zones of both ends and ranks each alert by whether the
// zone's conduits and the source's kind allow the operation; each alert carries MITRE
// ATT&CK for ICS technique ids (current ones: revoked ids are replaced).
//
// It owns the rules, their aggregation and the baseline file. It must not parse packets
// (the dissectors in observe do), nor know about flags or where alerts go: it hands
// alert.Alert values to a callback.
package detect
