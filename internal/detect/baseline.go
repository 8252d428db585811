package detect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// BaselineVersion is the version of the baseline file format.
const BaselineVersion = 1

// MaxBaselineEntries bounds the talkers and devices a baseline records while learning.
const MaxBaselineEntries = 100000

// Baseline is what normal traffic looks like: the devices seen and who talks to whom
// with which protocol and operations. It is written as JSON for a person to review and
// edit (docs/detect.md, docs/schemas/baseline.schema.json): deleting an entry makes its
// traffic alert again, adding one accepts it.
type Baseline struct {
	Version int       `json:"version"`
	Learned time.Time `json:"learned,omitzero"`
	Sources []string  `json:"sources,omitempty"`
	Devices []Device  `json:"devices"`
	Talkers []Talker  `json:"talkers"`

	devIndex    map[netip.Addr]int
	talkerIndex map[string]int
	// Truncated: entries beyond MaxBaselineEntries were not recorded.
	Truncated bool `json:"truncated,omitempty"`
}

// Device is one address seen sending.
type Device struct {
	IP  netip.Addr `json:"ip"`
	MAC string     `json:"mac,omitempty"`
}

// Talker is one client speaking a protocol to one server port, and the operations the
// client asked for.
type Talker struct {
	Client     netip.Addr `json:"client"`
	Server     netip.Addr `json:"server"`
	Port       uint16     `json:"port"`
	Transport  string     `json:"transport"`
	Protocol   string     `json:"protocol,omitempty"`
	Operations []string   `json:"operations,omitempty"`
}

// NewBaseline returns an empty baseline to learn into.
func NewBaseline() *Baseline {
	return &Baseline{Version: BaselineVersion, Devices: []Device{}, Talkers: []Talker{}}
}

func (b *Baseline) index() {
	if b.devIndex != nil {
		return
	}
	b.devIndex = make(map[netip.Addr]int, len(b.Devices))
	for i, d := range b.Devices {
		b.devIndex[d.IP] = i
	}
	b.talkerIndex = make(map[string]int, len(b.Talkers))
	for i := range b.Talkers {
		t := &b.Talkers[i]
		b.talkerIndex[key(t.Client, t.Server, t.Port, t.Transport)] = i
	}
}

func key(c, s netip.Addr, port uint16, transport string) string {
	return c.String() + ">" + s.String() + ":" + strconv.Itoa(int(port)) + "/" + transport
}

func transport(f *observe.Flow) string {
	switch f.Proto {
	case 6:
		return "tcp"
	case 17:
		return "udp"
	}
	return strconv.Itoa(int(f.Proto))
}

func talkerKey(f *observe.Flow) string {
	return key(f.Client.Addr(), f.Server.Addr(), f.Server.Port(), transport(f))
}

func (b *Baseline) hasDevice(ip netip.Addr) bool {
	b.index()
	_, ok := b.devIndex[ip]
	return ok
}

func (b *Baseline) talker(f *observe.Flow) *Talker {
	b.index()
	if i, ok := b.talkerIndex[talkerKey(f)]; ok {
		return &b.Talkers[i]
	}
	return nil
}

func (b *Baseline) addDevice(ip netip.Addr, mac [6]byte, hasMAC bool) {
	if b.hasDevice(ip) {
		return
	}
	if len(b.Devices) >= MaxBaselineEntries {
		b.Truncated = true
		return
	}
	d := Device{IP: ip}
	if hasMAC {
		d.MAC = net.HardwareAddr(mac[:]).String()
	}
	b.devIndex[ip] = len(b.Devices)
	b.Devices = append(b.Devices, d)
}

func (b *Baseline) addFlow(f *observe.Flow) {
	if f.PayloadBytes[1] == 0 && f.Proto == 6 {
		return // never answered: not a conversation worth accepting
	}
	t := b.talker(f)
	if t == nil {
		if len(b.Talkers) >= MaxBaselineEntries {
			b.Truncated = true
			return
		}
		b.talkerIndex[talkerKey(f)] = len(b.Talkers)
		b.Talkers = append(b.Talkers, Talker{Client: f.Client.Addr(), Server: f.Server.Addr(), Port: f.Server.Port(),
			Transport: transport(f), Protocol: appName(f)})
		t = &b.Talkers[len(b.Talkers)-1]
	}
	for _, o := range f.Ops {
		if o.Count[0] == 0 {
			continue
		}
		if n := opName(f.App, o.Code); !slices.Contains(t.Operations, n) && len(t.Operations) < 256 {
			t.Operations = append(t.Operations, n)
		}
	}
}

