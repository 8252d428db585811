package observe

import (
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/decode"
)

// Config bounds a Pipeline. Zero fields take the defaults.
type Config struct {
	// Table bounds the flow table (flows held at once, idle timeout, stream buffers).
	// Its OnEvict is the pipeline's own and is ignored here.
	Table decode.Config
	// MaxL2Flows bounds the conversations of non-IP protocols (PROFINET DCP, ...)
	// between MAC addresses (default 4096); frames beyond are counted, not tracked.
	MaxL2Flows int
}

const defaultMaxL2Flows = 4096

// l2CacheSize is the number of slots of the cache that keeps a pipeline from reporting
// the same layer-2 sighting (ARP claim, non-IP sender) on every frame.
const l2CacheSize = 1024

type l2Sighting struct {
	mac  [6]byte
	ip   netip.Addr
	how  Binding
	app  App
	used bool
}

// l2Key is a conversation of a non-IP protocol between two MAC addresses, in canonical
// order (a < b) so both directions give the same key.
type l2Key struct {
	a, b      [6]byte
	etherType uint16
	app       App
}

type l2Flow struct {
	st          flowState
	orig        decode.Dir       // direction of the client's frames: the first frame's, until its protocol's Role says otherwise
	origBy      decode.OrigBasis // what decided orig (first packet or payload)
	first, last int64
	packets     [2]uint64
	bytes       [2]uint64
}

// Pipeline runs packets through decoding, flows and dissectors and reports
// observations to its Sink. It is not safe for concurrent use: each worker has one.
type Pipeline struct {
	cfg      Config
	sink     Sink
	dec      decode.Decoder
	pkt      decode.Packet
	tab      *decode.Table
	handlers []Handler
	pool     statePool
	conn     Conn
	ci       capture.CaptureInfo

	file        int
	name        string
	first, last int64
	stats       PipelineStats

	l2cache [l2CacheSize]l2Sighting
	l2flows map[l2Key]*l2Flow
	l2over  uint64

	// Reusable observation values, so reporting allocates nothing.
	host    Host
	ident   Identity
	flowObs Flow
	src     Source
	scratch [256]byte
}

// NewPipeline returns a pipeline reporting to sink.
func NewPipeline(sink Sink, cfg Config) *Pipeline {
	if cfg.MaxL2Flows <= 0 {
		cfg.MaxL2Flows = defaultMaxL2Flows
	}
	p := &Pipeline{cfg: cfg, sink: sink, handlers: make([]Handler, len(protocolsByApp))}
	for i := 1; i < len(protocolsByApp); i++ {
		p.handlers[i] = protocolsByApp[i].New()
	}
	p.conn.p = p
	return p
}

// Begin starts a capture: file is its index in the run's list of sources (it goes into
// every Provenance), name its name.
func (p *Pipeline) Begin(file int, name string) {
	tc := p.cfg.Table
	tc.OnEvict = p.flowEnd
	if tc.IsServerPort == nil {
		tc.IsServerPort = IsServerPort
	}
	p.tab = decode.NewTable(tc)
	p.dec = decode.Decoder{}
	p.file, p.name = file, name
	p.first, p.last = 0, 0
	p.stats = PipelineStats{}
	p.l2cache = [l2CacheSize]l2Sighting{}
	p.l2flows = make(map[l2Key]*l2Flow)
	p.l2over = 0
}

// End finishes the capture begun last: every flow still held is reported, then the
// Source with the counts. capStats and readErr are the reader's (zero when another
// goroutine read the file and reports them itself).
func (p *Pipeline) End(capStats capture.Stats, readErr error) {
	p.tab.Flush()
	p.flushL2()
	p.src = Source{File: p.file, Name: p.name, Capture: capStats, ReadErr: readErr, First: p.first, Last: p.last,
		Decode: p.dec.Stats, Table: p.tab.Stats(), Pipeline: p.stats}
	p.src.Table.TableFull += p.l2over
	p.sink.Source(&p.src)
}

