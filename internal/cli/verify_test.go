package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The verify golden tests run on a short simulated attack capture of the water treatment
// example; the simulator gives the same bytes for the same seed, so the capture is made
// once per test run instead of being kept in the repository.
var (
	waterAttackOnce sync.Once
	waterAttackPath string
	waterAttackErr  string
)

// waterAttack returns the path of the capture, made on first use.
func waterAttack(t *testing.T) string {
	t.Helper()
	waterAttackOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zonewarden-verify-test")
		if err != nil {
			waterAttackErr = err.Error()
			return
		}
		path := filepath.Join(dir, "water-attack.pcapng")
		code, _, errOut := run(t, "simulate", examples["water-treatment"], "--scenario", "attack", "--duration", "60s", "--seed", "7", "-q", "-o", path)
		if code != 0 {
			waterAttackErr = errOut
			return
		}
		waterAttackPath = path
	})
	if waterAttackPath == "" {
		t.Fatalf("simulating the water treatment attack: %s", waterAttackErr)
	}
	return waterAttackPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if waterAttackPath != "" {
		os.RemoveAll(filepath.Dir(waterAttackPath))
	}
	os.Exit(code)
}

// stable replaces the temporary directory of the capture so that output compares.
func stable(out, capture string) string {
	return strings.ReplaceAll(out, filepath.Dir(capture)+string(filepath.Separator), "")
}

func TestVerifyGolden(t *testing.T) {
	capture := waterAttack(t)
	for _, f := range []string{"json", "table", "md"} {
		t.Run(f, func(t *testing.T) {
			code, out, errOut := run(t, "verify", examples["water-treatment"], capture, "-f", f, "--no-progress")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, "verify/water-attack."+f, stable(out, capture))
		})
	}
}

func TestVerifyJSONSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("../../docs/schemas/verification.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	capture := waterAttack(t)
	code, out, errOut := run(t, "verify", examples["water-treatment"], capture, "-f", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("JSON output does not match the schema: %v", err)
	}
	// Every rule a finding names is documented.
	var res struct {
		Findings []struct{ Rule string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	doc2, err := os.ReadFile("../../docs/verify.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if !strings.Contains(string(doc2), "`"+f.Rule+"`") {
			t.Errorf("rule %s is not described in docs/verify.md", f.Rule)
		}
	}
}

// TestVerifyInventory checks that verifying a saved inventory gives what verifying the
// capture gives.
func TestVerifyInventory(t *testing.T) {
	capture := waterAttack(t)
	invPath := filepath.Join(t.TempDir(), "inv.json")
	if code, _, errOut := run(t, "discover", capture, "-f", "json", "-o", invPath); code != 0 {
		t.Fatalf("discover: exit %d: %s", code, errOut)
	}
	_, direct, _ := run(t, "verify", examples["water-treatment"], capture, "-f", "json")
	code, fromInv, errOut := run(t, "verify", examples["water-treatment"], "--inventory", invPath, "-f", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if direct != fromInv {
		t.Error("verify --inventory differs from verify of the capture")
	}
}

func TestVerifyExitCodes(t *testing.T) {
	capture := waterAttack(t)
	dir := t.TempDir()
	noNets := filepath.Join(dir, "nonets.yaml")
	os.WriteFile(noNets, []byte("version: 1\nsystem: {name: x}\nzones:\n  - {id: z}\nassets:\n  - {id: a, zone: z, kind: plc, ips: [10.0.0.1]}\n"), 0o644)
	notCapture := filepath.Join(dir, "notes.txt")
	os.WriteFile(notCapture, []byte("not a capture\n"), 0o644)
	badInv := filepath.Join(dir, "inv.json")
	os.WriteFile(badInv, []byte(`{"schema_version": 99}`), 0o644)
	water := examples["water-treatment"]
	cases := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"findings below the threshold", []string{water, capture, "--fail-on", "none"}, 0, ""},
		{"critical finding", []string{water, capture, "--fail-on", "critical"}, 1, ""},
		{"no capture", []string{water}, 2, "give the capture files"},
		{"capture and inventory", []string{water, capture, "--inventory", badInv}, 2, "not both"},
		{"model without networks", []string{noNets, capture}, 2, "no zone of the model lists networks"},
		{"not a capture", []string{water, notCapture}, 2, "no capture could be read, nothing to verify:\n  "},
		{"one good, one bad", []string{water, capture, notCapture}, 2, "1 of 2 files could not be read"},
		{"inventory of another version", []string{water, "--inventory", badInv}, 2, "schema_version 99"},
		{"bad format", []string{water, capture, "-f", "pdf"}, 2, "unknown format"},
		{"bad threshold", []string{water, capture, "--fail-on", "severe"}, 2, "--fail-on"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := run(t, append([]string{"verify"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.err) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tc.code, tc.err)
			}
		})
	}
}

// TestVerifyRules replays the rulesets zonewarden rules writes for the water works
// against its attack capture: the output names the rule that passes each conversation
// and what the ruleset blocks; a ruleset it cannot read is an error naming the line.
func TestVerifyRules(t *testing.T) {
	capture := waterAttack(t)
	dir := t.TempDir()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("../../docs/schemas/verification.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"nftables", "iptables"} {
		rules := filepath.Join(dir, "boundary."+format)
		if code, _, errOut := run(t, "rules", examples["water-treatment"], "-f", format, "-o", rules); code != 0 {
			t.Fatalf("rules: exit %d: %s", code, errOut)
		}
		code, out, errOut := run(t, "verify", examples["water-treatment"], capture, "--rules", rules)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		golden(t, "verify/water-attack-rules-"+format+".table", strings.ReplaceAll(stable(out, capture), dir+string(filepath.Separator), ""))
		_, js, _ := run(t, "verify", examples["water-treatment"], capture, "--rules", rules, "-f", "json")
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s: JSON output does not match the schema: %v", format, err)
		}
	}
	bad := filepath.Join(dir, "bad.nft")
	os.WriteFile(bad, []byte("table inet t {\n\tchain f {\n\t\ttype filter hook forward priority 0; policy drop;\n\t\tiifname \"eth0\" accept\n\t}\n}\n"), 0o644)
	code, _, errOut := run(t, "verify", examples["water-treatment"], capture, "--rules", bad)
	if code != 2 || !strings.Contains(errOut, "bad.nft: line 4: nftables syntax zonewarden does not understand") {
		t.Errorf("unreadable ruleset: exit %d: %s", code, errOut)
	}
	if code, _, errOut := run(t, "verify", examples["water-treatment"], capture, "--rules", bad, "--rules-format", "pf"); code != 2 || !strings.Contains(errOut, "--rules-format") {
		t.Errorf("unknown ruleset format: exit %d: %s", code, errOut)
	}
}
