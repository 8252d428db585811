package detect

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/policy"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// Options configures a Detector.
type Options struct {
	// Model, when set, names assets and zones and ranks alerts by what its conduits allow.
	Model *model.Model
	// Files are the capture names, by the index observe's Provenance carries.
	Files []string
	// Immediate emits an alert at the first operation of its kind (live capture), and
	// a summary with the repeat count at Flush; otherwise every alert is emitted at Flush,
	// once per kind with its count, in time order.
	Immediate bool
	// Learn records a baseline instead of... as well as raising alerts; see Baseline.
	Learn *Baseline
	// Baseline, when set, raises alerts for what it does not hold.
	Baseline *Baseline
	// MinSeverity: alerts below it are dropped (counted in Stats.Below).
	MinSeverity finding.Severity
}

// Limits that keep the detector's memory bounded whatever the traffic.
const (
	// MaxGroups bounds the alert groups held for aggregation; beyond it alerts are
	// emitted one by one.
	MaxGroups = 16384
	// MaxGroupPackets bounds the packet numbers kept per alert group (the count goes on).
	MaxGroupPackets = 32
	// MaxScanSources bounds the sources watched for scans.
	MaxScanSources = 4096
	// ScanThreshold is how many distinct unanswered targets (hosts, or ports of one
	// host) make a scan.
	ScanThreshold = 16
	// MaxUnknownDevices bounds the devices reported as unknown to the model.
	MaxUnknownDevices = 4096
)

// Stats counts what a detector did.
type Stats struct {
	Operations uint64 // operations judged
	Alerts     uint64 // alerts emitted
	Aggregated uint64 // repeats folded into an earlier alert
	Below      uint64 // alerts under MinSeverity
	Overflow   uint64 // alerts emitted without aggregation because MaxGroups was reached
}

type groupKey struct {
	rule     *Rule
	src, dst netip.Addr
	srcMAC   [6]byte
	code     uint32
}

type group struct {
	a       *alert.Alert
	count   uint64
	targets []netip.Addr // distinct destinations of a per-source rule (bounded)
	emitted bool
	seq     int
}

// Detector turns observations into alerts. Its methods are safe for concurrent use:
// the per-worker sinks NewSink returns share it.
type Detector struct {
	opt  Options
	pol  *policy.Policy // nil without a model
	emit func(*alert.Alert)

	mu       sync.Mutex
	groups   map[groupKey]*group
	seq      int
	stats    Stats
	scans    map[netip.Addr]*scanState
	unknown  map[netip.Addr]bool
	baseSeen map[string]bool // baseline alerts already raised
}

type scanState struct {
	hosts    []netip.Addr
	ports    []netip.AddrPort
	hostsHit bool
	portsHit bool
}

// New returns a detector handing its alerts to emit (called with the detector's lock
// held, one alert at a time; the alert is the callee's to keep).
func New(opt Options, emit func(*alert.Alert)) *Detector {
	var pol *policy.Policy
	if opt.Model != nil {
		pol = policy.Compile(opt.Model)
	}
	return &Detector{opt: opt, pol: pol, emit: emit, groups: make(map[groupKey]*group),
		scans: make(map[netip.Addr]*scanState), unknown: make(map[netip.Addr]bool), baseSeen: make(map[string]bool)}
}

// Stats returns the counts so far.
func (d *Detector) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// NewSink returns an observe.Sink (and OpSink) for one worker.
func (d *Detector) NewSink() observe.Sink { return &workerSink{d: d} }

// verdictCacheSize is the number of slots of a worker's cache of model verdicts, so
// that the model is consulted once per pair of ends and kind of operation.
const verdictCacheSize = 1024

type verdictEntry struct {
	src, dst netip.Addr
	app      observe.App
	code     uint32
	class    protocols.OpClass
	used     bool
	verdict  policy.Verdict
}

type workerSink struct {
	d     *Detector
	cache [verdictCacheSize]verdictEntry
}

func (w *workerSink) Identity(*observe.Identity) {}
func (w *workerSink) Source(*observe.Source)     {}

// Operation judges one operation: the hot path. An operation that no rule names and
// that the model does not forbid costs a switch and, with a model, a cache probe.
func (w *workerSink) Operation(op *observe.Operation) {
	rule := match(op)
	if w.d.pol != nil && op.Class != protocols.OpNone && op.FromClient {
		if w.verdict(op) == policy.Forbidden && rule == nil {
			rule = ruleForbiddenFlow
			if op.Class == protocols.OpRead || op.Class == protocols.OpDiagnostics {
				rule = ruleForbiddenRead
			}
		}
	}
	if rule == nil {
		return
	}
	w.d.raise(rule, op)
}