// Packet processes one packet. data is only read during the call.
func (p *Pipeline) Packet(data []byte, ci *capture.CaptureInfo) {
	ts := ci.Timestamp.UnixNano()
	if p.first == 0 || ts < p.first {
		p.first = ts
	}
	if ts > p.last {
		p.last = ts
	}
	pk := &p.pkt
	if p.dec.Decode(ci.LinkType, data, pk) != nil {
		return // counted by the decoder
	}
	c := &p.conn
	p.ci = *ci // a copy, so that the caller's ci does not escape
	c.Packet, c.Info, c.time = pk, &p.ci, ts
	if pk.Layers&(decode.LayerIPv4|decode.LayerIPv6) == 0 {
		p.nonIP(pk)
		return
	}
	f, dir, created := p.tab.Lookup(pk, ts)
	if f == nil {
		return // table full: counted by the table
	}
	var st *flowState
	if created {
		st = p.newFlow(f, pk, ts, ci.Number)
	} else {
		st = f.User.(*flowState)
	}
	c.Flow, c.Dir, c.st = f, dir, st
	if pk.NumVLANs > 0 && !st.hasVLAN {
		st.hasVLAN, st.vlan = true, pk.VLANs[0]
	}
	if !st.bound[dir] || st.mac[dir] != pk.SrcMAC {
		p.bind(st, dir, pk)
	}
	switch {
	case pk.Layers&decode.LayerTCP != 0:
		switch {
		case f.Framer != nil:
			p.reassemble(f, dir, st)
		case st.app != 0 && st.raw:
			if len(pk.Payload) > 0 {
				st.pdus++
				p.orient(f, dir, st, pk.Payload)
				p.handlers[st.app].Handle(c, pk.Payload)
			}
		case st.app == 0 && st.probes > 0 && len(pk.Payload) > 0:
			st.probes--
			if p.detect(f, st, pk.Payload, true) {
				p.stats.Detected++
				if f.Framer != nil {
					p.reassemble(f, dir, st)
				} else if st.raw {
					st.pdus++
					p.orient(f, dir, st, pk.Payload)
					p.handlers[st.app].Handle(c, pk.Payload)
				}
			}
		}
	case pk.Layers&decode.LayerUDP != 0:
		if st.app == 0 && st.probes > 0 && len(pk.Payload) > 0 {
			st.probes--
			if p.detect(f, st, pk.Payload, false) {
				p.stats.Detected++
			}
		}
		if st.app != 0 {
			p.stats.Datagrams++
			st.pdus++
			p.orient(f, dir, st, pk.Payload)
			p.handlers[st.app].Handle(c, pk.Payload)
		}
	}
	if pk.Truncated {
		st.anomalies[AnomalySnapCut]++
	}
}

// newFlow sets up a flow's state and picks its protocol by port: the server's port
// first, then the client's.
func (p *Pipeline) newFlow(f *decode.Flow, pk *decode.Packet, ts int64, number uint64) *flowState {
	st := p.pool.get()
	f.User = st
	st.probes = probePackets
	st.orientLeft = orientPDUs
	st.at = Provenance{File: p.file, Packet: number, Time: ts}
	server, client := f.Key.DstPort(f.Orig), f.Key.SrcPort(f.Orig)
	var app App
	switch {
	case pk.Layers&decode.LayerTCP != 0:
		if app = tcpPortApp[server]; app == 0 {
			app = tcpPortApp[client]
		}
	case pk.Layers&decode.LayerUDP != 0:
		if app = udpPortApp[server]; app == 0 {
			app = udpPortApp[client]
		}
	default:
		st.probes = 0
	}
	if app != 0 {
		p.setApp(f, st, app, pk.Layers&decode.LayerTCP != 0)
	}
	return st
}

func (p *Pipeline) setApp(f *decode.Flow, st *flowState, app App, tcp bool) {
	st.app, st.claimed, st.probes = app, app, 0
	if tcp {
		f.Framer = protocolsByApp[app].PDULen
		st.raw = f.Framer == nil
	}
}

// detect offers payload to the registered protocols' Detect functions.
func (p *Pipeline) detect(f *decode.Flow, st *flowState, payload []byte, tcp bool) bool {
	for i := 1; i < len(protocolsByApp); i++ {
		pr := &protocolsByApp[i]
		d := pr.DetectUDP
		if tcp {
			d = pr.DetectTCP
		}
		if d != nil && App(i) != st.claimed && d(payload) {
			p.releaseExt(st)
			claimed := st.claimed
			p.setApp(f, st, App(i), tcp)
			if claimed != 0 {
				st.claimed = claimed
			}
			return true
		}
	}
	return false
}

