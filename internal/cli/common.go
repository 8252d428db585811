package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/outfile"
	"github.com/zonewarden/zonewarden/internal/verify"
)

// loadModel loads and validates a model with opts (see modelOptions). Model errors are
// usage errors (exit 2) and list every problem.
func loadModel(path string, opts model.Options) (*model.Model, error) {
	m, err := model.Load(path, opts)
	if err != nil {
		var me model.Errors
		if errors.As(err, &me) {
			return nil, usageErr(me)
		}
		return nil, usageErr(fmt.Errorf("%s: %w", path, err))
	}
	return m, nil
}

// requirementID accepts any spelling of a catalog requirement id and returns the
// canonical one.
func requirementID(id string) (string, bool) {
	canon, ok := catalog.NormalizeID(id)
	if !ok {
		return "", false
	}
	r, ok := catalog.Default().Lookup(canon)
	return r.ID, ok
}

// output is where a command writes: standard output, or a file written whole or not at
// all (package outfile).
type output struct {
	path string
	w    io.Writer
	file *outfile.File // nil for standard output
}

// openOutput opens path for writing ("" or "-" means standard output). A file is written
// under a temporary name beside it and renamed on commit, so a failed or interrupted run
// never leaves a half-written report that looks complete; a signal (the command's
// context) removes the temporary file at once.
func openOutput(cmd *cobra.Command, path string) (*output, error) {
	if path == "" || path == "-" {
		return &output{w: cmd.OutOrStdout()}, nil
	}
	return openFileOutput(cmdContext(cmd), path)
}

// openFileOutput opens the file path for writing, whole or not at all, abandoned when ctx
// is cancelled.
func openFileOutput(ctx context.Context, path string) (*output, error) {
	f, err := outfile.Create(ctx, path)
	if err != nil {
		return nil, usageErr(err)
	}
	return &output{path: path, w: f, file: f}, nil
}

// commit finishes the output after the writer returned err: a file is renamed into place
// when err is nil and every write succeeded, and removed otherwise. A write error, to a
// file or to standard output, exits with ExitOutput.
func (o *output) commit(err error) error {
	if o.file != nil {
		err = o.file.Finish(err)
	}
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	if o.path != "" && !strings.Contains(err.Error(), o.path) {
		err = fmt.Errorf("writing %s: %w", o.path, err)
	}
	return outputErr(err)
}

// abort abandons the output: a file's temporary copy is removed, nothing is renamed.
func (o *output) abort() {
	if o != nil && o.file != nil {
		o.file.Abort()
	}
}

// cmdContext is the command's context (cancelled by SIGINT and SIGTERM), or Background.
func cmdContext(cmd *cobra.Command) context.Context {
	if cmd != nil && cmd.Context() != nil {
		return cmd.Context()
	}
	return context.Background()
}

// outputFlag names an output flag and its file, for checkOutputs.
type outputFlag struct{ flag, path string }

// checkOutputs refuses, before any work is done, an output file that is one of the
// inputs (by identity: the same file through a relative path, a symbolic or a hard link),
// and two outputs that are the same file. Writing over an input would destroy it:
// propose capture.pcapng -o capture.pcapng would replace the capture with YAML.
func checkOutputs(outs []outputFlag, inputs ...string) error {
	for i, o := range outs {
		if o.path == "" || o.path == "-" {
			continue
		}
		if in, ok := outfile.SameAs(o.path, inputs...); ok {
			what := "it is the input " + in
			if in != o.path {
				what = fmt.Sprintf("it is the same file as the input %s", in)
			}
			return usageErr(fmt.Errorf("%s %s: %s; writing it would destroy the input, so give another file", o.flag, o.path, what))
		}
		for _, p := range outs[:i] {
			if p.path == "" || p.path == "-" {
				continue
			}
			_, same := outfile.SameAs(o.path, p.path)
			if same || filepath.Clean(p.path) == filepath.Clean(o.path) {
				return usageErr(fmt.Errorf("%s and %s name the same file %s; give each its own", p.flag, o.flag, o.path))
			}
		}
	}
	return nil
}

