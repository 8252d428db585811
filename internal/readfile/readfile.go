package readfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge is wrapped by the error Read returns for a file larger than its limit.
var ErrTooLarge = errors.New("file too large")

// ErrNotRegular is wrapped by the error Read returns for a directory, named pipe,
// device or socket.
var ErrNotRegular = errors.New("not a regular file")

// Error is a file Read refuses: Path and what is wrong with it. It wraps ErrTooLarge or
// ErrNotRegular.
type Error struct {
	Path string
	What string // "larger than 64 MB", "a directory, not a file", ...
	Err  error
}

func (e *Error) Error() string { return e.Path + " is " + e.What }
func (e *Error) Unwrap() error { return e.Err }

// Read returns the contents of the regular file at path, of at most max bytes. A larger
// file gives an *Error wrapping ErrTooLarge ("plant.yaml is larger than 64 MB"); a
// directory, named pipe, device or socket one wrapping ErrNotRegular. Other errors are
// the *fs.PathError of the failed call. Every error names path.
func Read(path string, max int64) ([]byte, error) {
	// Stat before opening, so that a device is never opened (opening some has effects);
	// check the opened file again, since the path may have changed in between.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, fi, max); err != nil {
		return nil, err
	}
	// Non-blocking: opening a named pipe for reading otherwise waits for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(path, fi, max); err != nil {
		return nil, err
	}
	// The size is a hint only (files under /proc say 0; a file may grow while it is
	// read): the limited reader is what keeps memory bounded.
	var b bytes.Buffer
	b.Grow(int(fi.Size()) + 1)
	if _, err := b.ReadFrom(io.LimitReader(f, max+1)); err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(b.Len()) > max {
		return nil, tooLarge(path, max)
	}
	return b.Bytes(), nil
}

// check refuses what is not a regular file, or says it is larger than max.
func check(path string, fi fs.FileInfo, max int64) error {
	m := fi.Mode()
	if m.IsRegular() {
		if fi.Size() > max {
			return tooLarge(path, max)
		}
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory, not a file"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO), not a regular file"
	case m&fs.ModeDevice != 0:
		what = "a device, not a regular file"
	case m&fs.ModeSocket != 0:
		what = "a socket, not a regular file"
	}
	return &Error{Path: path, What: what, Err: ErrNotRegular}
}

func tooLarge(path string, max int64) error {
	return &Error{Path: path, What: "larger than " + Size(max), Err: ErrTooLarge}
}

// Size writes a byte count as people read it: "64 MB", "512 KB", "100 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
