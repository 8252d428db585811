package encode

// Modbus function codes the simulator uses.
const (
	ModbusReadCoils            = 1
	ModbusReadDiscreteInputs   = 2
	ModbusReadHoldingRegisters = 3
	ModbusReadInputRegisters   = 4
	ModbusWriteSingleCoil      = 5
	ModbusWriteSingleRegister  = 6
	ModbusDiagnostics          = 8
	ModbusWriteMultipleRegs    = 16
	ModbusEncapsulated         = 43
)

// ModbusDeviceID is what a device reports to Read Device Identification (FC 43/14).
type ModbusDeviceID struct {
	VendorName, ProductCode, Revision      string // basic objects 0-2
	VendorURL, ProductName, ModelName, App string // regular objects 3-6
}

// mbap appends the MBAP header for a PDU of pduLen bytes.
func mbap(b []byte, tid uint16, unit uint8, pduLen int) []byte {
	b = u16be(b, tid)
	b = u16be(b, 0)
	b = u16be(b, uint16(pduLen+1))
	return append(b, unit)
}

// ModbusRead appends a read request (FC 1-4) for qty items from addr.
func ModbusRead(b []byte, tid uint16, unit, fc uint8, addr, qty uint16) []byte {
	b = mbap(b, tid, unit, 5)
	b = append(b, fc)
	b = u16be(b, addr)
	return u16be(b, qty)
}

// ModbusReadBitsResponse appends the answer to FC 1 or 2: qty bits taken from bits.
func ModbusReadBitsResponse(b []byte, tid uint16, unit, fc uint8, qty uint16, bits uint64) []byte {
	n := (int(qty) + 7) / 8
	b = mbap(b, tid, unit, 2+n)
	b = append(b, fc, byte(n))
	for i := range n {
		v := byte(bits >> (8 * (i % 8)))
		if i == n-1 && qty%8 != 0 {
			v &= byte(1<<(qty%8)) - 1
		}
		b = append(b, v)
	}
	return b
}

// ModbusReadRegistersResponse appends the answer to FC 3 or 4 with regs.
func ModbusReadRegistersResponse(b []byte, tid uint16, unit, fc uint8, regs []uint16) []byte {
	b = mbap(b, tid, unit, 2+2*len(regs))
	b = append(b, fc, byte(2*len(regs)))
	for _, r := range regs {
		b = u16be(b, r)
	}
	return b
}

// ModbusWriteSingle appends FC 5 or 6 (request, or the response, which echoes it).
// For FC 5 value is 0xFF00 (on) or 0x0000 (off).
func ModbusWriteSingle(b []byte, tid uint16, unit, fc uint8, addr, value uint16) []byte {
	b = mbap(b, tid, unit, 5)
	b = append(b, fc)
	b = u16be(b, addr)
	return u16be(b, value)
}

// ModbusWriteMultiple appends an FC 16 request writing regs from addr.
func ModbusWriteMultiple(b []byte, tid uint16, unit uint8, addr uint16, regs []uint16) []byte {
	b = mbap(b, tid, unit, 6+2*len(regs))
	b = append(b, ModbusWriteMultipleRegs)
	b = u16be(b, addr)
	b = u16be(b, uint16(len(regs)))
	b = append(b, byte(2*len(regs)))
	for _, r := range regs {
		b = u16be(b, r)
	}
	return b
}

// ModbusWriteMultipleResponse appends the answer to FC 16.
func ModbusWriteMultipleResponse(b []byte, tid uint16, unit uint8, addr, qty uint16) []byte {
	b = mbap(b, tid, unit, 5)
	b = append(b, ModbusWriteMultipleRegs)
	b = u16be(b, addr)
	return u16be(b, qty)
}

// ModbusDiag appends an FC 8 request or its echo with sub-function sub and data.
func ModbusDiag(b []byte, tid uint16, unit uint8, sub, data uint16) []byte {
	b = mbap(b, tid, unit, 5)
	b = append(b, ModbusDiagnostics)
	b = u16be(b, sub)
	return u16be(b, data)
}

// ModbusReadDeviceID appends an FC 43/14 request for the stream code (1 basic, 2 regular).
func ModbusReadDeviceID(b []byte, tid uint16, unit, code uint8) []byte {
	b = mbap(b, tid, unit, 4)
	return append(b, ModbusEncapsulated, 0x0e, code, 0)
}

// ModbusReadDeviceIDResponse appends the answer to ModbusReadDeviceID: the basic objects
// for code 1, basic and regular for code 2. Empty objects are left out, except the three
// basic ones, which the protocol requires.
func ModbusReadDeviceIDResponse(b []byte, tid uint16, unit, code uint8, id *ModbusDeviceID) []byte {
	start := len(b)
	b = mbap(b, tid, unit, 0)
	conformity := byte(0x81)
	if code >= 2 {
		conformity = 0x82
	}
	b = append(b, ModbusEncapsulated, 0x0e, code, conformity, 0, 0, 0)
	countAt := len(b) - 1
	objs := [...]string{id.VendorName, id.ProductCode, id.Revision, id.VendorURL, id.ProductName, id.ModelName, id.App}
	last := 3
	if code >= 2 {
		last = len(objs)
	}
	count := 0
	for i := 0; i < last; i++ {
		v := objs[i]
		if v == "" && i >= 3 {
			continue
		}
		if len(v) > 64 {
			v = v[:64]
		}
		b = append(b, byte(i), byte(len(v)))
		b = append(b, v...)
		count++
	}
	b[countAt] = byte(count)
	putU16be(b, start+4, len(b)-start-6)
	return b
}
