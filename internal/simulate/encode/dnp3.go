package encode

// DNP3 application function codes the simulator uses.
const (
	DNP3Confirm           = 0x00
	DNP3Read              = 0x01
	DNP3DirectOperate     = 0x05
	DNP3ColdRestart       = 0x0d
	DNP3EnableUnsolicited = 0x14
	DNP3Response          = 0x81
	DNP3Unsolicited       = 0x82
)

// DNP3 application control bits.
const (
	dnp3FIR = 0x80
	dnp3FIN = 0x40
	dnp3CON = 0x20
	dnp3UNS = 0x10
)

// maxDNP3App is the most application data one link frame carries (250 bytes of user data
// less the transport header).
const maxDNP3App = 249

// DNP3Frame appends a link frame with FIR and FIN transport segment tseq carrying the
// application fragment app (at most 249 bytes), with the CRC of every block.
func DNP3Frame(b []byte, fromMaster bool, dst, src uint16, tseq uint8, app []byte) []byte {
	if len(app) > maxDNP3App {
		app = app[:maxDNP3App]
	}
	ctrl := byte(0x44) // primary, unconfirmed user data
	if fromMaster {
		ctrl |= 0x80
	}
	start := len(b)
	b = append(b, 0x05, 0x64, byte(5+1+len(app)), ctrl)
	b = u16le(b, dst)
	b = u16le(b, src)
	b = u16le(b, dnp3CRC(b[start:]))
	// User data: the transport header, then the fragment, in CRC-protected blocks of 16.
	blockStart := len(b)
	b = append(b, 0xc0|tseq&0x3f)
	for _, c := range app {
		b = append(b, c)
		if len(b)-blockStart == 16 {
			b = u16le(b, dnp3CRC(b[blockStart:]))
			blockStart = len(b)
		}
	}
	if len(b) > blockStart {
		b = u16le(b, dnp3CRC(b[blockStart:]))
	}
	return b
}

var dnp3Table = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ 0xa6bc
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

// dnp3CRC is DNP3's CRC-16 (polynomial 0x3D65, reflected, complemented).
func dnp3CRC(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c = c>>8 ^ dnp3Table[byte(c)^x]
	}
	return ^c
}

// DNP3Request appends a request header (FIR, FIN) with sequence seq and function fc.
func DNP3Request(b []byte, seq, fc uint8) []byte {
	return append(b, dnp3FIR|dnp3FIN|seq&0x0f, fc)
}

// DNP3ConfirmUnsolicited appends the master's confirmation of an unsolicited response.
func DNP3ConfirmUnsolicited(b []byte, seq uint8) []byte {
	return append(b, dnp3FIR|dnp3FIN|dnp3UNS|seq&0x0f, DNP3Confirm)
}

// DNP3ResponseHeader appends a response header with internal indications iin; confirm
// asks the master to confirm, unsolicited marks an unsolicited response.
func DNP3ResponseHeader(b []byte, seq, fc uint8, confirm, unsolicited bool, iin uint16) []byte {
	ac := dnp3FIR | dnp3FIN | seq&0x0f
	if confirm {
		ac |= dnp3CON
	}
	if unsolicited {
		ac |= dnp3UNS
	}
	return append(b, ac, fc, byte(iin>>8), byte(iin))
}

// DNP3Classes appends the class data object headers (group 60, all objects) for the
// classes in mask: bit 0 class 0 (static), bits 1-3 classes 1-3 (events).
func DNP3Classes(b []byte, mask uint8) []byte {
	for v := uint8(1); v <= 4; v++ {
		if mask&(1<<(v-1)) != 0 {
			b = append(b, 60, v, 0x06)
		}
	}
	return b
}

// DNP3BinaryInputs appends group 1 variation 2 (binary input with flags) for points
// start.., one flag octet each (bit 7 is the state, bit 0 online).
func DNP3BinaryInputs(b []byte, start uint8, flags []byte) []byte {
	b = append(b, 1, 2, 0x00, start, start+byte(len(flags))-1)
	return append(b, flags...)
}

// DNP3Analogs appends group 30 variation 1 (32-bit analog input with flag) for points
// start.., each online.
func DNP3Analogs(b []byte, start uint8, values []int32) []byte {
	b = append(b, 30, 1, 0x00, start, start+byte(len(values))-1)
	for _, v := range values {
		b = u32le(append(b, 0x01), uint32(v))
	}
	return b
}

// DNP3AnalogEvents appends group 32 variation 1 (32-bit analog change event) for the
// points index with values.
func DNP3AnalogEvents(b []byte, index []uint16, values []int32) []byte {
	b = append(b, 32, 1, 0x28)
	b = u16le(b, uint16(len(index)))
	for i, ix := range index {
		b = u16le(b, ix)
		b = u32le(append(b, 0x01), uint32(values[i]))
	}
	return b
}

// DNP3CROB appends one group 12 variation 1 control relay output block for point index
// with control code code (0x41 pulse on/close, 0x81 trip, ...), on-time onMs and status
// (0 in requests and in successful responses).
func DNP3CROB(b []byte, index uint16, code uint8, onMs uint32, status uint8) []byte {
	b = append(b, 12, 1, 0x28)
	b = u16le(b, 1)
	b = u16le(b, index)
	b = append(b, code, 1)
	b = u32le(b, onMs)
	b = u32le(b, 0)
	return append(b, status)
}

// DNP3TimeDelay appends group 52 variation 2 (time delay fine) with ms, the answer to
// a restart.
func DNP3TimeDelay(b []byte, ms uint16) []byte {
	return u16le(append(b, 52, 2, 0x07, 1), ms)
}
