// Command printinfo prints buildinfo.Get() for the tests that build it with the flags a
// release build uses.
package main

import (
	"fmt"

	"github.com/zonewarden/zonewarden/internal/buildinfo"
)

func main() {
	in := buildinfo.Get()
	fmt.Printf("version=%s\ncommit=%s\nmodified=%t\ncommit_time=%s\nbuild_date=%s\nshort=%s\n",
		in.Version, in.Commit, in.Modified, in.CommitTime, in.BuildDate, in.Short())
}
