package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/verify"
)

func init() { commands = append(commands, newRulesCmd) }

func newRulesCmd() *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "rules MODEL.yaml",
		Short: "Write deny-by-default firewall rules from the conduits",
		Long: `rules turns every conduit's allowed communication into a deny-by-default
ruleset for the boundary: nftables (an inet table with a forward chain), an
iptables-restore file, or a vendor-neutral CSV to hand to a firewall team.

Each allow rule carries a comment naming its conduit and flow. Operation classes
(read, write, program, ...) cannot be enforced by a layer-4 firewall; the ruleset
lists, beside the rule, the deep-packet-inspection rule they need. Flows that
cannot be written at all (a layer-2 protocol, an end without addresses) are listed
as comments saying why.`,
		Example: `  zonewarden rules plant.yaml -f nftables -o boundary.nft && nft -c -f boundary.nft
  zonewarden rules plant.yaml -f iptables -o boundary.rules
  zonewarden rules plant.yaml -f csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(verify.RuleFormats, format) {
				return usageErr(fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(verify.RuleFormats, ", ")))
			}
			m, err := loadModelFor(cmd, args[0])
			if err != nil {
				return err
			}
			if err := checkOutputs([]outputFlag{{"-o", out}}, m.Files...); err != nil {
				return err
			}
			o, err := openOutput(cmd, out)
			if err != nil {
				return err
			}
			return o.commit(verify.Write(o.w, m, format))
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "nftables", "rule format: "+strings.Join(verify.RuleFormats, ", "))
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	addModelFlags(cmd)
	return cmd
}
