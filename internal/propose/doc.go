// Package propose drafts a first plant model from an observed inventory: every device
// becomes an asset with its discovered identity and a kind guessed from its role, zones
// are proposed from the /24 (IPv4) or /64 (IPv6) networks the devices use, and conduits
// list exactly the conversations seen crossing between them (protocol, ports, direction
// and operation classes). The model is written as commented YAML text so that a person
// sees which parts are guesses.
//
// It knows the inventory and the model's vocabulary; it must not know about packets,
// flags or files, nor how verification reports what it finds.
package propose
