// Package verify holds the plant model against reality. Verify takes the inventory that
// discovery built from captures and checks it against the model: every observed device
// matched to an asset and placed in a zone (unknown devices, devices in the wrong zone,
// identity drift, declared devices never seen); every conversation between zones matched
// to the conduit rule that allows it, or a violation (no conduit, protocol, port,
// direction or operation class not allowed, an operation the sender's kind does not
// carry out, Purdue levels skipped); cleartext protocols across boundaries whose SL-T
// calls for protection; and the countermeasure claims the traffic refutes. rules.go
// turns the conduits into deny-by-default firewall rulesets; ruleset.go reads such
// rulesets back (nftables, iptables-restore) and replay.go replays the observed
// conversations through them.
//
// It reads the model, the risk assessment (for SL-T) and the inventory; it knows nothing
// of packets, of protocol bytes or of output formats beyond the rule languages it
// writes (package verify/render lays results out).
package verify
