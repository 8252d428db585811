package cli

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newInitCmd) }

//go:embed starter/plant.yaml
var starterModel []byte

func newInitCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starter plant model",
		Long: `init writes a small, valid, commented plant model to start from: a few zones on
the Purdue levels, conduits with allowed flows, assets, a threat and two
countermeasures. Without FILE it writes to standard output. An existing file is
left alone unless --force is given.`,
		Example: `  zonewarden init plant.yaml && zonewarden assess plant.yaml`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || args[0] == "-" {
				_, err := cmd.OutOrStdout().Write(starterModel)
				return err
			}
			path := args[0]
			if _, err := os.Lstat(path); err == nil && !force {
				return usageErr(fmt.Errorf("%s exists; use --force to overwrite it", path))
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return usageErr(fmt.Errorf("cannot create %s: %w", path, err))
			}
			if err := writeFile(cmdContext(cmd), path, func(w io.Writer) error { _, err := w.Write(starterModel); return err }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s; next: zonewarden validate %s\n", path, path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
	return cmd
}
