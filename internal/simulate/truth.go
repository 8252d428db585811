package simulate

import (
	"net/netip"
	"sort"
	"time"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// TruthSchemaVersion is the version of the truth file format (docs/schemas/truth.schema.json).
const TruthSchemaVersion = 1

// Truth is the ground truth of a simulated capture: what is in it, for tests of
// discovery, verification and detection to compare against.
type Truth struct {
	SchemaVersion int       `json:"schema_version"`
	Generator     string    `json:"generator"`
	System        string    `json:"system"`
	Seed          uint64    `json:"seed"`
	Scenario      string    `json:"scenario"`
	Format        string    `json:"format"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Packets       uint64    `json:"packets"`
	Bytes         int64     `json:"bytes"`
	Assets        []Asset   `json:"assets"`
	Flows         []Flow    `json:"flows"`
	Events        []Event   `json:"events"`
	// NotSimulated lists what the model asks for that the simulator left out, and why.
	NotSimulated []Skipped `json:"not_simulated"`
}

// Asset is a device that appears in the capture.
type Asset struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Kind string `json:"kind"`
	Zone string `json:"zone"`
	// InModel is false for devices the scenario injected.
	InModel bool     `json:"in_model"`
	MAC     string   `json:"mac"`
	IPs     []string `json:"ips"`
	VLAN    int      `json:"vlan,omitempty"`
	// Vendor, Model, Firmware and Serial are what the model says.
	Vendor   string `json:"vendor,omitempty"`
	Model    string `json:"model,omitempty"`
	Firmware string `json:"firmware,omitempty"`
	Serial   string `json:"serial,omitempty"`
	// Identities are what the device reveals on the wire, one entry per protocol.
	Identities []Identity `json:"identities"`
}

// Identity is what one protocol reveals about a device, in that protocol's own terms.
type Identity struct {
	Protocol string `json:"protocol"`
	// Field values as the protocol carries them (tshark shows the same values).
	Vendor              string `json:"vendor,omitempty"`
	VendorID            *int   `json:"vendor_id,omitempty"`
	DeviceType          *int   `json:"device_type,omitempty"`
	ProductCode         *int   `json:"product_code,omitempty"`
	ProductName         string `json:"product_name,omitempty"`
	ModelName           string `json:"model_name,omitempty"`
	Revision            string `json:"revision,omitempty"`
	Serial              string `json:"serial,omitempty"`
	OrderNumber         string `json:"order_number,omitempty"`
	ModuleName          string `json:"module_name,omitempty"`
	PlantID             string `json:"plant_id,omitempty"`
	SystemName          string `json:"system_name,omitempty"`
	Firmware            string `json:"firmware,omitempty"`
	ApplicationSoftware string `json:"application_software,omitempty"`
	ObjectName          string `json:"object_name,omitempty"`
	DeviceInstance      *int   `json:"device_instance,omitempty"`
	StationName         string `json:"station_name,omitempty"`
	DeviceID            *int   `json:"device_id,omitempty"`
	Hostname            string `json:"hostname,omitempty"`
	VendorClass         string `json:"vendor_class,omitempty"`
	SystemDescription   string `json:"system_description,omitempty"`
	Platform            string `json:"platform,omitempty"`
	SoftwareVersion     string `json:"software_version,omitempty"`
	ApplicationURI      string `json:"application_uri,omitempty"`
	ApplicationName     string `json:"application_name,omitempty"`
	Banner              string `json:"banner,omitempty"`
}

// Flow is the traffic of one protocol from one device to another (or to a broadcast or
// multicast address).
type Flow struct {
	Src       string `json:"src"`
	Dst       string `json:"dst,omitempty"`
	SrcIP     string `json:"src_ip,omitempty"`
	DstIP     string `json:"dst_ip,omitempty"`
	DstMAC    string `json:"dst_mac,omitempty"`
	Protocol  string `json:"protocol"`
	Transport string `json:"transport"`
	Port      int    `json:"port,omitempty"`
	// Operations are the OT operation classes the flow carried.
	Operations []string `json:"operations"`
	Packets    uint64   `json:"packets"`
	Bytes      uint64   `json:"bytes"`
	Sessions   int      `json:"sessions,omitempty"`
	// Conduit is the conduit that allows the flow; empty inside a zone or when injected.
	Conduit     string `json:"conduit,omitempty"`
	Injected    bool   `json:"injected"`
	FirstPacket uint64 `json:"first_packet"`
	LastPacket  uint64 `json:"last_packet"`
}

// Event is one injected activity a monitor should detect.
type Event struct {
	ID            int       `json:"id"`
	Kind          string    `json:"kind"`
	TechniqueID   string    `json:"technique_id"`
	TechniqueName string    `json:"technique_name"`
	Description   string    `json:"description"`
	Src           string    `json:"src"`
	Dst           string    `json:"dst,omitempty"`
	SrcIP         string    `json:"src_ip,omitempty"`
	DstIP         string    `json:"dst_ip,omitempty"`
	Protocol      string    `json:"protocol"`
	Operation     string    `json:"operation,omitempty"`
	Time          time.Time `json:"time"`
	// Packets are the frame numbers (1-based, as tshark counts) of everything the event
	// sent; KeyPackets those carrying the operation itself (request and answer).
	Packets    []uint64 `json:"packets"`
	KeyPackets []uint64 `json:"key_packets"`
}

// Skipped is something of the model the simulator did not produce.
type Skipped struct {
	What   string `json:"what"`
	Reason string `json:"reason"`
}

// flowKey identifies a flow while the simulation runs (set-up time only).
type flowKey struct {
	src, dst int // host indexes; dst -1 for broadcast and multicast
	proto    string
	port     uint16
	dstAddr  string // broadcast or multicast destination
	injected bool
}

// flowStat counts a flow's packets.
type flowStat struct {
	key       flowKey
	src, dst  *host
	dstAddr   string
	transport string
	conduit   string
	packets   uint64
	bytes     uint64
	first     uint64
	last      uint64
	ops       uint8
	sessions  int
}

// flow returns the counter of the flow from src to dst (nil: to dstAddr).
func (s *sim) flow(src, dst *host, proto, transport string, port uint16, dstAddr, conduit string, injected bool) *flowStat {
	k := flowKey{src: src.idx, dst: -1, proto: proto, port: port, dstAddr: dstAddr, injected: injected}
	if dst != nil {
		k.dst = dst.idx
	}
	if f, ok := s.flowIx[k]; ok {
		if f.conduit == "" {
			f.conduit = conduit
		}
		return f
	}
	f := &flowStat{key: k, src: src, dst: dst, dstAddr: dstAddr, transport: transport, conduit: conduit}
	s.flowIx[k] = f
	s.flows = append(s.flows, f)
	return f
}

func (s *sim) arpFlow(a, b *host) *flowStat {
	return s.flow(a, b, "arp", "l2", 0, "", "", false)
}

// eventRec records an injected event while it runs.
type eventRec struct {
	Event
	comment string
	started bool
}

// maxEventPackets bounds the packet list of one event (a long scan stays readable).
const maxEventPackets = 5000

func (e *eventRec) add(s *sim, key bool) {
	if !e.started {
		e.started = true
		e.Time = time.Unix(0, s.start+s.now).UTC()
	}
	if len(e.Packets) < maxEventPackets {
		e.Packets = append(e.Packets, s.pkts)
	}
	if key && len(e.KeyPackets) < maxEventPackets {
		e.KeyPackets = append(e.KeyPackets, s.pkts)
	}
}

func (s *sim) truth() *Truth {
	t := &Truth{
		SchemaVersion: TruthSchemaVersion,
		Generator:     "zonewarden simulate",
		System:        s.p.m.System.Name,
		Seed:          s.opts.Seed,
		Scenario:      s.opts.Scenario.String(),
		Format:        s.opts.Format.String(),
		Start:         s.opts.Start.UTC(),
		End:           time.Unix(0, s.start+s.now).UTC(),
		Packets:       s.pkts,
		Bytes:         s.w.Written(),
		Assets:        []Asset{},
		Flows:         []Flow{},
		Events:        []Event{},
		NotSimulated:  append([]Skipped{}, s.p.skipped...),
	}
	sent := make([]bool, len(s.p.hosts))
	for _, f := range s.flows {
		if f.packets > 0 {
			sent[f.src.idx] = true
			if f.dst != nil {
				sent[f.dst.idx] = true // answers are counted in the initiator's flow
			}
		}
	}
	for _, h := range s.p.hosts {
		a := Asset{ID: h.id, Name: h.name, Kind: h.kind, Zone: h.zone.id, InModel: h.asset != nil,
			MAC: h.mac.String(), IPs: []string{}, VLAN: int(h.zone.vlan), Identities: []Identity{}}
		if h.hasIP {
			a.IPs = append(a.IPs, h.ipString())
		}
		if h.asset != nil {
			a.Vendor, a.Model, a.Firmware, a.Serial = h.asset.Vendor, h.asset.Model, h.asset.Firmware, h.asset.Serial
		}
		for _, id := range h.ident.revealed {
			a.Identities = append(a.Identities, *id)
		}
		if !sent[h.idx] && h.asset != nil {
			t.NotSimulated = append(t.NotSimulated, Skipped{What: "asset " + h.id, Reason: "no traffic: no conduit or service inside its zone involves it"})
			continue
		}
		t.Assets = append(t.Assets, a)
	}
	for _, f := range s.flows {
		if f.packets == 0 {
			continue
		}
		fl := Flow{Src: f.src.id, SrcIP: f.src.ipString(), Protocol: f.key.proto, Transport: f.transport,
			Port: int(f.key.port), Operations: []string{}, Packets: f.packets, Bytes: f.bytes,
			Sessions: f.sessions, Conduit: f.conduit, Injected: f.key.injected, FirstPacket: f.first, LastPacket: f.last}
		if f.dst != nil {
			fl.Dst, fl.DstIP = f.dst.id, f.dst.ipString()
		} else if ip, err := netip.ParseAddr(f.dstAddr); err == nil {
			fl.DstIP = ip.String()
		} else {
			fl.DstMAC = f.dstAddr
		}
		if f.transport == "l2" {
			fl.SrcIP, fl.DstIP = "", ""
		}
		for c := protocols.OpRead; c <= protocols.OpDiagnostics; c++ {
			if f.ops&(1<<c) != 0 {
				fl.Operations = append(fl.Operations, c.String())
			}
		}
		t.Flows = append(t.Flows, fl)
	}
	sort.SliceStable(t.Flows, func(i, j int) bool { return t.Flows[i].FirstPacket < t.Flows[j].FirstPacket })
	for _, e := range s.events {
		if len(e.Packets) == 0 {
			continue
		}
		ev := e.Event
		ev.ID = len(t.Events) + 1
		if ev.KeyPackets == nil {
			ev.KeyPackets = []uint64{}
		}
		t.Events = append(t.Events, ev)
	}
	return t
}