func (w *workerSink) verdict(op *observe.Operation) policy.Verdict {
	a, b := op.Src.IP.As16(), op.Dst.IP.As16()
	h := uint32(a[12])<<24 | uint32(a[13])<<16 | uint32(a[14])<<8 | uint32(a[15])
	h ^= (uint32(b[12])<<24 | uint32(b[13])<<16 | uint32(b[14])<<8 | uint32(b[15])) * 0x85ebca6b
	h ^= uint32(op.App)<<3 ^ uint32(op.Class) ^ op.Code*0xcc9e2d51
	h *= 0x9e3779b1
	e := &w.cache[h>>(32-10)]
	if e.used && e.src == op.Src.IP && e.dst == op.Dst.IP && e.app == op.App && e.code == op.Code && e.class == op.Class {
		return e.verdict
	}
	j := w.d.judge(op, w.d.locateEnd(op.Src), w.d.locateEnd(op.Dst))
	*e = verdictEntry{src: op.Src.IP, dst: op.Dst.IP, app: op.App, code: op.Code, class: op.Class, used: true, verdict: j.dec.Verdict}
	return j.dec.Verdict
}

// raise counts an operation into its alert group, making the alert at the first one.
func (d *Detector) raise(rule *Rule, op *observe.Operation) {
	key := groupKey{rule: rule, src: op.Src.IP, dst: op.Dst.IP, code: op.Code}
	if !op.Src.IP.IsValid() {
		key.srcMAC = op.Src.MAC
	}
	switch {
	case rule.PerSource:
		key.dst, key.code = netip.Addr{}, 0
	case rule.PerPair:
		key.code = 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stats.Operations++
	if g := d.groups[key]; g != nil {
		if rule.PerSource && d.pol != nil && g.a.Allowed != alert.VerdictForbidden {
			d.escalate(g, rule, op)
		}
		if !d.opt.Immediate && !g.emitted && op.At.Time < g.a.Time.UnixNano() {
			// Workers judge flows in no set order: the alert names the group's earliest
			// operation whichever worker saw it first.
			a := d.newAlert(rule, op)
			a.Packets = append(a.Packets, g.a.Packets[:min(len(g.a.Packets), MaxGroupPackets-1)]...)
			g.a = a
			d.repeat(g, 0, op.At.Time, op.Dst.IP)
			return
		}
		d.repeat(g, op.At.Packet, op.At.Time, op.Dst.IP)
		return
	}
	a := d.newAlert(rule, op)
	d.open(key, a, op.Dst.IP)
}

// escalate judges a later operation of a sweep (aggregated by source): when the model
// forbids it although it allowed the first, the alert becomes the forbidden one's, so
// that a sweep is not reported as allowed because its first target was.
func (d *Detector) escalate(g *group, rule *Rule, op *observe.Operation) {
	src, dst := d.locateEnd(op.Src), d.locateEnd(op.Dst)
	j := d.judge(op, src, dst)
	if j.dec.Verdict != policy.Forbidden {
		return
	}
	a := g.a
	a.Allowed, a.Conduit = alert.VerdictForbidden, d.pol.ConduitID(&j.dec)
	a.Dst = d.endpoint(op.Dst, op.DstPort, dst)
	a.Severity = max(a.Severity, d.rank(rule.Severity, op.Class, &j, src))
	a.Title = title(rule.Title, a, d.why(&j))
}

func (d *Detector) repeat(g *group, packet uint64, t int64, dst netip.Addr) {
	g.count++
	d.stats.Aggregated++
	if len(g.a.Packets) < MaxGroupPackets && packet != 0 {
		g.a.Packets = append(g.a.Packets, packet)
	}
	if dst.IsValid() && len(g.targets) < 256 && !slices.Contains(g.targets, dst) {
		g.targets = append(g.targets, dst)
	}
	_ = t
}

// open starts an alert group (or, past MaxGroups, emits the alert at once).
func (d *Detector) open(key groupKey, a *alert.Alert, dst netip.Addr) {
	if a.Severity < d.opt.MinSeverity {
		d.stats.Below++
		return
	}
	if len(d.groups) >= MaxGroups {
		d.stats.Overflow++
		d.send(a)
		return
	}
	d.seq++
	g := &group{a: a, count: 1, seq: d.seq}
	if dst.IsValid() {
		g.targets = append(g.targets, dst)
	}
	d.groups[key] = g
	if d.opt.Immediate {
		g.emitted = true
		d.send(a.Clone())
	}
}

func (d *Detector) send(a *alert.Alert) {
	d.stats.Alerts++
	d.emit(a)
}

// newAlert builds the alert of an operation's first occurrence (the only allocation of
// the detector's operation path).
func (d *Detector) newAlert(rule *Rule, op *observe.Operation) *alert.Alert {
	src, dst := d.locateEnd(op.Src), d.locateEnd(op.Dst)
	var j judgement
	why := ""
	if d.pol != nil {
		j = d.judge(op, src, dst)
		why = d.why(&j)
	}
	a := &alert.Alert{Time: time.Unix(0, op.At.Time).UTC(), Rule: rule.ID, Protocol: op.App.String(),
		Operation: op.App.OpName(op.Code), Techniques: slices.Clone(rule.Techniques), Allowed: verdict(&j.dec),
		Src: d.endpoint(op.Src, op.SrcPort, src), Dst: d.endpoint(op.Dst, op.DstPort, dst)}
	if d.pol != nil {
		a.Conduit = d.pol.ConduitID(&j.dec)
	}
	if op.At.Packet != 0 {
		a.Packets = []uint64{op.At.Packet}
	}
	if op.At.File >= 0 && op.At.File < len(d.opt.Files) {
		a.File = d.opt.Files[op.At.File]
	}
	a.Severity = d.rank(rule.Severity, op.Class, &j, src)
	if a.Operation == "" {
		a.Operation = "code_" + strconv.FormatUint(uint64(op.Code), 10)
	}
	a.Details = details(op)
	a.Title = title(rule.Title, a, why)
	return a
}

func (d *Detector) endpoint(e observe.Endpoint, port uint16, p place) alert.Endpoint {
	out := alert.Endpoint{IP: e.IP, Port: port}
	if e.HasMAC {
		out.MAC = e.MAC
	}
	if p.ok {
		out.Zone, out.Asset = d.zoneID(p), d.assetID(p)
	}
	return out
}

func name(e *alert.Endpoint) string {
	switch {
	case e.Asset != "":
		return e.Asset
	case e.IP.IsValid():
		return e.IP.String()
	}
	return "mac " + macString(e.MAC)
}

func macString(m [6]byte) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 17)
	for i, x := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hex[x>>4], hex[x&0xf])
	}
	return string(b)
}

