package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/alert/sink"
	"github.com/zonewarden/zonewarden/internal/capture/live"
	"github.com/zonewarden/zonewarden/internal/detect"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/observe"
)

func init() { commands = append(commands, newDetectCmd) }

type detectFlags struct {
	format, iface, filter        string
	syslog, syslogMin            string
	webhook, webhookMin, hookCA  string
	cef, learn, baseline, failOn string
	out                          string
	minSeverity                  string
	duration                     time.Duration
	workers                      int
}

func newDetectCmd() *cobra.Command {
	var fl detectFlags
	cmd := &cobra.Command{
		Use:   "detect [MODEL.yaml] CAPTURE...|--iface IF",
		Short: "Alerts on risky OT operations (writes, program downloads, mode changes, restarts, scans)",
		Long: `detect reads captures or a live interface and raises alerts on risky OT
operations: Modbus writes and diagnostics, S7 STOP/start, block transfers and PI
services, CIP reset/stop/start and program or firmware transfer, DNP3 restarts,
controls and file operations, IEC 104 commands, BACnet DCC/reinitialize/write,
IEC 61850 MMS writes, program control and domain transfers, GOOSE publications
flagged as simulation, PROFINET DCP Set, identification sweeps and scans. Each
alert carries MITRE ATT&CK for ICS technique ids. With a plant model (a first
argument ending in .yaml or .yml) alerts name assets and zones and are ranked by
what the conduits allow. A CAPTURE of - reads standard input. See docs/detect.md.

-o FILE is written whole or not at all: it appears when the run ends (a live run:
when it is stopped) and not when the captures cannot be read, the run is
interrupted or a write fails. To follow alerts as they come, use standard output
or --cef FILE, which appends each alert as it is raised.

Exit status: 0; 1 when an alert reaches --fail-on; 2 on a usage or read error;
3 when alerts were lost: a destination (-o, --cef, syslog, webhook) did not take
every alert meant for it, said on standard error with how many.`,
		Example: `  zonewarden detect capture.pcapng
  zonewarden detect plant.yaml capture.pcapng -f jsonl -o alerts.jsonl
  zonewarden detect plant.yaml --iface eth1 --syslog tls://127.0.0.1:6514 --webhook https://siem.example/hook
  zonewarden detect --learn baseline.json normal.pcapng
  zonewarden detect --baseline baseline.json plant.yaml new.pcapng`,
		RunE: func(cmd *cobra.Command, args []string) error { return runDetect(cmd, args, &fl) },
	}
	f := cmd.Flags()
	f.StringVarP(&fl.format, "format", "f", "table", "output format: table, jsonl, cef, none")
	f.StringVarP(&fl.out, "output", "o", "", "write the alerts to this file (replaced whole when the run ends) instead of standard output")
	f.StringVar(&fl.iface, "iface", "", "capture live on this interface (Linux) instead of reading files")
	f.StringVar(&fl.filter, "filter", "", "capture filter for --iface, in pcap-filter syntax")
	f.DurationVar(&fl.duration, "duration", 0, "stop a live capture after this long")
	f.StringVar(&fl.syslog, "syslog", "", "also send alerts to a syslog receiver: udp://, tcp:// or tls://host[:port]")
	f.StringVar(&fl.syslogMin, "syslog-min", "low", "least severe alert sent to syslog")
	f.StringVar(&fl.webhook, "webhook", "", "also POST alerts as JSON to this http(s) URL")
	f.StringVar(&fl.webhookMin, "webhook-min", "medium", "least severe alert sent to the webhook")
	f.StringVar(&fl.hookCA, "webhook-ca", "", "PEM file of the CA that signed the webhook's certificate")
	f.StringVar(&fl.cef, "cef", "", "also append alerts in CEF to this file")
	f.StringVar(&fl.learn, "learn", "", "record the traffic's talkers, operations and devices as a baseline in this JSON file")
	f.StringVar(&fl.baseline, "baseline", "", "alert on talkers, operations and devices this baseline file lacks")
	f.StringVar(&fl.failOn, "fail-on", "none", "exit 1 when an alert is at least this severe (info, low, medium, high, critical, none)")
	f.StringVar(&fl.minSeverity, "min-severity", "info", "drop alerts below this severity")
	f.IntVar(&fl.workers, "workers", 0, "goroutines that process packets (default: one per CPU)")
	addModelFlags(cmd)
	return cmd
}

