package verify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/policy"
	"github.com/zonewarden/zonewarden/internal/risk"
)

// verifier holds one verification while it runs.
type verifier struct {
	m   *model.Model
	inv *inventory.Inventory
	rr  *risk.Result
	pol *policy.Policy
	res *Result

	devs  []device       // one per inventory asset, in its order
	byInv map[string]int // inventory asset id → index in devs
	// seen[i] is the first device matched to model asset i, -1 when none was.
	seen []int
	// firstFlow[i] is the earliest conversation of device i, -1 when it has none;
	// flowsOf[i] lists all of its conversations.
	firstFlow []int
	flowsOf   [][]int
	seenIP    map[netip.Addr]bool

	convs    []conv
	findings []Finding
	refuted  []Refutation
}

// device is one inventory asset while it is verified.
type device struct {
	a      *inventory.Asset
	ips    []netip.Addr // placeable addresses
	ma     int          // model asset index, -1 when not in the model
	match  string
	zone   int
	zoneBy string
	issues []string
}

func newVerifier(m *model.Model, inv *inventory.Inventory, rr *risk.Result) *verifier {
	v := &verifier{m: m, inv: inv, rr: rr, pol: policy.Compile(m),
		res: &Result{SchemaVersion: SchemaVersion, Generator: "zonewarden", System: m.System.Name,
			Model: slices.Clone(m.Files), Captures: []Capture{}, Devices: []Device{}, NotSeen: []string{},
			Conversations: []Conversation{}, Refuted: []Refutation{}, Findings: []Finding{}},
		byInv: make(map[string]int, len(inv.Assets)), seen: make([]int, len(m.Assets))}
	if v.res.Model == nil {
		v.res.Model = []string{}
	}
	for i := range v.seen {
		v.seen[i] = -1
	}
	return v
}

func (v *verifier) captures() {
	for _, s := range v.inv.Sources {
		v.res.Captures = append(v.res.Captures, Capture{File: s.File, Packets: s.Packets, FirstSeen: s.FirstSeen,
			LastSeen: s.LastSeen, Complete: s.Complete, Error: s.Error})
		if s.FirstSeen != nil && (v.res.Window.Start.IsZero() || s.FirstSeen.Before(v.res.Window.Start)) {
			v.res.Window.Start = *s.FirstSeen
		}
		if s.LastSeen != nil && s.LastSeen.After(v.res.Window.End) {
			v.res.Window.End = *s.LastSeen
		}
	}
}

// matchDevices matches every observed device to the model's assets (by MAC address, then
// by IP address) and places it in a zone (by the most specific network holding one of
// its addresses, then by the model, then by its VLAN). Devices seen only at layer 2 are
// then matched, within their zone, to the asset of their vendor or to the one asset left.
func (v *verifier) matchDevices() {
	v.devs = make([]device, len(v.inv.Assets))
	v.seenIP = map[netip.Addr]bool{}
	for i := range v.inv.Assets {
		a := &v.inv.Assets[i]
		d := &v.devs[i]
		d.a, d.ma, d.zone = a, -1, -1
		v.byInv[a.ID] = i
		for _, ip := range a.IPs {
			if addr, err := netip.ParseAddr(ip.Address); err == nil && policy.Placeable(addr.Unmap()) {
				d.ips = append(d.ips, addr.Unmap())
				v.seenIP[addr.Unmap()] = true
			}
		}
		if ma := v.pol.AssetByMACText(a.MAC); ma >= 0 {
			d.ma, d.match = ma, "mac"
		}
		if d.ma < 0 {
			for _, ip := range d.ips {
				if ma := v.pol.AssetByIP(ip); ma >= 0 {
					d.ma, d.match = ma, "ip"
					break
				}
			}
		}
		v.place(d)
	}
	v.matchByIdentity()
	for i := range v.devs {
		if d := &v.devs[i]; d.ma >= 0 && v.seen[d.ma] < 0 {
			v.seen[d.ma] = i
		}
	}
	v.firstFlow = make([]int, len(v.devs))
	v.flowsOf = make([][]int, len(v.devs))
	for i := range v.firstFlow {
		v.firstFlow[i] = -1
	}
	for fi := range v.inv.Flows {
		f := &v.inv.Flows[fi]
		for k, id := range []string{f.Client.Asset, f.Server.Asset} {
			di, ok := v.byInv[id]
			if !ok || (k == 1 && id == f.Client.Asset) {
				continue
			}
			v.flowsOf[di] = append(v.flowsOf[di], fi)
			if cur := v.firstFlow[di]; cur < 0 || f.FirstSeen.Before(v.inv.Flows[cur].FirstSeen) {
				v.firstFlow[di] = fi
			}
		}
	}
}

