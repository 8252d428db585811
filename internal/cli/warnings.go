package cli

import (
	"fmt"
	"io"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/observe"
)

// Captures read only in part (truncated, corrupt after some packets) and packets
// stamped with implausible times are warnings: the command goes on with what was read
// and exits as it would, but says so on standard error, in every mode, and in the
// inventory's JSON (warnings, sources[].truncated, sources[].stopped_at). A capture of
// which no packet could be read is an error (exit status 2), not a warning.

// printWarnings writes an inventory's warnings, one a line.
func printWarnings(w io.Writer, ws []inventory.Warning) {
	for _, x := range ws {
		fmt.Fprintf(w, "zonewarden: warning: %s\n", x.Detail)
	}
}

// fileWarnings returns an observe.Options.FileEnd that writes the warnings of each
// capture as it ends (for the commands that build no inventory: detect).
func fileWarnings(w io.Writer) func(observe.FileEnd) {
	return func(e observe.FileEnd) {
		for _, x := range capture.Warnings(e.Name, e.Stats, e.ReadErr) {
			fmt.Fprintf(w, "zonewarden: warning: %s\n", x.Detail)
		}
	}
}
