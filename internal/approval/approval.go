package approval

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zonewarden/zonewarden/internal/outfile"
	"github.com/zonewarden/zonewarden/internal/readfile"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// SchemaVersion is the version of docs/schemas/approvals.schema.json a history follows.
const SchemaVersion = 1

// MaxHistorySize bounds the approvals file read: thousands of approvals fit in far less.
const MaxHistorySize = 16 << 20

// Limits on what an approver writes, so a record stays a record.
const (
	MaxNameLen    = 200
	MaxCommentLen = 2000
)

// File is one file of the model: its name relative to the root model's folder (with /
// between folders) and the SHA-256 of its bytes, hex.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Content identifies a model's content: the files it was loaded from, sorted by name,
// and SHA256, the digest over them. The digest is the SHA-256 of the lines
// "<sha256 of the file>  <name>\n", one per file in name order: exactly what
// `sha256sum FILES | LC_ALL=C sort -k2 | sha256sum` prints in the model's folder, so an
// assessor can recompute it without zonewarden.
type Content struct {
	SHA256 string `json:"sha256"`
	Files  []File `json:"files"`
}

// NewContent computes the content digest of files.
func NewContent(files []File) Content {
	fs := append([]File{}, files...) // never nil: JSON shows [] for a model of no files
	slices.SortFunc(fs, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	h := sha256.New()
	for _, f := range fs {
		fmt.Fprintf(h, "%s  %s\n", f.SHA256, f.Name)
	}
	return Content{SHA256: hex.EncodeToString(h.Sum(nil)), Files: fs}
}

// Recorder wraps the model loader's file reader and keeps the digest of every file read,
// so that the content approved or checked is the content that was loaded and validated,
// byte for byte, with no second read that a concurrent edit could slip between.
type Recorder struct {
	read func(string) ([]byte, error)
	mu   sync.Mutex
	sums map[string]string
}

// NewRecorder wraps read (the loader's ReadFile; nil means readfile.Read with the
// model's size bound, which the caller should pass explicitly).
func NewRecorder(read func(string) ([]byte, error)) *Recorder {
	return &Recorder{read: read, sums: map[string]string{}}
}

// ReadFile reads path through the wrapped reader and records its digest.
func (r *Recorder) ReadFile(path string) ([]byte, error) {
	data, err := r.read(path)
	if err != nil {
		return data, err
	}
	sum := sha256.Sum256(data)
	r.mu.Lock()
	r.sums[path] = hex.EncodeToString(sum[:])
	r.mu.Unlock()
	return data, nil
}

// Content is the content of the model whose root file is root and which was loaded from
// files (the model's Files, root first), each read through r.
func (r *Recorder) Content(root string, files []string) (Content, error) {
	dir := filepath.Dir(filepath.Clean(root))
	var out []File
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range files {
		sum, ok := r.sums[p]
		if !ok {
			return Content{}, fmt.Errorf("model file %s was not read through the approval recorder", p)
		}
		out = append(out, File{Name: relName(dir, p), SHA256: sum})
	}
	return NewContent(out), nil
}

// relName names p relative to dir, with forward slashes, so a model checked out on
// another machine or system has the same content digest.
func relName(dir, p string) string {
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		rel = p
	}
	return filepath.ToSlash(rel)
}

// Record is one approval.
type Record struct {
	By      string `json:"by"`
	Role    string `json:"role"`
	Comment string `json:"comment,omitempty"`
	// ApprovedAt is the moment of approval, RFC 3339 in UTC to the second.
	ApprovedAt string  `json:"approved_at"`
	Content    Content `json:"content"`
}

// Date is the day of approval (UTC), YYYY-MM-DD.
func (r *Record) Date() string {
	if t, err := time.Parse(time.RFC3339, r.ApprovedAt); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	return r.ApprovedAt
}

