package observe

import (
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/mms"
	"github.com/zonewarden/zonewarden/internal/protocols/s7comm"
)

// AppMMS is MMS (ISO 9506) on ISO-on-TCP: IEC 61850 station bus clients and IEDs, ICCP
// links between control centres. Port 102 is S7comm's too, so a flow there starts as
// S7comm and the S7 handler hands it over at its first MMS PDU; elsewhere an MMS
// association request identifies it.
var AppMMS = Register(Protocol{
	Name:      "mms",
	PDULen:    s7comm.PDULen,
	DetectTCP: detectMMS,
	New:       func() Handler { return new(mmsHandler) },
	OpName:    mmsOpName,
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
	m    mms.Message
}

// isMMS reports whether the user data of a COTP data TPDU is an MMS PDU on the OSI
// session and presentation layers.
func isMMS(user []byte, m *mms.Message) bool {
	return mms.Parse(user, m) == nil && m.HasPDU
}

// detectMMS recognises a connection whose first data is an MMS association request:
// TPKT, COTP data, session connect, presentation, ACSE and MMS initiate.
func detectMMS(b []byte) bool {
	var t s7comm.Message
	var m mms.Message
	return s7comm.Parse(b, &t) == nil && t.COTP.Type == s7comm.COTPData && t.Payload == s7comm.PayloadUnknown &&
		isMMS(t.UserData, &m) && m.PDU == mms.InitiateRequest
}

func (h *mmsHandler) Handle(c *Conn, b []byte) {
	t := &h.tpdu
	if err := s7comm.Parse(b, t); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	switch t.COTP.Type {
	case s7comm.COTPConnectReq:
		if len(t.COTP.DstTSAP) == 2 {
			c.Op(s7OpConnect|uint32(t.COTP.DstTSAP[0]), protocols.OpNone)
		}
		return
	case s7comm.COTPData:
	default:
		return
	}
	if !t.COTP.EOT {
		return // one of several TPDUs of a long PDU: not decodable alone
	}
	m := &h.m
	if err := mms.Parse(t.UserData, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	if !m.HasPDU {
		return
	}
	switch m.PDU {
	case mms.ConfirmedRequest:
		// Service numbers past the standard's (a tag a hostile peer made up) share one
		// code below the other operation codes.
		c.Op(min(m.Service, 0xff), mms.ServiceClass(m.Service))
	case mms.Unconfirmed:
		c.Op(mmsOpUnconfirmed|m.Service&0xff, protocols.OpNone)
	case mms.InitiateRequest:
		c.Op(mmsOpInitiate, protocols.OpNone)
	case mms.ConcludeRequest:
		c.Op(mmsOpConclude, protocols.OpNone)
	case mms.Reject:
		c.Op(mmsOpReject, protocols.OpNone)
	case mms.CancelRequest:
		c.Op(mmsOpCancel, protocols.OpNone)
	case mms.ConfirmedResponse:
		if m.Service == mms.ServiceIdentify {
			// How an IED names itself: its maker, model and software revision.
			c.Identity(Sender, FieldVendor, trimText(m.Vendor), High)
			c.Identity(Sender, FieldModel, trimText(m.Model), High)
			c.Identity(Sender, FieldFirmware, trimText(m.Revision), High)
		}
	}
}

func mmsOpName(code uint32) string {
	switch {
	case code >= s7OpControl:
		return s7OpName(code)
	case code < mmsOpUnconfirmed:
		return mms.ServiceName(code)
	case code < mmsOpInitiate:
		return mms.UnconfirmedName(code & 0xff)
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
