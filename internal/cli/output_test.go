package cli

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert/sink"
)

// copyExample copies the water-treatment example (plant.yaml including assets.yaml and
// risk.yaml) into dir.
func copyExample(t *testing.T, dir string) {
	t.Helper()
	src := filepath.Dir(filepath.Join(packageDir, examples["water-treatment"]))
	for _, name := range demoFiles {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot reads every file in dir, to prove a command changed none of them.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
			out[e.Name()] = string(b)
		} else {
			out[e.Name()] = "(unreadable)"
		}
	}
	return out
}

func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	for name, b := range before {
		if a, ok := after[name]; !ok || a != b {
			t.Errorf("%s changed or went away (%d bytes, was %d)", name, len(a), len(b))
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s appeared", name)
		}
	}
}

// TestOutputIsNotAnInput: every command refuses an output file that is one of its
// inputs (the model, a file it includes, a capture, an inventory, a ruleset, a baseline),
// named directly, by another path, or through a symbolic or hard link; exit 2, the
// message names the input, and no file changes.
func TestOutputIsNotAnInput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	copyExample(t, dir)
	writePlant(t, "plant.pcap")
	os.WriteFile("inv.json", []byte(`{"schema_version": 1}`), 0o644)
	os.WriteFile("base.json", []byte(`{}`), 0o644)
	os.WriteFile("rules.nft", []byte("table inet x {}\n"), 0o644)
	if err := os.Symlink("plant.pcap", "link.pcap"); err != nil {
		t.Skip(err)
	}
	if err := os.Link("plant.yaml", "hard.yaml"); err != nil {
		t.Skip(err)
	}
	abs := filepath.Join(dir, "plant.pcap")
	cases := []struct {
		args  []string
		input string // named in the message
	}{
		{[]string{"propose", "plant.pcap", "--no-progress", "-o", "plant.pcap"}, "plant.pcap"},
		{[]string{"propose", "plant.pcap", "--no-progress", "-o", abs}, "plant.pcap"},
		{[]string{"propose", "plant.pcap", "--no-progress", "-o", "link.pcap"}, "plant.pcap"},
		{[]string{"propose", "--inventory", "inv.json", "-o", "inv.json"}, "inv.json"},
		{[]string{"assess", "plant.yaml", "-o", "plant.yaml"}, "plant.yaml"},
		{[]string{"assess", "plant.yaml", "-f", "html", "-o", "hard.yaml"}, "plant.yaml"},
		{[]string{"assess", "plant.yaml", "-o", "assets.yaml"}, "assets.yaml"}, // an included file
		{[]string{"assess", "plant.yaml", "--capture", "plant.pcap", "-o", "plant.pcap"}, "plant.pcap"},
		{[]string{"verify", "plant.yaml", "plant.pcap", "--no-progress", "-o", "plant.pcap"}, "plant.pcap"},
		{[]string{"verify", "plant.yaml", "plant.pcap", "--no-progress", "-o", "risk.yaml"}, "risk.yaml"},
		{[]string{"verify", "plant.yaml", "plant.pcap", "--rules", "rules.nft", "-o", "rules.nft"}, "rules.nft"},
		{[]string{"verify", "plant.yaml", "--inventory", "inv.json", "-o", "./inv.json"}, "inv.json"},
		{[]string{"discover", "plant.pcap", "-o", "plant.pcap"}, "plant.pcap"},
		{[]string{"discover", "plant.pcap", "-f", "json", "-o", "link.pcap"}, "plant.pcap"},
		{[]string{"detect", "plant.yaml", "plant.pcap", "-o", "plant.pcap"}, "plant.pcap"},
		{[]string{"detect", "plant.pcap", "--cef", "plant.pcap"}, "plant.pcap"},
		{[]string{"detect", "plant.yaml", "plant.pcap", "-f", "none", "--learn", "plant.yaml"}, "plant.yaml"},
		{[]string{"detect", "plant.pcap", "--baseline", "base.json", "--learn", "base.json"}, "base.json"},
		{[]string{"rules", "plant.yaml", "-o", "plant.yaml"}, "plant.yaml"},
		{[]string{"rules", "hard.yaml", "-o", "plant.yaml"}, "hard.yaml"},
		{[]string{"simulate", "plant.yaml", "--duration", "1s", "-o", "sim.pcap", "--truth", "assets.yaml"}, "assets.yaml"},
	}
	before := snapshot(t, dir)
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, _, errOut := run(t, c.args...)
			if code != ExitUsage || !strings.Contains(errOut, "input "+c.input) || !strings.Contains(errOut, "destroy") {
				t.Errorf("exit %d, want 2 and a message naming the input %s:\n%s", code, c.input, errOut)
			}
		})
	}
	sameSnapshot(t, before, snapshot(t, dir))
	// Two outputs of one command may not be one file either.
	if code, _, errOut := run(t, "detect", "plant.pcap", "-o", "a.jsonl", "--cef", "./a.jsonl"); code != ExitUsage || !strings.Contains(errOut, "same file") {
		t.Errorf("-o and --cef the same file: exit %d: %s", code, errOut)
	}
}

