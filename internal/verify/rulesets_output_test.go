package verify

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// TestRulesetsReturnWriteErrors writes every rule format into a writer that fails after
// n bytes: a ruleset cut short must never pass for a whole one.
func TestRulesetsReturnWriteErrors(t *testing.T) {
	m := example(t, "water-treatment")
	for _, f := range RuleFormats {
		var full bytes.Buffer
		if err := Write(&full, m, f); err != nil {
			t.Fatal(err)
		}
		for _, n := range testutil.Cuts(full.Len()) {
			if err := Write(&testutil.FailAfter{N: n}, m, f); !errors.Is(err, testutil.ErrFull) {
				t.Errorf("%s cut at byte %d of %d: returned %v", f, n, full.Len(), err)
			}
		}
	}
}

// TestRulesetsHostileNames gives the plant hostile names: a line break in the system
// name must not end the header comment and start a rule, no escape sequence reaches a
// terminal showing the ruleset, and the CSV holds no formula.
func TestRulesetsHostileNames(t *testing.T) {
	m := example(t, "water-treatment")
	names := append([]string{"x\n-A FORWARD -j ACCEPT\n}\ntable inet evil {"}, testutil.Hostile...)
	for i, name := range names {
		m.System.Name = name
		m.Files = []string{name}
		for _, f := range []string{"nftables", "iptables"} {
			out := render(t, m, f)
			if err := textsafe.CheckLines(strings.ReplaceAll(out, "\t", " ")); err != nil { // tabs indent nftables
				t.Errorf("name %d, %s: %v", i, f, err)
			}
			if strings.Contains(out, "\n-A FORWARD -j ACCEPT") || strings.Contains(out, "evil {") && !strings.Contains(out, "# zonewarden: deny-by-default rules for x\\x0a") {
				t.Errorf("name %d, %s: the name wrote a rule:\n%.400s", i, f, out)
			}
			for _, line := range strings.Split(out, "\n")[:3] {
				if !strings.HasPrefix(line, "# ") {
					t.Errorf("name %d, %s: header line %q is not a comment", i, f, line)
				}
			}
		}
		rows, err := csv.NewReader(strings.NewReader(render(t, m, "csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			for _, c := range row {
				if err := textsafe.CheckTerminal(c); err != nil {
					t.Errorf("name %d, csv: %v", i, err)
				}
			}
		}
	}
}
