package mms

import (
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/s7comm"
)

// App is MMS (ISO 9506) on ISO-on-TCP: IEC 61850 station bus clients and IEDs, ICCP
// links between control centres. Port 102 is S7comm's too, so a flow there starts as
// S7comm and the S7 handler hands it over at its first MMS PDU; elsewhere an MMS
// association request identifies it.
var App = observe.Register(observe.Protocol{
	Name:      "mms",
	PDULen:    s7comm.PDULen,
	DetectTCP: detectMMS,
	New:       func() observe.Handler { return new(mmsHandler) },
	OpName:    mmsOpName,
	Rules:     mmsRules,
	Match:     mmsMatch,
})

// Operation codes: confirmed service requests are counted by service number (0-77);
// these name the rest. Codes from s7OpControl up are the S7 handler's (the COTP connect
// it counted before the flow was handed over).
const (
	mmsOpUnconfirmed = 0x100 // | unconfirmed service: information reports
	mmsOpInitiate    = 0x200
	mmsOpConclude    = 0x201
	mmsOpReject      = 0x202
	mmsOpCancel      = 0x203
)

type mmsHandler struct {
	tpdu s7comm.Message
	m    Message
	pool observe.ExtPool[mmsFlow]
}

// An MMS PDU longer than the peers' TPDU size is sent as several COTP data TPDUs, all
// but the last without the end-of-TSDU mark. They are joined per flow and direction, up
// to mmsJoinMax bytes (a TPKT's most), so that a long Write or a long answer is read
// like a short one: a peer cannot hide a write by cutting it small.
const mmsJoinMax = 64 << 10

// mmsKeptMax bounds the join buffer an ended flow hands on to the next one.
const mmsKeptMax = 16 << 10

// mmsFlow holds, per direction, the TPDUs of a PDU not yet ended; over is set while the
// rest of a PDU that outgrew mmsJoinMax is passed by. domainsAsked is set while a
// request for the server's domains (invoke id domainsInvoke) awaits its answer.
type mmsFlow struct {
	pending       [2][]byte
	over          [2]bool
	domainsInvoke uint32
	domainsAsked  bool
}

// mmsMaxNames bounds the domain names taken from one answer: an IED has a handful of
// logical devices, and an ICCP server's long lists name tables, not the device.
const mmsMaxNames = 16

func (h *mmsHandler) FlowEnd(ext any) {
	h.pool.Put(ext, func(f *mmsFlow) {
		for d := range f.pending {
			if cap(f.pending[d]) > mmsKeptMax {
				f.pending[d] = nil
			}
			f.pending[d], f.over[d] = f.pending[d][:0], false
		}
		f.domainsAsked = false
	})
}

// isMMS reports whether the user data of a COTP data TPDU is an MMS PDU on the OSI
// session and presentation layers.
func isMMS(user []byte, m *Message) bool {
	return Parse(user, m) == nil && m.HasPDU
}

// detectMMS recognises a connection whose first data is an MMS association request:
// TPKT, COTP data, session connect, presentation, ACSE and MMS initiate.
func detectMMS(b []byte) bool {
	var t s7comm.Message
	var m Message
	return s7comm.Parse(b, &t) == nil && t.COTP.Type == s7comm.COTPData && t.Payload == s7comm.PayloadUnknown &&
		isMMS(t.UserData, &m) && m.PDU == InitiateRequest
}

// Takes reports whether a PDU of a flow S7comm framed is MMS (Taker): a COTP data TPDU
// that ends a TSDU and carries an MMS PDU on the session and presentation layers.
func (h *mmsHandler) Takes(pdu []byte) bool {
	t := &h.tpdu
	return s7comm.Parse(pdu, t) == nil && t.COTP.Type == s7comm.COTPData && t.COTP.EOT &&
		t.Payload == s7comm.PayloadUnknown && isMMS(t.UserData, &h.m)
}