// Write writes the baseline as indented JSON, sorted so that two learnings of the same
// traffic give the same file.
func (b *Baseline) Write(w io.Writer) error {
	slices.SortFunc(b.Devices, func(x, y Device) int { return x.IP.Compare(y.IP) })
	slices.SortFunc(b.Talkers, func(x, y Talker) int {
		if c := x.Client.Compare(y.Client); c != 0 {
			return c
		}
		if c := x.Server.Compare(y.Server); c != 0 {
			return c
		}
		if x.Port != y.Port {
			return int(x.Port) - int(y.Port)
		}
		return strings.Compare(x.Transport, y.Transport)
	})
	for i := range b.Talkers {
		slices.Sort(b.Talkers[i].Operations)
	}
	b.devIndex, b.talkerIndex = nil, nil
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("writing the baseline: %w", err)
	}
	return nil
}

// ReadBaseline reads a baseline file written by Write (and maybe edited by a person).
func ReadBaseline(r io.Reader) (*Baseline, error) {
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	dec.DisallowUnknownFields()
	var b Baseline
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("reading the baseline: %w", err)
	}
	if b.Version != BaselineVersion {
		return nil, fmt.Errorf("baseline version %d: this zonewarden reads version %d", b.Version, BaselineVersion)
	}
	for i, t := range b.Talkers {
		if !t.Client.IsValid() || !t.Server.IsValid() {
			return nil, fmt.Errorf("baseline talker %d: client and server must be IP addresses", i+1)
		}
	}
	if len(b.Devices)+len(b.Talkers) > 10*MaxBaselineEntries {
		return nil, errors.New("baseline has too many entries")
	}
	b.index()
	return &b, nil
}

// What the baseline judges. Three kinds of traffic the baseline lacks raise no alert of
// their own, so that one event is one alert (docs/detect.md, "Baseline"):
//
//   - An attempt nobody answered is not a conversation. A TCP connection whose server
//     sent nothing back is no new talker (learning does not record one either); a flow of
//     another transport that went unanswered is none once its source has been flagged as
//     scanning. Unanswered attempts are what the scan rules count: a port scan is one
//     scan/ports alert, not a new talker per probe.
//   - A flow from the unspecified address (0.0.0.0, ::) is a device asking for an
//     address (DHCP discover and request, IPv6 duplicate address detection): it names no
//     device, and the device shows up under the address it gets, as a new device.
//   - On a flow to the limited broadcast address or a multicast group, discovery and
//     reads (DHCP, BACnet Who-Is, SSDP searches: operations of the classes none, read
//     and diagnostics) are no new operation: a device looking for others is not one
//     changing anything. A change sent that way (a write, a program or control
//     operation) still is, and the new talker still is one.

// baselineTalker says whether a flow the baseline lacks is a new talker to alert on.
// scanning is whether its client has been flagged as scanning.
func baselineTalker(f *observe.Flow, scanning bool) bool {
	if f.Client.Addr().IsUnspecified() {
		return false
	}
	if f.PayloadBytes[1] == 0 && (f.Proto == 6 || scanning) {
		return false
	}
	return true
}

// baselineOp says whether an operation of class c on a flow the baseline has a talker
// for, but not that operation, is a new operation to alert on.
func baselineOp(f *observe.Flow, c protocols.OpClass) bool {
	if f.Client.Addr().IsUnspecified() {
		return false
	}
	if s := f.Server.Addr(); s.IsMulticast() || s == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return c != protocols.OpNone && c != protocols.OpRead && c != protocols.OpDiagnostics
	}
	return true
}

// scanning says whether src has been flagged by a scan rule.
func (d *Detector) scanning(src netip.Addr) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.scans[src]
	return s != nil && (s.hostsHit || s.portsHit)
}
