package cli

import (
	"fmt"

	"github.com/zonewarden/zonewarden/internal/readfile"
)

// Limits of the files a command reads whole. Each is far above what a real plant gives
// and far below what would exhaust a small edge gateway's memory.
const (
	maxInventoryFile = 256 << 20 // discover -f json of a very large plant
	maxBaselineFile  = 256 << 20 // as detect.ReadBaseline
	maxRulesetFile   = 64 << 20  // as verify.ParseRuleset
)

// readInput reads the whole file path given to flag, refusing a file over max bytes and
// what is not a regular file (a device such as /dev/zero, a named pipe with no writer
// would otherwise run the machine out of memory or block forever). Errors are usage
// errors that name the flag and the file.
func readInput(flag, path string, max int64) ([]byte, error) {
	b, err := readfile.Read(path, max)
	if err != nil {
		return nil, usageErr(fmt.Errorf("%s: %w", flag, err))
	}
	return b, nil
}
