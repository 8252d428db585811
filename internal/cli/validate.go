package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newValidateCmd) }

func newValidateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate MODEL.yaml",
		Short: "Check a plant model and report every problem with file:line:col",
		Long: `validate loads a plant model and the files it includes and checks it: types,
references between zones, conduits, assets, threats and countermeasures, duplicate
ids, overlapping networks, security levels, protocol names and requirement ids.
Every problem is reported at once, each with where it is and what to fix.

Give it the root model file: a file meant to be included (no version, no system)
is reported as a fragment. Included files must lie in the root model's folder or
below it, unless --allow-include-outside; a model file larger than 64 MB, a
directory, a named pipe or a device is refused.

Exit code 0 when the model is valid, 2 when it is not.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := loadModelFor(cmd, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: valid — %s, %s, %s, %s, %s (%s)\n", args[0],
				nouns(len(m.Zones), "zone"), nouns(len(m.Conduits), "conduit"), nouns(len(m.Assets), "asset"),
				nouns(len(m.Threats), "threat"), nouns(len(m.Countermeasures), "countermeasure"), nouns(len(m.Files), "file"))
			return nil
		},
	}
	addModelFlags(cmd)
	return cmd
}

// nouns writes n and the noun, plural when n is not 1: "1 zone", "3 zones".
func nouns(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