// place decides the zone of a device.
func (v *verifier) place(d *device) {
	for _, ip := range d.ips {
		if z, p := v.pol.ZoneOfAddr(ip); z >= 0 {
			d.zone, d.zoneBy = z, "network "+p.String()
			return
		}
	}
	if d.ma >= 0 {
		if z, ok := v.pol.ZoneIndex(v.m.Assets[d.ma].Zone); ok {
			d.zone, d.zoneBy = z, "model"
			return
		}
	}
	for _, vl := range d.a.VLANs {
		if z := v.pol.ZoneOfVLAN(vl); z >= 0 {
			d.zone, d.zoneBy = z, fmt.Sprintf("vlan %d", vl)
			return
		}
	}
}

// matchByIdentity matches the devices neither MAC nor IP address matched: a device that
// states the name of one unmatched asset is that asset; then devices that showed no
// address (switches, radios and GOOSE publishers speak only Ethernet protocols) are
// matched to the model's assets of their zone that no device matched and whose model
// gives no MAC address: first the one asset whose vendor is the device's (by its stated
// vendor or its MAC prefix), then, when a zone has exactly one such device and one such
// asset left, those two.
func (v *verifier) matchByIdentity() {
	matched := make([]bool, len(v.m.Assets))
	for i := range v.devs {
		if v.devs[i].ma >= 0 {
			matched[v.devs[i].ma] = true
		}
	}
	// candidates lists, per zone, the unmatched assets an address-less device may be.
	candidates := map[int][]int{}
	for i := range v.m.Assets {
		a := &v.m.Assets[i]
		if matched[i] || len(a.MACs) > 0 || v.ipSeen(a) {
			continue
		}
		if z, ok := v.pol.ZoneIndex(a.Zone); ok {
			candidates[z] = append(candidates[z], i)
		}
	}
	// A device that states a name (an S7 or BACnet device name, a PROFINET station name)
	// that is the id or name of one unmatched asset is that asset, unless the model gives
	// the asset another MAC address.
	byName := map[string][]int{}
	for i := range v.m.Assets {
		a := &v.m.Assets[i]
		if matched[i] {
			continue
		}
		for _, n := range []string{a.ID, a.Name} {
			if k := strings.ToLower(strings.TrimSpace(n)); k != "" && !slices.Contains(byName[k], i) {
				byName[k] = append(byName[k], i)
			}
		}
	}
	for i := range v.devs {
		d := &v.devs[i]
		if d.ma >= 0 {
			continue
		}
		for _, key := range nameKeys {
			cands := byName[strings.ToLower(strings.TrimSpace(d.a.Identity[key]))]
			if len(cands) != 1 || matched[cands[0]] {
				continue
			}
			a := &v.m.Assets[cands[0]]
			if len(a.MACs) > 0 && !slices.ContainsFunc(a.MACs, func(m string) bool { return policy.NormMAC(m) == policy.NormMAC(d.a.MAC) }) {
				continue
			}
			d.ma, d.match = cands[0], "name"
			matched[cands[0]] = true
			if d.zone < 0 {
				v.place(d)
			}
			break
		}
	}
	for z := range candidates {
		candidates[z] = slices.DeleteFunc(candidates[z], func(x int) bool { return matched[x] })
	}
	var orphans []int
	for i := range v.devs {
		if d := &v.devs[i]; d.ma < 0 && len(d.ips) == 0 && d.zone >= 0 && len(candidates[d.zone]) > 0 {
			orphans = append(orphans, i)
		}
	}
	take := func(di, ma int, how string) {
		v.devs[di].ma, v.devs[di].match = ma, how
		z := v.devs[di].zone
		candidates[z] = slices.DeleteFunc(candidates[z], func(x int) bool { return x == ma })
	}
	for _, di := range orphans {
		d := &v.devs[di]
		var hit []int
		for _, ma := range candidates[d.zone] {
			if vendorOf(d.a) != "" && v.m.Assets[ma].Vendor != "" && sameVendor(v.m.Assets[ma].Vendor, vendorOf(d.a)) {
				hit = append(hit, ma)
			}
		}
		if len(hit) == 1 {
			take(di, hit[0], "vendor")
		}
	}
	left := map[int][]int{}
	for _, di := range orphans {
		if v.devs[di].ma < 0 {
			left[v.devs[di].zone] = append(left[v.devs[di].zone], di)
		}
	}
	for z, ds := range left {
		if len(ds) != 1 || len(candidates[z]) != 1 {
			continue
		}
		ma, a := candidates[z][0], v.devs[ds[0]].a
		if mv := v.m.Assets[ma].Vendor; mv != "" && vendorOf(a) != "" && !sameVendor(mv, vendorOf(a)) {
			continue
		}
		take(ds[0], ma, "elimination")
	}
}

