package simulate

import (
	"math"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// EtherNet/IP operations an originator sends.
const (
	enListIdentity = iota
	enRegister
	enGetAll
	enForwardOpen
	enReadTag
	enGetAttr
	enWriteTag
	enForwardClose
	enUnregister
	enReset
	enFileInit
	enFileTransfer
)

type enipOp struct {
	kind       int
	tag        string
	n          int // file transfer: bytes, number
	num, part  uint8
	op         protocols.OpClass
	key        bool
	pauseAfter bool
}

// Tags a water or process controller typically exposes.
var enipTags = []string{"Filter1_Level", "Filter2_Level", "Cl2_Residual", "Turbidity_NTU", "Pump1_Run", "Pump2_Speed", "Flow_Inlet", "Dosing_Rate"}

// enipApp is an EtherNet/IP originator (a SCADA server, HMI or engineering station)
// talking to a target: ListIdentity, RegisterSession and the Identity object on
// connect, a class 3 connection (Forward_Open) for cyclic tag reads, unconnected
// attribute reads now and then, tag writes where allowed; Forward_Close and
// UnRegisterSession at the end.
type enipApp struct {
	interval int64
	ops      opSet
	session  uint32
	ctx      uint64
	fo       encode.ForwardOpen
	connSeq  uint16
	cycle    int
	cycles   int
	queue    []enipOp
	qi       int
	pending  bool
	cur      enipOp
	scripted bool
	script   []enipOp
	done     bool
	fill     encode.Filler
}

func newENIPApp(s *sim, ops opSet) *enipApp {
	return &enipApp{interval: pollInterval(s), ops: ops, queue: make([]enipOp, 0, 16), fill: encode.NewFiller(s.rng.Uint64())}
}

func (a *enipApp) refill(s *sim) {
	a.queue = a.queue[:0]
	a.qi = 0
	if a.cycles == 0 {
		a.cycles = 600 + s.rng.IntN(2400)
		a.session = 0
		a.connSeq = 0
		a.fo = encode.ForwardOpen{TOConnID: s.rng.Uint32(), Serial: uint16(s.rng.Uint32()), Vendor: 1, OrigSerial: s.rng.Uint32(), RPI: 2_000_000}
		a.queue = append(a.queue, enipOp{kind: enListIdentity, op: protocols.OpRead}, enipOp{kind: enRegister},
			enipOp{kind: enGetAll, op: protocols.OpRead}, enipOp{kind: enForwardOpen})
	}
	a.cycle++
	for i := 0; i < 3; i++ {
		a.queue = append(a.queue, enipOp{kind: enReadTag, tag: enipTags[(a.cycle*3+i)%len(enipTags)], op: protocols.OpRead})
	}
	if a.cycle%10 == 0 {
		a.queue = append(a.queue, enipOp{kind: enGetAttr, op: protocols.OpRead})
	}
	if a.ops.has(protocols.OpWrite) && s.rng.IntN(150) == 0 {
		a.queue = append(a.queue, enipOp{kind: enWriteTag, tag: "Dosing_Setpoint", op: protocols.OpWrite})
	}
	a.queue[len(a.queue)-1].pauseAfter = true
}

// closing queues the orderly end of a connection.
func (a *enipApp) closing() {
	a.queue = a.queue[:0]
	if a.fo.OTConnID != 0 {
		a.queue = append(a.queue, enipOp{kind: enForwardClose})
	}
	if a.session != 0 {
		a.queue = append(a.queue, enipOp{kind: enUnregister})
	}
	a.qi = 0
	a.done = true
}

func (a *enipApp) next(s *sim, c *conv, m *message) bool {
	if a.pending {
		a.pending = false
		m.from, m.wait, m.op, m.key = srv, s.procDelay(c.ends[srv]), a.cur.op, a.cur.key
		m.buf = a.response(s, c, m.buf)
		return true
	}
	if a.qi >= len(a.queue) {
		if a.done {
			a.done = false
			a.cycles = 0
			return false
		}
		if a.scripted {
			if a.script == nil {
				a.closing()
			} else {
				a.queue, a.qi, a.script = append(a.queue[:0], a.script...), 0, nil
			}
		} else if a.cycles == 1 {
			a.closing()
		} else {
			if a.cycles > 0 {
				a.cycles--
			}
			a.refill(s)
		}
		if len(a.queue) == 0 {
			a.done = false
			return false
		}
	}
	wait := s.between(2e6, 8e6)
	if a.qi == 0 && a.cycle > 1 && !a.scripted && !a.done {
		wait = s.jitter(a.interval, 0.05)
	}
	a.cur = a.queue[a.qi]
	a.qi++
	a.ctx++
	m.from, m.wait, m.op, m.key = cli, wait, a.cur.op, a.cur.key
	m.buf = a.request(s, m.buf)
	a.pending = a.cur.kind != enUnregister
	return true
}

func (a *enipApp) request(s *sim, b []byte) []byte {
	r := &a.cur
	switch r.kind {
	case enListIdentity:
		return encode.ENIPListIdentityRequest(b, a.ctx)
	case enRegister:
		return encode.ENIPRegisterSession(b, 0, a.ctx)
	case enUnregister:
		return encode.ENIPUnregister(b, a.session, a.ctx)
	case enReadTag, enWriteTag:
		a.connSeq++
		b, st := encode.ENIPSendUnitDataStart(b, a.session, a.fo.OTConnID, a.connSeq)
		if r.kind == enReadTag {
			b = encode.CIPTagRequest(b, encode.CIPReadTag, r.tag)
			b = append(b, 1, 0)
		} else {
			b = encode.CIPTagRequest(b, encode.CIPWriteTag, r.tag)
			b = append(b, byte(encode.CIPTypeREAL), 0, 1, 0)
			b = le32(b, math.Float32bits(float32(s.rng.IntN(400))/10))
		}
		return encode.ENIPEnd(b, st)
	}
	b, st := encode.ENIPSendRRDataStart(b, a.session, a.ctx)
	switch r.kind {
	case enGetAll:
		b = encode.CIPRequest(b, encode.CIPGetAttributesAll, encode.CIPClassIdentity, 1, 0)
	case enGetAttr:
		b = encode.CIPRequest(b, encode.CIPGetAttributeSingle, encode.CIPClassIdentity, 1, 5)
	case enForwardOpen:
		fo := a.fo
		fo.OTConnID = 0 // the target chooses it
		b = encode.CIPForwardOpenRequest(b, &fo)
	case enForwardClose:
		b = encode.CIPForwardCloseRequest(b, &a.fo)
	case enReset:
		b = append(encode.CIPRequest(b, encode.CIPReset, encode.CIPClassIdentity, 1, 0), 0)
	case enFileInit:
		b = encode.CIPFileInitiateDownloadRequest(b, 0xc8, uint32(r.n), 1, 0, "program.acd")
	case enFileTransfer:
		b = encode.CIPFileDownloadTransferRequest(b, 0xc8, r.num, r.part, r.n, &a.fill)
	}
	return encode.ENIPEnd(b, st)
}

func le32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

func (a *enipApp) response(s *sim, c *conv, b []byte) []byte {
	r := &a.cur
	id := &c.ends[srv].ident.enip
	switch r.kind {
	case enListIdentity:
		c.ends[srv].reveal(revENIP)
		return encode.ENIPListIdentityResponse(b, a.ctx, id)
	case enRegister:
		a.session = s.rng.Uint32() | 1
		return encode.ENIPRegisterSession(b, a.session, a.ctx)
	case enReadTag, enWriteTag:
		b, st := encode.ENIPSendUnitDataStart(b, a.session, a.fo.TOConnID, a.connSeq)
		b = encode.CIPResponse(b, uint8(r.kind-enReadTag+encode.CIPReadTag), 0)
		if r.kind == enReadTag {
			b = append(b, byte(encode.CIPTypeREAL), 0)
			b = le32(b, math.Float32bits(float32(s.rng.IntN(10000))/100))
		}
		return encode.ENIPEnd(b, st)
	}
	b, st := encode.ENIPSendRRDataStart(b, a.session, a.ctx)
	switch r.kind {
	case enGetAll:
		c.ends[srv].reveal(revENIP)
		b = encode.CIPIdentityAll(encode.CIPResponse(b, encode.CIPGetAttributesAll, 0), id)
	case enGetAttr:
		b = append(encode.CIPResponse(b, encode.CIPGetAttributeSingle, 0), byte(id.Status), byte(id.Status>>8))
	case enForwardOpen:
		a.fo.OTConnID = s.rng.Uint32()
		b = encode.CIPForwardOpenReply(b, &a.fo)
	case enForwardClose:
		b = encode.CIPForwardCloseReply(b, &a.fo)
	case enReset:
		b = encode.CIPResponse(b, encode.CIPReset, 0)
	case enFileInit:
		b = encode.CIPFileInitiateDownloadReply(b, 240)
	case enFileTransfer:
		b = encode.CIPFileDownloadTransferReply(b, r.num)
	}
	return encode.ENIPEnd(b, st)
}
