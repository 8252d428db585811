package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/capture/live"
	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/inventory/render"
	"github.com/zonewarden/zonewarden/internal/observe"
)

func init() { commands = append(commands, newDiscoverCmd) }

type discoverFlags struct {
	format, out      string
	iface, filter    string
	duration         time.Duration
	workers          int
	maxFlows         int
	progress, silent bool
}

func newDiscoverCmd() *cobra.Command {
	var fl discoverFlags
	cmd := &cobra.Command{
		Use:   "discover [FILE...]",
		Short: "Passive asset inventory from captures or a live interface",
		Long: `discover reads packet captures (pcap, pcapng, gzip-compressed or not) or a live
interface and writes the inventory of the devices on the network and their
conversations: each device's addresses, MAC vendor, identity as its protocols
state it (vendor, model, firmware, serial, name: Modbus 43/14, EtherNet/IP
ListIdentity, S7 SZL, IEC 61850 MMS Identify, GetNameList and GOOSE, BACnet
I-Am and device properties, OPC UA application descriptions, PROFINET DCP,
DNP3 and IEC 104 station addresses), its role (controller, HMI/SCADA,
engineering workstation, historian, network device, IT host) and Purdue level
with the evidence, and each conversation's packets, bytes and operations by
class.

Nothing is sent: discovery is passive. A file that is not a capture, or of
which no packet can be read, is reported and the others are still read (exit
status 2 at the end). A capture truncated or corrupt after some packets is read
up to there, and a warning names the file, the packet and its byte offset; so
does one for packets stamped before 1990 or in the future. A FILE of - reads a
capture from standard input. A progress bar is shown on standard error when it
is a terminal.

Live capture (--iface) uses a Linux AF_PACKET socket and needs CAP_NET_RAW and
CAP_NET_ADMIN (root, or setcap cap_net_raw,cap_net_admin+ep on the binary); it runs
until interrupted (Ctrl-C) or for --duration, then writes the inventory.`,
		Example: `  zonewarden discover site-a.pcapng site-b.pcap.gz
  zonewarden discover -f json -o inventory.json capture.pcapng
  zonewarden discover -f cyclonedx capture.pcapng > devices.cdx.json
  zonewarden discover -f html -o inventory.html capture.pcapng
  tcpdump -i eth1 -w - -c 100000 | zonewarden discover -
  zonewarden discover --iface eth1 --filter 'not port 22' --duration 10m`,
		RunE: func(cmd *cobra.Command, args []string) error { return runDiscover(cmd, args, &fl) },
	}
	f := cmd.Flags()
	f.StringVarP(&fl.format, "format", "f", "table", "output format: "+strings.Join(render.Formats, ", "))
	f.StringVarP(&fl.out, "output", "o", "", "write to this file instead of standard output")
	f.StringVar(&fl.iface, "iface", "", "capture live on this network interface (Linux) instead of reading files")
	f.StringVar(&fl.filter, "filter", "", "capture filter for --iface, in pcap-filter syntax ('not port 22', 'tcp port 502 or udp port 47808')")
	f.DurationVar(&fl.duration, "duration", 0, "stop a live capture after this long (default: until interrupted)")
	f.IntVar(&fl.workers, "workers", 0, "goroutines that process packets (default: one per CPU)")
	f.IntVar(&fl.maxFlows, "max-flows", 0, "connections tracked at once per worker; bounds memory (default 65536)")
	f.BoolVar(&fl.silent, "no-progress", false, "never show the progress bar")
	return cmd
}

