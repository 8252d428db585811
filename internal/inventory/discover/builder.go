package discover

import (
	"hash/maphash"
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/observe"
)

// Limits bound the memory a Builder uses, whatever the captures hold (a capture of
// spoofed addresses would otherwise grow the maps without end). What does not fit is
// counted and reported as an anomaly. Zero fields take the defaults.
type Limits struct {
	Bindings      int // MAC and IP address pairs (default 1<<20)
	Identities    int // distinct identity facts (default 1<<18)
	Conversations int // conversations (default 1<<20)
}

func (l *Limits) fill() {
	if l.Bindings <= 0 {
		l.Bindings = 1 << 20
	}
	if l.Identities <= 0 {
		l.Identities = 1 << 18
	}
	if l.Conversations <= 0 {
		l.Conversations = 1 << 20
	}
}

// Builder collects observations (it is an observe.Sink) and builds the inventory from
// them. A run has one Builder per worker; Merge joins them. A Builder is not safe for
// concurrent use.
type Builder struct {
	limits   Limits
	bindings map[bindKey]*binding
	ids      map[idKey]*idRec
	convs    map[convKey]*convRec
	sources  map[int]*sourceRec
	over     [3]uint64 // observations dropped at the limits: bindings, identities, conversations
	seed     maphash.Seed
}

// NewBuilder returns an empty Builder.
func NewBuilder(limits Limits) *Builder {
	limits.fill()
	return &Builder{limits: limits, bindings: map[bindKey]*binding{}, ids: map[idKey]*idRec{},
		convs: map[convKey]*convRec{}, sources: map[int]*sourceRec{}, seed: sharedSeed}
}

// sharedSeed lets Builders of one process hash component names alike, so Merge can
// compare their keys.
var sharedSeed = maphash.MakeSeed()

type bindKey struct {
	mac    [6]byte
	hasMAC bool
	ip     netip.Addr // invalid for a layer-2 sighting
}

type binding struct {
	first, last int64
	how         uint8 // bit per observe.Binding
	minHops     uint8 // fewest routers crossed, from source TTLs (255: unknown)
	vlan        uint16
	hasVLAN     bool
	apps        uint64 // bit per observe.App of layer-2 frames sent
}

type idKey struct {
	subject   observe.Endpoint
	component uint64 // hash of the component's name, 0 for the subject itself
	field     observe.Field
	app       observe.App
}

type idRec struct {
	component string
	values    []idValue
}

type idValue struct {
	value string
	conf  observe.Confidence
	at    observe.Provenance
	count uint64
}

// maxValuesPerField bounds the distinct values kept for one field of one device.
const maxValuesPerField = 16

// convKey is a conversation: an application protocol between a client and a server
// port, or a non-IP protocol between two MAC addresses.
type convKey struct {
	app        observe.App
	proto      uint8
	etherType  uint16
	client     netip.Addr
	server     netip.Addr
	serverPort uint16
	macA, macB [6]byte // non-IP conversations only
}

type convRec struct {
	// answered: the server accepted at least one connection (SYN-ACK or data), or the
	// conversation is not TCP. A port that only ever refused is not a service it runs.
	answered    bool
	first, last int64
	at          observe.Provenance
	conns       uint64
	packets     [2]uint64
	bytes       [2]uint64
	mac         [2][6]byte
	hasMAC      [2]bool
	vlan        uint16
	hasVLAN     bool
	ops         []opRec
	opsOver     uint64
	addrs       []uint16
	anomalies   [observe.NumFlowAnomalies]uint64
}

type opRec struct {
	code  uint32
	class uint8
	count [2]uint64
}

// maxAddrsPerConv bounds the station addresses kept per conversation.
const maxAddrsPerConv = 32

