package decode

import "time"

// PDULenFunc is a protocol's TCP framing function: the total length of the PDU that
// starts at b[0]; 0 and no error when b is too short to tell; an error when b cannot
// be the start of a PDU of that protocol.
type PDULenFunc func(b []byte) (int, error)

// PDUSink receives each complete PDU cut from a TCP stream. pdu is only valid during
// the call: it aliases the packet or the flow's stream buffer.
type PDUSink interface {
	PDU(f *Flow, dir Dir, pdu []byte)
}

// Flow is the state of one conversation. Callers may set App, Framer and User; the
// table maintains the rest.
type Flow struct {
	Key FlowKey
	// Orig is the direction of packets sent by the side that opened the conversation
	// (the client); OrigBy says what decided it: the TCP handshake, a well-known server
	// port on one side only, the protocol's request/response structure (Orient), or,
	// failing all of them, the sender of the first packet seen.
	Orig                Dir
	OrigBy              OrigBasis
	FirstSeen, LastSeen int64 // packet times, Unix nanoseconds
	Packets             [2]uint64
	IPBytes             [2]uint64 // IP packet lengths as their headers give them
	PayloadBytes        [2]uint64 // transport payload lengths as their headers give them
	TCPFlags            [2]TCPFlags

	// App is the caller's tag for the protocol the flow carries (0: not classified).
	App uint16
	// Framer cuts the flow's TCP stream into PDUs for Table.Reassemble; nil: none.
	Framer PDULenFunc
	// User is the caller's per-flow state (protocol request tracking, say).
	User any

	streams [2]stream
	slot    int32
	active  bool
}

// FromOrig reports whether direction d is from the flow's originator.
func (f *Flow) FromOrig(d Dir) bool { return d == f.Orig }

// OrigBasis is the evidence that decided which side of a flow opened it, from the
// weakest to the strongest.
type OrigBasis uint8

const (
	// OrigFirstPacket: the sender of the first packet seen; a guess that is wrong
	// whenever a capture starts in the middle of a conversation with a server's packet.
	OrigFirstPacket OrigBasis = iota
	// OrigPayload: the protocol's own request/response structure (a request's sender is
	// the client), set by the caller with Orient.
	OrigPayload
	// OrigServerPort: a well-known server port (Config.IsServerPort) on one side only.
	OrigServerPort
	// OrigHandshake: the TCP handshake, a SYN's sender or a SYN-ACK's receiver.
	OrigHandshake
)

// String names the basis in logs and test failures.
func (b OrigBasis) String() string {
	switch b {
	case OrigFirstPacket:
		return "first_packet"
	case OrigPayload:
		return "payload"
	case OrigServerPort:
		return "server_port"
	case OrigHandshake:
		return "handshake"
	}
	return "unknown"
}

// Orient makes orig the flow's originator on evidence by, unless evidence as strong or
// stronger decided it already. It reports whether Orig changed. The per-direction
// counters stay indexed by Dir, so re-orienting a flow costs nothing else: whoever
// reads them as client and server reads them through Orig.
func (f *Flow) Orient(orig Dir, by OrigBasis) bool {
	if by <= f.OrigBy {
		return false
	}
	changed := f.Orig != orig
	f.Orig, f.OrigBy = orig, by
	return changed
}

// Config bounds a Table. Zero fields take the defaults.
type Config struct {
	// MaxFlows is the hard bound on flows held at once (default 65536). When the table
	// is full, packets of new conversations are counted (Stats.TableFull) but not tracked.
	MaxFlows int
	// IdleTimeout evicts flows that saw no packet for this long in capture time
	// (default 5 minutes).
	IdleTimeout time.Duration
	// MaxStreamBuffer bounds each direction's TCP reassembly buffer (default 128 KiB,
	// above the largest EtherNet/IP encapsulation PDU).
	MaxStreamBuffer int
	// OnEvict, if set, is called with each flow leaving the table (idle, or Flush),
	// before its memory is reused.
	OnEvict func(*Flow)
	// IsServerPort tells which side of a conversation first seen without its SYN is
	// the server: when exactly one of a packet's ports is a server port of its
	// transport (proto: ProtoTCP or ProtoUDP), that side is the server (as Zeek does with
	// its likely server ports). Default: ports below 1024.
	IsServerPort func(proto uint8, port uint16) bool
}