// nameKeys are the identity fields in which a device states its own name.
var nameKeys = []string{"name", "hostname", "system_name", "station_name"}

// vendorOf is the vendor a device states, or that of its MAC prefix.
func vendorOf(a *inventory.Asset) string {
	if s := a.Identity["vendor"]; s != "" {
		return s
	}
	return a.MACVendor
}

// ipSeen reports whether any observed device holds one of the asset's addresses.
func (v *verifier) ipSeen(a *model.Asset) bool {
	for _, ip := range a.Addrs {
		if v.seenIP[ip.Unmap()] {
			return true
		}
	}
	return false
}

// spansZones are the kinds that sit on several zones' networks by design.
var spansZones = []string{"router", "firewall", "data-diode", "vpn-gateway", "switch", "wireless-ap"}

func (v *verifier) deviceFindings() {
	for i := range v.devs {
		d := &v.devs[i]
		ev := v.deviceEvidence(i)
		if d.ma < 0 {
			d.issues = append(d.issues, "unknown")
			v.unknownDevice(d, ev)
			continue
		}
		ma := &v.m.Assets[d.ma]
		if d.match == "vendor" || d.match == "elimination" || d.match == "name" {
			why := "its vendor"
			switch d.match {
			case "name":
				why = "the name it states"
			case "elimination":
				why = "elimination: it is the one device of the zone the model does not account for, and " + ma.ID + " the one asset not otherwise seen"
			}
			v.add(finding.Info, "device/probable-match", ma.ID, ma.Pos, nil, &ev,
				fmt.Sprintf("device %s (%s), seen in zone %s, is taken for asset %s by %s",
					d.a.ID, addrsOf(d.a), dash(v.pol.ZoneID(d.zone)), ma.ID, why),
				fmt.Sprintf("add its MAC address to asset %s (macs: [%q]) so that it is matched for certain", ma.ID, d.a.MAC))
		}
		v.wrongZone(d, ma, ev)
		v.identityDrift(d, ma)
	}
	for i := range v.m.Assets {
		a := &v.m.Assets[i]
		if v.seen[i] >= 0 || (len(a.Addrs) == 0 && len(a.MACs) == 0) {
			continue
		}
		v.res.NotSeen = append(v.res.NotSeen, a.ID)
		ev := Evidence{FirstSeen: v.res.Window.Start, LastSeen: v.res.Window.End}
		note := v.zoneCoverage(a.Zone)
		v.add(finding.Low, "device/not-seen", a.ID, a.Pos, []string{"SR 7.8"}, &ev,
			fmt.Sprintf("asset %s (%s, %s) declared with %s was not seen in the capture window %s%s",
				a.ID, a.Kind, a.Zone, addrText(a), windowText(v.res.Window), note),
			"a quiet device is normal; if it should have spoken, check that it is on and connected, that the capture point sees its network, and that the model's addresses are right; remove it from the model if it is gone")
	}
}

// zoneCoverage says whether the capture saw anything of a zone, so that a user can tell
// a quiet device from a network the capture point does not see.
func (v *verifier) zoneCoverage(zone string) string {
	z, ok := v.pol.ZoneIndex(zone)
	if !ok {
		return ""
	}
	n := 0
	for i := range v.devs {
		if v.devs[i].zone == z {
			n++
		}
	}
	if n == 0 {
		return fmt.Sprintf("; the capture saw no device of zone %s at all (does the capture point see its network?)", zone)
	}
	return fmt.Sprintf("; %d other device(s) of zone %s were seen", n, zone)
}

