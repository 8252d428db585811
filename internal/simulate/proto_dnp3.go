package simulate

import (
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// DNP3 exchanges.
const (
	dnIntegrity = iota
	dnEnableUnsol
	dnEventPoll
	dnUnsolicited
	dnOperate
	dnColdRestart
)

// dnp3Proto is a DNP3 master polling an outstation: an integrity poll and enabling
// unsolicited responses on connect, event polls every few seconds, unsolicited event
// reports confirmed by the master, and relay operations where the conduit allows
// control. Scripts add a cold restart.
type dnp3Proto struct {
	ops         opSet
	fresh       bool
	cycles      int
	cycle       int
	master      uint16
	outstation  uint16
	seq         uint8 // master's application sequence
	unsSeq      uint8 // outstation's unsolicited sequence
	tseq        [2]uint8
	analog      [8]int32
	scripted    bool
	script      []step
	interval    int64
	pendingUnso bool
}

func newDNP3(s *sim, ops opSet, master, outstation uint16) *dnp3Proto {
	p := &dnp3Proto{ops: ops, fresh: true, master: master, outstation: outstation, interval: int64(s.between(3e9, 6e9))}
	for i := range p.analog {
		p.analog[i] = int32(1000 + s.rng.IntN(30000))
	}
	return p
}

func (p *dnp3Proto) refill(s *sim, q *stepQueue) bool {
	if p.scripted {
		if p.script == nil {
			return false
		}
		if p.fresh {
			p.fresh = false
			q.req(dnIntegrity, protocols.OpRead)
		}
		q.list = append(q.list, p.script...)
		p.script = nil
		return true
	}
	if p.fresh {
		p.fresh = false
		p.cycles = 200 + s.rng.IntN(800)
		q.req(dnIntegrity, protocols.OpRead)
		if p.ops.has(protocols.OpControl) {
			// Enabling unsolicited responses is a control function; masters without
			// that right leave the outstation's configured default.
			q.req(dnEnableUnsol, protocols.OpControl)
		}
	} else if p.cycles--; p.cycles <= 0 {
		p.fresh = true
		return false
	}
	p.cycle++
	if s.rng.IntN(3) == 0 {
		// An event the outstation reports on its own, which the master confirms.
		q.add(step{kind: dnUnsolicited, from: srv, delay: s.between(300e6, p.interval)})
		q.add(step{kind: dnUnsolicited, from: cli})
	}
	if p.cycle%120 == 0 {
		q.add(step{kind: dnIntegrity, from: cli, op: protocols.OpRead, delay: s.jitter(p.interval, 0.1)})
		q.add(step{kind: dnIntegrity, from: srv, op: protocols.OpRead})
	} else {
		q.add(step{kind: dnEventPoll, from: cli, op: protocols.OpRead, delay: s.jitter(p.interval, 0.1)})
		q.add(step{kind: dnEventPoll, from: srv, op: protocols.OpRead})
	}
	if (p.ops.has(protocols.OpControl) || p.ops.has(protocols.OpWrite)) && s.rng.IntN(200) == 0 {
		q.req(dnOperate, protocols.OpWrite)
	}
	return true
}

func (p *dnp3Proto) build(s *sim, c *conv, st *step, b []byte) []byte {
	app := s.aux[:0]
	fromMaster := st.from == cli
	if fromMaster && st.kind != dnUnsolicited {
		p.seq = (p.seq + 1) & 0x0f
	}
	switch st.kind {
	case dnIntegrity, dnEventPoll:
		if fromMaster {
			mask := uint8(0x0e)
			if st.kind == dnIntegrity {
				mask = 0x0f
			}
			app = encode.DNP3Classes(encode.DNP3Request(app, p.seq, encode.DNP3Read), mask)
		} else {
			app = encode.DNP3ResponseHeader(app, p.seq, encode.DNP3Response, false, false, 0)
			if st.kind == dnIntegrity {
				var flags [8]byte
				for i := range flags {
					flags[i] = 0x01 | byte(s.rng.IntN(2))<<7
				}
				app = encode.DNP3BinaryInputs(app, 0, flags[:])
				p.drift(s)
				app = encode.DNP3Analogs(app, 0, p.analog[:])
			} else if s.rng.IntN(2) == 0 {
				idx := [2]uint16{uint16(s.rng.IntN(8)), uint16(s.rng.IntN(8))}
				p.drift(s)
				vals := [2]int32{p.analog[idx[0]], p.analog[idx[1]]}
				app = encode.DNP3AnalogEvents(app, idx[:], vals[:])
			}
		}
	case dnEnableUnsol:
		if fromMaster {
			app = encode.DNP3Classes(encode.DNP3Request(app, p.seq, encode.DNP3EnableUnsolicited), 0x0e)
		} else {
			app = encode.DNP3ResponseHeader(app, p.seq, encode.DNP3Response, false, false, 0)
		}
	case dnUnsolicited:
		if fromMaster {
			app = encode.DNP3ConfirmUnsolicited(app, p.unsSeq)
		} else {
			p.unsSeq = (p.unsSeq + 1) & 0x0f
			idx := [1]uint16{uint16(s.rng.IntN(8))}
			p.drift(s)
			vals := [1]int32{p.analog[idx[0]]}
			app = encode.DNP3AnalogEvents(encode.DNP3ResponseHeader(app, p.unsSeq, encode.DNP3Unsolicited, true, true, 0), idx[:], vals[:])
		}
	case dnOperate:
		hdr := encode.DNP3Request(app, p.seq, encode.DNP3DirectOperate)
		if !fromMaster {
			hdr = encode.DNP3ResponseHeader(app, p.seq, encode.DNP3Response, false, false, 0)
		}
		app = encode.DNP3CROB(hdr, uint16(st.arg), 0x41, 1000, 0)
	case dnColdRestart:
		if fromMaster {
			app = encode.DNP3Request(app, p.seq, encode.DNP3ColdRestart)
		} else {
			app = encode.DNP3TimeDelay(encode.DNP3ResponseHeader(app, p.seq, encode.DNP3Response, false, false, 0), 5000)
		}
	}
	s.aux = app
	dst, src := p.master, p.outstation
	if fromMaster {
		dst, src = p.outstation, p.master
	}
	p.tseq[st.from] = (p.tseq[st.from] + 1) & 0x3f
	return encode.DNP3Frame(b, fromMaster, dst, src, p.tseq[st.from], app)
}

// drift moves the process values a little.
func (p *dnp3Proto) drift(s *sim) {
	for i := range p.analog {
		p.analog[i] += int32(s.rng.IntN(21) - 10)
	}
}
