package outfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// state of a File.
const (
	open = iota
	committed
	aborted
)

// File is an output being written. Write, Commit and Abort may be called from different
// goroutines; Write is not meant to be called concurrently with itself.
type File struct {
	path   string // the name the caller gave
	target string // where the file lands: path with symbolic links resolved
	f      *os.File
	tmp    string // the temporary name; "" for a device or pipe written in place
	mode   fs.FileMode
	keep   bool // an existing file's mode (and owner) are kept
	ctx    context.Context
	stop   func() bool

	mu    sync.Mutex
	state int
	err   error // the first write error: Commit refuses after one
}

// ErrAborted is returned by Write and Commit after Abort.
var ErrAborted = errors.New("output abandoned")

// Create starts writing path. Nothing appears under path until Commit; when ctx is
// cancelled first, the temporary file is removed at once and Commit fails. Errors say
// why path cannot be written (a missing directory, a directory given as the file, no
// permission).
func Create(ctx context.Context, path string) (*File, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved // write through a symbolic link, keeping the link
	}
	o := &File{path: path, target: target, mode: 0o666, ctx: ctx}
	st, err := os.Stat(target)
	switch {
	case err == nil && st.IsDir():
		return nil, fmt.Errorf("cannot write %s: it is a directory", path)
	case err == nil && !st.Mode().IsRegular():
		// A device, pipe or socket is written in place: renaming a file over it would
		// replace the device with a file.
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("cannot write %s: %w", path, err)
		}
		o.f = f
	case err == nil:
		o.mode, o.keep = st.Mode().Perm(), true
		if err := o.createTemp(); err != nil {
			return nil, err
		}
		if err := o.f.Chmod(o.mode); err != nil { // the umask narrowed it
			o.discard()
			return nil, fmt.Errorf("cannot write %s: %w", path, err)
		}
		keepOwner(o.f, st)
	case errors.Is(err, fs.ErrNotExist):
		if err := o.createTemp(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	o.stop = context.AfterFunc(ctx, func() { o.Abort() })
	return o, nil
}

// createTemp creates the temporary file beside the target. The kernel applies the umask
// to o.mode, as it does for os.Create.
func (o *File) createTemp() error {
	dir, base := filepath.Split(o.target)
	for range 100 {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64()>>20, 36)+".tmp")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, o.mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the temporary name means nothing to the user
			}
			return fmt.Errorf("cannot write %s: %w", o.path, err)
		}
		o.f, o.tmp = f, name
		return nil
	}
	return fmt.Errorf("cannot write %s: no free temporary name in %s", o.path, dir)
}

// Name returns the path given to Create.
func (o *File) Name() string { return o.path }

// Write writes to the temporary file. After a write error, Abort or cancellation every
// further Write fails, and so does Commit.
func (o *File) Write(p []byte) (int, error) {
	o.mu.Lock()
	err := o.err
	if err == nil && o.state != open {
		err = ErrAborted
	}
	f := o.f
	o.mu.Unlock()
	if err != nil {
		return 0, err
	}
	if err := o.ctx.Err(); err != nil {
		return 0, o.fail(err)
	}
	n, err := f.Write(p)
	if err != nil {
		return n, o.fail(err)
	}
	return n, nil
}

// fail records the first write error.
func (o *File) fail(err error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		o.err = fmt.Errorf("writing %s: %w", o.path, unwrapPath(err))
	}
	return o.err
}

// Commit finishes the file: syncs it, and renames it into place. When a Write failed,
// the context was cancelled or Abort was called, it removes the temporary file and
// returns why instead.
func (o *File) Commit() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stop != nil {
		o.stop()
	}
	switch o.state {
	case committed:
		return nil
	case aborted:
		if o.err != nil {
			return o.err
		}
		return fmt.Errorf("%s not written: %w", o.path, ErrAborted)
	}
	err := o.err
	if err == nil {
		if cerr := o.ctx.Err(); cerr != nil {
			err = fmt.Errorf("%s not written: %w", o.path, cerr)
		}
	}
	if o.tmp == "" { // a device or pipe
		if cerr := o.f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing %s: %w", o.path, unwrapPath(cerr))
		}
		o.state = committed
		if err != nil {
			o.state = aborted
		}
		return err
	}
	if err == nil {
		if serr := o.f.Sync(); serr != nil {
			err = fmt.Errorf("writing %s: %w", o.path, unwrapPath(serr))
		}
	}
	if cerr := o.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing %s: %w", o.path, unwrapPath(cerr))
	}
	if err == nil {
		if rerr := os.Rename(o.tmp, o.target); rerr != nil {
			err = fmt.Errorf("writing %s: %w", o.path, unwrapPath(rerr))
		}
	}
	if err != nil {
		os.Remove(o.tmp)
		o.state, o.err = aborted, err
		return err
	}
	o.state = committed
	syncDir(filepath.Dir(o.target))
	return nil
}

// Abort abandons the file: the temporary file is closed and removed. It does nothing
// after Commit, and may be called more than once.
func (o *File) Abort() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.state != open {
		return
	}
	o.state = aborted
	o.discard()
}

// discard closes and removes the temporary file.
func (o *File) discard() {
	o.f.Close()
	if o.tmp != "" {
		os.Remove(o.tmp)
	}
}

// Finish commits the file when err is nil and aborts it otherwise, returning err or the
// commit's error: the one call a writer needs at its end.
func (o *File) Finish(err error) error {
	if err != nil {
		o.Abort()
		return err
	}
	return o.Commit()
}

// syncDir makes a rename durable; file systems that cannot sync a directory are left
// as they are.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// unwrapPath drops an *fs.PathError's operation and (temporary) name, keeping the cause.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// SameAs returns the first of inputs that is the same file as out: the same device and
// inode, so a symbolic or hard link to an input counts as the input. Empty names and
// "-" (standard input or output) are skipped, and so is an out that does not exist yet.
func SameAs(out string, inputs ...string) (string, bool) {
	if out == "" || out == "-" {
		return "", false
	}
	ost, err := os.Stat(out)
	if err != nil {
		return "", false
	}
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		if ist, err := os.Stat(in); err == nil && os.SameFile(ost, ist) {
			return in, true
		}
	}
	return "", false
}
