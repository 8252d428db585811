package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The golden tests of package cli share one -update flag: `go test ./internal/cli -update`
// rewrites the files under testdata/ instead of comparing with them. It is registered in
// init, after package variables, so another test file may declare it as a variable too.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/ instead of comparing")
	}
}

func updatingGolden() bool { return flag.Lookup("update").Value.String() == "true" }

// runCLI runs zonewarden with args and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "catalog", name)
	if updatingGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rerun with -update if the change is intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestCatalogGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"sl2_fr5.txt", []string{"catalog", "--sl", "2", "--fr", "5"}},
		{"sl2_fr5.json", []string{"catalog", "--sl", "2", "--fr", "5", "-f", "json"}},
		{"sl2_fr5.csv", []string{"catalog", "--sl", "2", "--fr", "5", "-f", "csv"}},
		{"sl2_fr5.md", []string{"catalog", "--sl", "2", "--fr", "5", "-f", "md"}},
		{"component_fr3_edr.txt", []string{"catalog", "--standard", "62443-4-2", "--fr", "3", "--kind", "edr"}},
		{"all_search_boot.md", []string{"catalog", "--standard", "all", "--search", "boot", "-f", "md"}},
		{"constraints.txt", []string{"catalog", "--standard", "all", "--kind", "constraint"}},
		{"constraints_component.json", []string{"catalog", "--standard", "62443-4-2", "--kind", "CONSTRAINT", "-f", "json"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			checkGolden(t, tt.golden, stdout)
		})
	}
}

func TestCatalogCounts(t *testing.T) {
	tests := []struct {
		args []string
		rows int
	}{
		{[]string{"catalog"}, 100},
		{[]string{"catalog", "--sl", "1"}, 37},
		{[]string{"catalog", "--sl", "2"}, 60},
		{[]string{"catalog", "--sl", "3"}, 90},
		{[]string{"catalog", "--sl", "4"}, 100},
		{[]string{"catalog", "--kind", "re"}, 49},
		{[]string{"catalog", "--kind", "SR"}, 51},
		{[]string{"catalog", "--standard", "62443-3-3", "--search", "zone boundary"}, 2},   // SR 5.2 and the description of SR 4.1 RE 2,
		{[]string{"catalog", "--kind", "constraint"}, 3},                                   // CSC 1-3 of 62443-3-3
		{[]string{"catalog", "--standard", "all", "--kind", "constraint"}, 7},              // and CCSC 1-4 of 62443-4-2
		{[]string{"catalog", "--standard", "all", "--sl", "2", "--kind", "constraint"}, 0}, // constraints have no level
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, tt.args...)
		if code != ExitOK {
			t.Errorf("%q: exit %d, stderr %q", tt.args, code, stderr)
			continue
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if got := len(lines) - 1; got != tt.rows { // minus the header line
			t.Errorf("%q: %d rows, want %d", tt.args, got, tt.rows)
		}
	}
}

func TestCatalogUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // part of the message, naming the valid values
	}{
		{[]string{"catalog", "--standard", "62443-2-1"}, "want 62443-3-3, 62443-4-2 or all"},
		{[]string{"catalog", "--fr", "0"}, "from 1 to 7 (1 IAC, 2 UC, 3 SI, 4 DC, 5 RDF, 6 TRE, 7 RA)"},
		{[]string{"catalog", "--fr", "8"}, "from 1 to 7"},
		{[]string{"catalog", "--sl", "5"}, "security level from 1 to 4"},
		{[]string{"catalog", "--sl", "0"}, "security level from 1 to 4"},
		{[]string{"catalog", "--sl", "two"}, "invalid argument"},
		{[]string{"catalog", "--kind", "XR"}, "want one of SR, RE, CR, CR-RE"},
		{[]string{"catalog", "--kind", "cr"}, "--kind CR belongs to 62443-4-2, not 62443-3-3: add --standard 62443-4-2 or --standard all"},
		{[]string{"catalog", "-f", "xml"}, "want one of table, json, csv, md"},
		{[]string{"catalog", "extra"}, "unknown command"},
		{[]string{"catalog", "-o", filepath.Join(t.TempDir(), "missing", "out.json")}, "cannot write "},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, tt.args...)
		if code != ExitUsage {
			t.Errorf("%q: exit %d, want %d", tt.args, code, ExitUsage)
		}
		if stdout != "" {
			t.Errorf("%q: wrote %q to stdout on a usage error", tt.args, stdout)
		}
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: stderr %q, want it to contain %q", tt.args, stderr, tt.want)
		}
	}
}

func TestCatalogOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.csv")
	code, stdout, stderr := runCLI(t, "catalog", "--sl", "2", "--fr", "5", "-f", "csv", "-o", path)
	if code != ExitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "sl2_fr5.csv", string(got))
}

func TestCatalogUnlevelledNote(t *testing.T) {
	code, _, stderr := runCLI(t, "catalog", "--standard", "62443-4-2", "--sl", "4", "--fr", "5")
	if code != ExitOK || !strings.Contains(stderr, "3 matching 62443-4-2 requirements have no level") {
		t.Errorf("exit %d, stderr %q; want a note on CR 5.2, CR 5.3 and CR 5.4 being left out", code, stderr)
	}
	_, _, stderr = runCLI(t, "catalog", "--sl", "4")
	if stderr != "" {
		t.Errorf("62443-3-3 levels everything, yet stderr says %q", stderr)
	}
}

// TestCatalogJSONSchema validates the JSON of the whole catalog, and of an empty
// selection, against the published schema.
func TestCatalogJSONSchema(t *testing.T) {
	schemaPath := filepath.Join("..", "..", "docs", "schemas", "catalog.schema.json")
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("catalog.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("catalog.schema.json")
	if err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	for _, args := range [][]string{
		{"catalog", "--standard", "all", "-f", "json"},
		{"catalog", "--search", "no such requirement", "-f", "json"},
		{"catalog", "--standard", "all", "--kind", "constraint", "-f", "json"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != ExitOK {
			t.Fatalf("%q: exit %d, stderr %q", args, code, stderr)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%q: output does not match %s: %v", args, schemaPath, err)
		}
	}
}
