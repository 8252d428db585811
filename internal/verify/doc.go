// Package verify holds the plant model against reality: it turns the conduits of a model
// into deny-by-default firewall rulesets (rules.go) and, with an observed inventory,
// checks that the traffic is the one the model allows.
//
// It reads the model and, for verification, the inventory; it knows nothing of packet
// decoding or of output formats beyond the rule languages it writes.
package verify
