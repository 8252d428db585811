package model

import (
	"fmt"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// unwrap follows an alias to the node it names.
func unwrap(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{}
	}
	return n
}

// mappingValue returns the value of key in mapping node m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func intValue(n *yaml.Node) (int, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, nodeError(n, fmt.Sprintf("%q is not a whole number", n.Value), "")
	}
	v, err := strconv.ParseInt(n.Value, 0, 32)
	if err != nil {
		return 0, nodeError(n, fmt.Sprintf("%q is not a whole number", n.Value), "")
	}
	return int(v), nil
}

// UnmarshalYAML reads one number or a map of FR to level. Range checks (0–4) are left to
// validation so that every bad level is reported, not only the first.
func (v *SLVector) UnmarshalYAML(node *yaml.Node) error {
	*v = SLVector{}
	n := unwrap(node)
	switch n.Kind {
	case yaml.ScalarNode:
		l, err := intValue(n)
		if err != nil {
			return nodeError(n, fmt.Sprintf("a security level must be a number 0–4 or a map such as {FR1: 2, FR5: 3}, not %q", n.Value), "")
		}
		*v = Uniform(l)
		return nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], unwrap(n.Content[i+1])
			fr, ok := ParseFR(k.Value)
			if !ok {
				return nodeError(k, fmt.Sprintf("unknown foundational requirement %q", k.Value),
					"use FR1 … FR7 (or IAC, UC, SI, DC, RDF, TRE, RA)")
			}
			l, err := intValue(val)
			if err != nil {
				return nodeError(val, fmt.Sprintf("security level of %s must be a number 0–4, not %q", k.Value, val.Value), "")
			}
			v[fr-1] = l
		}
		return nil
	}
	return nodeError(n, "a security level must be a number 0–4 or a map such as {FR1: 2, FR5: 3}", "")
}

// UnmarshalYAML accepts the long form {level, rationale} and the short form (the level).
func (t *SLTarget) UnmarshalYAML(node *yaml.Node) error {
	*t = SLTarget{}
	n := unwrap(node)
	if n.Kind == yaml.MappingNode && len(n.Content) >= 2 {
		if k := strings.ToLower(n.Content[0].Value); k == "level" || k == "rationale" {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, val := n.Content[i], n.Content[i+1]
				switch strings.ToLower(k.Value) {
				case "level":
					if err := t.Level.UnmarshalYAML(val); err != nil {
						return err
					}
				case "rationale":
					t.Rationale = unwrap(val).Value
				default:
					return nodeError(k, fmt.Sprintf("unknown field %q in sl_target", k.Value), "sl_target takes level and rationale")
				}
			}
			return nil
		}
	}
	return t.Level.UnmarshalYAML(n)
}
