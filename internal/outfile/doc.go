// Package outfile writes output files whole or not at all. Create writes under a
// temporary name in the target's directory; Commit syncs it to disk and renames it into
// place; any write error, Abort, or the cancellation of the context given to Create
// removes the temporary file instead, so that a report, inventory or alert file that
// exists under its name is always complete. A new file gets the mode os.Create would
// give it (0666 less the umask); an existing file keeps its mode. Devices and pipes
// (-o /dev/null, a FIFO) are written in place. SameAs tells whether an output is one of
// the inputs, by file identity, so a command can refuse to overwrite what it reads.
//
// It must not know what is written or which command writes it.
package outfile
