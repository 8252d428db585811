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

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// run executes zonewarden with args and returns its exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
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
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; run go test ./internal/cli -update and review the diff.\n--- got (first 2000 bytes):\n%.2000s", path, got)
	}
}

var examples = map[string]string{
	"water-treatment": "../../examples/water-treatment/plant.yaml",
	"substation":      "../../examples/substation/plant.yaml",
}

func TestAssessGolden(t *testing.T) {
	for name, path := range examples {
		for _, f := range []string{"table", "json", "md", "csv", "html"} {
			t.Run(name+"/"+f, func(t *testing.T) {
				code, out, errOut := run(t, "assess", path, "-f", f, "--date", "2026-11-21")
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				golden(t, "assess/"+name+"."+f, out)
			})
		}
	}
}

func TestValidateExamples(t *testing.T) {
	for name, path := range examples {
		code, out, errOut := run(t, "validate", path)
		if code != 0 || !strings.Contains(out, "valid") {
			t.Errorf("%s: exit %d\n%s%s", name, code, out, errOut)
		}
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\nsystem: {name: x}\nzones:\n  - {id: z, purdue: 9}\n"), 0o644)

	cases := []struct {
		name string
		args []string
		code int
		in   string // expected in stdout or stderr
	}{
		{"valid model", []string{"validate", examples["substation"]}, 0, "valid"},
		{"invalid model", []string{"validate", bad}, 2, "bad.yaml:4:"},
		{"missing file", []string{"assess", filepath.Join(dir, "none.yaml")}, 2, "cannot read the model"},
		{"unknown format", []string{"assess", examples["substation"], "-f", "pdf"}, 2, "unknown format"},
		{"bad fail-on", []string{"assess", examples["substation"], "--fail-on", "severe"}, 2, "--fail-on"},
		{"findings at threshold", []string{"assess", examples["substation"], "--fail-on", "high", "--date", "2026-11-21"}, 1, ""},
		{"findings below threshold", []string{"assess", examples["substation"], "--fail-on", "none"}, 0, ""},
		{"unknown flag", []string{"assess", "--colour"}, 2, "unknown flag"},
		{"unknown command", []string{"asses"}, 2, "unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, c.args...)
			if code != c.code || !strings.Contains(out+errOut, c.in) {
				t.Errorf("exit %d, want %d (and %q in the output)\nstdout: %.500s\nstderr: %.500s", code, c.code, c.in, out, errOut)
			}
		})
	}
}

func TestInitWritesAValidModel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plant.yaml")
	if code, _, errOut := run(t, "init", path); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	if code, _, errOut := run(t, "validate", path); code != 0 {
		t.Fatalf("starter model does not validate: %s", errOut)
	}
	if code, _, errOut := run(t, "init", path); code != 2 || !strings.Contains(errOut, "--force") {
		t.Errorf("init over an existing file: exit %d, %s", code, errOut)
	}
}

func TestOutputFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	if code, _, errOut := run(t, "assess", examples["substation"], "-f", "json", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	code, _, errOut := run(t, "assess", examples["substation"], "-o", filepath.Join(dir, "missing-dir", "r.txt"))
	if code != 2 || !strings.Contains(errOut, "cannot write") {
		t.Errorf("unwritable output: exit %d: %s", code, errOut)
	}
}

// TestAssessJSONSchema checks the JSON output of both examples against the documented
// schema in docs/schemas/assessment.schema.json.
func TestAssessJSONSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("../../docs/schemas/assessment.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range examples {
		code, out, errOut := run(t, "assess", path, "-f", "json", "--date", "2026-11-21")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s: JSON output does not match the schema: %v", name, err)
		}
	}
}

// TestOutputToDevice: -o /dev/null must write to the device, not rename a file over it.
func TestOutputToDevice(t *testing.T) {
	before, err := os.Stat(os.DevNull)
	if err != nil || before.Mode().IsRegular() {
		t.Skip("no /dev/null device here")
	}
	if code, _, errOut := run(t, "assess", examples["substation"], "-f", "json", "-o", os.DevNull); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	after, err := os.Stat(os.DevNull)
	if err != nil || after.Mode().IsRegular() {
		t.Fatalf("%s was replaced by a regular file", os.DevNull)
	}
	if code, _, errOut := run(t, "assess", examples["substation"], "-o", t.TempDir()); code != 2 || !strings.Contains(errOut, "directory") {
		t.Errorf("-o DIR: exit %d: %s", code, errOut)
	}
}
