// Command zonewarden is an IEC 62443 platform for industrial networks: the plant's
// security design as YAML, risk and gap assessment, passive discovery, verification
// of the design against traffic, and detection of risky OT operations.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/zonewarden/zonewarden/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
