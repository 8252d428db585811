package encode

import (
	"math"
	"time"
)

// IEC 60870-5-104 U-format functions.
const (
	IEC104StartDTAct = 0x07
	IEC104StartDTCon = 0x0b
	IEC104StopDTAct  = 0x13
	IEC104StopDTCon  = 0x23
	IEC104TestFRAct  = 0x43
	IEC104TestFRCon  = 0x83
)

// IEC 60870-5-101/104 type identifications.
const (
	M_SP_NA_1 = 1   // single point
	M_ME_NC_1 = 13  // measured value, short float
	M_SP_TB_1 = 30  // single point with CP56Time2a
	M_ME_TF_1 = 36  // measured value, short float, with CP56Time2a
	C_SC_NA_1 = 45  // single command
	C_SE_NC_1 = 50  // set point command, short float
	C_IC_NA_1 = 100 // interrogation command
	C_CS_NA_1 = 103 // clock synchronisation
)

// Causes of transmission.
const (
	COTSpontaneous  = 3
	COTActivation   = 6
	COTActCon       = 7
	COTActTerm      = 10
	COTInterrogated = 20
)

// IEC104U appends a U-format APDU with function fn.
func IEC104U(b []byte, fn uint8) []byte {
	return append(b, 0x68, 4, fn, 0, 0, 0)
}

// IEC104S appends an S-format APDU acknowledging up to receive sequence number recv.
func IEC104S(b []byte, recv uint16) []byte {
	b = append(b, 0x68, 4, 1, 0)
	return u16le(b, recv<<1)
}

// IEC104Start appends the APCI of an I-format APDU and the ASDU header: type typ, n
// information objects (sequence says they are consecutive and only the first has an
// address), cause of transmission cot (with the negative bit when negative), originator
// address oa and common address ca. Append the objects, then call IEC104End.
func IEC104Start(b []byte, send, recv uint16, typ uint8, n uint8, sequence bool, cot uint8, negative bool, oa uint8, ca uint16) (out []byte, start int) {
	start = len(b)
	b = append(b, 0x68, 0)
	b = u16le(b, send<<1)
	b = u16le(b, recv<<1)
	vsq := n & 0x7f
	if sequence {
		vsq |= 0x80
	}
	c := cot & 0x3f
	if negative {
		c |= 0x40
	}
	b = append(b, typ, vsq, c, oa)
	return u16le(b, ca), start
}

// IEC104End patches the APDU length of the APDU started at start.
func IEC104End(b []byte, start int) []byte {
	b[start+1] = byte(len(b) - start - 2)
	return b
}

// IOA appends a 3-octet information object address.
func IOA(b []byte, a uint32) []byte { return append(b, byte(a), byte(a>>8), byte(a>>16)) }

// Float appends a short floating point value with quality descriptor qds.
func Float(b []byte, v float32, qds uint8) []byte {
	return append(u32le(b, math.Float32bits(v)), qds)
}

// CP56Time2a appends t as a seven-octet binary time.
func CP56Time2a(b []byte, t time.Time) []byte {
	ms := t.Second()*1000 + t.Nanosecond()/1e6
	b = u16le(b, uint16(ms))
	wd := int(t.Weekday())
	if wd == 0 {
		wd = 7
	}
	return append(b, byte(t.Minute()), byte(t.Hour()), byte(t.Day())|byte(wd)<<5, byte(t.Month()), byte(t.Year()%100))
}
