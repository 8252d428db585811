// Package model owns the plant's security design as code: the YAML model of system,
// zones, conduits, assets, threats and countermeasures; loading it (with includes) into
// typed values that remember the file, line and column of every element; and validating
// it, reporting every error at once with what to fix.
//
// YAML is read with go.yaml.in/yaml/v3 (the YAML organisation's maintained yaml.v3),
// which keeps line and column on every node. DESIGN.md suggested goccy/go-yaml; on a
// model of 50,000 assets it took four times as long and four times the memory to parse,
// and fuzzing found it panicking and stalling on malformed input.
//
// It knows nothing of packets, captures or reports, and nothing of how risk or security
// levels are computed (packages risk and assess do that). The requirement catalog reaches
// it only through Options.Requirement, so that it stays a leaf package.
package model
