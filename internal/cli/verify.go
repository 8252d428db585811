package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/verify"
	"github.com/zonewarden/zonewarden/internal/verify/render"
)

func init() { commands = append(commands, newVerifyCmd) }

type verifyFlags struct {
	format, out, failOn string
	inventory           string
	rules, rulesFormat  string
	workers, maxFlows   int
	silent              bool
}

func newVerifyCmd() *cobra.Command {
	var fl verifyFlags
	cmd := &cobra.Command{
		Use:   "verify MODEL.yaml [CAPTURE...]",
		Short: "Hold the model against observed traffic: unknown devices, flows no conduit allows, forbidden operations",
		Long: `verify discovers the devices and conversations in packet captures (as discover
does) and holds them against the plant model:

  - devices not in the model, with the zone their address or VLAN falls in;
  - devices seen in another zone than the model gives them;
  - declared devices never seen while the capture ran;
  - identity drift: vendor, model, firmware or serial not what the model says;
  - every conversation between zones matched to the conduit rule that allows it
    (conduit and allow index), or a violation: no conduit between the zones; the
    conduit does not allow the protocol, port or direction; an operation class the
    rule does not allow (a Modbus write over a read-only rule) or the sender's kind
    may not carry out (a program download from an HMI); Purdue levels skipped;
  - cleartext protocols crossing a boundary whose target security level calls for
    integrity or confidentiality protection (SR 3.1 RE 1, SR 4.1 RE 1, SR 4.1 RE 2);
  - countermeasure claims the traffic refutes (SR 5.2 RE 1 deny by default, SR 7.8
    inventory); assess --capture lowers SL-A for them.

--rules replays a ruleset (nftables or iptables-restore, as zonewarden rules writes
them) against the conversations across zones: which it would block, with their
packets, which rule passes each, and where it and the model disagree (it blocks what
a conduit allows, or passes what none does, or can only stop it with deep packet
inspection).

Each finding carries its evidence: the conversation, the capture file and number of
its first packet, the packet count and the time. Conversations inside a zone are
allowed. Formats: table (default), json (docs/schemas/verification.schema.json), md.
--inventory reads an inventory written by discover -f json instead of captures; a
capture of - reads standard input.`,
		Example: `  zonewarden verify plant.yaml capture.pcapng
  zonewarden verify plant.yaml site-a.pcap site-b.pcapng -f json -o verification.json
  zonewarden verify plant.yaml capture.pcapng --fail-on high     # exit 1 on high or critical findings
  zonewarden rules plant.yaml -o boundary.nft && zonewarden verify plant.yaml capture.pcapng --rules boundary.nft
  zonewarden discover -f json -o inv.json capture.pcapng && zonewarden verify plant.yaml --inventory inv.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runVerify(cmd, args, &fl) },
	}
	f := cmd.Flags()
	f.StringVarP(&fl.format, "format", "f", "table", "output format: "+strings.Join(render.Formats, ", "))
	f.StringVarP(&fl.out, "output", "o", "", "write to this file instead of standard output")
	f.StringVar(&fl.failOn, "fail-on", "none", "exit 1 when a finding has this severity or worse: "+fmt.Sprint(finding.Names())+" or none")
	f.StringVar(&fl.inventory, "inventory", "", "read this inventory (discover -f json) instead of captures")
	f.StringVar(&fl.rules, "rules", "", "replay this firewall ruleset (nftables or iptables-restore) against the traffic")
	f.StringVar(&fl.rulesFormat, "rules-format", "", "the ruleset's format, nftables or iptables (default: from its content)")
	f.IntVar(&fl.workers, "workers", 0, "goroutines that process packets (default: one per CPU)")
	f.IntVar(&fl.maxFlows, "max-flows", 0, "connections tracked at once per worker; bounds memory (default 65536)")
	f.BoolVar(&fl.silent, "no-progress", false, "never show the progress bar")
	addModelFlags(cmd)
	return cmd
}

func runVerify(cmd *cobra.Command, args []string, fl *verifyFlags) error {
	if !slices.Contains(render.Formats, fl.format) {
		return usageErr(fmt.Errorf("unknown format %q: use one of %s", fl.format, strings.Join(render.Formats, ", ")))
	}
	if err := checkFailOn(fl.failOn); err != nil {
		return err
	}
	captures := args[1:]
	switch {
	case fl.inventory == "" && len(captures) == 0:
		return usageErr(errors.New("give the capture files to verify against (or --inventory FILE)"))
	case fl.inventory != "" && len(captures) > 0:
		return usageErr(errors.New("give either capture files or --inventory, not both"))
	case fl.workers < 0 || fl.maxFlows < 0:
		return usageErr(errors.New("--workers and --max-flows must not be negative"))
	}
	if fl.rulesFormat != "" && fl.rulesFormat != "nftables" && fl.rulesFormat != "iptables" {
		return usageErr(fmt.Errorf("--rules-format %q: use nftables or iptables", fl.rulesFormat))
	}
	m, err := loadModelFor(cmd, args[0])
	if err != nil {
		return err
	}
	if err := checkOutputs([]outputFlag{{"-o", fl.out}}, append(append(slices.Clone(m.Files), fl.inventory, fl.rules), captures...)...); err != nil {
		return err
	}
	if err := verify.Check(m); err != nil {
		return usageErr(fmt.Errorf("%s: %w", args[0], err))
	}
	opts := verify.Options{}
	if fl.rules != "" {
		b, err := readInput("--rules", fl.rules, maxRulesetFile)
		if err != nil {
			return err
		}
		opts.Ruleset, err = verify.ParseRuleset(bytes.NewReader(b), fl.rules, fl.rulesFormat)
		if err != nil {
			return usageErr(err)
		}
	}
	inv, runErr, err := observeFor(cmd, captures, fl.inventory, fl.workers, fl.maxFlows, fl.silent)
	if err != nil {
		return err
	}
	res := verify.Verify(m, inv, opts)
	if ctx := cmdContext(cmd); ctx.Err() != nil {
		return interrupted(ctx)
	}
	o, err := openOutput(cmd, fl.out)
	if err != nil {
		return err
	}
	if err := o.commit(render.Write(o.w, res, fl.format)); err != nil {
		return err
	}
	if runErr != nil {
		return usageErr(runErr)
	}
	return failOn(fl.failOn, res.PlainFindings())
}

// observeFor discovers the inventory of captures, or reads one discover wrote. runErr
// names the captures that could not be read (the inventory holds the others); err is a
// failure that leaves nothing to verify.
func observeFor(cmd *cobra.Command, captures []string, invPath string, workers, maxFlows int, silent bool) (inv *inventory.Inventory, runErr, err error) {
	if invPath != "" {
		b, err := readInput("--inventory", invPath, maxInventoryFile)
		if err != nil {
			return nil, nil, err
		}
		inv = &inventory.Inventory{}
		if err := json.Unmarshal(b, inv); err != nil {
			return nil, nil, usageErr(fmt.Errorf("%s: not an inventory written by discover -f json: %w", invPath, err))
		}
		if inv.SchemaVersion != inventory.SchemaVersion {
			return nil, nil, usageErr(fmt.Errorf("%s: inventory schema_version %d, this build reads %d", invPath, inv.SchemaVersion, inventory.SchemaVersion))
		}
		printWarnings(cmd.ErrOrStderr(), inv.Warnings)
		return inv, nil, nil
	}
	opt := discover.Options{Run: observe.Options{Workers: workers, Config: observe.Config{Table: decode.Config{MaxFlows: maxFlows}},
		Progress: &observe.Progress{}}}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if err := checkStdinOnce(captures); err != nil {
		return nil, nil, err
	}
	opt.Run.Stdin = cmd.InOrStdin()
	stderr := cmd.ErrOrStderr()
	stop := startProgress(stderr, !silent && isTerminal(stderr), captureBytes(captures), opt.Run.Progress)
	inv, errs := discover.FromFiles(ctx, captures, opt)
	stop()
	printWarnings(stderr, inv.Warnings)
	if len(errs) > 0 {
		runErr = fileErrors(errs, len(captures))
		if len(errs) == len(captures) && ctx.Err() == nil {
			msgs := make([]string, len(errs))
			for i, e := range errs {
				msgs[i] = e.Error()
			}
			return nil, nil, usageErr(fmt.Errorf("no capture could be read, nothing to verify:\n  %s", strings.Join(msgs, "\n  ")))
		}
	}
	return inv, runErr, nil
}