const (
	defaultMaxFlows        = 1 << 16
	defaultIdleTimeout     = 5 * time.Minute
	defaultMaxStreamBuffer = 128 << 10
	chunkBits              = 10 // flows are allocated in chunks of 1024 so *Flow stays valid
	chunkSize              = 1 << chunkBits
)

// TableStats counts the table's work and its anomalies.
type TableStats struct {
	Created   uint64 // flows created
	Evicted   uint64 // flows removed (idle timeout or Flush)
	TableFull uint64 // packets of new conversations not tracked because the table was full

	// TCP stream handling.
	PDUs          uint64 // PDUs handed to sinks
	MidStream     uint64 // streams picked up without seeing their SYN
	Retransmitted uint64 // segments whose bytes had been delivered already (dropped)
	Gaps          uint64 // jumps forward in a stream: bytes never seen, partial PDU dropped
	SnapCut       uint64 // segments the capture cut short; stream resumes at the next one
	Overflows     uint64 // PDUs larger than MaxStreamBuffer (skipped, buffer reset)
	FramingErrors uint64 // bytes the flow's protocol did not recognise (rest of segment dropped)
}

// Table tracks flows with a hard bound on their number. It is not safe for
// concurrent use.
type Table struct {
	cfg    Config
	index  map[FlowKey]int32
	chunks [][]Flow
	n      int32 // slots handed out so far
	free   []int32
	now    int64 // latest packet time seen
	swept  int64 // packet time of the last idle sweep
	stats  TableStats

	// The flow of the previous packet: the next one is usually of the same flow (the
	// answer to a request, the next segment), and comparing keys is cheaper than the
	// map's hash.
	lastKey  FlowKey
	lastSlot int32
	lastOK   bool
}

// NewTable returns an empty table.
func NewTable(cfg Config) *Table {
	if cfg.MaxFlows <= 0 {
		cfg.MaxFlows = defaultMaxFlows
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = defaultIdleTimeout
	}
	if cfg.MaxStreamBuffer <= 0 {
		cfg.MaxStreamBuffer = defaultMaxStreamBuffer
	}
	if cfg.IsServerPort == nil {
		cfg.IsServerPort = func(_ uint8, port uint16) bool { return port < 1024 }
	}
	return &Table{cfg: cfg, index: make(map[FlowKey]int32, min(cfg.MaxFlows, 4096))}
}

// Stats returns the table's counters.
func (t *Table) Stats() TableStats { return t.stats }

// Len is the number of flows held.
func (t *Table) Len() int { return len(t.index) }

func (t *Table) at(slot int32) *Flow { return &t.chunks[slot>>chunkBits][slot&(chunkSize-1)] }

// Lookup finds or creates the flow of p, which arrived at ts (Unix nanoseconds), and
// counts p in it. It returns nil when p has no IP layer or the table is full. The
// *Flow stays valid until the flow is evicted (OnEvict tells when); a later Lookup
// may evict idle flows.
func (t *Table) Lookup(p *Packet, ts int64) (f *Flow, dir Dir, created bool) {
	key, dir, ok := FlowKeyOf(p)
	if !ok {
		return nil, 0, false
	}
	if ts > t.now {
		t.now = ts
	}
	if sweepEvery := int64(t.cfg.IdleTimeout) / 8; t.now-t.swept > sweepEvery {
		t.expire()
	}
	if t.lastOK && key == t.lastKey {
		f = t.at(t.lastSlot)
	} else if slot, ok := t.index[key]; ok {
		f = t.at(slot)
		t.lastKey, t.lastSlot, t.lastOK = key, slot, true
	}
	if f != nil && ts-f.LastSeen > int64(t.cfg.IdleTimeout) {
		// Idle for longer than the timeout: the sweep ends such a flow when it runs, and
		// it runs at moments that depend on the other flows of this table (on how the
		// packets were spread over workers). Ending it here makes where a conversation
		// splits depend on its own packets only.
		t.evict(f)
		f = nil
	}
	if f == nil {
		if f = t.create(key); f == nil {
			return nil, dir, false
		}
		created = true
		f.FirstSeen = ts
		t.orient(f, p, dir)
	}
	if ts > f.LastSeen {
		f.LastSeen = ts
	}
	f.Packets[dir]++
	f.IPBytes[dir] += uint64(p.IPLength)
	if p.Layers&(LayerTCP|LayerUDP) != 0 {
		f.PayloadBytes[dir] += uint64(p.PayloadLen)
	}
	f.TCPFlags[dir] |= p.TCPFlags
	if p.Layers&LayerTCP != 0 && p.TCPFlags&SYN != 0 {
		if p.TCPFlags&ACK == 0 {
			f.Orig, f.OrigBy = dir, OrigHandshake // a SYN: a new connection's opener
		} else {
			f.Orient(dir.Reverse(), OrigHandshake) // a SYN-ACK answers the opener
		}
	}
	return f, dir, created
}

