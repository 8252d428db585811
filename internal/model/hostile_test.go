//go:build unix

package model

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// guardMemory fails the whole test binary if the heap passes limit while the test runs:
// an unbounded read of /dev/zero would otherwise take the machine's memory.
func guardMemory(t *testing.T, limit uint64) {
	t.Helper()
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > limit {
					panic("unbounded read: the heap passed " + filepath.Base(t.Name()) + "'s limit")
				}
			}
		}
	}()
}

// loadWithin loads path and fails the test if loading takes longer than 5 s (a read
// that blocks on a pipe).
func loadWithin(t *testing.T, path string, opts Options) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := Load(path, opts); done <- err }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("loading %s still blocked after 5 s", path)
		return nil
	}
}

const rootHead = "version: 1\nsystem: {name: x}\n"

// TestIncludesStayInside: includes may not lead out of the root model's folder by an
// absolute path, ../, a symbolic link or a pattern, unless AllowIncludeOutside; even then
// a device, pipe or directory is refused, and nothing blocks or reads without bound.
func TestIncludesStayInside(t *testing.T) {
	guardMemory(t, 256<<20)
	base := t.TempDir()
	dir := filepath.Join(base, "model")
	outside := filepath.Join(base, "secret.yaml")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	must(os.WriteFile(outside, []byte("zones:\n  - {id: z-out}\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "sub", "in.yaml"), []byte("zones:\n  - {id: z-in}\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "sub", "up.yaml"), []byte("include: [../../secret.yaml]\n"), 0o644))
	must(os.Symlink(outside, filepath.Join(dir, "link.yaml")))
	must(os.Symlink(base, filepath.Join(dir, "linkdir")))
	fifo := filepath.Join(dir, "fifo.yaml")
	must(syscall.Mkfifo(fifo, 0o600))

	cases := []struct {
		name, include string
		allow         bool
		want          string // "" loads; else a fragment of the error
	}{
		{"inside, in a subfolder", "sub/in.yaml", false, ""},
		{"inside by a pattern", "sub/i*.yaml", false, ""},
		{"absolute path out", outside, false, "leads outside the model's folder"},
		{"dot-dot out", "../secret.yaml", false, "leads outside the model's folder"},
		{"dot-dot out from an included file", "sub/up.yaml", false, `"../../secret.yaml" leads outside`},
		{"symbolic link out", "link.yaml", false, "leads outside the model's folder"},
		{"through a linked folder", "linkdir/secret.yaml", false, "leads outside the model's folder"},
		{"pattern out", "../*.yaml", false, "leads outside the model's folder"},
		{"device", "/dev/zero", false, "leads outside the model's folder"},
		{"allowed out", outside, true, ""},
		{"allowed link out", "link.yaml", true, ""},
		{"allowed but a device", "/dev/zero", true, "/dev/zero is a device, not a regular file"},
		{"a named pipe", "fifo.yaml", false, "is a named pipe (FIFO), not a regular file"},
		{"a directory", "sub", false, "is a directory, not a file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := filepath.Join(dir, "plant.yaml")
			must(os.WriteFile(root, []byte(rootHead+"include: ["+tc.include+"]\n"), 0o644))
			err := loadWithin(t, root, Options{AllowIncludeOutside: tc.allow})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("want the model to load, got %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			case tc.want != "" && strings.Contains(err.Error(), "z-out"):
				t.Fatalf("the outside file was read: %v", err)
			}
		})
	}
}

// TestRootModelNotRegular: validate /dev/zero, a named pipe with no writer or a
// directory ends at once with what the path is; a model over the size limit is refused
// before it is read.
func TestRootModelNotRegular(t *testing.T) {
	guardMemory(t, 256<<20)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "plant.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(MaxFileSize + 1) // sparse: says 64 MB and a byte, costs nothing
	f.Close()
	for path, want := range map[string]string{
		"/dev/zero": "/dev/zero: cannot read the model: /dev/zero is a device, not a regular file",
		fifo:        fifo + ": cannot read the model: " + fifo + " is a named pipe (FIFO), not a regular file",
		dir:         "is a directory, not a file",
		big:         big + " is larger than 64 MB",
	} {
		err := loadWithin(t, path, Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) = %v, want an error containing %q", path, err, want)
		}
	}
	// A reader that returns too much (tests, Parse) is held to the same limit.
	_, err = Load("huge.yaml", Options{ReadFile: func(string) ([]byte, error) { return make([]byte, MaxFileSize+1), nil }})
	if err == nil || !strings.Contains(err.Error(), "huge.yaml is larger than 64 MB") {
		t.Errorf("oversized read: %v", err)
	}
}