func (h *mmsHandler) Handle(c *observe.Conn, b []byte) {
	t := &h.tpdu
	if err := s7comm.Parse(b, t); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	switch t.COTP.Type {
	case s7comm.COTPConnectReq:
		if len(t.COTP.DstTSAP) == 2 {
			c.Op(s7comm.OpConnect|uint32(t.COTP.DstTSAP[0]), protocols.OpNone)
		}
		return
	case s7comm.COTPData:
	default:
		return
	}
	user := t.UserData
	if !t.COTP.EOT || c.Ext() != nil {
		if user = h.join(c, user, t.COTP.EOT); user == nil {
			return // the PDU goes on in the next TPDU, or was too long to keep
		}
	}
	m := &h.m
	if err := Parse(user, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if !m.HasPDU {
		return
	}
	switch m.PDU {
	case ConfirmedRequest:
		// Service numbers past the standard's (a tag a hostile peer made up) share one
		// code below the other operation codes.
		c.Op(min(m.Service, 0xff), ServiceClass(m.Service))
		if m.Service == ServiceGetNameList && m.ObjectClass == ObjectClassDomain && c.IsTCP() {
			f := h.pool.Of(c)
			f.domainsInvoke, f.domainsAsked = m.InvokeID, true
		}
	case Unconfirmed:
		c.Op(mmsOpUnconfirmed|m.Service&0xff, protocols.OpNone)
	case InitiateRequest:
		c.Op(mmsOpInitiate, protocols.OpNone)
	case ConcludeRequest:
		c.Op(mmsOpConclude, protocols.OpNone)
	case Reject:
		c.Op(mmsOpReject, protocols.OpNone)
	case CancelRequest:
		c.Op(mmsOpCancel, protocols.OpNone)
	case ConfirmedResponse:
		if m.Service == ServiceIdentify {
			// How an IED names itself: its maker, model and software revision.
			c.Identity(observe.Sender, observe.FieldVendor, observe.TrimText(m.Vendor), observe.High)
			c.Identity(observe.Sender, observe.FieldModel, observe.TrimText(m.Model), observe.High)
			c.Identity(observe.Sender, observe.FieldFirmware, observe.TrimText(m.Revision), observe.High)
		}
		if f, ok := c.Ext().(*mmsFlow); ok && f.domainsAsked && m.Service == ServiceGetNameList && m.InvokeID == f.domainsInvoke {
			// An IEC 61850 server's domains are its logical devices, named after the
			// IED (IED name + LD instance): names as GOOSE's control blocks give them.
			f.domainsAsked = false
			l := m.NameList
			for range mmsMaxNames {
				name, rest, ok := NextName(l)
				if !ok {
					break
				}
				c.Identity(observe.Sender, observe.FieldName, observe.TrimText(name), observe.Medium)
				l = rest
			}
		}
	}
}

// join adds the user data of one TPDU to the PDU pending in its direction and returns
// the whole PDU at its last TPDU (eot), or nil while it goes on or when it outgrew
// mmsJoinMax (counted as an oversized PDU and passed by to its end).
func (h *mmsHandler) join(c *observe.Conn, user []byte, eot bool) []byte {
	if !c.IsTCP() {
		return nil
	}
	f, d := h.pool.Of(c), c.Dir&1
	if eot && len(f.pending[d]) == 0 && !f.over[d] {
		return user // a PDU in one TPDU: nothing to join
	}
	if !f.over[d] && len(f.pending[d])+len(user) > mmsJoinMax {
		c.Anomaly(observe.AnomalyOversized)
		f.over[d], f.pending[d] = true, f.pending[d][:0]
	}
	if !f.over[d] {
		f.pending[d] = append(f.pending[d], user...)
	}
	if !eot {
		return nil
	}
	p, over := f.pending[d], f.over[d]
	f.pending[d], f.over[d] = p[:0], false
	if over {
		return nil
	}
	return p // read before the flow's next TPDU reuses the buffer
}

func mmsOpName(code uint32) string {
	switch {
	case code >= s7comm.OpControl:
		return s7comm.OpName(code)
	case code < mmsOpUnconfirmed:
		return ServiceName(code)
	case code < mmsOpInitiate:
		return UnconfirmedName(code & 0xff)
	}
	switch code {
	case mmsOpInitiate:
		return "initiate"
	case mmsOpConclude:
		return "conclude"
	case mmsOpReject:
		return "reject"
	case mmsOpCancel:
		return "cancel"
	}
	return ""
}

// The alerts of MMS (IEC 61850) operations.
var (
	ruleMMSWrite      = observe.NewRule("mms/write", "MMS write (IEC 61850 setting or control)", finding.Medium, "T0836", "T0855")
	ruleMMSControl    = observe.NewRule("mms/program-control", "MMS start, stop, resume, reset or kill of a program invocation", finding.High, "T0858", "T0816")
	ruleMMSDownload   = observe.NewRule("mms/domain-download", "MMS domain download or program invocation change", finding.High, "T0843")
	ruleMMSUpload     = observe.NewRule("mms/domain-upload", "MMS domain upload", finding.Medium, "T0845")
	ruleMMSFileChange = observe.NewRule("mms/file-change", "MMS file delete or rename", finding.High, "T0809")
	ruleMMSIdentify   = observe.NewRule("mms/identify", "MMS Identify", finding.Low, "T0888")
	mmsRules          = []*observe.Rule{ruleMMSWrite, ruleMMSControl, ruleMMSDownload, ruleMMSUpload, ruleMMSFileChange, ruleMMSIdentify}
)

func mmsMatch(op *observe.Operation) *observe.Rule {
	if !op.FromClient {
		return nil
	}
	c := op.Code
	switch {
	case c == uint32(ServiceIdentify):
		return ruleMMSIdentify
	case c == 75 || c == 76: // FileRename, FileDelete
		return ruleMMSFileChange
	case c >= 29 && c <= 31 || c == 33 || c == 35: // upload sequence, RequestDomainUpload, StoreDomainContent
		return ruleMMSUpload
	case op.Class == protocols.OpProgram:
		return ruleMMSDownload
	case op.Class == protocols.OpControl:
		return ruleMMSControl
	case c == uint32(ServiceWrite):
		return ruleMMSWrite
	}
	return nil
}