// TestFailedRunsLeaveNoFile: a run that fails writes no output file (not an empty one)
// and leaves no temporary file; an existing output stays as it was.
func TestFailedRunsLeaveNoFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	copyExample(t, dir)
	os.WriteFile("notes.txt", []byte("not a capture\n"), 0o644)
	os.WriteFile("old.jsonl", []byte("the alerts of yesterday\n"), 0o600)
	cases := []struct {
		name string
		args []string
		out  string
		code int
	}{
		{"detect, capture cannot be read", []string{"detect", "notes.txt", "-f", "jsonl", "-o", "alerts.jsonl"}, "alerts.jsonl", ExitUsage},
		{"detect with a model, capture missing", []string{"detect", "plant.yaml", "missing.pcap", "-o", "alerts.jsonl"}, "alerts.jsonl", ExitUsage},
		{"detect, no such interface", []string{"detect", "--iface", "nosuch0", "-o", "alerts.jsonl"}, "alerts.jsonl", ExitUsage},
		{"detect keeps an old file", []string{"detect", "notes.txt", "-f", "jsonl", "-o", "old.jsonl"}, "", ExitUsage},
		{"detect --learn, capture cannot be read", []string{"detect", "notes.txt", "-f", "none", "--learn", "base.json"}, "base.json", ExitUsage},
		{"discover, capture cannot be read", []string{"discover", "notes.txt", "-f", "json", "-o", "inv.json"}, "inv.json", ExitUsage},
		{"discover, no such interface", []string{"discover", "--iface", "nosuch0", "-o", "inv.json"}, "inv.json", ExitUsage},
		{"propose, capture cannot be read", []string{"propose", "notes.txt", "--no-progress", "-o", "p.yaml"}, "p.yaml", ExitUsage},
		{"verify, capture cannot be read", []string{"verify", "plant.yaml", "notes.txt", "--no-progress", "-o", "v.json"}, "v.json", ExitUsage},
	}
	before := snapshot(t, dir)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := run(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d: %s", code, c.code, errOut)
			}
			if c.out == "" {
				return
			}
			if _, err := os.Stat(c.out); err == nil {
				t.Errorf("%s was written by a failed run", c.out)
			}
		})
	}
	sameSnapshot(t, before, snapshot(t, dir)) // old.jsonl unchanged, no temporary files
}