// TestNoContentEchoed: a file that is not a model (a password file) included by mistake
// or malice is refused without a line of it in the message; in a model file, an
// unknown key that is not a field name is shown by its first letters only.
func TestNoContentEchoed(t *testing.T) {
	const hash = "$6$s4ltS4lt$Q0xHashHashHashHashHash"
	shadow := "root:" + hash + ":19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\noperator:" + hash + ":19000:0:99999:7:::\n"
	files := map[string]string{
		"plant.yaml":  rootHead + "include: [shadow]\n",
		"shadow":      shadow,
		"mixed.yaml":  rootHead + "zones: []\n" + shadow,
		"nested.yaml": rootHead + "zones:\n  - id: z\n    " + strings.TrimSuffix(strings.SplitN(shadow, "\n", 2)[0], ":") + " x\n",
	}
	read := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	for _, name := range []string{"plant.yaml", "mixed.yaml", "nested.yaml"} {
		_, err := Load(name, Options{ReadFile: read})
		if err == nil {
			t.Fatalf("%s: loaded", name)
		}
		msg := err.Error()
		if strings.Contains(msg, "s4lt") || strings.Contains(msg, "$6$") || strings.Contains(msg, "19000") {
			t.Errorf("%s: the error carries the file's content:\n%s", name, msg)
		}
		t.Logf("%s:\n%s", name, msg)
	}
	_, err := Load("plant.yaml", Options{ReadFile: read})
	if want := "shadow:1:1: not a model file: none of its 3 top-level keys is a model field"; !strings.Contains(err.Error(), want) {
		t.Errorf("want %q, got:\n%v", want, err)
	}
	_, err = Load("mixed.yaml", Options{ReadFile: read})
	if want := `mixed.yaml:4:1: unknown field "root…" (a key of `; !strings.Contains(err.Error(), want) {
		t.Errorf("want %q, got:\n%v", want, err)
	}
}

// TestUnknownFieldOnce: each unknown field is reported once, with the path of where it is.
func TestUnknownFieldOnce(t *testing.T) {
	src := rootHead + "colour: red\nzones:\n  - {id: a, bogus: 1, sl_target: 2}\nsystem2: {}\n"
	src = strings.Replace(src, "system: {name: x}", "system: {name: x, colour: red, risk: {tolerable: medium, shade: 2}}", 1)
	_, err := parse(t, src)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want model errors, got %v", err)
	}
	want := map[string]int{
		`unknown field "colour" in system`:                 1,
		`unknown field "shade" in system.risk`:             1,
		`unknown field "colour" at the model's top level`:  1,
		`unknown field "bogus" in zones[0]`:                1,
		`unknown field "system2" at the model's top level`: 1,
	}
	got := map[string]int{}
	for _, d := range errs {
		got[d.Message]++
	}
	for m, n := range want {
		if got[m] != n {
			t.Errorf("%q reported %d times, want %d; all:\n%v", m, got[m], n, err)
		}
	}
	if len(errs) != len(want) {
		t.Errorf("want %d problems, got:\n%v", len(want), err)
	}
}

