package finding

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Severity ranks findings; higher is worse.
type Severity int

// Severities from least to most severe.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = []string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "info", "low", "medium", "high" or "critical".
func ParseSeverity(s string) (Severity, error) {
	i := slices.Index(severityNames, strings.ToLower(strings.TrimSpace(s)))
	if i < 0 {
		return 0, fmt.Errorf("unknown severity %q: use one of %s", s, strings.Join(severityNames, ", "))
	}
	return Severity(i), nil
}

// Names lists the severities from least to most severe.
func Names() []string { return slices.Clone(severityNames) }

// MarshalJSON writes the severity's name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity's name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseSeverity(name)
	*s = v
	return err
}

// Finding is one thing to act on.
type Finding struct {
	// Rule names the check that raised it, such as "partition/skipped-purdue-level".
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Subject is the id of the zone, conduit, asset, threat or countermeasure concerned.
	Subject string `json:"subject"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
	// Requirements are the IEC 62443 clauses the finding bears on ("SR 5.1", "ZCR 3").
	Requirements []string `json:"requirements,omitempty"`
	// Location is where the subject is written in the model, as file:line:col.
	Location string `json:"location,omitempty"`
}

// Sort orders findings worst first, then by rule and subject, so output is stable.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(b.Severity - a.Severity)
		}
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		return strings.Compare(a.Subject, b.Subject)
	})
}

// Worst returns the highest severity in fs, and false when fs is empty.
func Worst(fs []Finding) (Severity, bool) {
	if len(fs) == 0 {
		return Info, false
	}
	w := fs[0].Severity
	for _, f := range fs[1:] {
		w = max(w, f.Severity)
	}
	return w, true
}

// Count returns how many findings have each severity, indexed by Severity.
func Count(fs []Finding) [Critical + 1]int {
	var n [Critical + 1]int
	for _, f := range fs {
		if f.Severity >= Info && f.Severity <= Critical {
			n[f.Severity]++
		}
	}
	return n
}
