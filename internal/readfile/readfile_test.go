//go:build unix

package readfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(small, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exact := filepath.Join(dir, "exact.bin")
	os.WriteFile(exact, make([]byte, 1024), 0o644)
	over := filepath.Join(dir, "over.bin")
	os.WriteFile(over, make([]byte, 1025), 0o644)
	// A sparse file says it is a terabyte: refused from its size, without reading.
	sparse := filepath.Join(dir, "sparse.bin")
	if f, err := os.Create(sparse); err == nil {
		f.Truncate(1 << 40)
		f.Close()
	}
	link := filepath.Join(dir, "link.yaml")
	os.Symlink(small, link)
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, path string
		want       string // contents, or error fragment after "ERR:"
		is         error
	}{
		{"regular", small, "version: 1\n", nil},
		{"symlink to a regular file", link, "version: 1\n", nil},
		{"exactly the limit", exact, strings.Repeat("\x00", 1024), nil},
		{"one byte over", over, "ERR:" + over + " is larger than 1 KB", ErrTooLarge},
		{"sparse terabyte", sparse, "ERR:" + sparse + " is larger than 1 KB", ErrTooLarge},
		{"directory", dir, "ERR:" + dir + " is a directory, not a file", ErrNotRegular},
		{"fifo without writer", fifo, "ERR:" + fifo + " is a named pipe (FIFO), not a regular file", ErrNotRegular},
		{"device", "/dev/zero", "ERR:/dev/zero is a device, not a regular file", ErrNotRegular},
		{"missing", filepath.Join(dir, "nope"), "ERR:no such file", os.ErrNotExist},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat(tc.path); tc.is != os.ErrNotExist && err != nil {
				t.Skipf("%s: %v", tc.path, err)
			}
			type result struct {
				b   []byte
				err error
			}
			done := make(chan result, 1)
			go func() { b, err := Read(tc.path, 1024); done <- result{b, err} }()
			var r result
			select {
			case r = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("Read(%s) still blocked after 5 s", tc.path)
			}
			want, isErr := strings.CutPrefix(tc.want, "ERR:")
			switch {
			case !isErr && r.err != nil:
				t.Fatalf("unexpected error: %v", r.err)
			case !isErr && string(r.b) != want:
				t.Fatalf("read %q, want %q", r.b, want)
			case isErr && (r.err == nil || !strings.Contains(r.err.Error(), want)):
				t.Fatalf("error %v, want one containing %q", r.err, want)
			case isErr && !errors.Is(r.err, tc.is):
				t.Fatalf("error %v does not wrap %v", r.err, tc.is)
			}
		})
	}
}

// TestReadProc: files under /proc say they are empty; they are read all the same, and
// the limit still holds.
func TestReadProc(t *testing.T) {
	const p = "/proc/self/status"
	if _, err := os.Stat(p); err != nil {
		t.Skip(err)
	}
	b, err := Read(p, 1<<20)
	if err != nil || !strings.Contains(string(b), "Name:") {
		t.Fatalf("Read(%s) = %d bytes, %v", p, len(b), err)
	}
	if _, err := Read(p, 16); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Read(%s, 16) = %v, want ErrTooLarge", p, err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{64 << 20: "64 MB", 512 << 10: "512 KB", 100: "100 bytes", 1<<20 + 1: "1048577 bytes"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
