package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
)

func init() { commands = append(commands, newSimulateCmd) }

func newSimulateCmd() *cobra.Command {
	var (
		duration time.Duration
		size     string
		seed     uint64
		scenario string
		out      string
		format   string
		truth    string
		start    string
		quiet    bool
	)
	cmd := &cobra.Command{
		Use:   "simulate MODEL.yaml -o CAPTURE",
		Short: "Generate a capture of the plant's network traffic, with its ground truth",
		Long: `simulate turns a plant model into a capture of that plant's network: every asset
behaves as its kind and the conduits say, with real protocol bytes (Modbus/TCP,
EtherNet/IP, S7comm, DNP3, IEC 60870-5-104, BACnet, OPC UA, PROFINET DCP, LLDP,
CDP, DHCP, DNS, NTP, TLS, SSH, RDP, SMB and more) and proper TCP sessions. The
attack scenario injects what a monitor must catch (an unknown device, unauthorised
writes, CPU stop, program download, restarts, scans).

Next to the capture it writes the ground truth as JSON (CAPTURE without its
extension, plus .truth.json): assets with the identities they revealed, flows with
packet counts, and every injected event with its packets and MITRE ATT&CK for ICS
technique. The same --seed always gives the same bytes.

The format follows the extension (.pcap or .pcapng) unless -f says otherwise.
Give --duration (simulated time), --size (such as 500MB or 1GB) or both; the run
stops at whichever comes first.`,
		Example: `  zonewarden simulate examples/water-treatment/plant.yaml --duration 10m --seed 7 -o water.pcapng
  zonewarden simulate plant.yaml --scenario attack --size 1GB -o big.pcap`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := simulate.Options{Seed: seed, Duration: duration}
			var err error
			if opts.Scenario, err = simulate.ParseScenario(scenario); err != nil {
				return usageErr(err)
			}
			if size != "" {
				if opts.Size, err = parseSize(size); err != nil {
					return usageErr(fmt.Errorf("--size: %w", err))
				}
			}
			if duration < 0 {
				return usageErr(errors.New("--duration must not be negative"))
			}
			if opts.Duration == 0 && opts.Size == 0 {
				return usageErr(errors.New("give --duration (such as 10m) or --size (such as 1GB)"))
			}
			if out == "" || out == "-" {
				return usageErr(errors.New("give the capture file with -o (such as -o plant.pcapng)"))
			}
			if opts.Format, err = captureFormat(out, format); err != nil {
				return usageErr(err)
			}
			if start != "" {
				if opts.Start, err = time.Parse(time.RFC3339, start); err != nil {
					return usageErr(fmt.Errorf("--start: %w (use RFC 3339, such as 2026-03-02T08:00:00Z)", err))
				}
			}
			if truth == "" {
				truth = truthPath(out)
			}
			if filepath.Clean(truth) == filepath.Clean(out) {
				return usageErr(errors.New("--truth must differ from the capture file"))
			}
			m, err := loadModelFor(cmd, args[0])
			if err != nil {
				return err
			}
			if err := checkOutputs([]outputFlag{{"-o", out}, {"--truth", truth}}, m.Files...); err != nil {
				return err
			}
			if err := simulate.Check(m); err != nil {
				return usageErr(fmt.Errorf("%s: %w", args[0], err))
			}
			if !quiet && isTerminal(cmd.ErrOrStderr()) {
				opts.Progress = progressPrinter(cmd.ErrOrStderr())
			}
			return runSimulate(cmd, m, opts, out, truth)
		},
	}
	f := cmd.Flags()
	f.DurationVar(&duration, "duration", 0, "simulated time to cover, such as 30s, 10m or 2h")
	f.StringVar(&size, "size", "", "capture size to reach, such as 500MB, 1GB or 2GiB")
	f.Uint64Var(&seed, "seed", 1, "random seed: the same seed gives the same capture")
	f.StringVar(&scenario, "scenario", "normal", "normal, or attack to inject events a monitor must catch")
	f.StringVarP(&out, "output", "o", "", "capture file to write (.pcap or .pcapng)")
	f.StringVarP(&format, "format", "f", "", "capture format, pcap or pcapng (default: from the extension)")
	f.StringVar(&truth, "truth", "", "ground truth file (default: the capture's name with .truth.json)")
	f.StringVar(&start, "start", "", "virtual start time, RFC 3339 (default 2026-03-02T08:00:00Z)")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress on stderr")
	addModelFlags(cmd)
	return cmd
}