// TestOutputMode: -o gives a new file 0666 less the umask, as any tool does, and keeps
// the mode of a file it replaces: a private report stays private. The same for the
// --learn baseline.
func TestOutputMode(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	t.Chdir(dir)
	writePlant(t, "plant.pcap")
	check := func(path string, want fs.FileMode) {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), want)
		}
	}
	os.WriteFile("shared.md", []byte("old"), 0o644)
	os.Chmod("shared.md", 0o664)
	os.WriteFile("base.json", []byte("{}"), 0o600)
	for _, args := range [][]string{
		{"assess", examples["water-treatment"], "-o", filepath.Join(dir, "new.json"), "-f", "json"},
		{"assess", examples["water-treatment"], "-o", filepath.Join(dir, "shared.md"), "-f", "md"},
		{"detect", "plant.pcap", "-f", "none", "--learn", "base.json"},
		{"detect", "plant.pcap", "-f", "jsonl", "-o", "alerts.jsonl"},
	} {
		t.Chdir(packageDir)
		if args[0] == "detect" {
			t.Chdir(dir)
		}
		if code, _, errOut := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	t.Chdir(dir)
	check("new.json", 0o600) // 0666 &^ 077
	check("shared.md", 0o664)
	check("base.json", 0o600)
	check("alerts.jsonl", 0o600)
	if b, _ := os.ReadFile("base.json"); len(b) < 10 {
		t.Errorf("baseline not written: %q", b)
	}
	syscall.Umask(0o022)
	os.Remove("new.json")
	t.Chdir(packageDir)
	run(t, "assess", examples["water-treatment"], "-o", filepath.Join(dir, "new.json"), "-f", "json")
	check(filepath.Join(dir, "new.json"), 0o644)
}

// lostCount reads "NAME: N of M alerts not delivered" from stderr.
func lostCount(t *testing.T, stderr, name string) (lost, of int) {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(name) + `: (\d+) of (\d+) alerts not delivered`)
	m := re.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("stderr does not say how many alerts %s lost:\n%s", name, stderr)
	}
	lost, _ = strconv.Atoi(m[1])
	of, _ = strconv.Atoi(m[2])
	return lost, of
}

// TestDetectLostAlerts: a destination that does not take every alert (a full disk, a
// webhook that refuses them) makes the run exit 3 and say how many were lost; the other
// destinations still get theirs.
func TestDetectLostAlerts(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	plant := attackCapture(t)
	code, out, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	total := strings.Count(out, "\n")
	if total == 0 {
		t.Fatal("no alerts")
	}

	t.Run("-o /dev/full", func(t *testing.T) {
		code, _, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "jsonl", "-o", "/dev/full")
		if code != ExitOutput {
			t.Errorf("exit %d, want %d: %s", code, ExitOutput, errOut)
		}
		if lost, of := lostCount(t, errOut, "/dev/full"); lost != total || of != total {
			t.Errorf("%d of %d lost, want %d of %d", lost, of, total, total)
		}
		if !strings.Contains(errOut, "no space left") {
			t.Errorf("stderr does not say why: %s", errOut)
		}
	})
	t.Run("--cef /dev/full", func(t *testing.T) {
		code, out, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "jsonl", "--cef", "/dev/full")
		if code != ExitOutput || strings.Count(out, "\n") != total {
			t.Errorf("exit %d, %d alerts on stdout: %s", code, strings.Count(out, "\n"), errOut)
		}
		if lost, _ := lostCount(t, errOut, "cef /dev/full"); lost != total {
			t.Errorf("%d lost, want %d", lost, total)
		}
	})
	t.Run("webhook refuses every alert", func(t *testing.T) {
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no", http.StatusForbidden)
		}))
		defer hook.Close()
		url := strings.Replace(hook.URL, "http://", "http://ops:hunter2@", 1) + "/hook?token=T0KEN"
		code, _, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "jsonl", "-o", "alerts.jsonl",
			"--webhook", url, "--webhook-min", "info")
		if code != ExitOutput {
			t.Errorf("exit %d, want %d: %s", code, ExitOutput, errOut)
		}
		if lost, _ := lostCount(t, errOut, "webhook "+sink.RedactURL(url)); lost != total {
			t.Errorf("%d lost, want %d", lost, total)
		}
		if strings.Contains(errOut, "hunter2") || strings.Contains(errOut, "T0KEN") {
			t.Errorf("credentials printed:\n%s", errOut)
		}
		// The file got every alert and is written.
		if b, err := os.ReadFile("alerts.jsonl"); err != nil || strings.Count(string(b), "\n") != total {
			t.Errorf("alerts.jsonl: %v, %d lines", err, strings.Count(string(b), "\n"))
		}
	})
}

