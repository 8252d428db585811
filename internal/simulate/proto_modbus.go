package simulate

import (
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// modbusOp is one request a Modbus client sends.
type modbusOp struct {
	fc         uint8
	code       uint8 // FC 43: read device id code
	addr, qty  uint16
	value      uint16
	op         protocols.OpClass
	key        bool
	pauseAfter bool // the next request waits for the poll interval
}

// modbusApp is a Modbus/TCP master polling a slave: device identification on connect,
// then cycles of coil, input and register reads, the occasional register write or
// diagnostic where the conduit allows it. A scripted app sends its script and ends.
type modbusApp struct {
	interval int64
	ops      opSet
	tid      uint16
	unit     uint8
	regs     [16]uint16
	cycle    int
	cycles   int // cycles left in this connection
	queue    []modbusOp
	qi       int
	pending  bool
	cur      modbusOp
	script   []modbusOp
	scripted bool
}

func newModbusApp(s *sim, ops opSet) *modbusApp {
	a := &modbusApp{interval: pollInterval(s), ops: ops, unit: 1}
	for i := range a.regs {
		a.regs[i] = uint16(100 + s.rng.IntN(900))
	}
	a.queue = make([]modbusOp, 0, 8)
	return a
}

// pollInterval draws a poll cycle time as SCADA servers and HMIs configure them.
func pollInterval(s *sim) int64 {
	return [...]int64{250e6, 500e6, 1e9, 1e9, 2e9}[s.rng.IntN(5)]
}

func (a *modbusApp) refill(s *sim) {
	a.queue = a.queue[:0]
	a.qi = 0
	if a.scripted {
		a.queue = append(a.queue, a.script...)
		a.script = nil
		return
	}
	if a.cycles == 0 {
		// A new connection: identify the device first, then poll for a while.
		a.cycles = 600 + s.rng.IntN(2400)
		a.queue = append(a.queue, modbusOp{fc: encode.ModbusEncapsulated, code: 1, op: protocols.OpRead},
			modbusOp{fc: encode.ModbusEncapsulated, code: 2, op: protocols.OpRead})
	}
	a.cycle++
	a.queue = append(a.queue,
		modbusOp{fc: encode.ModbusReadHoldingRegisters, addr: 0, qty: 10, op: protocols.OpRead},
		modbusOp{fc: encode.ModbusReadInputRegisters, addr: 0, qty: 8, op: protocols.OpRead})
	if a.cycle%5 == 0 {
		a.queue = append(a.queue, modbusOp{fc: encode.ModbusReadCoils, addr: 0, qty: 16, op: protocols.OpRead},
			modbusOp{fc: encode.ModbusReadDiscreteInputs, addr: 0, qty: 12, op: protocols.OpRead})
	}
	if a.ops.has(protocols.OpWrite) && s.rng.IntN(120) == 0 {
		if s.rng.IntN(2) == 0 {
			a.queue = append(a.queue, modbusOp{fc: encode.ModbusWriteSingleRegister, addr: uint16(20 + s.rng.IntN(4)), value: uint16(s.rng.IntN(1000)), op: protocols.OpWrite})
		} else {
			a.queue = append(a.queue, modbusOp{fc: encode.ModbusWriteMultipleRegs, addr: 30, qty: 2, op: protocols.OpWrite})
		}
	}
	if a.ops.has(protocols.OpDiagnostics) && s.rng.IntN(600) == 0 {
		a.queue = append(a.queue, modbusOp{fc: encode.ModbusDiagnostics, op: protocols.OpDiagnostics})
	}
	a.queue[len(a.queue)-1].pauseAfter = true
}

func (a *modbusApp) next(s *sim, c *conv, m *message) bool {
	if a.pending {
		a.pending = false
		m.from, m.wait, m.op, m.key = srv, s.procDelay(c.ends[srv]), a.cur.op, a.cur.key
		m.buf = a.response(s, c, m.buf)
		return true
	}
	if a.qi >= len(a.queue) {
		if a.scripted && a.script == nil {
			return false
		}
		if !a.scripted && a.cycles <= 1 && a.cycle > 0 {
			a.cycles = 0
			return false // the master reconnects now and then
		}
		if a.cycles > 0 {
			a.cycles--
		}
		a.refill(s)
	}
	wait := s.between(2e6, 8e6)
	if a.qi == 0 && a.cycle > 1 && !a.scripted {
		wait = s.jitter(a.interval, 0.05)
	}
	a.cur = a.queue[a.qi]
	a.qi++
	a.tid++
	a.pending = true
	m.from, m.wait, m.op, m.key = cli, wait, a.cur.op, a.cur.key
	m.buf = a.request(s, m.buf)
	return true
}

func (a *modbusApp) request(s *sim, b []byte) []byte {
	r := &a.cur
	switch r.fc {
	case encode.ModbusEncapsulated:
		return encode.ModbusReadDeviceID(b, a.tid, a.unit, r.code)
	case encode.ModbusWriteSingleRegister, encode.ModbusWriteSingleCoil:
		return encode.ModbusWriteSingle(b, a.tid, a.unit, r.fc, r.addr, r.value)
	case encode.ModbusWriteMultipleRegs:
		v := a.regs[:r.qty]
		for i := range v {
			v[i] = uint16(s.rng.IntN(5000))
		}
		return encode.ModbusWriteMultiple(b, a.tid, a.unit, r.addr, v)
	case encode.ModbusDiagnostics:
		return encode.ModbusDiag(b, a.tid, a.unit, 0, 0xa537)
	}
	return encode.ModbusRead(b, a.tid, a.unit, r.fc, r.addr, r.qty)
}

func (a *modbusApp) response(s *sim, c *conv, b []byte) []byte {
	r := &a.cur
	switch r.fc {
	case encode.ModbusEncapsulated:
		c.ends[srv].reveal(revModbus)
		return encode.ModbusReadDeviceIDResponse(b, a.tid, a.unit, r.code, &c.ends[srv].ident.modbus)
	case encode.ModbusWriteSingleRegister, encode.ModbusWriteSingleCoil:
		return encode.ModbusWriteSingle(b, a.tid, a.unit, r.fc, r.addr, r.value)
	case encode.ModbusWriteMultipleRegs:
		return encode.ModbusWriteMultipleResponse(b, a.tid, a.unit, r.addr, r.qty)
	case encode.ModbusDiagnostics:
		return encode.ModbusDiag(b, a.tid, a.unit, 0, 0xa537)
	case encode.ModbusReadCoils, encode.ModbusReadDiscreteInputs:
		return encode.ModbusReadBitsResponse(b, a.tid, a.unit, r.fc, r.qty, s.rng.Uint64())
	}
	n := int(r.qty)
	if n > len(a.regs) {
		n = len(a.regs)
	}
	for i := 0; i < n; i++ {
		// Process values drift a little from poll to poll.
		a.regs[i] = uint16(int(a.regs[i]) + s.rng.IntN(5) - 2)
	}
	return encode.ModbusReadRegistersResponse(b, a.tid, a.unit, r.fc, a.regs[:n])
}

// procDelay is how long a device takes to answer a request: controllers take a few
// milliseconds (a scan cycle), computers less.
func (s *sim) procDelay(h *host) int64 {
	if h.windows || h.ttl == 255 {
		return s.between(200_000, 3_000_000)
	}
	return s.between(1_500_000, 12_000_000)
}