// NewRecord makes an approval of content by a person in a role at time at, checking
// what they wrote: a name and a role are required, all three are single lines of
// printable text within MaxNameLen (MaxCommentLen for the comment).
func NewRecord(by, role, comment string, at time.Time, content Content) (Record, error) {
	by, role, comment = strings.TrimSpace(by), strings.TrimSpace(role), strings.TrimSpace(comment)
	for _, f := range []struct {
		flag, v string
		max     int
	}{{"--by", by, MaxNameLen}, {"--role", role, MaxNameLen}, {"--comment", comment, MaxCommentLen}} {
		if f.v == "" && f.flag != "--comment" {
			return Record{}, fmt.Errorf("%s is required: who approves, and in which role", f.flag)
		}
		if len(f.v) > f.max {
			return Record{}, fmt.Errorf("%s is longer than %d bytes", f.flag, f.max)
		}
		if err := textsafe.CheckTerminal(f.v); err != nil {
			return Record{}, fmt.Errorf("%s must be one line of printable text: %w", f.flag, err)
		}
	}
	return Record{By: by, Role: role, Comment: comment, ApprovedAt: at.UTC().Truncate(time.Second).Format(time.RFC3339), Content: content}, nil
}

// History is an approvals file: every approval of the model, oldest first.
type History struct {
	SchemaVersion int `json:"schema_version"`
	// Model is the root model file's name, for a person who finds the file alone.
	Model     string   `json:"model"`
	Approvals []Record `json:"approvals"`
}

// PathFor is where the approvals of the model at path are kept: beside it, its name
// with .approvals.json for the .yaml or .yml extension (plant.yaml →
// plant.approvals.json).
func PathFor(model string) string {
	ext := filepath.Ext(model)
	switch strings.ToLower(ext) {
	case ".yaml", ".yml":
		model = strings.TrimSuffix(model, ext)
	}
	return model + ".approvals.json"
}

// Read reads the approvals file at path. A file that does not exist is an empty history
// (exists false); one that cannot be read or is not an approvals file is an error that
// names the file.
func Read(path string) (h *History, exists bool, err error) {
	data, err := readfile.Read(path, MaxHistorySize)
	if errors.Is(err, fs.ErrNotExist) {
		return &History{SchemaVersion: SchemaVersion}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("approvals file: %w", err)
	}
	h, err = parse(data)
	if err != nil {
		return nil, true, fmt.Errorf("approvals file %s: %w; it is written by zonewarden approve: restore it from version control", path, err)
	}
	return h, true, nil
}

func parse(data []byte) (*History, error) {
	var h History
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&h); err != nil {
		return nil, fmt.Errorf("not an approvals file: %w", err)
	}
	if d.More() {
		return nil, errors.New("not an approvals file: more than one JSON document")
	}
	if h.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("schema_version %d, this build reads %d", h.SchemaVersion, SchemaVersion)
	}
	for i, r := range h.Approvals {
		if _, err := time.Parse(time.RFC3339, r.ApprovedAt); err != nil {
			return nil, fmt.Errorf("approval %d: approved_at is not an RFC 3339 time", i+1)
		}
		if !isDigest(r.Content.SHA256) {
			return nil, fmt.Errorf("approval %d: content.sha256 is not a SHA-256 digest", i+1)
		}
		if r.By == "" || r.Role == "" {
			return nil, fmt.Errorf("approval %d: no approver or no role", i+1)
		}
		for _, f := range r.Content.Files {
			if !isDigest(f.SHA256) {
				return nil, fmt.Errorf("approval %d: file %q: sha256 is not a SHA-256 digest", i+1, textsafe.Terminal(f.Name))
			}
		}
	}
	return &h, nil
}

func isDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// ErrChanged is returned by Append when the approvals file changed while the approval
// was being written: nothing was written, and running again appends to the new file.
var ErrChanged = errors.New("the approvals file changed while this approval was being written (another approval at the same time?); nothing was written, run it again")

// testHookBeforeCommit, when set by a test, runs between writing and the check that the
// file did not change meanwhile.
var testHookBeforeCommit func()

