package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Set by release builds with -ldflags -X (see the package documentation); empty otherwise.
var (
	version string // module version, such as v1.2.0
	commit  string // full VCS revision
	date    string // build date, RFC 3339 in UTC
)

// DevVersion is the version of a build that carries none: built from a checkout
// without VCS stamping, or a test binary.
const DevVersion = "dev"

// Info describes this binary. Empty strings are unknown.
type Info struct {
	Version    string // release tag or pseudo-version; DevVersion when none was recorded
	Commit     string // VCS revision
	Modified   bool   // built from a working tree with uncommitted changes
	CommitTime string // time of the commit, RFC 3339
	BuildDate  string // only when stamped with -ldflags -X
	GoVersion  string // toolchain that built the binary
	Platform   string // GOOS/GOARCH
}

// Get returns what this binary knows about its build.
func Get() Info { return get() }

var get = sync.OnceValue(func() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(bi, version, commit, date)
})

// Version is Get().Version.
func Version() string { return Get().Version }

// fromBuildInfo combines the go command's record bi (nil when the binary has none) with
// the linker-stamped values, which win.
func fromBuildInfo(bi *debug.BuildInfo, version, commit, date string) Info {
	in := Info{GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			in.GoVersion = bi.GoVersion
		}
		// "(devel)" is what the go command records when it knows no version.
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			in.Version = v
		}
		var goos, goarch string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Commit = s.Value
			case "vcs.time":
				in.CommitTime = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
		if goos != "" && goarch != "" {
			in.Platform = goos + "/" + goarch
		}
	}
	if version != "" {
		in.Version = version
	}
	if commit != "" {
		in.Commit = commit
	}
	if date != "" {
		in.BuildDate = date
	}
	if in.Version == "" {
		in.Version = DevVersion
	}
	return in
}

// Short is one line: the version, then the commit (12 digits, "+modified" when the tree
// had changes) and the build date or else the commit time, each when known.
//
//	v1.2.0 (commit 0123456789ab, built 2026-11-20T10:00:00Z)
//	dev (commit unknown)
func (in Info) Short() string {
	var b strings.Builder
	b.WriteString(in.Version)
	b.WriteString(" (commit ")
	b.WriteString(in.shortCommit())
	switch {
	case in.BuildDate != "":
		b.WriteString(", built ")
		b.WriteString(in.BuildDate)
	case in.CommitTime != "":
		b.WriteString(", committed ")
		b.WriteString(in.CommitTime)
	}
	b.WriteString(")")
	return b.String()
}

func (in Info) shortCommit() string {
	if in.Commit == "" {
		return "unknown"
	}
	c := in.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if in.Modified {
		c += "+modified"
	}
	return c
}
