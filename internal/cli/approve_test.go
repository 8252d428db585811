package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/approval"
)

// approvePlant writes a model of two files (the root includes assets.yaml) and returns
// the root's path.
func approvePlant(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "plant.yaml")
	files := map[string]string{
		"plant.yaml": `version: 1
system: {name: Approval test plant}
include: [assets.yaml]
zones:
  - {id: z-ctl, purdue: 2, sl_target: {level: 2, rationale: test}}
`,
		"assets.yaml": "assets:\n  - {id: plc-1, zone: z-ctl, kind: plc}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func fixClock(t *testing.T, at time.Time) {
	t.Helper()
	old := approveNow
	approveNow = func() time.Time { return at }
	t.Cleanup(func() { approveNow = old })
}

// The scenario of ZCR 7: no approval (check exits 1), approve (check exits 0 and names
// the approver and day), edit an included file (check exits 1: void, naming the file).
func TestApproveAndCheck(t *testing.T) {
	root := approvePlant(t)
	fixClock(t, time.Date(2026, 5, 4, 22, 59, 0, 0, time.FixedZone("CEST", 2*3600)))

	code, out, errOut := run(t, "approve", "--check", root)
	if code != 1 || !strings.Contains(out, "No asset owner approval is recorded") || errOut != "" {
		t.Errorf("check before approval: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = run(t, "approve", root, "--by", "Jane Doe", "--role", "Plant manager", "--comment", "DR-7")
	if code != 0 {
		t.Fatalf("approve: exit %d: %s", code, errOut)
	}
	// 22:59 at UTC+2 is 20:59 UTC on the 4th.
	for _, want := range []string{"approved by Jane Doe (Plant manager) on 2026-05-04", "over 2 files: assets.yaml, plant.yaml", "plant.approvals.json"} {
		if !strings.Contains(out, want) {
			t.Errorf("approve output lacks %q:\n%s", want, out)
		}
	}
	file := filepath.Join(filepath.Dir(root), "plant.approvals.json")
	h, exists, err := approval.Read(file)
	if err != nil || !exists || len(h.Approvals) != 1 || h.Approvals[0].ApprovedAt != "2026-05-04T20:59:00Z" || h.Approvals[0].Comment != "DR-7" {
		t.Fatalf("history: %v %+v", err, h)
	}
	// The model file is untouched: the approval lives beside it.
	if b, _ := os.ReadFile(root); strings.Contains(string(b), "approv") {
		t.Error("the approval was written into the model")
	}

	code, out, _ = run(t, "approve", "--check", root)
	if code != 0 || !strings.Contains(out, "Approved by Jane Doe (Plant manager) on 2026-05-04 for this exact content") || !strings.Contains(out, "comment: DR-7") {
		t.Errorf("check after approval: exit %d\n%s", code, out)
	}

	// A change to an included file voids it.
	inc := filepath.Join(filepath.Dir(root), "assets.yaml")
	if err := os.WriteFile(inc, []byte("assets:\n  - {id: plc-1, zone: z-ctl, kind: plc, criticality: high}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "approve", "--check", root)
	if code != 1 || !strings.Contains(out, "is void: the model changed since (assets.yaml modified)") {
		t.Errorf("check after an edit: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "approve", "--check", root, "-f", "json")
	var st approval.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != 1 || st.State != approval.Void || len(st.Changes) != 1 || st.Changes[0].Name != "assets.yaml" {
		t.Errorf("json check: exit %d %v %+v\n%s", code, err, st, out)
	}

	// Approving the edited model appends; both approvals are kept.
	if code, _, errOut := run(t, "approve", root, "--by", "Raj Patel", "--role", "OT security lead"); code != 0 {
		t.Fatalf("second approval: %d %s", code, errOut)
	}
	h, _, _ = approval.Read(file)
	if len(h.Approvals) != 2 {
		t.Errorf("history after two approvals: %+v", h)
	}
	if code, out, _ := run(t, "approve", "--check", root); code != 0 || !strings.Contains(out, "Raj Patel") {
		t.Errorf("check after re-approval: %d %s", code, out)
	}
}

func TestApproveBadInput(t *testing.T) {
	root := approvePlant(t)
	invalid := filepath.Join(filepath.Dir(root), "bad.yaml")
	os.WriteFile(invalid, []byte("version: 1\nsystem: {name: x}\nzones: [{id: z, purdue: 7}]\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no approver", []string{"approve", root, "--role", "r"}, "--by is required"},
		{"no role", []string{"approve", root, "--by", "a"}, "--role is required"},
		{"control character", []string{"approve", root, "--by", "a\x1b[2J", "--role", "r"}, "--by must be one line"},
		{"check with by", []string{"approve", "--check", root, "--by", "a"}, "takes no --by"},
		{"bad format", []string{"approve", "--check", root, "-f", "xml"}, "unknown format"},
		{"format without check", []string{"approve", root, "--by", "a", "--role", "r", "-f", "json"}, "--check only"},
		{"invalid model", []string{"approve", invalid, "--by", "a", "--role", "r"}, "Purdue"},
		{"missing model", []string{"approve", "--check", filepath.Join(filepath.Dir(root), "none.yaml")}, "none.yaml"},
		{"no model", []string{"approve", "--by", "a", "--role", "r"}, "arg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := run(t, tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, want 2 with %q:\n%s", code, tc.want, errOut)
			}
		})
	}
	if _, err := os.Stat(approval.PathFor(root)); err == nil {
		t.Error("a refused approval wrote the approvals file")
	}

	// An approvals file that is not one: exit 2, for approving and checking alike, and the
	// file is left as it was.
	os.WriteFile(approval.PathFor(root), []byte("{\"approvals\": 3}"), 0o644)
	for _, args := range [][]string{{"approve", "--check", root}, {"approve", root, "--by", "a", "--role", "r"}} {
		code, _, errOut := run(t, args...)
		if code != 2 || !strings.Contains(errOut, "plant.approvals.json") {
			t.Errorf("%v over a broken approvals file: exit %d %s", args, code, errOut)
		}
	}
	if b, _ := os.ReadFile(approval.PathFor(root)); string(b) != "{\"approvals\": 3}" {
		t.Errorf("broken approvals file changed: %q", b)
	}
}

// assess -f crs and -f crs-md write the requirements specification of the model as it
// is, with its approval verdict: none, then approved, then void once a file changes.
func TestAssessCRS(t *testing.T) {
	root := approvePlant(t)
	fixClock(t, time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC))
	spec := func(f string) string {
		t.Helper()
		code, out, errOut := run(t, "assess", root, "-f", f, "--as-of", "2026-05-05")
		if code != 0 {
			t.Fatalf("assess -f %s: exit %d: %s", f, code, errOut)
		}
		return out
	}
	for _, f := range []string{"crs", "crs-md"} {
		out := spec(f)
		for _, want := range []string{"Cybersecurity requirements specification", "Approval test plant",
			"No asset owner approval is recorded", "system.boundary", "system.environment", "SR 1.1"} {
			if !strings.Contains(out, want) {
				t.Errorf("-f %s lacks %q", f, want)
			}
		}
	}
	if code, _, errOut := run(t, "approve", root, "--by", "Jane Doe", "--role", "Plant manager"); code != 0 {
		t.Fatal(errOut)
	}
	if out := spec("crs-md"); !strings.Contains(out, "Approved by Jane Doe (Plant manager) on 2026-05-04 for this exact content") {
		t.Errorf("after approval:\n%.800s", out)
	}
	os.WriteFile(root, append(must(os.ReadFile(root)), "# a comment changes the content\n"...), 0o644)
	if out := spec("crs"); !strings.Contains(out, "is void: the model changed since (plant.yaml modified)") {
		t.Errorf("after an edit:\n%.800s", out)
	}
	// An unknown format still names the CRS formats.
	if code, _, errOut := run(t, "assess", root, "-f", "pdf"); code != 2 || !strings.Contains(errOut, "crs-md") {
		t.Errorf("-f pdf: exit %d %s", code, errOut)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// The assessment says the verdict too, in every format people read and in the JSON.
func TestAssessSaysApproval(t *testing.T) {
	root := approvePlant(t)
	fixClock(t, time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC))
	if code, _, errOut := run(t, "approve", root, "--by", "Jane Doe", "--role", "Plant manager"); code != 0 {
		t.Fatal(errOut)
	}
	want := "Approved by Jane Doe (Plant manager) on 2026-05-04 for this exact content"
	for _, f := range []string{"table", "md", "html"} {
		code, out, errOut := run(t, "assess", root, "-f", f, "--as-of", "2026-05-05")
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("-f %s: exit %d %s, lacks the approval:\n%.600s", f, code, errOut, out)
		}
	}
	code, out, _ := run(t, "assess", root, "-f", "json", "--as-of", "2026-05-05")
	var res struct {
		Approval approval.Status `json:"approval"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || res.Approval.State != approval.Approved || res.Approval.Approval.By != "Jane Doe" {
		t.Errorf("json: exit %d %v %+v", code, err, res.Approval)
	}
}

// assess -o never writes over the approvals history it reads.
func TestAssessKeepsApprovals(t *testing.T) {
	root := approvePlant(t)
	if code, _, errOut := run(t, "approve", root, "--by", "a", "--role", "r"); code != 0 {
		t.Fatal(errOut)
	}
	file := approval.PathFor(root)
	before := must(os.ReadFile(file))
	code, _, errOut := run(t, "assess", root, "-f", "json", "-o", file)
	if code != 2 || !strings.Contains(errOut, "would destroy the input") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if !bytes.Equal(must(os.ReadFile(file)), before) {
		t.Error("the approvals file was overwritten")
	}
}
