package discover

import (
	"context"
	"errors"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/observe"
	_ "github.com/zonewarden/zonewarden/internal/protocols/builtin" // the pipeline sees every built-in protocol
)

// Options configures a discovery run.
type Options struct {
	Run    observe.Options
	Limits Limits
}

// FromFiles runs the capture files through the observation pipeline and builds their
// inventory. errs holds one error per file that could not be read at all (each names
// its file; the file also appears among the inventory's sources as incomplete) and
// ctx's error if the run was cancelled; the inventory holds what was read either way.
func FromFiles(ctx context.Context, paths []string, opt Options) (inv *inventory.Inventory, errs []error) {
	sinks, errs := observe.RunFiles(ctx, paths, func() observe.Sink { return NewBuilder(opt.Limits) }, opt.Run)
	b := NewBuilder(opt.Limits)
	for _, s := range sinks {
		b.Merge(s.(*Builder))
	}
	for _, err := range errs {
		var fe *observe.FileError
		if errors.As(err, &fe) {
			b.AddFileError(fe.File, paths[fe.File], fe.Err)
		}
	}
	return b.Build(paths), errs
}

// FromSource reads a packet source (a live interface) until it ends or ctx is
// cancelled, and builds its inventory. name names the source in the inventory.
func FromSource(ctx context.Context, src capture.Source, name string, opt Options) (*inventory.Inventory, error) {
	b := NewBuilder(opt.Limits)
	p := observe.NewPipeline(b, opt.Run.Config)
	p.Begin(0, name)
	err := observe.RunSource(ctx, p, src, opt.Run.Progress)
	runErr := err
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		runErr = nil // stopping a live capture is its normal end
	}
	p.End(statsOf(src), runErr)
	return b.Build([]string{name}), runErr
}