// Append adds r to the approvals file at path for the model named model (its root file's
// base name), creating the file if needed. The file is written whole or not at all; if it
// changed on disk between reading and writing, nothing is written and the error is
// ErrChanged.
func Append(ctx context.Context, path, model string, r Record) error {
	before, err := readfile.Read(path, MaxHistorySize)
	var h *History
	switch {
	case errors.Is(err, fs.ErrNotExist):
		before = nil
		h = &History{SchemaVersion: SchemaVersion}
	case err != nil:
		return fmt.Errorf("approvals file: %w", err)
	default:
		if h, err = parse(before); err != nil {
			return fmt.Errorf("approvals file %s: %w; it is written by zonewarden approve: restore it from version control", path, err)
		}
	}
	h.Model = model
	h.Approvals = append(h.Approvals, r)
	data, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return fmt.Errorf("approvals file: %w", err)
	}
	data = append(data, '\n')
	f, err := outfile.Create(ctx, path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return f.Finish(err)
	}
	if testHookBeforeCommit != nil {
		testHookBeforeCommit()
	}
	now, err := readfile.Read(path, MaxHistorySize)
	if errors.Is(err, fs.ErrNotExist) {
		now, err = nil, nil
	}
	if err != nil || !bytes.Equal(now, before) {
		f.Abort()
		return ErrChanged
	}
	return f.Finish(nil)
}

// State is the verdict on a model's approval.
type State string

// The verdicts.
const (
	// Approved: an approval was given for exactly the current content.
	Approved State = "approved"
	// Void: approvals exist, but none for the current content: the model changed since.
	Void State = "void"
	// None: no approval was ever recorded.
	None State = "none"
)

// Change is a file that differs between the approved content and the current one.
type Change struct {
	Name string `json:"name"`
	// Change is "modified", "added" (in the model now, not when approved) or "removed".
	Change string `json:"change"`
}

// Status is the verdict on the current content against a history.
type Status struct {
	State State `json:"state"`
	// File is the approvals file consulted.
	File string `json:"file"`
	// Approval is the approval of the current content (Approved), or the latest one,
	// which the changes voided (Void).
	Approval *Record `json:"approval,omitempty"`
	// Current is the content checked.
	Current Content `json:"current"`
	// Changes lists what differs from the latest approval (Void).
	Changes []Change `json:"changes,omitempty"`
	// Approvals counts the approvals in the history.
	Approvals int `json:"approvals"`
}

// Check holds current against the history read from file: the latest approval of
// exactly this content makes it approved; otherwise the latest approval, compared file by
// file, says what changed since.
func Check(h *History, file string, current Content) Status {
	s := Status{State: None, File: file, Current: current, Approvals: len(h.Approvals)}
	for i := len(h.Approvals) - 1; i >= 0; i-- {
		if h.Approvals[i].Content.SHA256 == current.SHA256 {
			r := h.Approvals[i]
			s.State, s.Approval = Approved, &r
			return s
		}
	}
	if len(h.Approvals) == 0 {
		return s
	}
	r := h.Approvals[len(h.Approvals)-1]
	s.State, s.Approval = Void, &r
	s.Changes = diff(r.Content.Files, current.Files)
	return s
}

// diff lists the files added, removed or modified from was to now, by name.
func diff(was, now []File) []Change {
	old := map[string]string{}
	for _, f := range was {
		old[f.Name] = f.SHA256
	}
	var out []Change
	for _, f := range now {
		sum, ok := old[f.Name]
		switch {
		case !ok:
			out = append(out, Change{f.Name, "added"})
		case sum != f.SHA256:
			out = append(out, Change{f.Name, "modified"})
		}
		delete(old, f.Name)
	}
	for name := range old {
		out = append(out, Change{name, "removed"})
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Short is the first 12 hex digits of a digest, as reports show it.
func Short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

// Sentence says the verdict in one sentence for people.
func (s *Status) Sentence() string {
	switch s.State {
	case Approved:
		r := s.Approval
		return fmt.Sprintf("Approved by %s (%s) on %s for this exact content (SHA-256 %s, %s).",
			r.By, r.Role, r.Date(), Short(s.Current.SHA256), files(len(s.Current.Files)))
	case Void:
		r := s.Approval
		var parts []string
		for _, c := range s.Changes {
			parts = append(parts, c.Name+" "+c.Change)
		}
		what := strings.Join(parts, ", ")
		if what == "" {
			what = "no file differs, but the recorded digest does not match the recorded files"
		}
		return fmt.Sprintf("The approval by %s (%s) on %s is void: the model changed since (%s); its content is now SHA-256 %s, approved was %s.",
			r.By, r.Role, r.Date(), what, Short(s.Current.SHA256), Short(r.Content.SHA256))
	}
	return fmt.Sprintf("No asset owner approval is recorded for this model (%s holds none).", filepath.Base(s.File))
}

func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}