// runSimulate writes the capture and its truth, each to a temporary file renamed only
// when both are complete.
func runSimulate(cmd *cobra.Command, mdl *model.Model, opts simulate.Options, out, truthFile string) error {
	capOut, err := openOutput(cmd, out)
	if err != nil {
		return err
	}
	truthOut, err := openOutput(cmd, truthFile)
	if err != nil {
		capOut.abort()
		return err
	}
	t, err := simulate.Run(cmd.Context(), mdl, opts, capOut.w)
	if opts.Progress != nil {
		fmt.Fprint(cmd.ErrOrStderr(), "\r\033[K")
	}
	if err == nil {
		enc := json.NewEncoder(truthOut.w)
		enc.SetIndent("", "  ")
		err = enc.Encode(t)
	}
	if err != nil {
		capOut.abort()
		truthOut.abort()
		if ctx := cmdContext(cmd); ctx.Err() != nil {
			return interrupted(ctx)
		}
		return outputErr(fmt.Errorf("simulating %s: %w", mdl.System.Name, err))
	}
	if err := capOut.commit(nil); err != nil {
		truthOut.commit(err)
		return err
	}
	if err := truthOut.commit(nil); err != nil {
		os.Remove(out)
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d packets, %s, %s simulated (%s, seed %d)\n",
		out, t.Packets, humanBytes(t.Bytes), t.End.Sub(t.Start).Round(time.Millisecond), t.Scenario, t.Seed)
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d assets, %d flows, %d events\n", truthFile, len(t.Assets), len(t.Flows), len(t.Events))
	return nil
}

// captureFormat picks the format from -f or else the file's extension.
func captureFormat(path, flag string) (pcapw.Format, error) {
	if flag != "" {
		f, err := pcapw.ParseFormat(flag)
		if err != nil {
			return 0, fmt.Errorf("-f: %w", err)
		}
		return f, nil
	}
	if f, ok := pcapw.FormatOf(path); ok {
		return f, nil
	}
	return 0, fmt.Errorf("cannot tell the capture format from %q: name it .pcap or .pcapng, or give -f pcap|pcapng", filepath.Base(path))
}

// truthPath is the truth file beside a capture: water.pcapng → water.truth.json.
func truthPath(capture string) string {
	ext := filepath.Ext(capture)
	return strings.TrimSuffix(capture, ext) + ".truth.json"
}

// parseSize reads sizes such as 1GB (10^9 bytes), 2GiB (2^31), 500MB, 64KiB or 1000.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	units := []struct {
		suffix string
		mult   int64
	}{
		{"TIB", 1 << 40}, {"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10},
		{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3},
		{"T", 1e12}, {"G", 1e9}, {"M", 1e6}, {"K", 1e3}, {"B", 1},
	}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v > 0) { // also rejects NaN
		return 0, fmt.Errorf("%q is not a size (use such as 500MB, 1GB or 2GiB)", s)
	}
	n := v * float64(mult)
	if n > 1<<50 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	if n < 1 {
		return 0, fmt.Errorf("%q is less than a byte", s)
	}
	return int64(n), nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}

func progressPrinter(w io.Writer) func(float64) {
	began := time.Now()
	return func(p float64) {
		fmt.Fprintf(w, "\rsimulating: %3.0f%%  %s", p*100, time.Since(began).Round(time.Second))
	}
}
