// Package attack owns the MITRE ATT&CK for ICS technique table: technique and
// sub-technique identifiers (T0843, T0843.001), their names, the ICS tactics they belong
// to, and whether MITRE has revoked or deprecated them — generated from MITRE's STIX
// data by scripts/gen-attack and embedded in the binary, with MITRE's attribution.
//
// It must not know about packets, protocols, alerts or output formats: detection rules
// name technique ids, and alert renderers look names up here.
package attack