// TestTypeErrorsNamed: a value of the wrong type is reported at its own line and column
// with the path of the field, the type expected and what was written, never the
// library's Go type names.
func TestTypeErrorsNamed(t *testing.T) {
	cases := []struct{ old, new, want string }{
		{"    purdue: 1\n", "    purdue: high\n", "9:13:zones[1].purdue: expected a Purdue level (0, 1, 2, 3, 3.5, 4 or 5), found text"},
		{"    purdue: 1\n", "    purdue: [1]\n", "9:13:zones[1].purdue: expected a Purdue level (0, 1, 2, 3, 3.5, 4 or 5), found a list"},
		{"networks: [10.0.2.0/24]", "networks: 10.0.2.0/24", "10:15:zones[1].networks: expected a list of text, found text"},
		{"    purdue: 1\n", "    purdue: 1\n    vlans: [10, ten]\n", "10:17:zones[1].vlans[1]: expected a whole number, found text"},
		{"    purdue: 1\n", "    purdue: 1\n    safety: maybe\n", "10:13:zones[1].safety: expected true or false, found text"},
		{"likelihood: 3", "likelihood: often", "23:17:threats[0].likelihood: expected a whole number, found text"},
		{"consequences: {production: 3}", "consequences: {production: lots}", "24:32:threats[0].consequences.production: expected a whole number, found text"},
		{"consequences: {production: 3}", "consequences: [production]", "24:19:threats[0].consequences: expected a mapping of names to whole numbers, found a list"},
		{"version: 1", "version: one", "1:10:version: expected a whole number, found text"},
		{"  name: Test plant\n", "  name: Test plant\n  risk: {likelihood: [{level: low, label: x}]}\n", "4:31:system.risk.likelihood[0].level: expected a whole number, found text"},
		{"    purdue: 2\n", "    purdue: 2\n    sl_target: {FR1: x}\n", "7:22:zones[0].sl_target: security level of FR1 must be a number 0–4"},
		{"assets:\n  - {id: plc", "assets:\n  - [x]\n  - {id: plc", "18:5:assets[0]: expected a mapping with an id, found a list"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			if !strings.Contains(minimal, tc.old) {
				t.Fatalf("%q not in the minimal model", tc.old)
			}
			_, err := parse(t, strings.Replace(minimal, tc.old, tc.new, 1))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("want model errors, got %v", err)
			}
			for _, d := range errs {
				if strings.Contains(d.Message, "cannot unmarshal") || strings.Contains(d.Message, "model.") {
					t.Errorf("library message leaked: %v", d)
				}
			}
			parts := strings.SplitN(tc.want, ":", 3)
			at, frag := parts[0]+":"+parts[1], parts[2]
			for _, d := range errs {
				if strings.Contains(d.Message, frag) {
					if got := d.Pos.String(); got != "plant.yaml:"+at {
						t.Errorf("at %s, want plant.yaml:%s", got, at)
					}
					return
				}
			}
			t.Errorf("no diagnostic containing %q; got:\n%v", frag, err)
		})
	}
}

// TestFragmentAlone: validating a file meant to be included says so, and never ends a
// message with an empty list of zones.
func TestFragmentAlone(t *testing.T) {
	_, err := Parse("assets.yaml", []byte("assets:\n  - {id: p1, zone: cell, kind: plc}\n"), Options{})
	if err == nil {
		t.Fatal("a fragment validated alone passed")
	}
	msg := err.Error()
	for _, want := range []string{"assets.yaml has no version and no system: it looks like a fragment meant to be included",
		"this file declares no zones; the model that includes it may"} {
		if !strings.Contains(msg, want) {
			t.Errorf("want %q in:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "declared zones: \n") || strings.HasSuffix(msg, "declared zones: ") || strings.Contains(msg, "system has no name") {
		t.Errorf("misleading message:\n%s", msg)
	}
	// A model of its own without zones says that plainly.
	_, err = Parse("plant.yaml", []byte(rootHead+"assets:\n  - {id: p1, zone: cell, kind: plc}\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "the model declares no zones") {
		t.Errorf("want \"the model declares no zones\", got %v", err)
	}
}

// TestSyntaxErrorsClipped: the YAML library's own messages may quote a name from the
// file; a long one is cut.
func TestSyntaxErrorsClipped(t *testing.T) {
	const secret = "Q0xHashHashHashHashHashHashHashHash"
	_, err := parse(t, rootHead+"zones: *"+secret+"\n")
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "unknown anchor 'Q0xHashHashHashH…'") {
		t.Fatalf("got %v", err)
	}
}
