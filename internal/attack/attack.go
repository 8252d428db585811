package attack

//go:generate sh -c "cd ../.. && go run ./scripts/gen-attack -in scripts/gen-attack/testdata/ics-attack-transcript.json -source \"$(cat scripts/gen-attack/testdata/SOURCE)\""

import (
	"slices"
	"sort"
	"strings"
)

// Technique is one ATT&CK for ICS technique or sub-technique.
type Technique struct {
	// ID is "T" and four digits, with ".NNN" for a sub-technique: "T0843", "T0843.001".
	ID   string
	Name string
	// Tactics are the names of the ICS tactics the technique serves, such as "Lateral
	// Movement"; empty for some revoked or deprecated techniques.
	Tactics []string
	// Revoked marks a technique MITRE replaced by another; ReplacedBy names the
	// replacement when the source data said which one.
	Revoked    bool
	ReplacedBy string
	// Deprecated marks a technique MITRE withdrew without a replacement.
	Deprecated bool
}

// Active reports whether the technique is neither revoked nor deprecated.
func (t Technique) Active() bool { return !t.Revoked && !t.Deprecated }

// Parent returns the technique a sub-technique belongs to ("T0843" for "T0843.001"),
// and "" for a technique.
func (t Technique) Parent() string {
	if i := strings.IndexByte(t.ID, '.'); i > 0 {
		return t.ID[:i]
	}
	return ""
}

// URL returns the technique's page on attack.mitre.org.
func (t Technique) URL() string {
	return "https://attack.mitre.org/techniques/" + strings.Replace(t.ID, ".", "/", 1) + "/"
}

// Tactic is one ATT&CK for ICS tactic.
type Tactic struct {
	ID        string // "TA0108"
	Name      string // "Initial Access"
	ShortName string // "initial-access", the kill chain phase name in MITRE's data
}

// Lookup returns the technique with the given id. Revoked and deprecated techniques are
// found too; check Active. The returned value is a copy the caller may keep or modify.
func Lookup(id string) (Technique, bool) {
	i := sort.Search(len(techniques), func(i int) bool { return techniques[i].ID >= id })
	if i == len(techniques) || techniques[i].ID != id {
		return Technique{}, false
	}
	t := techniques[i]
	t.Tactics = slices.Clone(t.Tactics)
	return t, true
}

// Name returns the name of the technique with the given id, without allocating, for
// renderers that print names next to ids.
func Name(id string) (string, bool) {
	i := sort.Search(len(techniques), func(i int) bool { return techniques[i].ID >= id })
	if i == len(techniques) || techniques[i].ID != id {
		return "", false
	}
	return techniques[i].Name, true
}

// inferredReplacements names the successors of techniques ATT&CK v19 revoked without
// stating one in its data: each pair has the same name and description (see
// docs/alerts.md). MITRE's own ReplacedBy takes precedence where it exists.
var inferredReplacements = map[string]string{
	"T0855": "T1692.001", // Unauthorized Command Message → Command Message
	"T0856": "T1692.002", // Spoof Reporting Message → Reporting Message
	"T0812": "T1694.001", // Default Credentials
	"T0857": "T1693.001", // System Firmware
}

// Current follows ReplacedBy from a revoked technique to the technique that replaced it
// (or the successor inferredReplacements names), and returns an active technique
// unchanged. It reports false for unknown ids, deprecated techniques and revoked ones
// with no known successor.
func Current(id string) (Technique, bool) {
	for range 4 { // replacements do not chain deeper; the bound guards against a cycle
		t, ok := Lookup(id)
		switch {
		case !ok:
			return Technique{}, false
		case t.Active():
			return t, true
		case t.ReplacedBy != "":
			id = t.ReplacedBy
		case inferredReplacements[id] != "":
			id = inferredReplacements[id]
		default:
			return Technique{}, false
		}
	}
	return Technique{}, false
}

// All returns every technique, active or not, ordered by ID.
func All() []Technique {
	out := make([]Technique, len(techniques))
	for i, t := range techniques {
		t.Tactics = slices.Clone(t.Tactics)
		out[i] = t
	}
	return out
}

// Tactics returns the ICS tactics ordered by ID.
func Tactics() []Tactic { return slices.Clone(tactics[:]) }
