package detect

import (
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/observe"
)

// Host sees devices: with a model, a unicast address no asset has is an unknown device;
// with a baseline, a device the baseline lacks is new; when learning, it is recorded.
func (w *workerSink) Host(h *observe.Host) {
	if h.How != observe.BindSource || !h.IP.IsValid() || !h.IP.IsGlobalUnicast() && !h.IP.IsPrivate() {
		return
	}
	d := w.d
	if d.opt.Learn != nil {
		d.mu.Lock()
		d.opt.Learn.addDevice(h.IP, h.MAC, h.HasMAC)
		d.mu.Unlock()
	}
	if d.opt.Baseline != nil && !d.opt.Baseline.hasDevice(h.IP) {
		d.flowAlert(ruleBaselineDevice, "device:"+h.IP.String(), h.IP, netip.Addr{}, h.MAC, h.At, "", "", nil)
	}
	if d.opt.Model == nil {
		return
	}
	pl := d.locate(h.IP)
	if pl.pl.Asset >= 0 || pl.pl.Zone < 0 {
		return // known, or outside every zone's networks (a remote peer, not a device of the plant)
	}
	d.mu.Lock()
	seen := d.unknown[h.IP] || len(d.unknown) >= MaxUnknownDevices
	if !seen {
		d.unknown[h.IP] = true
	}
	d.mu.Unlock()
	if !seen {
		d.flowAlert(ruleUnknownDevice, "", h.IP, netip.Addr{}, h.MAC, h.At, "", "", nil)
	}
}

// Flow sees conversations as they end: scans (many unanswered targets), the rules a
// protocol raises from a whole flow (observe.App.MatchFlow: Modbus exception storms),
// and the baseline's talkers and operations.
func (w *workerSink) Flow(f *observe.Flow) {
	d := w.d
	if !f.Client.IsValid() {
		return
	}
	if h := f.App.MatchFlow(f); h.Rule != nil {
		// A rule of the flow as a whole, its protocol's (a Modbus exception storm).
		d.flowAlert(h.Rule, "", f.Client.Addr(), f.Server.Addr(), f.MAC[0], f.At, appName(f), h.Op,
			[]alert.Detail{{Key: h.Key, Value: itoa(h.Value)}})
	}
	if f.PayloadBytes[1] == 0 {
		d.scan(f)
	}
	if d.opt.Learn != nil {
		d.mu.Lock()
		d.opt.Learn.addFlow(f)
		d.mu.Unlock()
	}
	if b := d.opt.Baseline; b != nil {
		t := b.talker(f)
		if t == nil {
			if !baselineTalker(f, d.scanning(f.Client.Addr())) { // unanswered, address discovery (baseline.go)
				return
			}
			d.flowAlert(ruleBaselineTalker, "talker:"+talkerKey(f), f.Client.Addr(), f.Server.Addr(), f.MAC[0], f.At,
				appName(f), "", []alert.Detail{{Key: "server_port", Value: itoa(uint64(f.Server.Port()))}})
			return
		}
		for _, o := range f.Ops {
			if o.Count[0] == 0 {
				continue
			}
			n := opName(f.App, o.Code)
			if !slices.Contains(t.Operations, n) && baselineOp(f, o.Class) {
				d.flowAlert(ruleBaselineOp, "op:"+talkerKey(f)+"/"+n, f.Client.Addr(), f.Server.Addr(), f.MAC[0], f.At,
					appName(f), n, []alert.Detail{{Key: "class", Value: o.Class.String()}, {Key: "count", Value: itoa(uint64(o.Count[0]))}})
			}
		}
	}
}

// scan counts a flow the server never answered towards its client's scan state.
func (d *Detector) scan(f *observe.Flow) {
	src, dst := f.Client.Addr(), f.Server
	d.mu.Lock()
	s := d.scans[src]
	if s == nil {
		if len(d.scans) >= MaxScanSources {
			d.mu.Unlock()
			return
		}
		s = &scanState{}
		d.scans[src] = s
	}
	var hitHosts, hitPorts bool
	if !slices.Contains(s.hosts, dst.Addr()) && len(s.hosts) < ScanThreshold {
		s.hosts = append(s.hosts, dst.Addr())
		hitHosts = len(s.hosts) == ScanThreshold && !s.hostsHit
		s.hostsHit = s.hostsHit || hitHosts
	}
	if !slices.Contains(s.ports, dst) && len(s.ports) < 4*ScanThreshold {
		s.ports = append(s.ports, dst)
		n := 0
		for _, p := range s.ports {
			if p.Addr() == dst.Addr() {
				n++
			}
		}
		hitPorts = n == ScanThreshold && !s.portsHit
		s.portsHit = s.portsHit || hitPorts
	}
	d.mu.Unlock()
	if hitHosts {
		d.flowAlert(ruleScanHosts, "", src, netip.Addr{}, f.MAC[0], f.At, "", "host_sweep",
			[]alert.Detail{{Key: "unanswered_hosts", Value: itoa(ScanThreshold)}})
	}
	if hitPorts {
		d.flowAlert(ruleScanPorts, "", src, dst.Addr(), f.MAC[0], f.At, "", "port_scan",
			[]alert.Detail{{Key: "unanswered_ports", Value: itoa(ScanThreshold)}})
	}
}

// flowAlert raises an alert that is not one operation's. once, when set, keeps the
// same alert from being raised twice.
func (d *Detector) flowAlert(rule *Rule, once string, src, dst netip.Addr, srcMAC [6]byte, at observe.Provenance,
	proto, op string, ds []alert.Detail) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if once != "" {
		if d.baseSeen[once] || len(d.baseSeen) >= MaxGroups {
			return
		}
		d.baseSeen[once] = true
	}
	sp, dp := d.locate(src), d.locate(dst)
	a := &alert.Alert{Time: time.Unix(0, at.Time).UTC(), Rule: rule.ID, Protocol: proto, Operation: op,
		Techniques: slices.Clone(rule.Techniques), Details: ds,
		Src: alert.Endpoint{IP: src, MAC: srcMAC}, Dst: alert.Endpoint{IP: dst}}
	if sp.ok {
		a.Src.Zone, a.Src.Asset = d.zoneID(sp), d.assetID(sp)
	}
	if dp.ok {
		a.Dst.Zone, a.Dst.Asset = d.zoneID(dp), d.assetID(dp)
	}
	if at.Packet != 0 {
		a.Packets = []uint64{at.Packet}
	}
	if at.File >= 0 && at.File < len(d.opt.Files) {
		a.File = d.opt.Files[at.File]
	}
	a.Severity = rule.Severity
	switch {
	case rule == ruleUnknownDevice && sp.ok:
		a.Severity = d.pol.UnknownDeviceSeverity(sp.pl.Zone) // as verify rates the same device
	case d.pol != nil && sp.pl.Asset < 0:
		a.Severity = min(a.Severity+1, 4)
	}
	a.Title = title(rule.Title, a, "")
	d.seq++
	key := groupKey{rule: rule, src: src, dst: dst, srcMAC: srcMAC, code: uint32(d.seq)}
	d.open(key, a, dst)
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

func appName(f *observe.Flow) string {
	if f.App == 0 {
		return ""
	}
	return f.App.String()
}

func opName(app observe.App, code uint32) string {
	if n := app.OpName(code); n != "" {
		return n
	}
	return "code_" + strconv.FormatUint(uint64(code), 10)
}
