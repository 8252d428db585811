package enip

import (
	"encoding/binary"
	"strconv"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is EtherNet/IP with CIP, explicit messaging on TCP and UDP 44818 and class-1
// I/O on UDP 2222.
var App = observe.Register(observe.Protocol{
	Name:      "enip",
	TCPPorts:  []uint16{Port},
	UDPPorts:  []uint16{Port, PortIO},
	PDULen:    PDULen,
	DetectTCP: detectENIP,
	New:       func() observe.Handler { return new(enipHandler) },
	OpName:    enipOpName,
	Rules:     enipRules,
	Match:     enipMatch,
})

// Operation codes: CIP services are counted by their service code (0x00-0x7f); these
// name the rest.
const (
	enipOpCommand = 0x100 // | encapsulation command, for commands without CIP
	enipOpIO      = 0x200 // a class-0/1 I/O datagram
	// Requests named by what they do on their object's class (Kind), whatever the
	// service: one code each, so that a firmware update or a program download is one
	// kind of operation, not dozens of services.
	enipOpFirmware = 0x300 // KindFirmwareUpdate
	enipOpDownload = 0x301 // KindProgramDownload
	enipOpUpload   = 0x302 // KindProgramUpload
	enipOpClock    = 0x303 // KindClockChange
	// enipOpController | service: a service this package cannot classify, sent to an
	// object through the Logix controller object (a path starting at class 0x8E).
	enipOpController = 0x400
	// PCCC commands: enipOpPCCC | CMD<<8 | FNC; a change of mode (FNC 0x80):
	// enipOpPCCCMode | mode.
	enipOpPCCC     = 0x10000
	enipOpPCCCMode = 0x20000
)

// enipFlow is the per-connection state: the pairing of replies with requests, and the
// routes of the routed identity reads still unanswered, so that a module's identity,
// read through a communication adapter's backplane, is not taken for the adapter's.
type enipFlow struct {
	pairing Pairing
	routed  [4]enipRouted
	next    uint8
}

type enipRouted struct {
	key   uint64
	valid bool
	port  uint16
	link  [8]byte
	nlink uint8
}

type enipHandler struct {
	m    Message
	cur  *CIPMessage // the request whose operation is being reported (FillDetail)
	pool observe.ExtPool[enipFlow]
	comp [48]byte
}

func (h *enipHandler) FlowEnd(ext any) { h.pool.Put(ext, func(f *enipFlow) { *f = enipFlow{} }) }

func (h *enipHandler) flow(c *observe.Conn) *enipFlow { return h.pool.Of(c) }

// pairKey is the key Pairing matches on: the sender context of unconnected messages or
// the sequence count of connected ones.
func enipPairKey(m *Message) uint64 {
	if m.Command == CmdSendUnitData {
		return 1<<63 | uint64(m.CIPSequence)
	}
	return binary.LittleEndian.Uint64(m.SenderContext[:])
}

func (h *enipHandler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	var err error
	if c.IsTCP() {
		err = Parse(b, m)
	} else {
		err = ParseDatagram(c.SrcPort(), c.DstPort(), b, m)
	}
	if err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if m.Status != 0 {
		c.Anomaly(observe.AnomalyErrorResponse)
	}
	var component []byte
	switch {
	case m.IO:
		c.Op(enipOpIO, m.OpClass())
	case m.HasCIP:
		eff := m.Effective()
		var fl *enipFlow
		if c.IsTCP() {
			fl = h.flow(c)
		}
		if !eff.Response {
			if eff.Service == SvcMultipleServicePacket {
				for i := range m.ServiceList() {
					h.op(c, &m.ServiceList()[i])
				}
			} else {
				h.op(c, eff)
			}
			h.cur = nil
			if fl != nil && m.Routed && eff.Service == SvcGetAttributesAll && eff.Path.Has&HasClass != 0 &&
				eff.Path.Class == ClassIdentity {
				fl.rememberRoute(enipPairKey(m), &m.Route)
			}
		} else if eff.GeneralStatus != 0 {
			c.Anomaly(observe.AnomalyErrorResponse)
		}
		if fl != nil {
			fl.pairing.Observe(m)
			if m.HasIdentity && m.Identity.Source == IdentityFromGetAttributes {
				component = fl.routeOf(enipPairKey(m), h.comp[:0])
			}
		}
	default:
		if c.FromClient() {
			c.Op(enipOpCommand|uint32(m.Command), m.OpClass())
		}
	}
	if m.HasIdentity {
		h.identity(c, &m.Identity, component)
	}
}

// op reports one CIP request as an operation: by its service, or by what it does on
// its class (Kind), or by its PCCC command.
func (h *enipHandler) op(c *observe.Conn, r *CIPMessage) {
	h.cur = r
	kind, class := r.Classify()
	code := uint32(r.Service)
	switch kind {
	case KindFirmwareUpdate:
		code = enipOpFirmware
	case KindProgramDownload:
		code = enipOpDownload
	case KindProgramUpload:
		code = enipOpUpload
	case KindClockChange:
		code = enipOpClock
	case KindUnknown:
		if r.Path.Has&HasClass != 0 && r.Path.Class == ClassLogixController && r.Service >= 0x32 {
			code = enipOpController | uint32(r.Service)
		}
	case KindPCCC:
		var p PCCC
		if ParsePCCC(r.Data, &p) {
			code = enipOpPCCC | uint32(p.Command)<<8 | uint32(p.Function)
			if p.HasMode {
				code = enipOpPCCCMode | uint32(p.Mode)
			}
		}
	}
	c.Op(code, class)
}

func (f *enipFlow) rememberRoute(key uint64, r *Route) {
	e := &f.routed[f.next%uint8(len(f.routed))]
	f.next++
	*e = enipRouted{key: key, valid: true, port: r.Path.Port}
	e.nlink = uint8(copy(e.link[:], r.Path.Link))
}

// routeOf returns the component a routed identity read reached ("backplane slot 2"),
// or nil when the read was not routed.
func (f *enipFlow) routeOf(key uint64, dst []byte) []byte {
	for i := range f.routed {
		e := &f.routed[i]
		if !e.valid || e.key != key {
			continue
		}
		e.valid = false
		if e.port == 1 && e.nlink == 1 {
			dst = append(dst, "backplane slot "...)
			return strconv.AppendUint(dst, uint64(e.link[0]), 10)
		}
		dst = append(dst, "port "...)
		dst = strconv.AppendUint(dst, uint64(e.port), 10)
		dst = append(dst, " link"...)
		for _, b := range e.link[:e.nlink] {
			dst = append(dst, ' ')
			dst = strconv.AppendUint(dst, uint64(b), 10)
		}
		return dst
	}
	return nil
}

func (h *enipHandler) identity(c *observe.Conn, id *Identity, component []byte) {
	who := c.Endpoint(observe.Sender)
	put := func(f observe.Field, v []byte, conf observe.Confidence) { c.IdentityOf(who, component, f, v, conf) }
	s := c.Scratch()
	put(observe.FieldVendorID, strconv.AppendUint(s, uint64(id.VendorID), 10), observe.High)
	if n := VendorName(id.VendorID); n != "" {
		put(observe.FieldVendor, append(s, n...), observe.High)
	}
	if n := DeviceTypeName(id.DeviceType); n != "" {
		put(observe.FieldDeviceType, append(s, n...), observe.High)
	} else {
		put(observe.FieldDeviceType, strconv.AppendUint(s, uint64(id.DeviceType), 10), observe.High)
	}
	put(observe.FieldProductCode, strconv.AppendUint(s, uint64(id.ProductCode), 10), observe.High)
	rev := strconv.AppendUint(s, uint64(id.RevisionMajor), 10)
	rev = append(rev, '.')
	put(observe.FieldFirmware, strconv.AppendUint(rev, uint64(id.RevisionMinor), 10), observe.High)
	put(observe.FieldSerial, observe.AppendHex(s, uint64(id.SerialNumber), 8), observe.High)
	put(observe.FieldProductName, id.ProductName, observe.High)
	if id.HasState {
		put(observe.FieldState, strconv.AppendUint(s, uint64(id.State), 10), observe.High)
	}
}

func enipOpName(code uint32) string {
	switch {
	case code == enipOpIO:
		return "cyclic_io"
	case code&^0xffff == 0 && code&0xff00 == enipOpCommand:
		return CommandName(uint16(code & 0xff))
	case code == enipOpFirmware:
		return "firmware_update"
	case code == enipOpDownload:
		return "logix_program_download"
	case code == enipOpUpload:
		return "logix_program_upload"
	case code == enipOpClock:
		return "clock_change"
	case code&^0x7f == enipOpController:
		return string(observe.AppendHex([]byte("controller_service_"), uint64(code&0x7f), 2))
	case code&^0xff == enipOpPCCCMode:
		switch uint8(code) {
		case PCCCModeProgram:
			return "pccc_change_mode_program"
		case PCCCModeRun:
			return "pccc_change_mode_run"
		}
		return string(observe.AppendHex([]byte("pccc_change_mode_"), uint64(code&0xff), 2))
	case code&^0xffff == enipOpPCCC:
		b := observe.AppendHex([]byte("pccc_cmd_"), uint64(code>>8&0xff), 2)
		return string(observe.AppendHex(append(b, "_fnc_"...), uint64(code&0xff), 2))
	case code < 0x80:
		if n := ServiceName(uint8(code)); n != "" {
			return n
		}
		return string(observe.AppendHex([]byte("service_"), uint64(code), 2))
	}
	return ""
}

// detectENIP recognises an encapsulation message: a known command, a length that
// covers the segment exactly and zero options.
func detectENIP(b []byte) bool {
	if len(b) < 24 {
		return false
	}
	n, err := PDULen(b)
	return err == nil && n == len(b) && binary.LittleEndian.Uint32(b[20:24]) == 0
}

// The alerts of EtherNet/IP and CIP operations. A title says only what the packets
// show: the service and the class of the object it addresses.
var (
	ruleENIPReset       = observe.NewRule("enip/identity-reset", "CIP Reset of the Identity object", finding.High, "T0816")
	ruleENIPResetObject = observe.NewRule("enip/object-reset", "CIP Reset of an object other than the Identity object (class in details)", finding.Medium)
	ruleENIPStop        = observe.NewRule("enip/stop", "CIP Stop", finding.High, "T0858")
	ruleENIPStart       = observe.NewRule("enip/start", "CIP Start", finding.High, "T0858")
	ruleENIPDownload    = observe.NewRule("enip/program-download", "CIP program or firmware download (File object)", finding.High, "T0843", "T0857")
	ruleENIPUpload      = observe.NewRule("enip/program-upload", "CIP program upload (File object)", finding.Medium, "T0845")
	ruleENIPNetConfig   = observe.NewRule("enip/network-config-change", "CIP Set Attribute on the TCP/IP or Ethernet Link object", finding.High, "T0855")
	ruleENIPWrite       = observe.NewRule("enip/write", "CIP write", finding.Medium, "T0836")
	ruleENIPClock       = observe.NewRule("enip/clock-change", "CIP clock change (Set Attribute on the Wall Clock Time object, class 0x8B)", finding.Medium)
	// Services of Rockwell's own (vendor-specific) classes that neither tshark nor this
	// package names, addressed through the controller object: what they do is not known,
	// so the title says only where they went.
	ruleENIPController = observe.AggregatePerPair(observe.NewRule("enip/controller-vendor-service",
		"CIP vendor-specific service through the Logix controller object (class 0x8E)", finding.Medium))
	// Transfers of thousands of requests: one alert per pair of hosts.
	ruleENIPFirmware  = observe.AggregatePerPair(observe.NewRule("enip/firmware-update", "CIP firmware update (Non-Volatile Storage object)", finding.High, "T0857"))
	ruleLogixDownload = observe.AggregatePerPair(observe.NewRule("enip/logix-program-download", "Logix program download", finding.High, "T0843"))
	ruleLogixUpload   = observe.AggregatePerPair(observe.NewRule("enip/logix-program-upload", "Logix program upload", finding.Medium, "T0845"))
	rulePCCCStop      = observe.NewRule("enip/pccc-program-mode", "PCCC change to program mode (stop)", finding.High, "T0858")
	rulePCCCStart     = observe.NewRule("enip/pccc-run-mode", "PCCC change to run mode (start)", finding.High, "T0858")
	rulePCCCMode      = observe.NewRule("enip/pccc-mode-change", "PCCC processor mode or output control change", finding.High, "T0858")
	rulePCCCDownload  = observe.AggregatePerPair(observe.NewRule("enip/pccc-program-download", "PCCC program download", finding.High, "T0843"))
	rulePCCCUpload    = observe.AggregatePerPair(observe.NewRule("enip/pccc-program-upload", "PCCC program upload", finding.Medium, "T0845"))
	rulePCCCWrite     = observe.NewRule("enip/pccc-write", "PCCC write", finding.Medium, "T0836")
	// Sweeps address many targets: one alert per source, with the count of targets.
	ruleENIPListID = observe.AggregatePerSource(observe.NewRule("enip/list-identity", "EtherNet/IP ListIdentity", finding.Low, "T0888"))
	enipRules      = []*observe.Rule{ruleENIPReset, ruleENIPResetObject, ruleENIPStop, ruleENIPStart, ruleENIPDownload,
		ruleENIPUpload, ruleENIPNetConfig, ruleENIPWrite, ruleENIPClock, ruleENIPController, ruleENIPFirmware, ruleLogixDownload, ruleLogixUpload,
		rulePCCCStop, rulePCCCStart, rulePCCCMode, rulePCCCDownload, rulePCCCUpload, rulePCCCWrite, ruleENIPListID}
)

func enipMatch(op *observe.Operation) *observe.Rule {
	c := op.Code
	cls := op.Detail.CIPClass
	if !op.Detail.HasCIPPath {
		cls = 0
	}
	switch {
	case c == enipOpCommand|uint32(CmdListIdentity):
		return ruleENIPListID
	case c == enipOpFirmware:
		return ruleENIPFirmware
	case c == enipOpDownload:
		return ruleLogixDownload
	case c == enipOpUpload:
		return ruleLogixUpload
	case c == enipOpClock:
		return ruleENIPClock
	case c&^0x7f == enipOpController:
		return ruleENIPController
	case c&^0xff == enipOpPCCCMode:
		switch uint8(c) {
		case PCCCModeProgram:
			return rulePCCCStop
		case PCCCModeRun:
			return rulePCCCStart
		}
		return rulePCCCMode
	case c&^0xffff == enipOpPCCC:
		p := PCCC{Command: uint8(c >> 8), Function: uint8(c), HasFnc: true}
		switch op.Class {
		case protocols.OpProgram:
			if p.IsUpload() {
				return rulePCCCUpload
			}
			return rulePCCCDownload
		case protocols.OpControl:
			return rulePCCCMode
		case protocols.OpWrite:
			return rulePCCCWrite
		}
		return nil
	case c == uint32(SvcReset):
		if cls == ClassIdentity {
			return ruleENIPReset
		}
		return ruleENIPResetObject
	case c == uint32(SvcStop):
		return ruleENIPStop
	case c == uint32(SvcStart):
		return ruleENIPStart
	case cls == ClassFile && op.Class == protocols.OpProgram:
		if c == 0x4b || c == 0x4f { // Initiate_Upload, Upload_Transfer
			return ruleENIPUpload
		}
		return ruleENIPDownload
	case (cls == ClassTCPIP || cls == ClassEthernetLink) && op.Class == protocols.OpWrite:
		return ruleENIPNetConfig
	case op.Class == protocols.OpWrite:
		return ruleENIPWrite
	}
	return nil
}

// FillDetail copies the parameters of the EtherNet/IP message just parsed (DetailFiller).
func (h *enipHandler) FillDetail(d *observe.OpDetail) {
	m := &h.m
	r := h.cur
	if r == nil && m.HasCIP {
		r = m.Effective()
	}
	if r != nil {
		p := &r.Path
		if p.Has&HasClass != 0 { // the class of the object the path ends at
			d.CIPClass, d.CIPInstance, d.HasCIPPath = p.LastClass, p.LastInstance, true
		}
	}
}