// orient sets a new flow's originator from its first packet p, travelling in direction
// dir: a SYN-ACK's receiver, the side of a well-known server port when only one side
// has one, or else the packet's sender, to be corrected by stronger evidence later.
func (t *Table) orient(f *Flow, p *Packet, dir Dir) {
	f.Orig, f.OrigBy = dir, OrigFirstPacket
	if p.Layers&(LayerTCP|LayerUDP) == 0 {
		return
	}
	if p.Layers&LayerTCP != 0 && p.TCPFlags&SYN != 0 {
		return // the handshake decides (Lookup)
	}
	src, dst := t.cfg.IsServerPort(p.IPProto, p.SrcPort), t.cfg.IsServerPort(p.IPProto, p.DstPort)
	switch {
	case src && !dst:
		f.Orig, f.OrigBy = dir.Reverse(), OrigServerPort // picked up with a server's packet
	case dst && !src:
		f.OrigBy = OrigServerPort
	}
}

func (t *Table) create(key FlowKey) *Flow {
	if len(t.index) >= t.cfg.MaxFlows {
		// Make room from idle flows, at most once per second of capture time so a
		// table full of live flows does not sweep on every packet.
		if t.now-t.swept >= int64(time.Second) {
			t.expire()
		}
		if len(t.index) >= t.cfg.MaxFlows {
			t.stats.TableFull++
			return nil
		}
	}
	var slot int32
	if n := len(t.free); n > 0 {
		slot = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		slot = t.n
		t.n++
		if int(slot>>chunkBits) == len(t.chunks) {
			t.chunks = append(t.chunks, make([]Flow, chunkSize))
		}
	}
	f := t.at(slot)
	f.Key = key
	f.slot = slot
	f.active = true
	t.index[key] = slot
	t.lastKey, t.lastSlot, t.lastOK = key, slot, true
	t.stats.Created++
	return f
}

// expire evicts the flows idle for longer than the idle timeout.
func (t *Table) expire() {
	t.swept = t.now
	limit := t.now - int64(t.cfg.IdleTimeout)
	for slot := int32(0); slot < t.n; slot++ {
		if f := t.at(slot); f.active && f.LastSeen < limit {
			t.evict(f)
		}
	}
}

// Flush evicts every flow (at the end of a capture), calling OnEvict for each.
func (t *Table) Flush() {
	for slot := int32(0); slot < t.n; slot++ {
		if f := t.at(slot); f.active {
			t.evict(f)
		}
	}
}

// Range calls fn for each flow held until fn returns false.
func (t *Table) Range(fn func(*Flow) bool) {
	for slot := int32(0); slot < t.n; slot++ {
		if f := t.at(slot); f.active && !fn(f) {
			return
		}
	}
}

// maxKeptBuffer is the largest stream buffer a reused slot keeps; bigger ones are
// released so that one burst of large PDUs does not pin memory for good.
const maxKeptBuffer = 16 << 10

func (t *Table) evict(f *Flow) {
	if t.cfg.OnEvict != nil {
		t.cfg.OnEvict(f)
	}
	delete(t.index, f.Key)
	t.stats.Evicted++
	slot := f.slot
	if t.lastOK && t.lastSlot == slot {
		t.lastOK = false
	}
	bufs := [2][]byte{f.streams[0].buf[:0], f.streams[1].buf[:0]}
	*f = Flow{}
	for i, b := range bufs {
		if cap(b) <= maxKeptBuffer {
			f.streams[i].buf = b
		}
	}
	t.free = append(t.free, slot)
}