// failOn checks findings against a --fail-on threshold ("" or "none" = never fail).
func failOn(threshold string, fs []finding.Finding) error {
	if threshold == "" || threshold == "none" {
		return nil
	}
	t, err := finding.ParseSeverity(threshold)
	if err != nil {
		return usageErr(fmt.Errorf("--fail-on: %w (or none)", err))
	}
	if w, ok := finding.Worst(fs); ok && w >= t {
		return errFindings
	}
	return nil
}

// checkFailOn validates the flag before any work is done.
func checkFailOn(threshold string) error {
	if threshold == "" || threshold == "none" {
		return nil
	}
	if _, err := finding.ParseSeverity(threshold); err != nil {
		return usageErr(fmt.Errorf("--fail-on: %w (or none)", err))
	}
	return nil
}

// isTerminal reports whether w is a terminal: progress is drawn only on one.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// fromVerification turns what verify found in captures into assess's inputs: the
// requirements the traffic refutes, and the violating cross-zone traffic summed per pair
// of zones and protocol, which the reports draw.
func fromVerification(vr *verify.Result) assess.Options {
	var opts assess.Options
	for _, r := range vr.Refuted {
		opts.Refuted = append(opts.Refuted, assess.Refutation{Subject: r.Subject, Requirement: r.Requirement,
			Countermeasures: r.Countermeasures, Reason: r.Reason})
	}
	type key struct{ from, to, proto string }
	at := map[key]int{}
	for _, c := range vr.Conversations {
		if c.Verdict != "violation" || c.Client.Zone == "" || c.Server.Zone == "" || c.Client.Zone == c.Server.Zone {
			continue
		}
		proto := c.As
		if proto == "" {
			proto = c.Protocol
		}
		k := key{c.Client.Zone, c.Server.Zone, proto}
		i, ok := at[k]
		if !ok {
			i = len(opts.Observed)
			at[k] = i
			opts.Observed = append(opts.Observed, assess.ObservedFlow{FromZone: k.from, ToZone: k.to, Protocol: proto,
				Conduit: c.Conduit, Violations: []string{}})
		}
		o := &opts.Observed[i]
		o.Conversations++
		for _, v := range c.Violations {
			if !slices.Contains(o.Violations, v) {
				o.Violations = append(o.Violations, v)
			}
		}
	}
	return opts
}

// captureBytes is the total size of the capture files, for the progress bar: -1 (a
// count without an end) when one of them is standard input.
func captureBytes(paths []string) int64 {
	var total int64
	for _, p := range paths {
		if p == observe.Stdin {
			return -1
		}
		if st, err := os.Stat(p); err == nil {
			total += st.Size()
		}
	}
	return total
}

// checkStdinOnce refuses standard input named as more than one capture: the second
// would find it read to its end.
func checkStdinOnce(paths []string) error {
	if n := slices.Index(paths, observe.Stdin); n >= 0 && slices.Contains(paths[n+1:], observe.Stdin) {
		return usageErr(errors.New(`standard input ("-") can be read as one capture only`))
	}
	return nil
}

// loadModelFor loads a model as loadModel does, but gives up when the command's context
// is cancelled (SIGINT, SIGTERM): a model that is a FIFO nobody writes to, or a slow
// network file system, must not keep the command from stopping. The abandoned read
// ends with the process.
func loadModelFor(cmd *cobra.Command, path string) (*model.Model, error) {
	ctx := cmdContext(cmd)
	if ctx.Err() != nil {
		return nil, interrupted(ctx)
	}
	type result struct {
		m   *model.Model
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, err := loadModel(path, modelOptions(cmd))
		done <- result{m, err}
	}()
	select {
	case r := <-done:
		return r.m, r.err
	case <-ctx.Done():
		return nil, interrupted(ctx)
	}
}

// interrupted is the error of a command stopped by a signal before it finished: no
// output file is written (exit 2).
func interrupted(ctx context.Context) error {
	return usageErr(fmt.Errorf("interrupted (%w): nothing written", context.Cause(ctx)))
}
