package buildinfo

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: rev},
		{Key: "vcs.time", Value: "2026-11-01T08:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
		{Key: "GOOS", Value: "linux"},
		{Key: "GOARCH", Value: "arm"},
	}
	tests := []struct {
		name                 string
		bi                   *debug.BuildInfo
		version, commit, day string // -ldflags -X values
		want                 Info
		short                string
	}{
		{
			name:  "no build info",
			want:  Info{Version: DevVersion},
			short: "dev (commit unknown)",
		},
		{
			name:  "built with -buildvcs=false",
			bi:    &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Path: "github.com/zonewarden/zonewarden", Version: "(devel)"}},
			want:  Info{Version: DevVersion, GoVersion: "go1.27.3"},
			short: "dev (commit unknown)",
		},
		{
			name: "built from a modified git checkout",
			bi: &debug.BuildInfo{GoVersion: "go1.27.3", Settings: vcs,
				Main: debug.Module{Path: "github.com/zonewarden/zonewarden", Version: "v0.0.0-20261101080000-0123456789ab+dirty"}},
			want: Info{Version: "v0.0.0-20261101080000-0123456789ab+dirty", Commit: rev, Modified: true,
				CommitTime: "2026-11-01T08:00:00Z", GoVersion: "go1.27.3", Platform: "linux/arm"},
			short: "v0.0.0-20261101080000-0123456789ab+dirty (commit 0123456789ab+modified, committed 2026-11-01T08:00:00Z)",
		},
		{
			name:  "go install at a tag",
			bi:    &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Path: "github.com/zonewarden/zonewarden", Version: "v1.2.0"}},
			want:  Info{Version: "v1.2.0", GoVersion: "go1.27.3"},
			short: "v1.2.0 (commit unknown)",
		},
		{
			name:    "release stamped with -ldflags -X wins",
			bi:      &debug.BuildInfo{GoVersion: "go1.27.3", Settings: vcs, Main: debug.Module{Version: "(devel)"}},
			version: "v1.3.0", commit: "fedcba9876543210", day: "2026-11-20T10:00:00Z",
			want: Info{Version: "v1.3.0", Commit: "fedcba9876543210", Modified: true, CommitTime: "2026-11-01T08:00:00Z",
				BuildDate: "2026-11-20T10:00:00Z", GoVersion: "go1.27.3", Platform: "linux/arm"},
			short: "v1.3.0 (commit fedcba987654+modified, built 2026-11-20T10:00:00Z)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fromBuildInfo(tt.bi, tt.version, tt.commit, tt.day)
			if tt.want.GoVersion == "" {
				tt.want.GoVersion = got.GoVersion // the running toolchain's
			}
			if tt.want.Platform == "" {
				tt.want.Platform = got.Platform // the running platform
			}
			if got != tt.want {
				t.Errorf("fromBuildInfo:\n got %+v\nwant %+v", got, tt.want)
			}
			if s := got.Short(); s != tt.short {
				t.Errorf("Short() = %q, want %q", s, tt.short)
			}
		})
	}
}

// TestTestBinaryIsDev: tests (golden files that carry the version among them) see the
// same version whatever the checkout.
func TestTestBinaryIsDev(t *testing.T) {
	if v := Version(); v != DevVersion {
		t.Errorf("Version() in a test binary = %q, want %q", v, DevVersion)
	}
}

// TestStampedBuilds builds a small program with the flags the package documentation gives
// for release builds and reads back what it reports.
func TestStampedBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	const pkg = "github.com/zonewarden/zonewarden/internal/buildinfo"
	run := func(t *testing.T, args ...string) map[string]string {
		t.Helper()
		bin := filepath.Join(t.TempDir(), "printinfo")
		cmd := exec.Command(goBin, append(append([]string{"build", "-o", bin}, args...), "./testdata/printinfo")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		out, err := exec.Command(bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		kv := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			k, v, _ := strings.Cut(line, "=")
			kv[k] = v
		}
		return kv
	}

	t.Run("ldflags -X", func(t *testing.T) {
		got := run(t, "-buildvcs=false", "-ldflags",
			"-X "+pkg+".version=v9.8.7 -X "+pkg+".commit=abcdef0123456789 -X "+pkg+".date=2026-11-20T10:00:00Z")
		want := map[string]string{"version": "v9.8.7", "commit": "abcdef0123456789", "modified": "false",
			"commit_time": "", "build_date": "2026-11-20T10:00:00Z", "short": "v9.8.7 (commit abcdef012345, built 2026-11-20T10:00:00Z)"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q, want %q", k, got[k], v)
			}
		}
	})
	t.Run("buildvcs=false", func(t *testing.T) {
		got := run(t, "-buildvcs=false")
		if got["version"] != DevVersion || got["commit"] != "" || got["short"] != "dev (commit unknown)" {
			t.Errorf("got %v, want version dev and commit unknown", got)
		}
	})
	t.Run("buildvcs=true", func(t *testing.T) {
		head, err := exec.Command("git", "rev-parse", "HEAD").Output()
		if err != nil {
			t.Skip("not in a git checkout")
		}
		if _, err := os.Stat("../../.git"); err != nil {
			t.Skip("the module root is not the repository's root")
		}
		got := run(t, "-buildvcs=true")
		if got["commit"] != strings.TrimSpace(string(head)) {
			t.Errorf("commit = %q, want HEAD %s", got["commit"], head)
		}
		if got["commit_time"] == "" || got["version"] == DevVersion {
			t.Errorf("got %v, want a commit time and a pseudo-version from git", got)
		}
	})
}
