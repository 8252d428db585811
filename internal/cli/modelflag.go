package cli

import (
	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/model"
)

// allowIncludeOutsideFlag lets a model include files outside its own folder.
const allowIncludeOutsideFlag = "allow-include-outside"

// addModelFlags adds the flags of every command that loads a model.
func addModelFlags(cmd *cobra.Command) {
	cmd.Flags().Bool(allowIncludeOutsideFlag, false,
		"let the model's include: name files outside the model's folder (absolute paths, ../, links out)")
}

// modelOptions are the model loader's options for cmd: requirement ids checked against
// the catalog, and includes kept in the model's folder unless --allow-include-outside.
func modelOptions(cmd *cobra.Command) model.Options {
	opts := model.Options{Requirement: requirementID}
	if cmd != nil {
		// A command without the flag gets false: includes stay inside.
		opts.AllowIncludeOutside, _ = cmd.Flags().GetBool(allowIncludeOutsideFlag)
	}
	return opts
}
