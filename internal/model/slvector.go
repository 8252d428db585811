package model

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// NumFR is the number of foundational requirements of IEC 62443.
const NumFR = 7

// SLVector is a security level (0–4) per foundational requirement; index 0 is FR 1.
// In YAML it is written as one number for all seven FRs or as a map such as
// {FR1: 2, FR5: 3}; FRs a map leaves out are 0.
type SLVector [NumFR]int

// Uniform returns the vector with level l for every FR.
func Uniform(l int) SLVector {
	var v SLVector
	for i := range v {
		v[i] = l
	}
	return v
}

// Max returns the element-wise maximum of v and w.
func (v SLVector) Max(w SLVector) SLVector {
	for i := range v {
		v[i] = max(v[i], w[i])
	}
	return v
}

// IsZero reports whether every FR is 0.
func (v SLVector) IsZero() bool { return v == SLVector{} }

// String writes the vector as "[2 2 3 1 3 2 2]".
func (v SLVector) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, l := range v {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(l))
	}
	b.WriteByte(']')
	return b.String()
}

// MarshalJSON writes {"fr1": 2, ..., "fr7": 3}.
func (v SLVector) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, l := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"fr%d":%d`, i+1, l)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// UnmarshalJSON reads what MarshalJSON writes, or one number.
func (v *SLVector) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		*v = Uniform(n)
		return nil
	}
	var m map[string]int
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("security level vector: want a number or an object of fr1..fr7: %w", err)
	}
	*v = SLVector{}
	for k, l := range m {
		fr, ok := ParseFR(k)
		if !ok {
			return fmt.Errorf("security level vector: unknown foundational requirement %q", k)
		}
		v[fr-1] = l
	}
	return nil
}

// frCodes are the FR abbreviations accepted as map keys beside FR1..FR7.
var frCodes = [NumFR]string{"IAC", "UC", "SI", "DC", "RDF", "TRE", "RA"}

// ParseFR reads an FR name: "FR1", "fr 1", "1", "IAC", ...; it returns 1–7.
func ParseFR(s string) (int, bool) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	for i, c := range frCodes {
		if s == c {
			return i + 1, true
		}
	}
	s = strings.TrimPrefix(s, "FR")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > NumFR {
		return 0, false
	}
	return n, true
}

// UnmarshalYAML reads one number or a map of FR to level. Range checks (0–4) are left to
// validation so that every bad level is reported, not only the first.
func (v *SLVector) UnmarshalYAML(node ast.Node) error {
	*v = SLVector{}
	switch n := unwrap(node).(type) {
	case *ast.IntegerNode:
		l, err := intValue(n)
		if err != nil {
			return err
		}
		*v = Uniform(l)
		return nil
	case *ast.MappingNode:
		for _, mv := range n.Values {
			key := mv.Key.String()
			fr, ok := ParseFR(key)
			if !ok {
				return nodeError(mv.Key, fmt.Sprintf("unknown foundational requirement %q", key),
					"use FR1 … FR7 (or IAC, UC, SI, DC, RDF, TRE, RA)")
			}
			in, ok := unwrap(mv.Value).(*ast.IntegerNode)
			if !ok {
				return nodeError(mv.Value, fmt.Sprintf("security level of %s must be a number 0–4, not %q", key, mv.Value.String()), "")
			}
			l, err := intValue(in)
			if err != nil {
				return err
			}
			v[fr-1] = l
		}
		return nil
	default:
		return nodeError(node, fmt.Sprintf("a security level must be a number 0–4 or a map such as {FR1: 2, FR5: 3}, not %q", node.String()), "")
	}
}

func intValue(n *ast.IntegerNode) (int, error) {
	switch x := n.Value.(type) {
	case int64:
		return int(x), nil
	case uint64:
		return int(x), nil
	case int:
		return x, nil
	}
	return 0, nodeError(n, fmt.Sprintf("%q is not a whole number", n.String()), "")
}

// unwrap skips tags and anchors to the value node.
func unwrap(n ast.Node) ast.Node {
	for {
		switch x := n.(type) {
		case *ast.TagNode:
			n = x.Value
		case *ast.AnchorNode:
			n = x.Value
		default:
			return n
		}
	}
}

// SLTarget is a target security level vector and why it was chosen. In YAML either
// {level: 3, rationale: "..."} or the level alone (3 or {FR1: 3, ...}).
type SLTarget struct {
	Level     SLVector `yaml:"level" json:"level"`
	Rationale string   `yaml:"rationale" json:"rationale,omitempty"`
}

// UnmarshalYAML accepts the long and the short form.
func (t *SLTarget) UnmarshalYAML(node ast.Node) error {
	if m, ok := unwrap(node).(*ast.MappingNode); ok && len(m.Values) > 0 {
		k := strings.ToLower(m.Values[0].Key.String())
		if k == "level" || k == "rationale" {
			*t = SLTarget{}
			for _, mv := range m.Values {
				switch strings.ToLower(mv.Key.String()) {
				case "level":
					if err := t.Level.UnmarshalYAML(mv.Value); err != nil {
						return err
					}
				case "rationale":
					t.Rationale = scalarString(mv.Value)
				default:
					return nodeError(mv.Key, fmt.Sprintf("unknown field %q in sl_target", mv.Key.String()), "sl_target takes level and rationale")
				}
			}
			return nil
		}
	}
	t.Rationale = ""
	return t.Level.UnmarshalYAML(node)
}

func scalarString(n ast.Node) string {
	if s, ok := unwrap(n).(*ast.StringNode); ok {
		return s.Value
	}
	return n.String()
}

// Purdue is a Purdue reference model level: 0, 1, 2, 3, 3.5 (the DMZ), 4 or 5.
type Purdue float64

// ValidPurdue lists the levels a zone may declare.
var ValidPurdue = []Purdue{0, 1, 2, 3, 3.5, 4, 5}

// Valid reports whether p is one of ValidPurdue.
func (p Purdue) Valid() bool {
	for _, v := range ValidPurdue {
		if p == v {
			return true
		}
	}
	return false
}

// String writes 3.5 as "3.5" and the others as whole numbers.
func (p Purdue) String() string { return strconv.FormatFloat(float64(p), 'f', -1, 64) }
