package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/buildinfo"
)

// Exit codes shared by every subcommand.
const (
	ExitOK       = 0 // success
	ExitFindings = 1 // findings or gaps at or above --fail-on
	ExitUsage    = 2 // bad input or usage
	// ExitOutput: an output was not written whole, or alerts were not delivered: a
	// write error (a full disk), alerts a sink dropped or failed to deliver. What was
	// lost is said on standard error. It is not 2: the input and the command line were
	// fine, and running again once the destination is fixed will do.
	ExitOutput = 3
)

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as bad input or usage (exit 2).
func usageErr(err error) error { return &exitError{code: ExitUsage, err: err} }

// outputErr marks err as an output or delivery failure (exit 3).
func outputErr(err error) error { return &exitError{code: ExitOutput, err: err} }

// errFindings is returned when a --fail-on threshold is reached (exit 1); the findings
// themselves have already been written.
var errFindings = &exitError{code: ExitFindings, err: errors.New("findings at or above the --fail-on threshold")}

// Run executes zonewarden with args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.code != ExitFindings {
			fmt.Fprintln(stderr, "zonewarden:", ee.err)
		}
		return ee.code
	}
	// Errors cobra raises itself (unknown flag, wrong argument count) are usage errors.
	fmt.Fprintln(stderr, "zonewarden:", err)
	return ExitUsage
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "zonewarden",
		Short: "IEC 62443 zones, conduits, risk and security levels for OT networks",
		Long: `zonewarden keeps an industrial plant's security design as code (zones, conduits,
assets, threats and countermeasures in YAML), assesses it against IEC 62443
(risk, target security levels, SL-T versus SL-A gap analysis) and writes
reports an auditor can read. It discovers the real devices passively from
network traffic, holds the design against that traffic, writes the firewall
rules the conduits call for, and raises alerts on risky OT operations.

Exit status: 0 success; 1 findings at or above --fail-on; 2 bad input or usage
(also an output that is one of the inputs, or a run stopped by a signal); 3 an
output not written whole or alerts not delivered (a full disk, a receiver that
refused them), with what was lost on standard error. Files given with -o are
written whole or not at all.

Start with: zonewarden demo`,
		Version:       buildinfo.Get().Short(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("zonewarden {{.Version}}\n")
	root.CompletionOptions.HiddenDefaultCmd = true
	for _, add := range commands {
		root.AddCommand(add())
	}
	return root
}

// commands lists the constructors of every subcommand; each subcommand's file adds
// itself in an init function so that files for new subcommands do not touch this one.
var commands []func() *cobra.Command