func (v *verifier) unknownDevice(d *device, ev Evidence) {
	z := v.pol.Zone(d.zone)
	sev := v.pol.UnknownDeviceSeverity(d.zone)
	subject, pos := d.a.ID, model.Pos{}
	where := "in no zone of the model: its addresses lie in none of the zones' networks and its VLANs in none of their VLANs"
	if z != nil {
		subject, pos = z.ID, z.Pos
		where = "in zone " + z.ID + " (by " + d.zoneBy + ")"
	}
	ident := identityText(d.a)
	v.add(sev, "device/unknown", subject, pos, []string{"SR 7.8"}, &ev,
		fmt.Sprintf("device %s (%s%s) is not in the model; it was seen %s%s", d.a.ID, addrsOf(d.a), ident, where, v.activity(d)),
		"find out what it is: add it to the model as an asset of its zone if it belongs there, or remove it from the network")
}

// activity sums up what an unknown device did: its conversations and the operations it sent.
func (v *verifier) activity(d *device) string {
	var peers, ops []string
	n := 0
	for _, fi := range v.flowsOf[v.byInv[d.a.ID]] {
		f := &v.inv.Flows[fi]
		n++
		peer := f.Server
		if f.Server.Asset == d.a.ID {
			peer = f.Client
		}
		if peer.Asset == "" {
			continue // broadcast and multicast
		}
		s := endLabel(peer)
		if pd := v.devIndex(peer.Asset); pd >= 0 && v.devs[pd].ma >= 0 {
			s = v.m.Assets[v.devs[pd].ma].ID
		}
		if !slices.Contains(peers, s) {
			peers = append(peers, s)
		}
		for _, c := range sentClasses(f, f.Client.Asset == d.a.ID) {
			if c != "read" && c != "diagnostics" && !slices.Contains(ops, c) {
				ops = append(ops, c)
			}
		}
	}
	if n == 0 {
		return ""
	}
	s := fmt.Sprintf("; %d conversation(s) with %s", n, shortList(peers, 4))
	if len(ops) > 0 {
		s += "; it sent " + strings.Join(ops, ", ") + " operations"
	}
	return s
}

func (v *verifier) wrongZone(d *device, ma *model.Asset, ev Evidence) {
	mz, ok := v.pol.ZoneIndex(ma.Zone)
	if !ok {
		return
	}
	var where []string
	for _, ip := range d.ips {
		if slices.Contains(ma.Addrs, ip) {
			continue // a declared address in another zone's network is assess's finding
		}
		if z, p := v.pol.ZoneOfAddr(ip); z >= 0 && !v.pol.Related(z, mz) {
			where = append(where, fmt.Sprintf("address %s in network %s of zone %s", ip, p, v.pol.ZoneID(z)))
		}
	}
	if !slices.Contains(spansZones, ma.Kind) {
		for _, vl := range d.a.VLANs {
			if z := v.pol.ZoneOfVLAN(vl); z >= 0 && !v.pol.Related(z, mz) {
				where = append(where, fmt.Sprintf("VLAN %d of zone %s", vl, v.pol.ZoneID(z)))
			}
		}
	}
	if len(where) == 0 {
		return
	}
	d.issues = append(d.issues, "wrong_zone")
	v.add(finding.High, "device/wrong-zone", ma.ID, ma.Pos, []string{"ZCR 3.1", "SR 5.1"}, &ev,
		fmt.Sprintf("asset %s belongs to zone %s in the model but was seen on %s", ma.ID, ma.Zone, strings.Join(where, " and ")),
		fmt.Sprintf("connect it to zone %s's network, or move it to the zone it is in (and review the conduits it needs there)", ma.Zone))
}

// identityFields are the model's identity fields with the inventory's identity keys
// that state them, best first.
var identityFields = []struct {
	field string
	keys  []string
	same  func(model, observed string) bool
	sev   finding.Severity
}{
	{"vendor", []string{"vendor"}, sameVendor, finding.High},
	{"model", []string{"model", "product_name", "order_number"}, sameModel, finding.High},
	{"firmware", []string{"firmware_version"}, sameFirmware, finding.Medium},
	{"serial", []string{"serial_number"}, sameSerial, finding.High},
}