// Host implements observe.Sink.
func (b *Builder) Host(h *observe.Host) {
	k := bindKey{mac: h.MAC, hasMAC: h.HasMAC, ip: h.IP}
	if !h.HasMAC {
		k.mac = [6]byte{}
	}
	r := b.bindings[k]
	if r == nil {
		if len(b.bindings) >= b.limits.Bindings {
			b.over[0]++
			return
		}
		r = &binding{first: h.At.Time, last: h.At.Time, minHops: 255}
		b.bindings[k] = r
	}
	r.first, r.last = min(r.first, h.At.Time), max(r.last, h.At.Time)
	r.how |= 1 << h.How
	if h.How == observe.BindSource {
		r.minHops = min(r.minHops, hops(h.TTL))
	}
	// A frame's VLAN is the sender's: a packet to a host on another VLAN arrives routed,
	// so only what the MAC itself sent says where it lives.
	if h.HasVLAN && h.How != observe.BindDestination && (!r.hasVLAN || h.VLAN < r.vlan) {
		r.vlan, r.hasVLAN = h.VLAN, true
	}
	if h.How == observe.BindL2 && h.App != 0 && h.App < 64 {
		r.apps |= 1 << h.App
	}
}

// hops is how many routers a packet crossed, from its TTL and the usual initial TTLs.
func hops(ttl uint8) uint8 {
	for _, initial := range [...]uint8{32, 64, 128, 255} {
		if ttl <= initial {
			return initial - ttl
		}
	}
	return 0
}

// earlier orders provenances by time, then capture, then packet, so that the first
// sighting does not depend on how the work was split among workers.
func earlier(a, b observe.Provenance) bool {
	if a.Time != b.Time {
		return a.Time < b.Time
	}
	if a.File != b.File {
		return a.File < b.File
	}
	return a.Packet < b.Packet
}

// Identity implements observe.Sink.
func (b *Builder) Identity(id *observe.Identity) {
	k := idKey{subject: id.Subject, field: id.Field, app: id.App}
	if !k.subject.HasMAC {
		k.subject.MAC = [6]byte{}
	}
	if len(id.Component) > 0 {
		k.component = maphash.Bytes(b.seed, id.Component) | 1
	}
	r := b.ids[k]
	if r == nil {
		if len(b.ids) >= b.limits.Identities {
			b.over[1]++
			return
		}
		r = &idRec{component: string(id.Component)}
		b.ids[k] = r
	}
	for i := range r.values {
		if v := &r.values[i]; v.value == string(id.Value) {
			v.count++
			v.conf = max(v.conf, id.Confidence)
			if earlier(id.At, v.at) {
				v.at = id.At
			}
			return
		}
	}
	if len(r.values) >= maxValuesPerField {
		b.over[1]++
		return
	}
	r.values = append(r.values, idValue{value: string(id.Value), conf: id.Confidence, at: id.At, count: 1})
}

func convKeyOf(f *observe.Flow) convKey {
	k := convKey{app: f.App, proto: f.Proto, etherType: f.EtherType}
	if f.Proto == 0 {
		k.macA, k.macB = f.MAC[0], f.MAC[1]
		return k
	}
	k.client, k.server = f.Client.Addr(), f.Server.Addr()
	if f.Proto == decode.ProtoTCP || f.Proto == decode.ProtoUDP {
		k.serverPort = f.Server.Port()
	}
	return k
}

// Flow implements observe.Sink.
func (b *Builder) Flow(f *observe.Flow) {
	k := convKeyOf(f)
	r := b.convs[k]
	if r == nil {
		if len(b.convs) >= b.limits.Conversations {
			b.over[2]++
			return
		}
		r = &convRec{first: f.First, last: f.Last, at: f.At}
		b.convs[k] = r
	}
	r.addFlow(f)
}

