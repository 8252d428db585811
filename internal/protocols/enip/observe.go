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
					s := &m.ServiceList()[i]
					c.Op(uint32(s.Service), s.OpClass())
				}
			} else {
				c.Op(uint32(eff.Service), m.OpClass())
			}
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

// The alerts of EtherNet/IP and CIP operations.
var (
	ruleENIPReset     = observe.NewRule("enip/identity-reset", "CIP Reset of the Identity object", finding.High, "T0816")
	ruleENIPStop      = observe.NewRule("enip/stop", "CIP Stop", finding.High, "T0858")
	ruleENIPStart     = observe.NewRule("enip/start", "CIP Start", finding.High, "T0858")
	ruleENIPDownload  = observe.NewRule("enip/program-download", "CIP program or firmware download (File object)", finding.High, "T0843", "T0857")
	ruleENIPUpload    = observe.NewRule("enip/program-upload", "CIP program upload (File object)", finding.Medium, "T0845")
	ruleENIPNetConfig = observe.NewRule("enip/network-config-change", "CIP Set Attribute on the TCP/IP or Ethernet Link object", finding.High, "T0855")
	ruleENIPWrite     = observe.NewRule("enip/write", "CIP write", finding.Medium, "T0836")
	// Sweeps address many targets: one alert per source, with the count of targets.
	ruleENIPListID = observe.AggregatePerSource(observe.NewRule("enip/list-identity", "EtherNet/IP ListIdentity", finding.Low, "T0888"))
	enipRules      = []*observe.Rule{ruleENIPReset, ruleENIPStop, ruleENIPStart, ruleENIPDownload, ruleENIPUpload, ruleENIPNetConfig,
		ruleENIPWrite, ruleENIPListID}
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
	case c == uint32(SvcReset) && cls == ClassIdentity:
		return ruleENIPReset
	case c == uint32(SvcStop):
		return ruleENIPStop
	case c == uint32(SvcStart):
		return ruleENIPStart
	case cls == ClassFile && op.Class == protocols.OpProgram:
		if c == 0x4b || c == 0x4f { // Initiate_Upload, Upload_Transfer
			return ruleENIPUpload
		}
		return ruleENIPDownload
	case (cls == 0xf5 || cls == 0xf6) && op.Class == protocols.OpWrite:
		return ruleENIPNetConfig
	case op.Class == protocols.OpProgram:
		return ruleENIPDownload
	case op.Class == protocols.OpWrite:
		return ruleENIPWrite
	case op.Class == protocols.OpControl:
		return ruleENIPReset
	}
	return nil
}

// FillDetail copies the parameters of the EtherNet/IP message just parsed (DetailFiller).
func (h *enipHandler) FillDetail(d *observe.OpDetail) {
	m := &h.m
	if m.HasCIP {
		p := &m.Effective().Path
		if p.Has&HasClass != 0 {
			d.CIPClass, d.CIPInstance, d.HasCIPPath = p.Class, p.Instance, true
		}
	}
}
