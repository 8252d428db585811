package s7comm

import (
	"strconv"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is S7comm and S7comm-plus on ISO-on-TCP (TPKT and COTP, port 102).
var App = observe.Register(observe.Protocol{
	Name:      "s7comm",
	TCPPorts:  []uint16{102},
	PDULen:    PDULen,
	DetectTCP: detectTPKT,
	New:       newS7Handler,
	OpName:    OpName,
	Rules:     s7Rules,
	Match:     s7Match,
})

// Operation codes: job functions are counted by function code (0x00-0xff); these name
// the rest. OpControl and OpConnect are MMS's too, on a flow S7comm handed over.
const (
	OpControl    = 0x2800  // | s7comm.Control: PLC control by what it asks
	s7OpUserdata = 0x10000 // | group<<8 | subfunction
	s7OpPlus     = 0x20000 // | S7comm-plus function code
	OpConnect    = 0x30000 // | TSAP connection type: COTP connection request
)

// maxSZLJoin bounds the buffer that joins the data units of one long SZL answer; the
// identity lists are a few hundred bytes.
const maxSZLJoin = 4096

type s7Flow struct {
	join    []byte
	joining bool
}

type s7Handler struct {
	m      Message
	mmsApp observe.App // MMS, which takes over a flow whose data is MMS (Conn.Handoff)
	szl    SZL
	pool   observe.ExtPool[s7Flow]
}

func newS7Handler() observe.Handler {
	h := new(s7Handler)
	h.mmsApp, _ = observe.AppByName("mms")
	return h
}

func (h *s7Handler) FlowEnd(ext any) {
	h.pool.Put(ext, func(f *s7Flow) { f.join, f.joining = f.join[:0], false })
}

func (h *s7Handler) flow(c *observe.Conn) *s7Flow { return h.pool.Of(c) }

// Once bits of the S7 handler.
const (
	s7OncePlus = iota
	s7OnceTSAP
)

func (h *s7Handler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	switch m.COTP.Type {
	case COTPConnectReq:
		h.connect(c, m)
		return
	case COTPData:
	default:
		return
	}
	switch m.Payload {
	case PayloadUnknown:
		// IEC 61850 and ICCP speak MMS on the same port and framing: hand the flow over
		// once its data is seen to be MMS.
		c.Handoff(h.mmsApp, b)
	case PayloadS7:
		h.s7(c, m)
	case PayloadS7Plus:
		if m.PlusOpcode == 0x31 {
			c.Op(s7OpPlus|uint32(m.PlusFunction), m.OpClass())
		}
		if m.PlusVersion != 0 && c.Once(s7OncePlus) {
			// Who speaks S7comm-plus, and which version, tells the PLC family.
			side := observe.Receiver
			if !c.FromClient() {
				side = observe.Sender
			}
			v := append(c.Scratch(), "s7comm-plus v"...)
			c.Identity(side, observe.FieldProtocolVersion, strconv.AppendUint(v, uint64(m.PlusVersion), 10), observe.High)
		}
	}
}

// connect reads a COTP connection request: the called TSAP names the CPU's rack and
// slot and the kind of session (programming device, operator panel, other).
func (h *s7Handler) connect(c *observe.Conn, m *Message) {
	t := m.COTP.DstTSAP
	if len(t) != 2 {
		return
	}
	c.Op(OpConnect|uint32(t[0]), protocols.OpNone)
	// S7 connection types start at 1 (programming device); MMS peers call TSAP 0x0001,
	// which names no rack and slot.
	if t[0] == 0 || !c.Once(s7OnceTSAP) {
		return
	}
	s := append(c.Scratch(), "rack "...)
	s = strconv.AppendUint(s, uint64(t[1]>>5), 10)
	s = append(s, " slot "...)
	c.Identity(observe.Receiver, observe.FieldRackSlot, strconv.AppendUint(s, uint64(t[1]&0x1f), 10), observe.Medium)
	switch t[0] {
	case 1:
		c.IdentityString(observe.Sender, observe.FieldDeviceRole, observe.RoleHintProgrammingDevice, observe.Medium)
	case 2:
		c.IdentityString(observe.Sender, observe.FieldDeviceRole, observe.RoleHintOperatorPanel, observe.Medium)
	}
}

func (h *s7Handler) s7(c *observe.Conn, m *Message) {
	switch m.ROSCTR {
	case ROSCTRJob:
		code := uint32(m.Function)
		if m.Function == FuncPLCControl {
			code = OpControl | uint32(m.Control)
		}
		c.Op(code, m.OpClass())
	case ROSCTRAck, ROSCTRAckData:
		if m.ErrorClass != 0 {
			c.Anomaly(observe.AnomalyErrorResponse)
		}
	case ROSCTRUserdata:
		u := &m.UD
		if u.Type == 4 && !(len(m.Param) >= 8 && m.Param[3] >= 8) { // not a request for an answer's next data unit
			c.Op(s7OpUserdata|uint32(u.Group)<<8|uint32(u.Subfunction), m.OpClass())
		}
		if u.Type == 8 && u.ErrorCode != 0 {
			c.Anomaly(observe.AnomalyErrorResponse)
		}
		if u.Type != 8 || u.Group != GroupCPU || u.Subfunction != SubCPUReadSZL {
			return
		}
		switch {
		case m.HasSZL && u.MoreFollows():
			// The first data unit of a long answer: keep it until the rest comes.
			f := h.flow(c)
			f.join = append(f.join[:0], u.Data[:min(len(u.Data), maxSZLJoin)]...)
			f.joining = true
		case m.HasSZL:
			h.szlIdentity(c, &m.SZL)
		case m.SZLContinuation:
			f := h.flow(c)
			if !f.joining {
				return
			}
			if len(f.join)+len(u.Data) > maxSZLJoin {
				f.joining = false
				c.Anomaly(observe.AnomalyOversized)
				return
			}
			f.join = append(f.join, u.Data...)
			if u.MoreFollows() {
				return
			}
			f.joining = false
			if ParseSZL(f.join, true, false, &h.szl) {
				h.szlIdentity(c, &h.szl)
			} else {
				c.Anomaly(observe.AnomalyMalformed)
			}
		}
	}
}

// szlIdentity reports the identity records of SZL 0x0011 (module identification) and
// 0x001C (component identification).
func (h *s7Handler) szlIdentity(c *observe.Conn, s *SZL) {
	if s.NumRecords == 0 {
		return
	}
	c.IdentityString(observe.Sender, observe.FieldVendor, "Siemens", observe.Low) // S7comm is Siemens' protocol (or a compatible's)
	for i := range s.NumRecords {
		r := &s.Records[i]
		switch s.ID & 0xff {
		case 0x11:
			switch r.Index {
			case ModIndexModule:
				c.Identity(observe.Sender, observe.FieldOrderNumber, r.Text, observe.High)
			case ModIndexHardware:
				c.Identity(observe.Sender, observe.FieldHardware, appendS7Version(c.Scratch(), r), observe.High)
			case ModIndexFirmware:
				c.Identity(observe.Sender, observe.FieldFirmware, appendS7Version(c.Scratch(), r), observe.High)
			}
		case 0x1c:
			var f observe.Field
			switch r.Index {
			case CompIndexPLCName:
				f = observe.FieldName
			case CompIndexModuleName:
				f = observe.FieldModuleName
			case CompIndexPlantID:
				f = observe.FieldPlantID
			case CompIndexCopyright:
				f = observe.FieldCopyright
			case CompIndexSerial:
				f = observe.FieldSerial
			case CompIndexModuleType:
				f = observe.FieldModel
			case CompIndexLocation:
				f = observe.FieldLocation
			default:
				continue
			}
			c.Identity(observe.Sender, f, r.Text, observe.High)
		}
	}
}

// appendS7Version spells a module or firmware version as tshark and TIA Portal do:
// "V3.2.6" for firmware, the plain number for hardware.
func appendS7Version(dst []byte, r *SZLRecord) []byte {
	letter, major, minor, patch := r.Version()
	if letter == 0 {
		return strconv.AppendUint(dst, uint64(major), 10)
	}
	dst = append(dst, letter)
	dst = strconv.AppendUint(dst, uint64(major), 10)
	dst = append(dst, '.')
	dst = strconv.AppendUint(dst, uint64(minor), 10)
	dst = append(dst, '.')
	return strconv.AppendUint(dst, uint64(patch), 10)
}

// OpName names an S7comm operation code. MMS names with it the codes its flows
// counted before S7comm handed them over (a COTP connect).
func OpName(code uint32) string {
	switch {
	case code&^0xff == OpControl:
		return "plc_control_" + Control(code&0xff).String()
	case code&^0xffff == s7OpUserdata:
		g, sub := Group(code>>8&0xf), uint8(code)
		if g == GroupCPU && sub == SubCPUReadSZL {
			return "read_szl"
		}
		return string(observe.AppendHex([]byte(g.String()+"_"), uint64(sub), 2))
	case code&^0xffff == s7OpPlus:
		if n := PlusFunctionName(uint16(code)); n != "" {
			return "s7comm_plus_" + n
		}
		return string(observe.AppendHex([]byte("s7comm_plus_function_"), uint64(code&0xffff), 4))
	case code&^0xff == OpConnect:
		switch code & 0xff {
		case 1:
			return "cotp_connect_pg"
		case 2:
			return "cotp_connect_op"
		}
		return "cotp_connect"
	case code < 0x100:
		if n := Function(code).String(); n != "unknown" {
			return n
		}
	}
	return ""
}

// detectTPKT recognises a TPKT-framed COTP PDU: version 3, a length that covers the
// segment, and a COTP connection request, confirm or data TPDU.
func detectTPKT(b []byte) bool {
	if len(b) < 11 || b[0] != 3 || b[1] != 0 {
		return false
	}
	n := int(b[2])<<8 | int(b[3])
	if n != len(b) || int(b[4]) > n-5 {
		return false
	}
	switch COTPType(b[5] & 0xf0) {
	case COTPConnectReq, COTPConnectCon:
		// RDP and IEC 61850 MMS open with a COTP connect too; S7 names its TSAPs in the
		// connect's parameters, RDP does not. The fixed part of a connect TPDU is six
		// bytes, so a length indicator below that is not one.
		end := min(len(b), 5+1+int(b[4]))
		return end >= 11 && hasTSAP(b[11:end])
	case COTPData:
		return len(b) > 7 && (b[7] == 0x32 || b[7] == 0x72)
	}
	return false
}

// hasTSAP reports whether COTP connect parameters name a calling or called TSAP
// (parameter codes 0xC1 and 0xC2).
func hasTSAP(params []byte) bool {
	for len(params) >= 2 {
		code, n := params[0], int(params[1])
		if code == 0xC1 || code == 0xC2 {
			return true
		}
		if 2+n > len(params) {
			return false
		}
		params = params[2+n:]
	}
	return false
}

// The alerts of S7comm and S7comm-plus operations.
var (
	ruleS7Stop     = observe.NewRule("s7comm/plc-stop", "S7 PLC STOP", finding.High, "T0858", "T0816")
	ruleS7Start    = observe.NewRule("s7comm/plc-start", "S7 PLC hot or cold start", finding.High, "T0858", "T0816")
	ruleS7Download = observe.NewRule("s7comm/block-download", "S7 block download", finding.High, "T0843")
	ruleS7Upload   = observe.NewRule("s7comm/block-upload", "S7 block upload", finding.Medium, "T0845")
	ruleS7Insert   = observe.NewRule("s7comm/block-activate", "S7 block activation (PI _INSE)", finding.High, "T0843")
	ruleS7Delete   = observe.NewRule("s7comm/block-delete", "S7 block delete (PI _DELE)", finding.High, "T0809")
	ruleS7PI       = observe.NewRule("s7comm/pi-service", "S7 program invocation service", finding.Medium, "T0855")
	ruleS7Password = observe.NewRule("s7comm/password", "S7 password function", finding.Medium, "T0859")
	ruleS7SZL      = observe.NewRule("s7comm/szl-read", "S7 system status list read", finding.Low, "T0888")
	ruleS7Write    = observe.NewRule("s7comm/write-var", "S7 write variable", finding.Medium, "T0836")
	ruleS7SetClock = observe.NewRule("s7comm/set-clock", "S7 PLC clock set", finding.Medium, "T0836")
	ruleS7Plus     = observe.AggregatePerPair(observe.NewRule("s7comm-plus/session", "S7comm-plus engineering session", finding.Low, "T0886"))
	s7Rules        = []*observe.Rule{ruleS7Stop, ruleS7Start, ruleS7Download, ruleS7Upload, ruleS7Insert, ruleS7Delete, ruleS7PI,
		ruleS7Password, ruleS7SZL, ruleS7Write, ruleS7SetClock, ruleS7Plus}
)

func s7Match(op *observe.Operation) *observe.Rule {
	c := op.Code
	switch {
	case c == uint32(FuncPLCStop) || c == OpControl|uint32(ControlStop):
		return ruleS7Stop
	case c == OpControl|uint32(ControlHotStart) || c == OpControl|uint32(ControlColdStart):
		return ruleS7Start
	case c == OpControl|uint32(ControlInsertBlock):
		return ruleS7Insert
	case c == OpControl|uint32(ControlDeleteBlock):
		return ruleS7Delete
	case c&^0xff == OpControl:
		return ruleS7PI
	case c == uint32(FuncRequestDownload):
		return ruleS7Download
	case c == uint32(FuncDownloadBlock) || c == uint32(FuncDownloadEnded):
		// In a download the PLC asks the engineering station for the block's pieces:
		// the station's request download already raised the alert.
		if op.FromClient {
			return ruleS7Download
		}
		return nil
	case c == uint32(FuncStartUpload) || c == uint32(FuncUpload) || c == uint32(FuncEndUpload):
		return ruleS7Upload
	case c == uint32(FuncWriteVar):
		return ruleS7Write
	case c == s7OpUserdata|uint32(GroupSecurity)<<8|uint32(SubSecurityPassword),
		c == s7OpUserdata|uint32(GroupSecurity)<<8|uint32(SubSecurityClearPass):
		return ruleS7Password
	case c == s7OpUserdata|uint32(GroupCPU)<<8|uint32(SubCPUReadSZL):
		return ruleS7SZL
	case c == s7OpUserdata|uint32(GroupTime)<<8|uint32(SubTimeSet),
		c == s7OpUserdata|uint32(GroupTime)<<8|uint32(SubTimeSet2):
		return ruleS7SetClock
	case c&^0xffff == s7OpPlus && op.FromClient:
		// Aggregation groups a client's operations on one PLC into one alert: each host
		// that opens an S7comm-plus session is reported once.
		return ruleS7Plus
	}
	return nil
}

// FillDetail copies the parameters of the S7 message just parsed (DetailFiller).
func (h *s7Handler) FillDetail(d *observe.OpDetail) {
	m := &h.m
	if m.Block.Type != 0 || m.Block.Number != 0 {
		d.BlockType, d.BlockNumber, d.HasBlock = uint8(m.Block.Type), m.Block.Number, true
	}
	d.PILen = uint8(copy(d.PIService[:], m.PIService))
}
