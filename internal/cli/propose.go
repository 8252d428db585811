package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/propose"
)

func init() { commands = append(commands, newProposeCmd) }

func newProposeCmd() *cobra.Command {
	var (
		out, invPath, system string
		workers, maxFlows    int
		silent               bool
	)
	cmd := &cobra.Command{
		Use:   "propose CAPTURE... -o plant.yaml",
		Short: "Propose a first plant model from observed traffic (brownfield)",
		Long: `propose discovers the devices and conversations in packet captures and writes a
first model of the plant from them: every device as an asset with the identity it
revealed and a kind guessed from its role; a zone for every /24 network in use (public
addresses go to one external zone); and a conduit for every pair of zones that talked,
allowing exactly the conversations seen, from device to device, with their protocol,
server ports and operation classes. Comments in the YAML say what each guess rests on.

The model validates, and verify of it against the same captures reports no conduit
violation. It is a starting point: merge zones, set target security levels, and add
threats and countermeasures before you assess (docs/propose.md).`,
		Example: `  zonewarden propose capture.pcapng -o plant.yaml
  zonewarden propose site-a.pcap site-b.pcapng --system "Riverside works" -o plant.yaml
  zonewarden discover -f json -o inv.json capture.pcapng && zonewarden propose --inventory inv.json -o plant.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case invPath == "" && len(args) == 0:
				return usageErr(errors.New("give the capture files to propose a model from (or --inventory FILE)"))
			case invPath != "" && len(args) > 0:
				return usageErr(errors.New("give either capture files or --inventory, not both"))
			case workers < 0 || maxFlows < 0:
				return usageErr(errors.New("--workers and --max-flows must not be negative"))
			}
			if err := checkOutputs([]outputFlag{{"-o", out}}, append([]string{invPath}, args...)...); err != nil {
				return err
			}
			inv, runErr, err := observeFor(cmd, args, invPath, workers, maxFlows, silent)
			if err != nil {
				return err
			}
			p := propose.Propose(inv, propose.Options{System: strings.TrimSpace(system)})
			if ctx := cmdContext(cmd); ctx.Err() != nil {
				return interrupted(ctx)
			}
			o, err := openOutput(cmd, out)
			if err != nil {
				return err
			}
			if err := o.commit(p.Write(o.w)); err != nil {
				return err
			}
			if out != "" && out != "-" {
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d zones, %d conduits, %d assets; review the comments marking guesses\n",
					out, len(p.Zones), len(p.Conduits), len(p.Assets))
			}
			if runErr != nil {
				return usageErr(runErr)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "write the model to this file instead of standard output")
	f.StringVar(&system, "system", "", `name of the system under consideration (default "Proposed from traffic")`)
	f.StringVar(&invPath, "inventory", "", "read this inventory (discover -f json) instead of captures")
	f.IntVar(&workers, "workers", 0, "goroutines that process packets (default: one per CPU)")
	f.IntVar(&maxFlows, "max-flows", 0, "connections tracked at once per worker; bounds memory (default 65536)")
	f.BoolVar(&silent, "no-progress", false, "never show the progress bar")
	return cmd
}
