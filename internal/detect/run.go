package detect

import (
	"context"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/observe"
	_ "github.com/zonewarden/zonewarden/internal/protocols/builtin" // the pipeline sees every built-in protocol
)

// RunFiles reads the captures through observe's pipeline into the detector, then
// flushes its aggregated alerts. Errors are observe.RunFiles's.
func (d *Detector) RunFiles(ctx context.Context, paths []string, opt observe.Options) []error {
	_, errs := observe.RunFiles(ctx, paths, d.NewSink, opt)
	d.Flush()
	return errs
}

// RunSource reads a live source (one pipeline, so that alerts leave as packets come)
// until it ends or ctx is cancelled, then flushes.
func (d *Detector) RunSource(ctx context.Context, src capture.Source, name string, opt observe.Options) error {
	p := observe.NewPipeline(d.NewSink(), opt.Config)
	p.Begin(len(d.opt.Files), name)
	err := observe.RunSource(ctx, p, src, opt.Progress)
	p.End(capture.Stats{}, err)
	d.Flush()
	return err
}
