package approval

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func sum(s string) string {
	b := sha256.Sum256([]byte(s))
	return hex.EncodeToString(b[:])
}

// The content digest is the SHA-256 of "sum  name\n" lines in name order, whatever order
// the files were loaded in: worked out here by hand, and by sha256sum where it exists.
func TestContentDigest(t *testing.T) {
	files := map[string]string{"plant.yaml": "version: 1\n", "risk.yaml": "threats: []\n", "assets/a.yaml": "assets: []\n"}
	c := NewContent([]File{
		{Name: "plant.yaml", SHA256: sum(files["plant.yaml"])},
		{Name: "risk.yaml", SHA256: sum(files["risk.yaml"])},
		{Name: "assets/a.yaml", SHA256: sum(files["assets/a.yaml"])},
	})
	want := sum(sum(files["assets/a.yaml"]) + "  assets/a.yaml\n" + sum(files["plant.yaml"]) + "  plant.yaml\n" + sum(files["risk.yaml"]) + "  risk.yaml\n")
	if c.SHA256 != want {
		t.Errorf("digest %s, want %s", c.SHA256, want)
	}
	if c.Files[0].Name != "assets/a.yaml" || c.Files[2].Name != "risk.yaml" {
		t.Errorf("files not in name order: %+v", c.Files)
	}

	// The documented shell recipe gives the same digest.
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("no sha256sum")
	}
	dir := t.TempDir()
	for name, text := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("sh", "-c", "sha256sum plant.yaml risk.yaml assets/a.yaml | LC_ALL=C sort -k2 | sha256sum")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(string(out))[0]; got != want {
		t.Errorf("sha256sum recipe gives %s, NewContent %s", got, want)
	}
}

func TestRecorder(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "plant.yaml")
	inc := filepath.Join(dir, "sub", "assets.yaml")
	os.MkdirAll(filepath.Dir(inc), 0o755)
	os.WriteFile(root, []byte("a"), 0o644)
	os.WriteFile(inc, []byte("b"), 0o644)
	r := NewRecorder(os.ReadFile)
	for _, p := range []string{root, inc} {
		if _, err := r.ReadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	c, err := r.Content(root, []string{root, inc})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Files) != 2 || c.Files[0] != (File{"plant.yaml", sum("a")}) || c.Files[1] != (File{"sub/assets.yaml", sum("b")}) {
		t.Errorf("files %+v", c.Files)
	}
	// The digest is of the bytes read, not of the file now: a change after loading does
	// not leak in.
	os.WriteFile(inc, []byte("changed"), 0o644)
	c2, _ := r.Content(root, []string{root, inc})
	if c2.SHA256 != c.SHA256 {
		t.Error("digest changed without a new read")
	}
	if _, err := r.Content(root, []string{root, filepath.Join(dir, "other.yaml")}); err == nil {
		t.Error("a file not read through the recorder was accepted")
	}
}