func (r *convRec) addFlow(f *observe.Flow) {
	if earlier(f.At, r.at) {
		r.at = f.At
	}
	r.first = min(r.first, f.First)
	r.last = max(r.last, f.Last)
	r.conns++
	if f.Proto != decode.ProtoTCP || f.TCPFlags[1]&decode.SYN != 0 || f.PayloadBytes[1] > 0 {
		r.answered = true
	}
	for i := range 2 {
		r.packets[i] += f.Packets[i]
		if f.Proto == 0 {
			r.bytes[i] += f.PayloadBytes[i]
		} else {
			r.bytes[i] += f.IPBytes[i]
		}
		if f.HasMAC[i] {
			r.mac[i], r.hasMAC[i] = f.MAC[i], true
		}
	}
	if f.HasVLAN && !r.hasVLAN {
		r.vlan, r.hasVLAN = f.VLAN, true
	}
	for _, o := range f.Ops {
		r.addOp(o.Code, uint8(o.Class), [2]uint64{uint64(o.Count[0]), uint64(o.Count[1])})
	}
	r.opsOver += uint64(f.OpsOver)
	for _, a := range f.Addrs {
		r.addAddr(a)
	}
	for i, n := range f.Anomalies {
		r.anomalies[i] += uint64(n)
	}
}

func (r *convRec) addOp(code uint32, class uint8, count [2]uint64) {
	for i := range r.ops {
		if o := &r.ops[i]; o.code == code {
			o.count[0] += count[0]
			o.count[1] += count[1]
			return
		}
	}
	r.ops = append(r.ops, opRec{code: code, class: class, count: count})
}

func (r *convRec) addAddr(a uint16) {
	for _, x := range r.addrs {
		if x == a {
			return
		}
	}
	if len(r.addrs) < maxAddrsPerConv {
		r.addrs = append(r.addrs, a)
	}
}

// Merge adds what o collected to b. o must not be used afterwards.
func (b *Builder) Merge(o *Builder) {
	for k, r := range o.bindings {
		mine := b.bindings[k]
		if mine == nil {
			if len(b.bindings) >= b.limits.Bindings {
				b.over[0]++
				continue
			}
			b.bindings[k] = r
			continue
		}
		mine.first, mine.last = min(mine.first, r.first), max(mine.last, r.last)
		mine.how |= r.how
		mine.minHops = min(mine.minHops, r.minHops)
		mine.apps |= r.apps
		if r.hasVLAN && (!mine.hasVLAN || r.vlan < mine.vlan) {
			mine.vlan, mine.hasVLAN = r.vlan, true // the same choice as Host makes, whatever the merge order
		}
	}
	for k, r := range o.ids {
		mine := b.ids[k]
		if mine == nil {
			if len(b.ids) >= b.limits.Identities {
				b.over[1]++
				continue
			}
			b.ids[k] = r
			continue
		}
	values:
		for _, v := range r.values {
			for i := range mine.values {
				if m := &mine.values[i]; m.value == v.value {
					m.count += v.count
					m.conf = max(m.conf, v.conf)
					if earlier(v.at, m.at) {
						m.at = v.at
					}
					continue values
				}
			}
			if len(mine.values) < maxValuesPerField {
				mine.values = append(mine.values, v)
			}
		}
	}
	for k, r := range o.convs {
		mine := b.convs[k]
		if mine == nil {
			if len(b.convs) >= b.limits.Conversations {
				b.over[2]++
				continue
			}
			b.convs[k] = r
			continue
		}
		if earlier(r.at, mine.at) {
			mine.at = r.at
		}
		mine.first = min(mine.first, r.first)
		mine.last = max(mine.last, r.last)
		mine.conns += r.conns
		for i := range 2 {
			mine.packets[i] += r.packets[i]
			mine.bytes[i] += r.bytes[i]
			if r.hasMAC[i] {
				mine.mac[i], mine.hasMAC[i] = r.mac[i], true
			}
		}
		if r.hasVLAN && !mine.hasVLAN {
			mine.vlan, mine.hasVLAN = r.vlan, true
		}
		for _, op := range r.ops {
			mine.addOp(op.code, op.class, op.count)
		}
		mine.opsOver += r.opsOver
		for _, a := range r.addrs {
			mine.addAddr(a)
		}
		for i := range r.anomalies {
			mine.anomalies[i] += r.anomalies[i]
		}
	}
	for f, r := range o.sources {
		mine := b.sources[f]
		if mine == nil {
			b.sources[f] = r
			continue
		}
		mine.merge(r)
	}
	for i := range b.over {
		b.over[i] += o.over[i]
	}
}