// reassemble feeds the packet to the flow's TCP stream and charges the stream anomalies
// it causes to the flow.
func (p *Pipeline) reassemble(f *decode.Flow, dir decode.Dir, st *flowState) {
	before := p.tab.Stats()
	p.tab.Reassemble(f, dir, &p.pkt, p)
	after := p.tab.Stats()
	if after.FramingErrors == before.FramingErrors && after.Gaps == before.Gaps &&
		after.Retransmitted == before.Retransmitted && after.Overflows == before.Overflows && after.SnapCut == before.SnapCut {
		return
	}
	st.anomalies[AnomalyFraming] += uint32(after.FramingErrors - before.FramingErrors)
	st.anomalies[AnomalyGap] += uint32(after.Gaps - before.Gaps)
	st.anomalies[AnomalyRetransmission] += uint32(after.Retransmitted - before.Retransmitted)
	st.anomalies[AnomalyOversized] += uint32(after.Overflows - before.Overflows)
	st.anomalies[AnomalySnapCut] += uint32(after.SnapCut - before.SnapCut)
	if st.pdus == 0 && st.anomalies[AnomalyFraming] >= maxFramingBeforeGivingUp {
		// The port named a protocol the payload is not: stop framing it, note it, and
		// see whether the payload is another protocol.
		p.stats.Unexpected++
		st.anomalies[AnomalyUnexpectedPayload]++
		f.Framer = nil
		st.app, st.raw = 0, false
		st.probes = probePackets
	}
}

// PDU implements decode.PDUSink: a PDU cut from the current packet's flow.
func (p *Pipeline) PDU(f *decode.Flow, dir decode.Dir, pdu []byte) {
	st := f.User.(*flowState)
	st.pdus++
	p.orient(f, dir, st, pdu)
	p.handlers[st.app].Handle(&p.conn, pdu)
}

// orient asks the flow's protocol whether pdu, sent in direction dir, is a client's or
// a server's (Protocol.Role), for the first PDUs of a flow whose originator neither a
// TCP handshake nor a server port decided, and re-orients the flow by the first answer.
// Operations counted before stay counted by direction, so they follow.
func (p *Pipeline) orient(f *decode.Flow, dir decode.Dir, st *flowState, pdu []byte) {
	if st.orientLeft == 0 || f.OrigBy >= decode.OrigPayload {
		return
	}
	if orig, ok := p.pduOrig(st, dir, pdu); ok {
		if f.Orient(orig, decode.OrigPayload) {
			p.stats.Reoriented++
		}
	}
}

// pduOrig asks the protocol of st which direction is the client's, from pdu sent in
// direction dir; ok is false when the PDU does not tell. It counts down the PDUs a flow
// may be asked about.
func (p *Pipeline) pduOrig(st *flowState, dir decode.Dir, pdu []byte) (orig decode.Dir, ok bool) {
	role := protocolsByApp[st.app].Role
	if role == nil {
		return 0, false
	}
	st.orientLeft--
	switch role(pdu) {
	case PDURequest:
		st.orientLeft = 0
		return dir, true
	case PDUResponse:
		if toGroup(&p.pkt) {
			// Sent to a broadcast or multicast address (a BACnet I-Am to all): the
			// receivers are no one client.
			return 0, false
		}
		st.orientLeft = 0
		return dir.Reverse(), true
	}
	return 0, false
}