// title fills a rule's title with the ends and, for an operation the model forbids, why.
func title(base string, a *alert.Alert, why string) string {
	t := base + " from " + name(&a.Src)
	if a.Dst.IP.IsValid() || a.Dst.Asset != "" {
		t += " to " + name(&a.Dst)
	}
	if a.Allowed == alert.VerdictForbidden && why != "" {
		t += " (" + why + ")"
	}
	if a.Src.Asset == "" && a.Src.Zone != "" && !strings.HasPrefix(why, "source not in the model") {
		t += " (source not in the model)"
	}
	return t
}

// details lists the operation's parameters.
func details(op *observe.Operation) []alert.Detail {
	var ds []alert.Detail
	add := func(k string, v uint64) { ds = append(ds, alert.Detail{Key: k, Value: strconv.FormatUint(v, 10)}) }
	d := &op.Detail
	ds = append(ds, alert.Detail{Key: "class", Value: op.Class.String()})
	add("code", uint64(op.Code))
	if d.HasStation {
		add("station", uint64(d.Station))
	}
	if d.HasSub {
		add("sub_function", uint64(d.SubFunction))
	}
	if d.HasAddress {
		add("address", uint64(d.Address))
		add("quantity", uint64(d.Quantity))
	}
	if d.HasCause {
		add("cause", uint64(d.Cause))
		if d.Select {
			ds = append(ds, alert.Detail{Key: "select", Value: "true"})
		}
	}
	if d.HasCIPPath {
		add("cip_class", uint64(d.CIPClass))
		add("cip_instance", uint64(d.CIPInstance))
	}
	if d.HasBlock {
		add("block_type", uint64(d.BlockType))
		add("block_number", uint64(d.BlockNumber))
	}
	if d.PILen > 0 {
		ds = append(ds, alert.Detail{Key: "pi_service", Value: string(d.PIServiceName())})
	}
	return ds
}

// Flush emits what aggregation holds: every group in time order (or, in Immediate
// mode, the summaries of groups that repeated), with its count. Call it when the run
// ends; the detector can go on afterwards.
func (d *Detector) Flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	gs := make([]*group, 0, len(d.groups))
	for _, g := range d.groups {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b *group) int {
		if c := a.a.Time.Compare(b.a.Time); c != 0 {
			return c
		}
		if c := cmp.Compare(a.a.Rule, b.a.Rule); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, g := range gs {
		if g.emitted && g.count == 1 {
			continue
		}
		a := g.a.Clone()
		slices.Sort(a.Packets)
		if g.count > 1 {
			a.Details = append(a.Details, alert.Detail{Key: "count", Value: strconv.FormatUint(g.count, 10)})
			a.Title += " (" + strconv.FormatUint(g.count, 10) + " times)"
		}
		if len(g.targets) > 1 {
			a.Details = append(a.Details, alert.Detail{Key: "targets", Value: strconv.Itoa(len(g.targets))})
		}
		d.send(a)
	}
	clear(d.groups)
}