func runDetect(cmd *cobra.Command, args []string, fl *detectFlags) error {
	if err := checkFailOn(fl.failOn); err != nil {
		return err
	}
	minSev, err := finding.ParseSeverity(fl.minSeverity)
	if err != nil {
		return usageErr(fmt.Errorf("--min-severity: %w", err))
	}
	var m *model.Model
	var inputs []string
	if len(args) > 0 && (strings.HasSuffix(args[0], ".yaml") || strings.HasSuffix(args[0], ".yml")) {
		if m, err = loadModelFor(cmd, args[0]); err != nil {
			return err
		}
		args = args[1:]
		inputs = m.Files
	}
	switch {
	case fl.iface == "" && len(args) == 0:
		return usageErr(errors.New("give the capture files to read, or --iface to capture live"))
	case fl.iface != "" && len(args) > 0:
		return usageErr(errors.New("give either capture files or --iface, not both"))
	}
	if err := checkOutputs([]outputFlag{{"-o", fl.out}, {"--cef", fl.cef}, {"--learn", fl.learn}},
		append(append(slices.Clone(inputs), fl.baseline), args...)...); err != nil {
		return err
	}
	opt := detect.Options{Model: m, Files: args, Immediate: fl.iface != "", MinSeverity: minSev}
	if fl.baseline != "" {
		b, err := readInput("--baseline", fl.baseline, maxBaselineFile)
		if err != nil {
			return err
		}
		opt.Baseline, err = detect.ReadBaseline(bytes.NewReader(b))
		if err != nil {
			return usageErr(fmt.Errorf("%s: %w", fl.baseline, err))
		}
	}
	if fl.learn != "" {
		opt.Learn = detect.NewBaseline()
		opt.Learn.Sources = args
	}
	ctx := cmdContext(cmd)
	// A signal ends a live capture normally, and its outputs are written after it; it
	// abandons a file run and its outputs.
	outCtx := ctx
	if fl.iface != "" {
		outCtx = context.WithoutCancel(ctx)
	}
	router, out, err := detectRouter(cmd, outCtx, fl)
	if err != nil {
		return err
	}
	defer out.abort() // unless committed below
	worst := finding.Severity(-1)
	d := detect.New(opt, func(a *alert.Alert) {
		worst = max(worst, a.Severity)
		router.Send(a)
	})
	runOpt := observe.Options{Workers: fl.workers, Stdin: cmd.InOrStdin(), FileEnd: fileWarnings(cmd.ErrOrStderr())}
	var runErr error
	complete := true // the outputs hold what the inputs hold, and may be written
	if fl.iface != "" {
		if fl.duration > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, fl.duration)
			defer cancel()
		}
		src, err := live.Open(ctx, fl.iface, fl.filter)
		if err != nil {
			return usageErr(err)
		}
		defer src.Close()
		if err := d.RunSource(ctx, src, "live:"+fl.iface, runOpt); err != nil && ctx.Err() == nil {
			runErr = err
		}
	} else if err := checkStdinOnce(args); err != nil {
		return err
	} else if errs := d.RunFiles(ctx, args, runOpt); len(errs) > 0 {
		runErr = fileErrors(errs, len(args))
		// Whole or nothing: no alert file or baseline when no capture could be read or
		// the run was interrupted (a baseline that missed traffic would alert on it).
		complete = len(errs) < len(args) && ctx.Err() == nil
	}
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	closeErr := router.Close(cctx)
	stats := router.Stats()
	lostErr := lostAlerts(stats, closeErr)
	if out != nil {
		// The -o sink is the first; the file is written only when it took every alert.
		if !complete || stats[0].Lost() > 0 {
			out.abort()
			if complete {
				fmt.Fprintf(cmd.ErrOrStderr(), "zonewarden: %s not written: it would lack alerts\n", fl.out)
			}
		} else if err := out.commit(nil); err != nil {
			lostErr = errors.Join(lostErr, err)
		}
	}
	if opt.Learn != nil && complete {
		if err := writeFile(outCtx, fl.learn, opt.Learn.Write); err != nil {
			if runErr != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "zonewarden:", err)
			} else {
				return err
			}
		}
	}
	if runErr != nil {
		if lostErr != nil {
			fmt.Fprintln(cmd.ErrOrStderr(), "zonewarden:", lostErr)
		}
		if !complete && fl.out != "" && fl.out != "-" {
			runErr = fmt.Errorf("%w\n%s not written", runErr, fl.out)
		}
		return usageErr(runErr)
	}
	if lostErr != nil {
		return outputErr(lostErr)
	}
	if fl.failOn != "none" && fl.failOn != "" {
		t, _ := finding.ParseSeverity(fl.failOn)
		if worst >= t {
			return errFindings
		}
	}
	return nil
}