// toGroup reports whether pk was sent to a group: a broadcast or multicast MAC or IP
// address.
func toGroup(pk *decode.Packet) bool {
	if pk.Layers&decode.LayerEthernet != 0 && pk.DstMAC[0]&1 != 0 {
		return true
	}
	return pk.DstIP.IsMulticast() || pk.DstIP == netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// MACIsZero reports whether m is the all-zero address (no MAC known).
func MACIsZero(m *[6]byte) bool { return *m == [6]byte{} }

// bind reports the MAC and IP addresses of a flow direction's packets, once per flow
// and direction (and again if the MAC changes).
func (p *Pipeline) bind(st *flowState, dir decode.Dir, pk *decode.Packet) {
	st.bound[dir] = true
	st.mac[dir] = pk.SrcMAC
	st.dstMAC[dir] = pk.DstMAC
	h := &p.host
	// The packet's own VLAN, not the flow's: each side of a routed conversation sends on
	// its own VLAN.
	vlan, hasVLAN := uint16(0), pk.NumVLANs > 0
	if hasVLAN {
		vlan = pk.VLANs[0]
	}
	*h = Host{MAC: pk.SrcMAC, HasMAC: !MACIsZero(&pk.SrcMAC), IP: pk.SrcIP, How: BindSource, TTL: pk.TTL,
		VLAN: vlan, HasVLAN: hasVLAN, At: p.conn.Provenance()}
	p.stats.HostsReported++
	p.sink.Host(h)
	if pk.Layers&decode.LayerEthernet != 0 && !MACIsZero(&pk.DstMAC) {
		*h = Host{MAC: pk.DstMAC, HasMAC: true, IP: pk.DstIP, How: BindDestination, VLAN: vlan, HasVLAN: hasVLAN,
			At: p.conn.Provenance()}
		p.stats.HostsReported++
		p.sink.Host(h)
	}
}

// sighting reports a layer-2 sighting unless the cache says it was reported already.
func (p *Pipeline) sighting(mac [6]byte, ip netip.Addr, how Binding, app App) {
	if MACIsZero(&mac) {
		return
	}
	hsh := uint32(mac[2])<<24 ^ uint32(mac[3])<<16 ^ uint32(mac[4])<<8 ^ uint32(mac[5]) ^ uint32(how)<<5 ^ uint32(app)<<11
	if ip.Is4() {
		a := ip.As4()
		hsh ^= uint32(a[0])<<24 ^ uint32(a[1])<<16 ^ uint32(a[2])<<8 ^ uint32(a[3])
	}
	hsh *= 0x9e3779b1
	e := &p.l2cache[hsh>>(32-10)]
	if e.used && e.mac == mac && e.ip == ip && e.how == how && e.app == app {
		return
	}
	*e = l2Sighting{mac: mac, ip: ip, how: how, app: app, used: true}
	h := &p.host
	*h = Host{MAC: mac, HasMAC: true, IP: ip, How: how, App: app, At: p.conn.Provenance()}
	if pk := &p.pkt; pk.NumVLANs > 0 {
		h.VLAN, h.HasVLAN = pk.VLANs[0], true
	}
	p.stats.HostsReported++
	p.sink.Host(h)
}

// nonIP handles frames without an IP layer: ARP claims, and the frames of registered
// non-IP protocols, which are also counted as conversations between MAC addresses.
func (p *Pipeline) nonIP(pk *decode.Packet) {
	p.stats.NonIP++
	c := &p.conn
	c.Flow, c.st = nil, nil
	if pk.Layers&decode.LayerARP != 0 {
		if pk.ARP.SenderIP.IsValid() && !pk.ARP.SenderIP.IsUnspecified() {
			p.sighting(pk.ARP.SenderMAC, pk.ARP.SenderIP, BindARP, 0)
		}
		return
	}
	app := frameApp(pk.EtherType, &pk.DstMAC, pk.Payload)
	p.sighting(pk.SrcMAC, netip.Addr{}, BindL2, app)
	if app == 0 {
		return
	}
	key := l2Key{a: pk.SrcMAC, b: pk.DstMAC, etherType: pk.EtherType, app: app}
	dir := decode.DirAB
	if lessMAC(&key.b, &key.a) {
		key.a, key.b = key.b, key.a
		dir = decode.DirBA
	}
	fl := p.l2flows[key]
	if fl == nil {
		if len(p.l2flows) >= p.cfg.MaxL2Flows {
			p.l2over++
			p.stats.Frames++
			p.handlers[app].Handle(c, pk.Payload)
			return
		}
		fl = &l2Flow{orig: dir, first: c.time}
		fl.st.app, fl.st.claimed = app, app
		fl.st.at = c.Provenance()
		fl.st.orientLeft = orientPDUs
		p.l2flows[key] = fl
	}
	if fl.st.orientLeft > 0 {
		if orig, ok := p.pduOrig(&fl.st, dir, pk.Payload); ok && fl.origBy < decode.OrigPayload {
			if orig != fl.orig {
				p.stats.Reoriented++
			}
			fl.orig, fl.origBy = orig, decode.OrigPayload
		}
	}
	if c.time > fl.last {
		fl.last = c.time
	}
	fl.packets[dir]++
	fl.bytes[dir] += uint64(len(pk.Payload))
	fl.st.mac[dir], fl.st.bound[dir] = pk.SrcMAC, true
	if pk.NumVLANs > 0 && !fl.st.hasVLAN {
		fl.st.hasVLAN, fl.st.vlan = true, pk.VLANs[0]
	}
	c.st, c.Dir, c.l2orig = &fl.st, dir, fl.orig
	p.stats.Frames++
	fl.st.pdus++
	p.handlers[app].Handle(c, pk.Payload)
}

func lessMAC(a, b *[6]byte) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// flowEnd reports a flow leaving the table and recycles its state.
func (p *Pipeline) flowEnd(f *decode.Flow) {
	st, _ := f.User.(*flowState)
	if st == nil {
		return
	}
	o := &p.flowObs
	orig, resp := f.Orig, f.Orig.Reverse()
	*o = Flow{Key: f.Key, Client: f.Key.Src(orig), Server: f.Key.Src(resp), Proto: f.Key.Proto(), App: st.app,
		First: f.FirstSeen, Last: f.LastSeen,
		Packets: [2]uint64{f.Packets[orig], f.Packets[resp]}, IPBytes: [2]uint64{f.IPBytes[orig], f.IPBytes[resp]},
		PayloadBytes: [2]uint64{f.PayloadBytes[orig], f.PayloadBytes[resp]}, TCPFlags: [2]decode.TCPFlags{f.TCPFlags[orig], f.TCPFlags[resp]},
		At: st.at}
	p.fillFlow(o, st, orig)
	p.report(o, st)
	p.pool.put(st)
}

// fillFlow copies what the flow state holds into o, turning per-direction counts into
// client and server counts.
func (p *Pipeline) fillFlow(o *Flow, st *flowState, orig decode.Dir) {
	resp := orig.Reverse()
	o.MAC = [2][6]byte{st.mac[orig], st.mac[resp]}
	o.HasMAC = [2]bool{st.bound[orig] && !MACIsZero(&st.mac[orig]), st.bound[resp] && !MACIsZero(&st.mac[resp])}
	if !st.bound[resp] && st.bound[orig] && !MACIsZero(&st.dstMAC[orig]) {
		// The server never answered: name it by where the client sent (a broadcast
		// address, a router, or the server's own MAC).
		o.MAC[1], o.HasMAC[1] = st.dstMAC[orig], true
	}
	o.VLAN, o.HasVLAN = st.vlan, st.hasVLAN
	o.PDUs = st.pdus
	for i := range st.ops[:st.nops] {
		op := &st.ops[i]
		op.Count = [2]uint32{op.Count[orig], op.Count[resp]}
	}
	o.Ops = st.ops[:st.nops]
	o.OpsOver = st.opsOver
	o.Addrs, o.AddrOver = st.addrs[:st.naddrs], st.addrOver
	o.Anomalies = st.anomalies
	if o.PDUs == 0 && o.PayloadBytes == [2]uint64{} && o.Proto == decode.ProtoTCP && o.TCPFlags[1]&decode.SYN == 0 {
		// The server never accepted the connection (a scan's SYN answered by RST, or
		// nothing): the port alone does not make the flow, or the server, that protocol.
		o.App = 0
	}
	if o.App == 0 {
		p.stats.UnknownAppFlows++
	}
}

func (p *Pipeline) report(o *Flow, st *flowState) {
	p.stats.FlowsReported++
	p.sink.Flow(o)
	p.releaseExt(st)
}

// releaseExt hands a flow's handler state back to the handler that set it.
func (p *Pipeline) releaseExt(st *flowState) {
	if st.ext != nil && st.extOwner != 0 {
		if fe, ok := p.handlers[st.extOwner].(FlowEnder); ok {
			fe.FlowEnd(st.ext)
		}
	}
	st.ext, st.extOwner = nil, 0
}

// flushL2 reports the conversations of non-IP protocols.
func (p *Pipeline) flushL2() {
	for key, fl := range p.l2flows {
		o := &p.flowObs
		orig, resp := fl.orig, fl.orig.Reverse()
		*o = Flow{App: fl.st.app, First: fl.first, Last: fl.last, EtherType: key.etherType,
			Packets: [2]uint64{fl.packets[orig], fl.packets[resp]}, PayloadBytes: [2]uint64{fl.bytes[orig], fl.bytes[resp]},
			At: fl.st.at}
		p.fillFlow(o, &fl.st, orig)
		// Both ends are known even if only one side sent: the key holds them.
		ends := [2][6]byte{key.a, key.b}
		o.MAC = [2][6]byte{ends[orig], ends[resp]}
		o.HasMAC = [2]bool{true, true}
		p.report(o, &fl.st)
	}
	clear(p.l2flows)
}
