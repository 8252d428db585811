package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/buildinfo"
)

func init() { commands = append(commands, newVersionCmd) }

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date of this zonewarden",
		Long: `version prints which zonewarden this is: its module version, the VCS commit it was
built from, the commit's time, the build date and the Go toolchain, as recorded in
the binary. zonewarden --version prints the same on one line; CEF alerts carry the
version in their header.

What a build did not record is printed as unknown, never guessed. go build records
the commit only from a git checkout with VCS stamping on (GOFLAGS=-buildvcs=false
turns it off), and records no build date. A release build stamps all three:

  go build -ldflags "-X github.com/zonewarden/zonewarden/internal/buildinfo.version=v1.2.0
    -X github.com/zonewarden/zonewarden/internal/buildinfo.commit=$(git rev-parse HEAD)
    -X github.com/zonewarden/zonewarden/internal/buildinfo.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    ./cmd/zonewarden

or builds with -buildvcs=true from a git checkout (version and commit from git).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), versionText(buildinfo.Get()))
			return err
		},
	}
}

// versionText is the output of zonewarden version.
func versionText(in buildinfo.Info) string {
	unknown := func(s, why string) string {
		if s != "" {
			return s
		}
		return "unknown" + why
	}
	commit := in.Commit
	if commit != "" && in.Modified {
		commit += " (with uncommitted changes)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "zonewarden %s\n", in.Version)
	fmt.Fprintf(&b, "commit:      %s\n", unknown(commit, " (built without VCS stamping)"))
	fmt.Fprintf(&b, "commit time: %s\n", unknown(in.CommitTime, ""))
	fmt.Fprintf(&b, "build date:  %s\n", unknown(in.BuildDate, " (not stamped with -ldflags -X)"))
	fmt.Fprintf(&b, "go:          %s %s\n", in.GoVersion, in.Platform)
	return b.String()
}
