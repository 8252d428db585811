package cli

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/report"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
	"github.com/zonewarden/zonewarden/internal/verify"
	"github.com/zonewarden/zonewarden/internal/verify/render"
)

// demoModel is a copy of examples/water-treatment (a test keeps it equal byte for byte):
// the binary carries its own plant so that demo needs no arguments and no files.
//
//go:embed demodata/plant.yaml demodata/assets.yaml demodata/risk.yaml
var demoModel embed.FS

var demoFiles = []string{"plant.yaml", "assets.yaml", "risk.yaml"}

func init() { commands = append(commands, newDemoCmd) }

func newDemoCmd() *cobra.Command {
	var (
		dir      string
		duration time.Duration
		seed     uint64
		force    bool
	)
	cmd := &cobra.Command{
		Use:   "demo [-o DIR]",
		Short: "Run the whole loop on the bundled water treatment example",
		Long: `demo runs zonewarden's loop on the water treatment plant bundled in the binary:
it writes the plant model, simulates a capture of the plant with an attack scenario
(an unknown device, unauthorised writes, a CPU stop, a program download, scans),
discovers the devices and conversations in it, verifies the model against them,
assesses the model with what the capture refutes, and writes report.html. It then
says where everything is and what to look at next. Files of an earlier demo in DIR
are left alone unless --force is given.`,
		Example: `  zonewarden demo
  zonewarden demo -o /tmp/zw-demo --duration 5m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if duration <= 0 {
				return usageErr(errors.New("--duration must be positive"))
			}
			return runDemo(cmd, dir, duration, seed, force)
		},
	}
	cmd.Flags().StringVarP(&dir, "output", "o", "zonewarden-demo", "directory to write the model, capture and report into")
	cmd.Flags().DurationVar(&duration, "duration", time.Minute, "simulated time the capture covers")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed of the simulation")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite the model, capture and reports of an earlier demo in DIR")
	return cmd
}

// demoOutputs are the files demo writes into its directory besides the model.
var demoOutputs = []string{"capture.pcapng", "verification.md", "report.html"}

func runDemo(cmd *cobra.Command, dir string, duration time.Duration, seed uint64, force bool) error {
	ctx := cmdContext(cmd)
	stdout := cmd.OutOrStdout()
	if !force {
		var there []string
		for _, name := range append(slices.Clone(demoFiles), demoOutputs...) {
			if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
				there = append(there, name)
			}
		}
		if len(there) > 0 {
			return usageErr(fmt.Errorf("%s already holds %s (an earlier demo, or your own files); use --force to overwrite them, or -o another directory",
				dir, strings.Join(there, ", ")))
		}
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return usageErr(fmt.Errorf("cannot create %s: %w", dir, err))
	}
	for _, name := range demoFiles {
		b, err := demoModel.ReadFile("demodata/" + name)
		if err != nil {
			return fmt.Errorf("bundled example: %w", err)
		}
		if err := writeFile(ctx, filepath.Join(dir, name), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return err
		}
	}
	plant := filepath.Join(dir, "plant.yaml")
	m, err := model.Load(plant, model.Options{})
	if err != nil {
		return fmt.Errorf("bundled example does not load: %w", err)
	}
	fmt.Fprintf(stdout, "1. model      %s (%d zones, %d conduits, %d assets)\n", plant, len(m.Zones), len(m.Conduits), len(m.Assets))

	capPath := filepath.Join(dir, "capture.pcapng")
	truth, err := demoCapture(ctx, m, capPath, duration, seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "2. simulate   %s (%s of plant traffic, %d attack events injected)\n", capPath, duration, len(truth.Events))

	inv, errs := discover.FromFiles(ctx, []string{capPath}, discover.Options{})
	if len(errs) > 0 {
		if ctx.Err() != nil {
			return interrupted(ctx)
		}
		return fmt.Errorf("discovering %s: %w", capPath, errors.Join(errs...))
	}
	fmt.Fprintf(stdout, "3. discover   %d devices, %d conversations\n", len(inv.Assets), len(inv.Flows))

	res := verify.Verify(m, inv, verify.Options{})
	verPath := filepath.Join(dir, "verification.md")
	if err := writeFile(ctx, verPath, func(f io.Writer) error { return render.Markdown(f, res) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "4. verify     %d findings (%d critical, %d high), %d conversations violate the conduits -> %s\n",
		len(res.Findings), res.Summary.Findings[finding.Critical.String()], res.Summary.Findings[finding.High.String()],
		res.Summary.Violations, verPath)

	ar := assess.Assess(m, trafficOptions(res))
	repPath := filepath.Join(dir, "report.html")
	if err := writeFile(ctx, repPath, func(f io.Writer) error { return report.Assessment(f, ar, report.HTML) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "5. assess     %d findings, %d requirements refuted by the capture -> %s\n\n", len(ar.Findings), len(res.Refuted), repPath)

	fmt.Fprintf(stdout, "What to look at:\n")
	fmt.Fprintf(stdout, "  the assessment (zones, conduits, SL-T against SL-A, the plan):\n    open %s\n", repPath)
	fmt.Fprintf(stdout, "  the findings against the capture, worst first:\n    zonewarden verify %s %s\n", plant, capPath)
	fmt.Fprintf(stdout, "  the attack as alerts:\n    zonewarden detect %s\n", capPath)
	fmt.Fprintf(stdout, "  a model from the traffic alone:\n    zonewarden propose %s -o proposed.yaml\n", capPath)
	return nil
}

// demoCapture simulates the plant with the attack scenario into path.
func demoCapture(ctx context.Context, m *model.Model, path string, d time.Duration, seed uint64) (*simulate.Truth, error) {
	var truth *simulate.Truth
	err := writeFile(ctx, path, func(f io.Writer) error {
		var err error
		truth, err = simulate.Run(ctx, m, simulate.Options{Seed: seed, Duration: d, Scenario: simulate.Attack, Format: pcapw.PcapNG}, f)
		return err
	})
	return truth, err
}

// writeFile writes path through fill, whole or not at all (package outfile); a signal
// abandons it.
func writeFile(ctx context.Context, path string, fill func(io.Writer) error) error {
	o, err := openFileOutput(ctx, path)
	if err != nil {
		return err
	}
	return o.commit(fill(o.w))
}
