//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runWithin runs zonewarden and fails the test if it has not returned after 10 s (a read
// blocked on a named pipe) or if the heap passes 512 MB meanwhile (a read of /dev/zero).
func runWithin(t *testing.T, args ...string) (int, string) {
	t.Helper()
	type result struct {
		code   int
		stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, _, errOut := run(t, args...)
		done <- result{code, errOut}
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case r := <-done:
			return r.code, r.stderr
		case <-deadline:
			t.Fatalf("zonewarden %s still running after 10 s", strings.Join(args, " "))
		case <-tick.C:
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > 512<<20 {
				panic("zonewarden " + strings.Join(args, " ") + ": unbounded read, heap over 512 MB")
			}
		}
	}
}

// TestWholeFileInputsBounded: every file a command reads whole (the model and its
// includes, --inventory, --rules, --baseline, --webhook-ca) is refused at once, exit 2,
// with a message naming it, when it is a device, a named pipe with no writer, a
// directory or over its limit; before, /dev/zero ran the machine out of memory and a
// pipe blocked forever.
func TestWholeFileInputsBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "inv.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(maxInventoryFile + 1) // sparse
	f.Close()
	plant := examples["water-treatment"]
	capture := filepath.Join(dir, "none.pcap")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"validate", "/dev/zero"}, "/dev/zero: cannot read the model: /dev/zero is a device, not a regular file"},
		{[]string{"validate", fifo}, fifo + " is a named pipe (FIFO), not a regular file"},
		{[]string{"validate", dir}, dir + " is a directory, not a file"},
		{[]string{"assess", fifo}, "is a named pipe (FIFO)"},
		{[]string{"verify", plant, "--inventory", "/dev/zero"}, "--inventory: /dev/zero is a device, not a regular file"},
		{[]string{"verify", plant, "--inventory", fifo}, "--inventory: " + fifo + " is a named pipe (FIFO)"},
		{[]string{"verify", plant, "--inventory", big}, "--inventory: " + big + " is larger than 256 MB"},
		{[]string{"propose", "--inventory", "/dev/zero"}, "--inventory: /dev/zero is a device"},
		{[]string{"verify", plant, "--inventory", big, "--rules", fifo}, "--rules: " + fifo + " is a named pipe (FIFO)"},
		{[]string{"detect", "--baseline", "/dev/zero", capture}, "--baseline: /dev/zero is a device"},
		{[]string{"detect", "--baseline", fifo, capture}, "--baseline: " + fifo + " is a named pipe (FIFO)"},
		{[]string{"detect", "--webhook", "https://127.0.0.1:9/hook", "--webhook-ca", "/dev/zero", capture}, "/dev/zero is a device"},
		{[]string{"detect", "--webhook", "https://127.0.0.1:9/hook", "--webhook-ca", fifo, capture}, fifo + " is a named pipe (FIFO)"},
	}
	for _, tc := range cases {
		name := strings.NewReplacer(dir, "DIR", plant, "plant.yaml").Replace(strings.Join(tc.args, " "))
		t.Run(name, func(t *testing.T) {
			code, stderr := runWithin(t, tc.args...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// TestAllowIncludeOutside: a model that includes a file outside its folder is refused
// unless --allow-include-outside, on every command that loads a model.
func TestAllowIncludeOutside(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "model")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(base, "zones.yaml"), []byte("zones:\n  - {id: z, networks: [10.0.0.0/24]}\n"), 0o644)
	plant := filepath.Join(dir, "plant.yaml")
	os.WriteFile(plant, []byte("version: 1\nsystem: {name: x}\ninclude: [../zones.yaml]\n"), 0o644)

	code, stderr := runWithin(t, "validate", plant)
	if code != ExitUsage || !strings.Contains(stderr, `include "../zones.yaml" leads outside the model's folder`) ||
		!strings.Contains(stderr, "--allow-include-outside") {
		t.Errorf("without the flag: exit %d, stderr:\n%s", code, stderr)
	}
	code, out, stderr := run(t, "validate", "--allow-include-outside", plant)
	if code != ExitOK || !strings.Contains(out, "valid — 1 zone, 0 conduits, 0 assets, 0 threats, 0 countermeasures (2 files)") {
		t.Errorf("with the flag: exit %d, stdout %q, stderr:\n%s", code, out, stderr)
	}
	for _, c := range []string{"assess", "verify", "detect", "rules", "simulate"} {
		cmd, _, err := newRootCmd().Find([]string{c})
		if err != nil || cmd.Flags().Lookup(allowIncludeOutsideFlag) == nil {
			t.Errorf("%s has no --%s", c, allowIncludeOutsideFlag)
		}
	}
}

// TestValidateMessages: validate reports an unknown field once, a wrong type with the
// field's path, and a file meant to be included as a fragment.
func TestValidateMessages(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "plant.yaml")
	os.WriteFile(bad, []byte("version: 1\nsystem: {name: x, colour: red}\nzones:\n  - {id: a, purdue: high}\n"), 0o644)
	code, _, stderr := run(t, "validate", bad)
	if code != ExitUsage {
		t.Fatalf("exit %d", code)
	}
	if n := strings.Count(stderr, `unknown field "colour"`); n != 1 {
		t.Errorf("unknown field reported %d times:\n%s", n, stderr)
	}
	if want := bad + ":4:21: zones[0].purdue: expected a Purdue level (0, 1, 2, 3, 3.5, 4 or 5), found text"; !strings.Contains(stderr, want) {
		t.Errorf("want %q in:\n%s", want, stderr)
	}
	frag := filepath.Join(dir, "assets.yaml")
	os.WriteFile(frag, []byte("assets:\n  - {id: p, zone: cell, kind: plc}\n"), 0o644)
	_, _, stderr = run(t, "validate", frag)
	if !strings.Contains(stderr, "looks like a fragment meant to be included") || strings.Contains(stderr, "declared zones: \n") {
		t.Errorf("fragment:\n%s", stderr)
	}
}
