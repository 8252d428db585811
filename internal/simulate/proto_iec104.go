package simulate

import (
	"time"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// IEC 104 exchanges.
const (
	ieStartDT = iota
	ieGI      // general interrogation: activation, confirmation, data, termination
	ieGIData
	ieGIPoints
	ieGITerm
	ieSpont
	ieSFrame
	ieTestFR
	ieCommand // single command, select or execute (arg 1 select)
	ieCommandTerm
	ieSetpoint
)

// iec104Proto is a controlling station (a control centre front end) and a controlled
// station (a substation gateway): STARTDT and a general interrogation on connect, then
// spontaneous measurements and indications acknowledged with S-frames, TESTFR when the
// link is idle, and commands where the conduit allows them.
type iec104Proto struct {
	ops      opSet
	fresh    bool
	cycles   int
	cycle    int
	sent     [2]uint16 // I-frames sent by each side (N(S) of the next one)
	unacked  int       // server I-frames the client has not yet acknowledged
	ca       uint16
	oa       uint8
	values   [6]float32
	scripted bool
	script   []step
	negative bool
}

func newIEC104(s *sim, ops opSet, ca uint16) *iec104Proto {
	p := &iec104Proto{ops: ops, fresh: true, ca: ca}
	for i := range p.values {
		p.values[i] = float32(100 + s.rng.IntN(40000)/100)
	}
	return p
}

func (p *iec104Proto) refill(s *sim, q *stepQueue) bool {
	if p.scripted {
		if p.script == nil {
			return false
		}
		if p.fresh {
			p.fresh = false
			q.req(ieStartDT, protocols.OpNone)
		}
		q.list = append(q.list, p.script...)
		p.script = nil
		return true
	}
	if p.fresh {
		p.fresh = false
		p.sent, p.unacked = [2]uint16{}, 0
		p.cycles = 300 + s.rng.IntN(1200)
		q.req(ieStartDT, protocols.OpNone)
		p.queueGI(q)
	} else if p.cycles--; p.cycles <= 0 {
		p.fresh = true
		return false
	}
	p.cycle++
	switch {
	case p.cycle%180 == 0:
		p.queueGI(q)
	case p.cycle%7 == 0:
		q.add(step{kind: ieTestFR, from: cli, delay: s.between(15e9, 20e9)})
		q.add(step{kind: ieTestFR, from: srv})
	default:
		n := 1 + s.rng.IntN(3)
		for i := 0; i < n; i++ {
			q.add(step{kind: ieSpont, from: srv, delay: s.between(200e6, 4e9), arg: s.rng.IntN(2)})
		}
	}
	if p.unacked+3 >= 8 {
		q.add(step{kind: ieSFrame, from: cli})
	}
	if (p.ops.has(protocols.OpControl) || p.ops.has(protocols.OpWrite)) && s.rng.IntN(250) == 0 {
		p.queueCommand(q, false, protocols.OpWrite)
	}
	return true
}

func (p *iec104Proto) queueGI(q *stepQueue) {
	q.add(step{kind: ieGI, from: cli, op: protocols.OpRead})
	q.add(step{kind: ieGI, from: srv, op: protocols.OpRead})
	q.add(step{kind: ieGIData, from: srv, op: protocols.OpRead})
	q.add(step{kind: ieGIPoints, from: srv, op: protocols.OpRead})
	q.add(step{kind: ieGITerm, from: srv, op: protocols.OpRead})
	q.add(step{kind: ieSFrame, from: cli})
}

// queueCommand queues a select-before-operate single command.
func (p *iec104Proto) queueCommand(q *stepQueue, key bool, op protocols.OpClass) {
	q.add(step{kind: ieCommand, from: cli, op: op, key: key, arg: 1})
	q.add(step{kind: ieCommand, from: srv, op: op, key: key, arg: 1})
	q.add(step{kind: ieCommand, from: cli, op: op, key: key})
	q.add(step{kind: ieCommand, from: srv, op: op, key: key})
	q.add(step{kind: ieCommandTerm, from: srv, op: op, key: key})
	q.add(step{kind: ieSFrame, from: cli})
}

// iframe starts an I-frame from side with the ASDU header.
func (p *iec104Proto) iframe(b []byte, from int, typ, n uint8, seqd bool, cot uint8) ([]byte, int) {
	ns, nr := p.sent[from], p.sent[1-from]
	p.sent[from] = (p.sent[from] + 1) & 0x7fff
	if from == srv {
		p.unacked++
	} else {
		p.unacked = 0
	}
	return encode.IEC104Start(b, ns, nr, typ, n, seqd, cot, false, p.oa, p.ca)
}

func (p *iec104Proto) build(s *sim, c *conv, st *step, b []byte) []byte {
	now := time.Unix(0, s.start+s.now).UTC()
	var at int
	switch st.kind {
	case ieStartDT:
		if st.from == cli {
			return encode.IEC104U(b, encode.IEC104StartDTAct)
		}
		return encode.IEC104U(b, encode.IEC104StartDTCon)
	case ieTestFR:
		if st.from == cli {
			return encode.IEC104U(b, encode.IEC104TestFRAct)
		}
		return encode.IEC104U(b, encode.IEC104TestFRCon)
	case ieSFrame:
		p.unacked = 0
		return encode.IEC104S(b, p.sent[srv])
	case ieGI, ieGITerm:
		cot := uint8(encode.COTActivation)
		if st.kind == ieGITerm {
			cot = encode.COTActTerm
		} else if st.from == srv {
			cot = encode.COTActCon
		}
		b, at = p.iframe(b, st.from, encode.C_IC_NA_1, 1, false, cot)
		b = append(encode.IOA(b, 0), 20)
	case ieGIData:
		b, at = p.iframe(b, srv, encode.M_ME_NC_1, uint8(len(p.values)), true, encode.COTInterrogated)
		b = encode.IOA(b, 4001)
		for i := range p.values {
			p.values[i] += float32(s.rng.IntN(21)-10) / 10
			b = encode.Float(b, p.values[i], 0)
		}
	case ieGIPoints:
		b, at = p.iframe(b, srv, encode.M_SP_NA_1, 4, true, encode.COTInterrogated)
		b = encode.IOA(b, 1001)
		for i := 0; i < 4; i++ {
			b = append(b, byte(s.rng.IntN(2)))
		}
	case ieSpont:
		if st.arg == 0 {
			i := s.rng.IntN(len(p.values))
			p.values[i] += float32(s.rng.IntN(21)-10) / 10
			b, at = p.iframe(b, srv, encode.M_ME_TF_1, 1, false, encode.COTSpontaneous)
			b = encode.CP56Time2a(encode.Float(encode.IOA(b, uint32(4001+i)), p.values[i], 0), now)
		} else {
			b, at = p.iframe(b, srv, encode.M_SP_TB_1, 1, false, encode.COTSpontaneous)
			b = encode.CP56Time2a(append(encode.IOA(b, uint32(1001+s.rng.IntN(4))), byte(s.rng.IntN(2))), now)
		}
	case ieCommand, ieCommandTerm:
		cot := uint8(encode.COTActivation)
		if st.kind == ieCommandTerm {
			cot = encode.COTActTerm
		} else if st.from == srv {
			cot = encode.COTActCon
		}
		b, at = p.iframe(b, st.from, encode.C_SC_NA_1, 1, false, cot)
		sco := byte(0x01) // close
		if st.arg == 1 {
			sco |= 0x80 // select
		}
		b = append(encode.IOA(b, 2001), sco)
	case ieSetpoint:
		cot := uint8(encode.COTActivation)
		if st.from == srv {
			cot = encode.COTActCon
		}
		b, at = p.iframe(b, st.from, encode.C_SE_NC_1, 1, false, cot)
		b = encode.Float(encode.IOA(b, 3001), float32(st.arg), 0)
	default:
		return b
	}
	return encode.IEC104End(b, at)
}
