package simulate

import (
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// S7 exchanges.
const (
	s7Connect = iota
	s7Setup
	s7SZL11
	s7SZL1C
	s7Read
	s7Write
	s7Stop
	s7RequestDownload
	s7DownloadBlock
	s7DownloadEnded
	s7Insert
)

// s7Proto is an S7 client (HMI, SCADA or engineering station) and a CPU: ISO-on-TCP
// connection, setup communication, module and component identification (SZL 0x0011
// and 0x001C) on connect, then variable reads, and writes where allowed. Scripts add
// CPU stop and block download.
type s7Proto struct {
	ops      opSet
	fresh    bool
	cycles   int
	pduRef   uint16
	plcRef   uint16
	seq      uint8
	script   []step
	scripted bool
	fill     encode.Filler
	vars     [2]encode.S7Var
}

func newS7(s *sim, ops opSet) *s7Proto {
	return &s7Proto{ops: ops, fresh: true, fill: encode.NewFiller(s.rng.Uint64()),
		vars: [2]encode.S7Var{{Area: encode.S7AreaDB, DB: uint16(1 + s.rng.IntN(20)), Start: 0, Length: 16}, {Area: encode.S7AreaFlags, Start: 0, Length: 8}}}
}

// s7Open queues the connection set-up every S7 session begins with.
func s7Open(q *stepQueue, identify bool) {
	q.req(s7Connect, protocols.OpNone)
	q.req(s7Setup, protocols.OpNone)
	if identify {
		q.req(s7SZL11, protocols.OpRead)
		q.req(s7SZL1C, protocols.OpRead)
	}
}

func (p *s7Proto) refill(s *sim, q *stepQueue) bool {
	if p.scripted {
		if p.script == nil {
			return false
		}
		q.list = append(q.list, p.script...)
		p.script = nil
		return true
	}
	if p.fresh {
		p.fresh = false
		p.cycles = 600 + s.rng.IntN(2400)
		s7Open(q, true)
	} else if p.cycles--; p.cycles <= 0 {
		p.fresh = true
		return false
	}
	q.add(step{kind: s7Read, from: cli, op: protocols.OpRead, pause: true})
	q.add(step{kind: s7Read, from: srv, op: protocols.OpRead})
	if p.ops.has(protocols.OpWrite) && s.rng.IntN(150) == 0 {
		q.req(s7Write, protocols.OpWrite)
	}
	return true
}

func (p *s7Proto) build(s *sim, c *conv, st *step, b []byte) []byte {
	if st.from == cli && st.kind != s7DownloadBlock && st.kind != s7DownloadEnded {
		p.pduRef++
	}
	ref := p.pduRef
	srvHost := c.ends[srv]
	switch st.kind {
	case s7Connect:
		return encode.COTPConnect(b, st.from == srv, uint16(st.from)*0x0001, 0x0001+uint16(st.from)*0x4430, 0x0100, 0x0102)
	case s7Setup:
		if st.from == cli {
			return encode.S7SetupComm(b, false, ref, 480)
		}
		return encode.S7SetupComm(b, true, ref, 240)
	case s7SZL11, s7SZL1C:
		id := uint16(0x0011)
		recs := srvHost.ident.szl11
		if st.kind == s7SZL1C {
			id, recs = 0x001c, srvHost.ident.szl1c
		}
		if st.from == cli {
			p.seq = 0
			return encode.S7ReadSZL(b, ref, 0, id, 0)
		}
		srvHost.reveal(revS7)
		p.seq++
		return encode.S7ReadSZLResponse(b, ref, p.seq, id, 0, recs)
	case s7Read:
		if st.from == cli {
			return encode.S7ReadVar(b, ref, p.vars[:])
		}
		return encode.S7ReadVarAck(b, ref, p.vars[:], &p.fill)
	case s7Write:
		if st.from == cli {
			var v [2]byte
			v[0], v[1] = byte(s.rng.IntN(256)), byte(s.rng.IntN(256))
			w := encode.S7Var{Area: encode.S7AreaDB, DB: p.vars[0].DB, Start: 4, Length: 2}
			return encode.S7WriteVar(b, ref, &w, v[:])
		}
		return encode.S7WriteVarAck(b, ref)
	case s7Stop:
		if st.from == cli {
			return encode.S7PLCStop(b, ref)
		}
		return encode.S7FunctionAck(b, ref, encode.S7FuncPLCStop)
	case s7RequestDownload:
		if st.from == cli {
			return encode.S7RequestDownload(b, ref, "0C", st.arg, 180+st.arg, 64+st.arg)
		}
		return encode.S7FunctionAck(b, ref, encode.S7FuncRequestDownload)
	case s7DownloadBlock:
		// The CPU pulls the block: its job, then the station's answer with the data.
		if st.from == srv {
			p.plcRef++
			return encode.S7DownloadBlock(b, 0x0400+p.plcRef, "0C", st.arg)
		}
		return encode.S7DownloadBlockAck(b, 0x0400+p.plcRef, false, 180+st.arg, &p.fill)
	case s7DownloadEnded:
		if st.from == srv {
			p.plcRef++
			return encode.S7DownloadEnded(b, 0x0400+p.plcRef, "0C", st.arg)
		}
		return encode.S7FunctionAck(b, 0x0400+p.plcRef, encode.S7FuncDownloadEnded)
	case s7Insert:
		if st.from == cli {
			return encode.S7InsertBlock(b, ref, "0C", st.arg)
		}
		return encode.S7FunctionAck(b, ref, encode.S7FuncPLCControl)
	}
	return b
}
