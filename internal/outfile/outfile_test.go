package outfile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestCommitAndAbort(t *testing.T) {
	cases := []struct {
		name    string
		old     string // content already there ("" = no file)
		write   string
		finish  func(f *File) error
		want    string // content afterwards ("" = no file)
		wantErr bool
	}{
		{"new file committed", "", "report", (*File).Commit, "report", false},
		{"existing file replaced", "old", "new", (*File).Commit, "new", false},
		{"aborted: nothing", "", "half", func(f *File) error { f.Abort(); return nil }, "", false},
		{"aborted: old kept", "old", "half", func(f *File) error { f.Abort(); return nil }, "old", false},
		{"finish with error", "old", "half", func(f *File) error { return f.Finish(errors.New("render failed")) }, "old", true},
		{"commit after abort", "", "half", func(f *File) error { f.Abort(); return f.Commit() }, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.txt")
			if c.old != "" {
				os.WriteFile(path, []byte(c.old), 0o644)
			}
			f, err := Create(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write([]byte(c.write)); err != nil {
				t.Fatal(err)
			}
			if err := c.finish(f); (err != nil) != c.wantErr {
				t.Errorf("error %v, want an error: %v", err, c.wantErr)
			}
			b, err := os.ReadFile(path)
			switch {
			case c.want == "" && err == nil:
				t.Errorf("%s exists with %q", path, b)
			case c.want != "" && string(b) != c.want:
				t.Errorf("%s holds %q (%v), want %q", path, b, err, c.want)
			}
			if n := entries(t, dir); len(n) > 1 || (len(n) == 1 && n[0] != "out.txt") {
				t.Errorf("left in the directory: %v", n)
			}
		})
	}
}

// TestWriteErrorIsSticky: once a write failed (a full disk), the file cannot be committed.
func TestWriteErrorIsSticky(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	os.WriteFile(path, []byte("complete old report"), 0o644)
	f, err := Create(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("first part"))
	f.f.Close() // the next write fails, as on a full disk
	if _, err := f.Write([]byte("second part")); err == nil {
		t.Fatal("write to a closed file worked")
	}
	// A caller that ignores the write error still cannot commit a truncated file.
	if err := f.Commit(); err == nil || !strings.Contains(err.Error(), "out.txt") {
		t.Errorf("commit after a write error: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "complete old report" {
		t.Errorf("old file replaced by %q", b)
	}
	if n := entries(t, dir); len(n) != 1 {
		t.Errorf("left in the directory: %v", n)
	}
}

func TestDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	f, err := Create(context.Background(), "/dev/full")
	if err != nil {
		t.Fatal(err)
	}
	_, werr := f.Write([]byte("alerts"))
	cerr := f.Commit()
	if !errors.Is(werr, syscall.ENOSPC) || !errors.Is(cerr, syscall.ENOSPC) {
		t.Errorf("write %v, commit %v; want ENOSPC from both", werr, cerr)
	}
	if st, err := os.Stat("/dev/full"); err != nil || st.Mode().IsRegular() {
		t.Errorf("/dev/full replaced: %v %v", st, err)
	}
}

func TestCancelRemovesTheTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	ctx, cancel := context.WithCancel(context.Background())
	f, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("partial"))
	if n := entries(t, dir); len(n) != 1 || !strings.HasPrefix(n[0], ".out.txt.") {
		t.Fatalf("while writing: %v, want one temporary file", n)
	}
	cancel() // a signal: the temporary file goes at once, whatever the writer is doing
	deadline := time.Now().Add(2 * time.Second)
	for len(entries(t, dir)) != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := entries(t, dir); len(n) != 0 {
		t.Errorf("after cancellation: %v", n)
	}
	if _, err := f.Write([]byte("more")); err == nil {
		t.Error("write after cancellation worked")
	}
	if err := f.Commit(); err == nil {
		t.Error("commit after cancellation worked")
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s exists after cancellation: %v", path, err)
	}
	if _, err := Create(ctx, path); err == nil {
		t.Error("create with a cancelled context worked")
	}
}

func TestMode(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	dir := t.TempDir()
	cases := []struct {
		name     string
		existing fs.FileMode // 0: no file there
		want     fs.FileMode
	}{
		{"new file gets 0666 less the umask", 0, 0o640},
		{"existing 0600 stays 0600", 0o600, 0o600},
		{"existing 0644 stays 0644 under a stricter umask", 0o644, 0o644},
		{"existing 0664 stays 0664", 0o664, 0o664},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, string(rune('a'+i)))
			if c.existing != 0 {
				os.WriteFile(path, []byte("old"), 0o600)
				os.Chmod(path, c.existing)
			}
			f, err := Create(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			f.Write([]byte("new"))
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != c.want {
				t.Errorf("mode %v, want %v", st.Mode().Perm(), c.want)
			}
		})
	}
}

func TestSymlinkIsWrittenThrough(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.txt")
	link := filepath.Join(dir, "link.txt")
	os.WriteFile(real, []byte("old"), 0o600)
	if err := os.Symlink("real.txt", link); err != nil {
		t.Skip(err)
	}
	f, err := Create(context.Background(), link)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", st, err)
	}
	if b, _ := os.ReadFile(real); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v", st.Mode().Perm())
	}
}

func TestCreateErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ path, want string }{
		{dir, "is a directory"},
		{filepath.Join(dir, "missing", "x.txt"), "no such file or directory"},
	} {
		_, err := Create(context.Background(), c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: %v, want %q and the path", c.path, err, c.want)
		}
	}
}

func TestSameAs(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "capture.pcapng")
	other := filepath.Join(dir, "other.pcap")
	os.WriteFile(in, []byte("x"), 0o644)
	os.WriteFile(other, []byte("y"), 0o644)
	hard := filepath.Join(dir, "hard")
	if err := os.Link(in, hard); err != nil {
		t.Skip(err)
	}
	sym := filepath.Join(dir, "sym")
	os.Symlink(in, sym)
	t.Chdir(dir)
	cases := []struct {
		out    string
		inputs []string
		want   string
	}{
		{in, []string{other, in}, in},
		{"capture.pcapng", []string{in}, in},          // relative against absolute
		{"./sub/../capture.pcapng", []string{in}, ""}, // sub does not exist: no such file, no conflict
		{hard, []string{other, in}, in},               // a hard link
		{sym, []string{in}, in},                       // a symbolic link as the output
		{in, []string{sym}, sym},                      // ... or as the input
		{other, []string{in}, ""},
		{filepath.Join(dir, "new.yaml"), []string{in}, ""},
		{"-", []string{"-"}, ""},
		{in, []string{"-", ""}, ""},
	}
	for _, c := range cases {
		got, ok := SameAs(c.out, c.inputs...)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("SameAs(%q, %q) = %q, %v; want %q", c.out, c.inputs, got, ok, c.want)
		}
	}
}
