package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/verify"
)

// loadModel loads and validates a model, checking requirement ids against the catalog.
// Model errors are usage errors (exit 2) and list every problem.
func loadModel(path string) (*model.Model, error) {
	m, err := model.Load(path, model.Options{Requirement: requirementID})
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

// output is where a command writes: stdout, or a file written whole or not at all.
type output struct {
	path    string
	w       io.Writer
	tmp     *os.File
	special *os.File // a device or pipe written in place
}

// openOutput opens path for writing ("" or "-" means stdout). The file is written under
// a temporary name beside it and renamed on commit, so a failed run never leaves a
// half-written report that looks complete.
func openOutput(cmd *cobra.Command, path string) (*output, error) {
	if path == "" || path == "-" {
		return &output{w: cmd.OutOrStdout()}, nil
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		// A device, pipe or socket (-o /dev/null, a FIFO) is written in place: renaming a
		// temporary file over it would replace the device with a file.
		if st.IsDir() {
			return nil, usageErr(fmt.Errorf("cannot write %s: it is a directory", path))
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, usageErr(fmt.Errorf("cannot write %s: %w", path, err))
		}
		return &output{path: path, w: f, special: f}, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, usageErr(fmt.Errorf("cannot write %s: %w", path, err))
	}
	return &output{path: path, w: tmp, tmp: tmp}, nil
}

// commit finishes the output; after an error it removes the temporary file instead.
func (o *output) commit(err error) error {
	if o.special != nil {
		if cerr := o.special.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing %s: %w", o.path, cerr)
		}
		return err
	}
	if o.tmp == nil {
		return err
	}
	if err == nil {
		// CreateTemp makes the file private; a report is an ordinary file.
		err = o.tmp.Chmod(0o644)
	}
	if err == nil {
		err = o.tmp.Close()
	} else {
		o.tmp.Close()
	}
	if err == nil {
		err = os.Rename(o.tmp.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.tmp.Name())
		return fmt.Errorf("writing %s: %w", o.path, err)
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
