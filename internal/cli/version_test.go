package cli

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/buildinfo"
)

// TestVersion: zonewarden version and --version say what the build recorded and call
// the rest unknown. A test binary records no version and no VCS information.
func TestVersion(t *testing.T) {
	goLine := "go:          " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, ExitOK, "zonewarden dev\n" +
			"commit:      unknown (built without VCS stamping)\n" +
			"commit time: unknown\n" +
			"build date:  unknown (not stamped with -ldflags -X)\n" + goLine},
		{[]string{"--version"}, ExitOK, "zonewarden dev (commit unknown)\n"},
		{[]string{"version", "extra"}, ExitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := run(t, tt.args...)
			if code != tt.code || out != tt.out {
				t.Errorf("exit %d, stdout:\n%s\nwant exit %d, stdout:\n%s\nstderr: %s", code, out, tt.code, tt.out, errOut)
			}
		})
	}
}

func TestVersionText(t *testing.T) {
	in := buildinfo.Info{Version: "v1.2.0", Commit: "0123456789abcdef0123456789abcdef01234567", Modified: true,
		CommitTime: "2026-11-01T08:00:00Z", BuildDate: "2026-11-20T10:00:00Z", GoVersion: "go1.27.3", Platform: "linux/arm64"}
	want := "zonewarden v1.2.0\n" +
		"commit:      0123456789abcdef0123456789abcdef01234567 (with uncommitted changes)\n" +
		"commit time: 2026-11-01T08:00:00Z\n" +
		"build date:  2026-11-20T10:00:00Z\n" +
		"go:          go1.27.3 linux/arm64\n"
	if got := versionText(in); got != want {
		t.Errorf("versionText:\n%s\nwant:\n%s", got, want)
	}
}

// TestDetectCEFCarriesVersion: the device version of every CEF header is the build's
// version (dev in tests, so output stays the same from run to run).
func TestDetectCEFCarriesVersion(t *testing.T) {
	plant := attackCapture(t)
	code, out, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "cef", "--workers", "1")
	if code != ExitOK && code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("no CEF lines")
	}
	prefix := "CEF:0|ZoneWarden|zonewarden|" + buildinfo.Version() + "|"
	for i, l := range lines {
		if !strings.HasPrefix(l, prefix) {
			t.Fatalf("line %d does not start with %q: %.200s", i+1, prefix, l)
		}
	}
}

// TestStampedBinary builds zonewarden as a release is built (-ldflags -X) and checks that
// --version and the CEF header both carry the stamped version.
func TestStampedBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "zonewarden")
	build := exec.Command(goBin, "build", "-o", bin, "-buildvcs=false",
		"-ldflags", "-X github.com/zonewarden/zonewarden/internal/buildinfo.version=v9.8.7",
		"../../cmd/zonewarden")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || string(out) != "zonewarden v9.8.7 (commit unknown)\n" {
		t.Errorf("zonewarden --version: %q, %v; want \"zonewarden v9.8.7 (commit unknown)\"", out, err)
	}

	plant := attackCapture(t) // changes the working directory: bin is absolute
	out, _ = exec.Command(bin, "detect", plant, "attack.pcapng", "-f", "cef", "--workers", "1").Output()
	first, _, _ := strings.Cut(string(out), "\n")
	if want := "CEF:0|ZoneWarden|zonewarden|v9.8.7|"; !strings.HasPrefix(first, want) {
		t.Errorf("first CEF line %.120q, want it to start with %q", first, want)
	}
}
