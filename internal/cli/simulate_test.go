package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSimulateWritesCaptureAndTruth(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "water.pcapng")
	code, stdout, stderr := run(t, "simulate", examples["water-treatment"], "--duration", "3s", "--seed", "7", "--scenario", "attack", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "water.pcapng") || !strings.Contains(stdout, "water.truth.json") {
		t.Errorf("stdout does not name the files:\n%s", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil || len(data) < 1000 || string(data[:4]) != "\x0a\x0d\x0d\x0a" {
		t.Fatalf("capture: %v, %d bytes", err, len(data))
	}
	var truth struct {
		Packets uint64 `json:"packets"`
		Bytes   int64  `json:"bytes"`
		Events  []any  `json:"events"`
	}
	js, err := os.ReadFile(filepath.Join(dir, "water.truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &truth); err != nil {
		t.Fatal(err)
	}
	if truth.Bytes != int64(len(data)) || truth.Packets == 0 || len(truth.Events) == 0 {
		t.Errorf("truth: %d packets, %d bytes (file %d), %d events", truth.Packets, truth.Bytes, len(data), len(truth.Events))
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
		t.Errorf("capture mode %v, want 0644", st.Mode().Perm())
	}

	// The same seed gives the same bytes; -f overrides the extension.
	again := filepath.Join(dir, "again.cap")
	if code, _, stderr := run(t, "simulate", examples["water-treatment"], "--duration", "3s", "--seed", "7", "--scenario", "attack", "-o", again, "-f", "pcapng", "--truth", filepath.Join(dir, "t.json"), "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(again); string(b) != string(data) {
		t.Error("the same seed gave a different capture")
	}
}

func TestSimulateSize(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "s.pcap")
	if code, _, stderr := run(t, "simulate", examples["substation"], "--size", "200kB", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	st, err := os.Stat(out)
	if err != nil || st.Size() < 200_000 || st.Size() > 202_000 {
		t.Errorf("a 200kB capture has %v bytes (%v)", st.Size(), err)
	}
}

func TestSimulateBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, []byte("version: 1\nsystem: {name: Empty plant}\n"), 0o644)
	invalid := filepath.Join(dir, "bad.yaml")
	os.WriteFile(invalid, []byte("version: 1\nsystem: {name: x}\nzones:\n  - {id: z, purdue: 9}\n"), 0o644)
	water := examples["water-treatment"]
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"nothing to simulate", []string{empty, "--duration", "1s", "-o", filepath.Join(dir, "e.pcap")}, "nothing to simulate"},
		{"invalid model", []string{invalid, "--duration", "1s", "-o", filepath.Join(dir, "i.pcap")}, "bad.yaml:4"},
		{"unwritable", []string{water, "--duration", "1s", "-o", filepath.Join(dir, "no", "such", "dir", "x.pcap")}, "cannot write"},
		{"no limit", []string{water, "-o", filepath.Join(dir, "n.pcap")}, "--duration"},
		{"bad size", []string{water, "--size", "12XB", "-o", filepath.Join(dir, "b.pcap")}, "not a size"},
		{"unknown extension", []string{water, "--duration", "1s", "-o", filepath.Join(dir, "x.bin")}, "-f pcap|pcapng"},
		{"bad format", []string{water, "--duration", "1s", "-o", filepath.Join(dir, "x.pcap"), "-f", "erf"}, "unknown capture format"},
		{"bad scenario", []string{water, "--duration", "1s", "-o", filepath.Join(dir, "x.pcap"), "--scenario", "chaos"}, "unknown scenario"},
		{"no output", []string{water, "--duration", "1s"}, "-o"},
		{"truth over capture", []string{water, "--duration", "1s", "-o", filepath.Join(dir, "x.pcap"), "--truth", filepath.Join(dir, "x.pcap")}, "must differ"},
		{"bad start", []string{water, "--duration", "1s", "-o", filepath.Join(dir, "x.pcap"), "--start", "yesterday"}, "RFC 3339"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"simulate"}, tc.args...)...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, stderr)
			}
		})
	}
	// A failed run leaves nothing behind, not even temporary files.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != "empty.yaml" && n != "bad.yaml" {
			t.Errorf("a failed run left %s", n)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1GB": 1e9, "2GiB": 2 << 30, "500MB": 500e6, "64KiB": 64 << 10, "1000": 1000, "1.5G": 1.5e9, " 10 mb ": 10e6} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "GB", "-1GB", "1XB", "0", "1e20GB", "NaN"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1GB", "2GiB", "500MB", "1e3", "0.5K", "-1", "inf", "1e400MB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err == nil && (n <= 0 || n > 1<<50) {
			t.Fatalf("parseSize(%q) = %d without error", s, n)
		}
	})
}
