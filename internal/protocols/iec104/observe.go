package iec104

import (
	"strings"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is IEC 60870-5-104 (TCP port 2404).
var App = observe.Register(observe.Protocol{
	Name:      "iec104",
	TCPPorts:  []uint16{2404},
	PDULen:    PDULen,
	DetectTCP: detectIEC104,
	Role:      iec104Role,
	New:       func() observe.Handler { return new(iec104Handler) },
	OpName:    iec104OpName,
	Rules:     iec104Rules,
	Match:     iec104Match,
})

// iec104Role tells the controlling station's APDUs (the client's) from the controlled
// station's: STARTDT and STOPDT activations against their confirmations; ASDUs with
// cause activation, deactivation or request against confirmations, terminations,
// monitor causes (periodic, background, spontaneous, initialised, interrogated) and
// negative causes 44-47. TESTFR, S-format frames and file transfer go either way.
func iec104Role(b []byte) observe.PDURole {
	if len(b) < 6 || b[0] != 0x68 {
		return observe.PDUUnknown
	}
	switch {
	case b[2]&0x03 == 0x03: // U format
		switch b[2] {
		case 0x07, 0x13: // STARTDT act, STOPDT act
			return observe.PDURequest
		case 0x0B, 0x23: // STARTDT con, STOPDT con
			return observe.PDUResponse
		}
	case b[2]&0x01 == 0 && len(b) >= 9: // I format with an ASDU
		switch cot := b[8] & 0x3F; {
		case cot == 5 || cot == 6 || cot == 8: // request, activation, deactivation
			return observe.PDURequest
		case cot >= 1 && cot <= 4, cot == 7, cot == 9, cot == 10, cot >= 20 && cot <= 41, cot >= 44 && cot <= 47:
			return observe.PDUResponse
		}
	}
	return observe.PDUUnknown
}

// iec104OpU is the code of U-format functions (| the function bits); ASDUs are counted
// by type identification (1-255).
const iec104OpU = 0x100

type iec104Handler struct{ m Message }

const iec104OnceStation = 0

func (h *iec104Handler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	switch m.Format {
	case FormatU:
		c.Op(iec104OpU|uint32(m.UFunc), protocols.OpNone)
	case FormatI:
		if !m.HasASDU {
			return
		}
		c.Address(m.CommonAddr)
		// Activations ask for something and monitor data reports it; confirmations and
		// terminations answer an activation already counted.
		// File transfer (types 120–127, cause 13) has no activation: each ASDU of it
		// counts, so that writing a file to an outstation is seen.
		if class := m.OpClass(); m.IsActivation() || class == protocols.OpNone || m.Cause == CauseFile {
			c.Op(uint32(m.TypeID), class)
		}
		if m.Negative {
			c.Anomaly(observe.AnomalyErrorResponse)
		}
		// The common address names the controlled station, which is the TCP server.
		if !c.FromClient() && c.Once(iec104OnceStation) {
			c.IdentityUint(observe.Sender, observe.FieldStationAddress, uint64(m.CommonAddr), observe.High)
		}
	}
}

func iec104OpName(code uint32) string {
	if code&^0xff == iec104OpU {
		return strings.ReplaceAll(strings.ToLower(UFunction(code&0xff).String()), " ", "_")
	}
	if code < 0x100 {
		if n := TypeID(code).String(); n != "" && n != "unknown" {
			return n
		}
	}
	return ""
}

// detectIEC104 recognises an APDU: start byte 0x68, a length that covers the segment
// (or a whole number of APDUs of it), and a U-format or I-format control field.
func detectIEC104(b []byte) bool {
	if len(b) < 6 || b[0] != 0x68 {
		return false
	}
	n, err := PDULen(b)
	if err != nil || n == 0 || n > len(b) {
		return false
	}
	var m Message
	return Parse(b[:n], &m) == nil && (m.Format == FormatU || m.Format == FormatI && m.HasASDU)
}

// The alerts of IEC 60870-5-104 operations.
var (
	ruleIEC104File     = observe.AggregatePerPair(observe.NewRule("iec104/file-write", "IEC 104 file written to the outstation", finding.Medium, "T0843"))
	ruleIEC104Command  = observe.NewRule("iec104/command", "IEC 104 command", finding.Medium, "T0855")
	ruleIEC104SetPoint = observe.NewRule("iec104/set-point", "IEC 104 set-point command", finding.Medium, "T0836", "T0855")
	ruleIEC104Reset    = observe.NewRule("iec104/reset-process", "IEC 104 reset process", finding.High, "T0816")
	ruleIEC104Clock    = observe.NewRule("iec104/clock-sync", "IEC 104 clock synchronization", finding.Info, "T0855")
	ruleIEC104Interrog = observe.NewRule("iec104/interrogation", "IEC 104 interrogation", finding.Info, "T0801")
	iec104Rules        = []*observe.Rule{ruleIEC104File, ruleIEC104Command, ruleIEC104SetPoint, ruleIEC104Reset, ruleIEC104Clock, ruleIEC104Interrog}
)

func iec104Match(op *observe.Operation) *observe.Rule {
	c := op.Code
	switch {
	case c >= 48 && c <= 50 || c >= 61 && c <= 63:
		return ruleIEC104SetPoint
	case c >= 45 && c <= 51 || c >= 58 && c <= 64:
		return ruleIEC104Command
	case c == 105:
		return ruleIEC104Reset
	case c == 103:
		return ruleIEC104Clock
	case c == 100 || c == 101:
		return ruleIEC104Interrog
	case (c == 120 || c == 121 || c == 123 || c == 125) && op.FromClient:
		// F_FR, F_SR, F_LS and F_SG from the controlling station: a file sent to the
		// outstation. F_SC_NA_1 (122) only selects or calls one, and F_AF_NA_1 (124) from
		// the controlling station acknowledges a file it read.
		return ruleIEC104File
	}
	return nil
}

// FillDetail copies the parameters of the IEC 104 message just parsed (DetailFiller).
func (h *iec104Handler) FillDetail(d *observe.OpDetail) {
	m := &h.m
	d.Station, d.HasStation = m.CommonAddr, true
	d.Cause, d.Select, d.HasCause = m.Cause, m.SelectBit, true
	if m.NumIOAs > 0 {
		d.Address, d.Quantity, d.HasAddress = m.IOAs[0], uint32(m.NumObjects), true
	}
}