func (v *verifier) identityDrift(d *device, ma *model.Asset) {
	declared := map[string]string{"vendor": ma.Vendor, "model": ma.Model, "firmware": ma.Firmware, "serial": ma.Serial}
	sev := finding.Info
	var diffs []string
	var ev *Evidence
	for _, f := range identityFields {
		want := declared[f.field]
		if want == "" {
			continue
		}
		var got, key string
		agree := false
		for _, k := range f.keys {
			if s := d.a.Identity[k]; s != "" {
				if got == "" {
					got, key = s, k
				}
				if f.same(want, s) {
					agree = true
				}
			}
		}
		if got == "" || agree {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s %q in the model, %q on the wire", f.field, want, got))
		sev = max(sev, f.sev)
		if ev == nil {
			ev = factEvidence(d.a, key, got)
		}
	}
	// A device answering at the asset's address with another MAC than the model gives
	// is another device (or another network card).
	if d.match == "ip" && len(ma.MACs) > 0 && d.a.MAC != "" {
		same := false
		for _, mac := range ma.MACs {
			if policy.NormMAC(mac) == policy.NormMAC(d.a.MAC) {
				same = true
			}
		}
		if !same {
			diffs = append(diffs, fmt.Sprintf("MAC %s in the model, %s on the wire", strings.Join(ma.MACs, ", "), d.a.MAC))
			sev = max(sev, finding.High)
		}
	}
	if len(diffs) == 0 {
		return
	}
	if ev == nil {
		e := v.deviceEvidence(v.byInv[d.a.ID])
		ev = &e
	}
	d.issues = append(d.issues, "identity_drift")
	v.add(sev, "device/identity-drift", ma.ID, ma.Pos, []string{"SR 7.8", "SR 3.4"}, ev,
		fmt.Sprintf("asset %s is not what the model says: %s", ma.ID, strings.Join(diffs, "; ")),
		"if the change was planned (a firmware update, a replaced device), update the model; if not, find out who changed the device and why")
}

// factEvidence points at the first packet that stated an identity value.
func factEvidence(a *inventory.Asset, field, value string) *Evidence {
	for _, f := range a.Facts {
		if f.Field == field && f.Value == value {
			return &Evidence{Flow: fmt.Sprintf("%s %s %s", a.ID, f.Protocol, field), File: f.File, Packet: f.Packet,
				Packets: f.Count, FirstSeen: f.FirstSeen, LastSeen: a.LastSeen}
		}
	}
	return nil
}

// deviceEvidence is the first conversation of device i, or its first and last sighting.
func (v *verifier) deviceEvidence(i int) Evidence {
	d := &v.devs[i]
	if fi := v.firstFlow[i]; fi >= 0 {
		ev := flowEvidence(&v.inv.Flows[fi])
		ev.Packets = d.a.Sent.Packets
		ev.LastSeen = d.a.LastSeen
		return ev
	}
	ev := Evidence{Packets: d.a.Sent.Packets, FirstSeen: d.a.FirstSeen, LastSeen: d.a.LastSeen}
	for _, f := range d.a.Facts {
		if ev.File == "" || f.FirstSeen.Before(ev.FirstSeen) {
			ev.File, ev.Packet, ev.FirstSeen = f.File, f.Packet, f.FirstSeen
		}
	}
	return ev
}

// add records a finding.
func (v *verifier) add(sev finding.Severity, rule, subject string, pos model.Pos, reqs []string, ev *Evidence, msg, fix string) {
	f := Finding{Finding: finding.Finding{Rule: rule, Severity: sev, Subject: subject, Message: msg, Fix: fix,
		Requirements: reqs}, Evidence: ev}
	if pos.File != "" {
		f.Location = pos.String()
	}
	v.findings = append(v.findings, f)
}

func addrText(a *model.Asset) string {
	var parts []string
	if len(a.IPs) > 0 {
		parts = append(parts, "address "+strings.Join(a.IPs, ", "))
	}
	if len(a.MACs) > 0 {
		parts = append(parts, "MAC "+strings.Join(a.MACs, ", "))
	}
	return strings.Join(parts, " and ")
}

func windowText(w Window) string {
	if w.Start.IsZero() {
		return "(no packet times)"
	}
	return w.Start.Format("2006-01-02 15:04:05") + " to " + w.End.Format("2006-01-02 15:04:05") + " UTC"
}

func addrsOf(a *inventory.Asset) string {
	var parts []string
	for _, ip := range a.IPs {
		parts = append(parts, ip.Address)
	}
	if a.MAC != "" {
		m := "MAC " + a.MAC
		if a.MACVendor != "" {
			m += " " + a.MACVendor
		}
		parts = append(parts, m)
	}
	if len(a.VLANs) > 0 {
		parts = append(parts, fmt.Sprintf("VLAN %s", intsText(a.VLANs)))
	}
	return shortList(parts, 4)
}

func identityText(a *inventory.Asset) string {
	var parts []string
	for _, k := range []string{"vendor", "product_name", "model", "firmware_version", "serial_number", "name"} {
		if s := a.Identity[k]; s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; it says it is " + strings.Join(parts, ", ")
}

func intsText(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// shortList joins up to n items and says how many more there are.
func shortList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