func TestPathFor(t *testing.T) {
	for in, want := range map[string]string{
		"plant.yaml":          "plant.approvals.json",
		"dir/plant.YML":       "dir/plant.approvals.json",
		"plant":               "plant.approvals.json",
		"examples/x/p.v2.yml": "examples/x/p.v2.approvals.json",
	} {
		if got := PathFor(in); got != want {
			t.Errorf("PathFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewRecord(t *testing.T) {
	at := time.Date(2026, 3, 14, 23, 30, 5, 999, time.FixedZone("X", 2*3600))
	r, err := NewRecord(" Jane Doe ", "Plant manager", "", at, Content{SHA256: sum("x")})
	if err != nil {
		t.Fatal(err)
	}
	// 23:30:05 at UTC+2 is 21:30:05 UTC, the same day.
	if r.By != "Jane Doe" || r.ApprovedAt != "2026-03-14T21:30:05Z" || r.Date() != "2026-03-14" {
		t.Errorf("record %+v", r)
	}
	for _, bad := range []struct{ by, role, comment string }{
		{"", "role", ""},
		{"name", " ", ""},
		{"name\x1b[31m", "role", ""},
		{"name", "role", "line1\nline2"},
		{strings.Repeat("n", MaxNameLen+1), "role", ""},
		{"name", "role\u202e", ""},
	} {
		if _, err := NewRecord(bad.by, bad.role, bad.comment, at, Content{}); err == nil {
			t.Errorf("NewRecord(%q, %q, %q) accepted", bad.by, bad.role, bad.comment)
		}
	}
}

// Approval voided by an edit: approve content A, change one file and add another, check:
// void with both changes named; approve B, check B: approved by the second approver;
// back to A: the first approval holds again, for exactly that content.
func TestAppendAndCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plant.approvals.json")
	a := NewContent([]File{{"plant.yaml", sum("1")}, {"risk.yaml", sum("2")}})
	b := NewContent([]File{{"plant.yaml", sum("1")}, {"risk.yaml", sum("2 edited")}, {"more.yaml", sum("3")}})
	day := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	h, exists, err := Read(path)
	if err != nil || exists || len(h.Approvals) != 0 {
		t.Fatalf("missing file: %v %v %+v", exists, err, h)
	}
	s := Check(h, path, a)
	if s.State != None || !strings.Contains(s.Sentence(), "No asset owner approval") {
		t.Errorf("none: %+v %s", s, s.Sentence())
	}

	ra, _ := NewRecord("Jane Doe", "Plant manager", "design review DR-7", day, a)
	if err := Append(context.Background(), path, "plant.yaml", ra); err != nil {
		t.Fatal(err)
	}
	h, _, err = Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := Check(h, path, a); s.State != Approved || s.Approval.By != "Jane Doe" ||
		s.Sentence() != "Approved by Jane Doe (Plant manager) on 2026-01-02 for this exact content (SHA-256 "+a.SHA256[:12]+", 2 files)." {
		t.Errorf("approved: %+v\n%s", s, s.Sentence())
	}
	s = Check(h, path, b)
	if s.State != Void || len(s.Changes) != 2 || s.Changes[0] != (Change{"more.yaml", "added"}) || s.Changes[1] != (Change{"risk.yaml", "modified"}) {
		t.Errorf("void: %+v", s)
	}
	if !strings.Contains(s.Sentence(), "is void: the model changed since (more.yaml added, risk.yaml modified)") {
		t.Errorf("void sentence: %s", s.Sentence())
	}
	// A removed file is named too.
	c := NewContent([]File{{"plant.yaml", sum("1")}})
	if s := Check(h, path, c); len(s.Changes) != 1 || s.Changes[0] != (Change{"risk.yaml", "removed"}) {
		t.Errorf("removed: %+v", s.Changes)
	}

	rb, _ := NewRecord("Raj Patel", "OT security lead", "", day.Add(24*time.Hour), b)
	if err := Append(context.Background(), path, "plant.yaml", rb); err != nil {
		t.Fatal(err)
	}
	h, _, _ = Read(path)
	if len(h.Approvals) != 2 || h.Approvals[0].Comment != "design review DR-7" || h.Model != "plant.yaml" {
		t.Errorf("history %+v", h)
	}
	if s := Check(h, path, b); s.State != Approved || s.Approval.By != "Raj Patel" {
		t.Errorf("b: %+v", s)
	}
	if s := Check(h, path, a); s.State != Approved || s.Approval.By != "Jane Doe" {
		t.Errorf("back to a: %+v", s)
	}
	// Nothing but the approvals file was left behind (no temporary files).
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files in dir: %v", entries)
	}
}

func TestReadRejects(t *testing.T) {
	good := `{"schema_version":1,"model":"p.yaml","approvals":[{"by":"a","role":"r","approved_at":"2026-01-02T03:04:05Z","content":{"sha256":"` + sum("x") + `","files":[]}}]}`
	if _, err := parse([]byte(good)); err != nil {
		t.Fatalf("good file refused: %v", err)
	}
	for name, text := range map[string]string{
		"not json":       "plant: yes",
		"unknown field":  strings.Replace(good, `"model"`, `"modle"`, 1),
		"schema version": strings.Replace(good, `"schema_version":1`, `"schema_version":2`, 1),
		"bad time":       strings.Replace(good, "2026-01-02T03:04:05Z", "yesterday", 1),
		"bad digest":     strings.Replace(good, sum("x"), "abc", 1),
		"no approver":    strings.Replace(good, `"by":"a"`, `"by":""`, 1),
		"two documents":  good + good,
	} {
		if _, err := parse([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "p.approvals.json")
	os.WriteFile(path, []byte("garbage"), 0o644)
	if _, _, err := Read(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Read of garbage: %v", err)
	}
	// Append refuses to extend a file it cannot read, and leaves it as it was.
	r, _ := NewRecord("a", "r", "", time.Now(), NewContent(nil))
	if err := Append(context.Background(), path, "p.yaml", r); err == nil {
		t.Error("Append over garbage succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "garbage" {
		t.Errorf("file changed: %q", b)
	}
	if err := os.Mkdir(filepath.Join(dir, "d.approvals.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Read(filepath.Join(dir, "d.approvals.json")); err == nil {
		t.Error("a directory was read as an approvals file")
	}
}

// An approval written while another was being written is refused, not lost.
func TestAppendDetectsConcurrentChange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.approvals.json")
	r, _ := NewRecord("a", "r", "", time.Now(), NewContent(nil))
	if err := Append(context.Background(), path, "p.yaml", r); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	testHookBeforeCommit = func() { os.WriteFile(path, append(before, ' '), 0o644) }
	defer func() { testHookBeforeCommit = nil }()
	if err := Append(context.Background(), path, "p.yaml", r); !errors.Is(err, ErrChanged) {
		t.Errorf("got %v, want ErrChanged", err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(before)+" " {
		t.Error("the other writer's file was overwritten")
	}
}

// The approvals file and approve --check's JSON follow docs/schemas/approvals.schema.json.
func TestSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("../../docs/schemas/approvals.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	status, err := c.Compile("../../docs/schemas/approvals.schema.json#/$defs/status")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "plant.approvals.json")
	a := NewContent([]File{{"plant.yaml", sum("1")}})
	r, _ := NewRecord("Jane Doe", "Plant manager", "DR-7", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), a)
	if err := Append(context.Background(), path, "plant.yaml", r); err != nil {
		t.Fatal(err)
	}
	validate := func(s *jsonschema.Schema, data []byte) {
		t.Helper()
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("%s\n%s", err, data)
		}
	}
	data, _ := os.ReadFile(path)
	validate(sch, data)
	h, _, _ := Read(path)
	for _, cur := range []Content{a, NewContent(nil), NewContent([]File{{"plant.yaml", sum("2")}})} {
		st := Check(h, path, cur)
		b, _ := json.Marshal(st)
		validate(status, b)
	}
	validate(status, must(json.Marshal(Check(&History{SchemaVersion: SchemaVersion}, path, a))))
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
