// Package readfile reads a whole file that a person named (a model, an inventory, a
// baseline, a CA bundle) with a size limit, and refuses what is not a regular file.
//
// os.ReadFile trusts the file: given /dev/zero it reads until memory runs out, given a
// named pipe with no writer it waits forever, given a directory it fails with a message
// about reading a directory. Read stats the path first, opens it without blocking, checks
// the opened file is a regular one, and reads at most the limit plus one byte, so that a
// larger file is refused with a message that names it and the limit.
//
// It owns nothing but that: it knows no format and no caller.
package readfile
