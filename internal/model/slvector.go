package model

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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

// SLTarget is a target security level vector and why it was chosen. In YAML either
// {level: 3, rationale: "..."} or the level alone (3 or {FR1: 3, ...}).
type SLTarget struct {
	Level     SLVector `yaml:"level" json:"level"`
	Rationale string   `yaml:"rationale" json:"rationale,omitempty"`
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