func runDiscover(cmd *cobra.Command, args []string, fl *discoverFlags) error {
	if !slices.Contains(render.Formats, fl.format) {
		return usageErr(fmt.Errorf("unknown format %q: use one of %s", fl.format, strings.Join(render.Formats, ", ")))
	}
	switch {
	case fl.iface == "" && len(args) == 0:
		return usageErr(errors.New("give the capture files to read, or --iface to capture live"))
	case fl.iface != "" && len(args) > 0:
		return usageErr(errors.New("give either capture files or --iface, not both"))
	case fl.iface == "" && (fl.filter != "" || fl.duration != 0):
		return usageErr(errors.New("--filter and --duration apply to live capture (--iface)"))
	case fl.workers < 0 || fl.maxFlows < 0:
		return usageErr(errors.New("--workers and --max-flows must not be negative"))
	}
	if err := checkOutputs([]outputFlag{{"-o", fl.out}}, args...); err != nil {
		return err
	}
	opt := discover.Options{Run: observe.Options{Workers: fl.workers, Config: observe.Config{Table: decode.Config{MaxFlows: fl.maxFlows}},
		Progress: &observe.Progress{}}}
	stderr := cmd.ErrOrStderr()
	showProgress := !fl.silent && isTerminal(stderr)
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	var inv *inventory.Inventory
	var runErr error
	outCtx := ctx // a signal abandons the output file of a file run
	if fl.iface != "" {
		// A live capture ends with a signal (or --duration): that is its normal end, and
		// the inventory is written after it.
		outCtx = context.WithoutCancel(ctx)
		if _, err := live.CompileFilter(fl.filter); err != nil {
			return usageErr(err)
		}
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
		stop := startProgress(stderr, showProgress, -1, opt.Run.Progress)
		inv, err = discover.FromSource(ctx, src, "live:"+fl.iface, opt)
		stop()
		if err != nil {
			runErr = err
		}
	} else {
		if err := checkStdinOnce(args); err != nil {
			return err
		}
		opt.Run.Stdin = cmd.InOrStdin()
		stop := startProgress(stderr, showProgress, captureBytes(args), opt.Run.Progress)
		var errs []error
		inv, errs = discover.FromFiles(ctx, args, opt)
		stop()
		printWarnings(stderr, inv.Warnings)
		if len(errs) > 0 {
			runErr = fileErrors(errs, len(args))
			// Whole or nothing: no file when nothing could be read or the run was
			// interrupted; standard output still gets what was read.
			if fl.out != "" && fl.out != "-" && (len(errs) == len(args) || ctx.Err() != nil) {
				return usageErr(fmt.Errorf("%w\n%s not written", runErr, fl.out))
			}
		}
	}
	var o *output
	var err error
	if fl.out == "" || fl.out == "-" {
		o, err = openOutput(cmd, fl.out)
	} else {
		o, err = openFileOutput(outCtx, fl.out)
	}
	if err != nil {
		return err
	}
	if err := o.commit(render.Write(o.w, inv, fl.format)); err != nil {
		return err
	}
	if runErr != nil {
		return usageErr(runErr)
	}
	return nil
}

// fileErrors says which files could not be read; the inventory holds the rest.
func fileErrors(errs []error, files int) error {
	var msgs []string
	var cancelled bool
	for _, err := range errs {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			cancelled = true
			continue
		}
		msgs = append(msgs, err.Error())
	}
	var b strings.Builder
	switch {
	case len(msgs) > 0 && len(msgs) == files:
		fmt.Fprintf(&b, "no capture could be read:\n  %s", strings.Join(msgs, "\n  "))
	case len(msgs) > 0:
		fmt.Fprintf(&b, "%d of %d files could not be read (the results hold the others):\n  %s", len(msgs), files, strings.Join(msgs, "\n  "))
	}
	if cancelled {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("interrupted: the inventory holds what was read before")
	}
	return errors.New(b.String())
}

// startProgress shows a progress bar on w while a run goes on: bytes of total read
// (total < 0: a live capture, shown as a counter), packets and packets per second, and
// the time left. The returned function stops it.
func startProgress(w io.Writer, show bool, total int64, prog *observe.Progress) (stop func()) {
	if !show {
		return func() {}
	}
	bar := progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionShowBytes(total >= 0),
		progressbar.OptionSetPredictTime(total >= 0), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish(), progressbar.OptionSetDescription("reading"),
		progressbar.OptionShowDescriptionAtLineEnd())
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		start, lastPkts, last := time.Now(), uint64(0), time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				pkts := prog.Packets.Load()
				rate := float64(pkts-lastPkts) / now.Sub(last).Seconds()
				lastPkts, last = pkts, now
				bar.Describe(fmt.Sprintf("%s packets, %s packets/s, %s", humanCount(pkts), humanCount(uint64(rate)),
					time.Since(start).Round(time.Second)))
				if total >= 0 {
					bar.Set64(int64(prog.Bytes.Load()))
				} else {
					bar.Set64(int64(pkts))
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		bar.Finish()
		fmt.Fprint(w, "\r\033[K")
	}
}

func humanCount(n uint64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