// lostAlerts says, sink by sink, how many alerts a destination did not take, or returns
// nil when every one got all alerts meant for it. closeErr adds what closing reported
// beyond the counts (a file that failed to close).
func lostAlerts(stats []sink.Stats, closeErr error) error {
	var b strings.Builder
	var total uint64
	for _, st := range stats {
		if st.Lost() == 0 {
			continue
		}
		total += st.Lost()
		fmt.Fprintf(&b, "\n  %s: %d of %d alerts not delivered (%d dropped, %d failed; last error: %s)",
			st.Name, st.Lost(), st.Offered-st.Filtered, st.Dropped, st.Failed, orNone(st.LastError))
	}
	if total == 0 {
		if closeErr != nil {
			return fmt.Errorf("closing alert destinations: %w", closeErr)
		}
		return nil
	}
	return fmt.Errorf("alerts lost:%s", b.String())
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// detectRouter builds the alert sinks the flags ask for. out is the -o file (nil for
// standard output), written whole or not at all; the caller commits or aborts it.
func detectRouter(cmd *cobra.Command, outCtx context.Context, fl *detectFlags) (*sink.Router, *output, error) {
	var sinks []*sink.Sink
	var header []byte
	var format sink.Format
	switch fl.format {
	case "table":
		format, header = sink.Table, alert.AppendTableHeader(nil)
	case "jsonl":
		format = sink.JSONLines
	case "cef":
		format = sink.CEF(alert.CEFOptions{})
	case "none":
	default:
		return nil, nil, usageErr(fmt.Errorf("unknown format %q: use table, jsonl, cef or none", fl.format))
	}
	var out *output
	router, err := func() (*sink.Router, error) {
		if format != nil {
			// The command's own output gets a deep queue.
			if fl.out == "" || fl.out == "-" {
				sinks = append(sinks, sink.New(sink.NewWriter(cmd.OutOrStdout(), format, header),
					sink.Options{Name: "stdout", QueueSize: 1 << 16}))
			} else {
				o, err := openFileOutput(outCtx, fl.out)
				if err != nil {
					return nil, err
				}
				out = o
				sinks = append(sinks, sink.New(sink.NewWriter(o.w, format, header), sink.Options{Name: fl.out, QueueSize: 1 << 16}))
			}
		} else if fl.out != "" {
			return nil, usageErr(errors.New("-o has nothing to write with -f none"))
		}
		if fl.cef != "" {
			w, err := sink.OpenFile(fl.cef, sink.CEF(alert.CEFOptions{}))
			if err != nil {
				return nil, usageErr(err)
			}
			sinks = append(sinks, sink.New(w, sink.Options{Name: "cef " + fl.cef}))
		}
		if fl.syslog != "" {
			sev, err := finding.ParseSeverity(fl.syslogMin)
			if err != nil {
				return nil, usageErr(fmt.Errorf("--syslog-min: %w", err))
			}
			network, addr, err := sink.ParseSyslogURL(fl.syslog)
			if err != nil {
				return nil, usageErr(err)
			}
			s, err := sink.NewSyslog(sink.SyslogConfig{Network: network, Addr: addr})
			if err != nil {
				return nil, usageErr(err)
			}
			sinks = append(sinks, sink.New(s, sink.Options{Name: "syslog " + fl.syslog, MinSeverity: sev}))
		}
		if fl.webhook != "" {
			sev, err := finding.ParseSeverity(fl.webhookMin)
			if err != nil {
				return nil, usageErr(fmt.Errorf("--webhook-min: %w", err))
			}
			cfg := sink.WebhookConfig{URL: fl.webhook}
			if fl.hookCA != "" {
				pool, err := sink.LoadCAFile(fl.hookCA)
				if err != nil {
					return nil, usageErr(err)
				}
				cfg.TLS = tlsWithRoots(pool)
			}
			h, err := sink.NewWebhook(cfg)
			if err != nil {
				return nil, usageErr(err)
			}
			sinks = append(sinks, sink.New(h, sink.Options{Name: "webhook " + sink.RedactURL(fl.webhook), MinSeverity: sev}))
		}
		return sink.NewRouter(sinks...), nil
	}()
	if err != nil {
		if out != nil {
			out.abort()
		}
		return nil, nil, err
	}
	return router, out, nil
}

func tlsWithRoots(pool *x509.CertPool) *tls.Config {
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}