// TestWriteErrorExit3: a write error on -o (a full disk) exits 3, names the file, and
// a failed file leaves nothing behind.
func TestWriteErrorExit3(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	writePlant(t, "plant.pcap")
	plant := filepath.Join(packageDir, examples["water-treatment"])
	for _, args := range [][]string{
		{"assess", plant, "-f", "json", "-o", "/dev/full"},
		{"assess", plant, "-f", "html", "-o", "/dev/full"},
		{"rules", plant, "-o", "/dev/full"},
		{"discover", "plant.pcap", "-f", "json", "-o", "/dev/full"},
		{"catalog", "-o", "/dev/full"},
	} {
		code, _, errOut := run(t, args...)
		if code != ExitOutput || !strings.Contains(errOut, "/dev/full") || !strings.Contains(errOut, "no space left") {
			t.Errorf("%v: exit %d, want %d: %s", args, code, ExitOutput, errOut)
		}
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("left behind: %v", es)
	}
}

// TestDemoForce: demo does not overwrite an earlier demo's model and reports unless
// --force is given.
func TestDemoForce(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "report.html"), []byte("my report"), 0o644)
	code, _, errOut := run(t, "demo", "-o", dir, "--duration", "2s")
	if code != ExitUsage || !strings.Contains(errOut, "report.html") || !strings.Contains(errOut, "--force") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "report.html")); string(b) != "my report" {
		t.Error("report.html overwritten without --force")
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("demo wrote into %s although it refused: %v", dir, es)
	}
	if code, _, errOut := run(t, "demo", "-o", dir, "--duration", "2s", "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "report.html")); !bytes.Contains(b, []byte("<html")) {
		t.Error("report.html not replaced with --force")
	}
}

// TestSignalRemovesOutput: a signal (the command's context cancelled, as main does on
// SIGINT and SIGTERM) stops a long run promptly, and its output file and temporary
// file are gone.
func TestSignalRemovesOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "big.pcap")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	var stdout, stderr bytes.Buffer
	code := Run(ctx, []string{"simulate", examples["water-treatment"], "--size", "20GB", "-q", "-o", out}, strings.NewReader(""), &stdout, &stderr)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("simulate took %v to stop after the signal", d)
	}
	if code == 0 {
		t.Errorf("an interrupted simulation exited 0: %s", stdout.String())
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("left behind after the signal: %v", es)
	}
	t.Logf("exit %d: %s", code, stderr.String())
}

// TestSignalBeforeTheEnd: a command whose context is cancelled (SIGINT or SIGTERM
// arrived) stops with exit 2 saying it was interrupted, and writes no output file.
func TestSignalBeforeTheEnd(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	copyExample(t, dir)
	writePlant(t, "plant.pcap")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"validate", "plant.yaml"},
		{"assess", "plant.yaml", "-o", "out"},
		{"rules", "plant.yaml", "-o", "out"},
		{"verify", "plant.yaml", "plant.pcap", "--no-progress", "-o", "out"},
		{"discover", "plant.pcap", "-o", "out"},
		{"propose", "plant.pcap", "--no-progress", "-o", "out"},
		{"detect", "plant.yaml", "plant.pcap", "-o", "out"},
		{"detect", "plant.pcap", "-f", "none", "--learn", "out"},
		{"simulate", "plant.yaml", "--duration", "10s", "-o", "out.pcap"},
	} {
		var stdout, stderr bytes.Buffer
		code := Run(ctx, args, strings.NewReader(""), &stdout, &stderr)
		if code != ExitUsage || !strings.Contains(stderr.String(), "interrupted") {
			t.Errorf("%v: exit %d: %s", args, code, stderr.String())
		}
		if es, _ := os.ReadDir(dir); len(es) != len(demoFiles)+1 {
			t.Errorf("%v left files: %v", args, es)
			for _, e := range es {
				if e.Name() != "plant.pcap" && !slices.Contains(demoFiles, e.Name()) {
					os.Remove(e.Name())
				}
			}
		}
	}
}
