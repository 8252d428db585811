// Package buildinfo says which zonewarden this binary is: its module version, the VCS
// commit it was built from and when, and the Go toolchain, as the go command recorded
// them in the binary (runtime/debug.ReadBuildInfo), or as a release build stamped them
// with the linker.
//
// The go command records the commit only when it builds from a checkout with VCS
// stamping on (the default, but GOFLAGS=-buildvcs=false turns it off), and records no
// build date at all: a field it did not record is reported as unknown, never guessed.
// A release build stamps what it knows with -ldflags -X, which wins over the recorded
// values:
//
//	go build -ldflags "-X github.com/zonewarden/zonewarden/internal/buildinfo.version=v1.2.0 \
//	  -X github.com/zonewarden/zonewarden/internal/buildinfo.commit=$(git rev-parse HEAD) \
//	  -X github.com/zonewarden/zonewarden/internal/buildinfo.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
//	  ./cmd/zonewarden
//
// or builds with -buildvcs=true from a git checkout (version, commit and commit time
// come from git; the build date stays unknown), or is installed with
// `go install github.com/zonewarden/zonewarden/cmd/zonewarden@v1.2.0` (the version only).
//
// It knows nothing of the rest of zonewarden: the CLI prints it and the alert formats
// carry its version.
package buildinfo
