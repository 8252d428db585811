package mms

import (
	"errors"

	"github.com/zonewarden/zonewarden/internal/protocols/ber"
)

// SPDU is an ISO 8327 session SPDU type (its SI octet).
type SPDU uint8

const (
	SessionData       SPDU = 0x01 // give tokens and data transfer: MMS requests and answers
	SessionFinish     SPDU = 0x09 // orderly release (carries the ACSE release request)
	SessionDisconnect SPDU = 0x0a // release accepted
	SessionRefuse     SPDU = 0x0c
	SessionConnect    SPDU = 0x0d // carries the presentation CP, ACSE AARQ and MMS initiate
	SessionAccept     SPDU = 0x0e
	SessionAbort      SPDU = 0x19
)

// ACSE is an ACSE APDU type: its APPLICATION tag number.
type ACSE uint8

const (
	NoACSE ACSE = 0xff
	AARQ   ACSE = 0 // association request
	AARE   ACSE = 1 // association response
	RLRQ   ACSE = 2 // release request
	RLRE   ACSE = 3 // release response
	ABRT   ACSE = 4 // abort
)

// PDU is an MMS PDU type: its context tag number in MMSpdu.
type PDU uint8

const (
	ConfirmedRequest  PDU = 0
	ConfirmedResponse PDU = 1
	ConfirmedError    PDU = 2
	Unconfirmed       PDU = 3
	Reject            PDU = 4
	CancelRequest     PDU = 5
	CancelResponse    PDU = 6
	CancelError       PDU = 7
	InitiateRequest   PDU = 8
	InitiateResponse  PDU = 9
	InitiateError     PDU = 10
	ConcludeRequest   PDU = 11
	ConcludeResponse  PDU = 12
	ConcludeError     PDU = 13
)

// Confirmed service numbers (the context tags of ConfirmedServiceRequest) that callers
// name; the rest are in ServiceName.
const (
	ServiceStatus      = 0
	ServiceGetNameList = 1
	ServiceIdentify    = 2
	ServiceRead        = 4
	ServiceWrite       = 5
)

// Message is what Parse found in one COTP data TPDU.
type Message struct {
	Session SPDU
	// ACSE is the association-control APDU the presentation data held (AARQ on
	// connect, RLRQ on release ...), NoACSE when it held MMS directly.
	ACSE ACSE
	// AssociationResult is an AARE's result: 0 accepted, 1 rejected (permanent),
	// 2 rejected (transient).
	AssociationResult uint8

	// HasPDU is set when an MMS PDU was found (a refusal or abort may carry none).
	HasPDU bool
	PDU    PDU
	// InvokeID pairs a confirmed request with its response or error.
	InvokeID  uint32
	HasInvoke bool
	// Service is the confirmed service of a request or response, or the unconfirmed
	// service (0 informationReport, 1 unsolicitedStatus, 2 eventNotification).
	Service    uint32
	HasService bool
	// Version is the MMS version an initiate request proposes or a response agrees.
	Version    uint32
	HasVersion bool

	// Identify response: how the server names itself. Slices alias the input.
	Vendor, Model, Revision []byte

	// GetNameList request: the class of object asked for (ObjectClassDomain for the
	// logical devices of an IEC 61850 server), -1 when the request names none of the
	// basic classes.
	ObjectClass int
	// GetNameList response: the encoded list of identifiers (read with NextName) and
	// whether more follow in a further request.
	NameList    []byte
	MoreFollows bool
}

// ObjectClassDomain is the GetNameList object class of domains: an IEC 61850 server's
// logical devices, an ICCP server's bilateral tables.
const ObjectClassDomain = 9

// NextName returns the first identifier of a GetNameList response's list and the rest
// of the list; ok is false at the end of the list or at an encoding error.
func NextName(list []byte) (name, rest []byte, ok bool) {
	for len(list) > 0 {
		e, r, err := ber.Next(list)
		if err != nil {
			return nil, nil, false
		}
		if e.Is(ber.ClassUniversal, false, 26) { // VisibleString
			return e.Content, r, true
		}
		list = r
	}
	return nil, nil, false
}

var (
	errShort        = errors.New("mms: too short for a session SPDU")
	errSession      = errors.New("mms: not an ISO 8327 session SPDU")
	errSessionLen   = errors.New("mms: session length runs past the TPDU")
	errNoUserData   = errors.New("mms: session SPDU carries no presentation data")
	errPresentation = errors.New("mms: presentation PPDU not as ISO 8823 encodes it")
	errACSE         = errors.New("mms: ACSE APDU without MMS user information")
	errPDU          = errors.New("mms: not an MMS PDU")
)

// Parse decodes the session SPDU at the start of b (the user data of a COTP DT TPDU)
// and the presentation, ACSE and MMS PDUs it carries into m, which it resets first. An
// error means b is not MMS on the OSI upper layers, or is cut short; m then holds what
// was decoded before it.
func Parse(b []byte, m *Message) error {
	*m = Message{ACSE: NoACSE, ObjectClass: -1}
	if len(b) < 2 {
		return errShort
	}
	m.Session = SPDU(b[0])
	params, rest, err := spdu(b)
	if err != nil {
		return err
	}
	var user []byte
	switch m.Session {
	case SessionData:
		// Give tokens, then data transfer; the data transfer's user information follows
		// its parameters.
		if len(rest) < 2 || rest[0] != byte(SessionData) {
			return errSession
		}
		if _, rest, err = spdu(rest); err != nil {
			return err
		}
		user = rest
	case SessionConnect, SessionAccept, SessionFinish, SessionDisconnect, SessionRefuse, SessionAbort:
		user = userData(params)
		if user == nil {
			if m.Session == SessionConnect || m.Session == SessionAccept {
				return errNoUserData
			}
			return nil // a release or refusal without data says all it has to say
		}
	default:
		return errSession
	}
	return presentation(user, m)
}

// spdu splits the SPDU at b into its parameters and what follows them.
func spdu(b []byte) (params, rest []byte, err error) {
	if len(b) < 2 {
		return nil, nil, errShort
	}
	n, hdr := int(b[1]), 2
	if b[1] == 0xff {
		if len(b) < 4 {
			return nil, nil, errShort
		}
		n, hdr = int(b[2])<<8|int(b[3]), 4
	}
	if hdr+n > len(b) {
		return nil, nil, errSessionLen
	}
	return b[hdr : hdr+n], b[hdr+n:], nil
}

// userData returns the value of the session user data parameter (PGI 193, or 194 for
// extended user data) among an SPDU's parameters, nil when there is none.
func userData(p []byte) []byte {
	for len(p) >= 2 {
		code := p[0]
		v, rest, err := spdu(p)
		if err != nil {
			return nil
		}
		if code == 0xc1 || code == 0xc2 {
			return v
		}
		p = rest
	}
	return nil
}

// presentation walks an ISO 8823 PPDU down to the presentation data value it carries.
// Connect and accept PPDUs (CP, CPA: a SET) hold their user data inside the normal-mode
// parameters; data transfer is the user data itself.
func presentation(b []byte, m *Message) error {
	e, _, err := ber.Next(b)
	if err != nil {
		return err
	}
	if e.Is(ber.ClassUniversal, true, 17) { // CP-type, CPA-PPDU or CPR-PPDU: a SET
		normal, ok := e.Child(ber.ClassContext, 2)
		if !ok {
			if m.Session == SessionRefuse || m.Session == SessionAbort {
				return nil
			}
			return errPresentation
		}
		if e, ok = normal.Child(ber.ClassApplication, 1); !ok {
			return errPresentation
		}
	} else if m.Session == SessionAbort {
		return nil // ARU/ARP-PPDU: nothing of MMS in it
	}
	if !e.Is(ber.ClassApplication, true, 1) { // fully-encoded-data
		return errPresentation
	}
	list, _, err := ber.Next(e.Content) // the first PDV-list
	if err != nil {
		return err
	}
	if !list.Is(ber.ClassUniversal, true, 16) {
		return errPresentation
	}
	pdv, ok := list.Child(ber.ClassContext, 0) // single-ASN1-type
	if !ok {
		return errPresentation
	}
	apdu, _, err := ber.Next(pdv.Content)
	if err != nil {
		return err
	}
	if apdu.Class == ber.ClassApplication {
		return acse(apdu, m)
	}
	return mmsPDU(apdu, m)
}

// acse reads an ACSE APDU: its type, an AARE's result, and the MMS PDU in its user
// information (an EXTERNAL holding a single ASN.1 type).
func acse(a ber.Element, m *Message) error {
	if !a.Constructed || a.Number > uint32(ABRT) {
		return errACSE
	}
	m.ACSE = ACSE(a.Number)
	if m.ACSE == AARE {
		if r, ok := a.Child(ber.ClassContext, 2); ok {
			if v, _, err := ber.Next(r.Content); err == nil && v.Is(ber.ClassUniversal, false, 2) && len(v.Content) == 1 {
				m.AssociationResult = v.Content[0]
			}
		}
	}
	info, ok := a.Child(ber.ClassContext, 30)
	if !ok {
		if m.ACSE == AARQ || m.ACSE == AARE {
			return errACSE
		}
		return nil // a release or abort need not carry MMS
	}
	ext, _, err := ber.Next(info.Content)
	if err != nil {
		return err
	}
	if !ext.Is(ber.ClassUniversal, true, 8) {
		return errACSE
	}
	enc, ok := ext.Child(ber.ClassContext, 0)
	if !ok {
		return errACSE
	}
	p, _, err := ber.Next(enc.Content)
	if err != nil {
		return err
	}
	return mmsPDU(p, m)
}

// mmsPDU reads the MMS PDU e.
func mmsPDU(e ber.Element, m *Message) error {
	if e.Class != ber.ClassContext || e.Number > uint32(ConcludeError) {
		return errPDU
	}
	m.HasPDU, m.PDU = true, PDU(e.Number)
	switch m.PDU {
	case ConfirmedRequest, ConfirmedResponse:
		return confirmed(e, m)
	case ConfirmedError:
		if id, ok := e.Child(ber.ClassContext, 0); ok {
			m.InvokeID, m.HasInvoke = ber.Uint32(id.Content)
		}
	case Unconfirmed:
		if s, _, err := ber.Next(e.Content); err == nil && s.Class == ber.ClassContext {
			m.Service, m.HasService = s.Number, true
		}
	case CancelRequest, CancelResponse:
		m.InvokeID, m.HasInvoke = ber.Uint32(e.Content)
	case InitiateRequest, InitiateResponse:
		if d, ok := e.Child(ber.ClassContext, 4); ok {
			if v, ok := d.Child(ber.ClassContext, 0); ok {
				m.Version, m.HasVersion = ber.Uint32(v.Content)
			}
		}
	}
	return nil
}

// confirmed reads a confirmed request or response: invoke id, then (after a request's
// optional list of modifiers) the service, and an Identify response's three strings.
func confirmed(e ber.Element, m *Message) error {
	if !e.Constructed {
		return errPDU
	}
	id, rest, err := ber.Next(e.Content)
	if err != nil {
		return err
	}
	if !id.Is(ber.ClassUniversal, false, 2) {
		return errPDU
	}
	if m.InvokeID, m.HasInvoke = ber.Uint32(id.Content); !m.HasInvoke {
		return errPDU
	}
	if len(rest) == 0 {
		return errPDU
	}
	s, rest, err := ber.Next(rest)
	if err != nil {
		return err
	}
	if m.PDU == ConfirmedRequest && s.Is(ber.ClassUniversal, true, 16) { // listOfModifier
		if s, _, err = ber.Next(rest); err != nil {
			return err
		}
	}
	if s.Class != ber.ClassContext {
		return errPDU
	}
	m.Service, m.HasService = s.Number, true
	if s.Number == ServiceGetNameList && s.Constructed {
		getNameList(s, m)
	}
	if m.PDU == ConfirmedResponse && s.Number == ServiceIdentify && s.Constructed {
		for c := s.Content; len(c) > 0; {
			var f ber.Element
			if f, c, err = ber.Next(c); err != nil {
				return err
			}
			if f.Class != ber.ClassContext || f.Constructed {
				continue
			}
			switch f.Number {
			case 0:
				m.Vendor = f.Content
			case 1:
				m.Model = f.Content
			case 2:
				m.Revision = f.Content
			}
		}
	}
	return nil
}

// getNameList reads a GetNameList request's object class, or a response's list of
// identifiers and its more-follows flag.
func getNameList(s ber.Element, m *Message) {
	if m.PDU == ConfirmedRequest {
		// objectClass [0] CHOICE { basicObjectClass [0] INTEGER, ... }
		if oc, ok := s.Child(ber.ClassContext, 0); ok {
			if b, ok := oc.Child(ber.ClassContext, 0); ok && !b.Constructed {
				if v, ok := ber.Uint32(b.Content); ok && v < 256 {
					m.ObjectClass = int(v)
				}
			}
		}
		return
	}
	// listOfIdentifier [0] SEQUENCE OF Identifier, moreFollows [1] BOOLEAN DEFAULT TRUE
	if l, ok := s.Child(ber.ClassContext, 0); ok && l.Constructed {
		m.NameList = l.Content
	}
	m.MoreFollows = true
	if mf, ok := s.Child(ber.ClassContext, 1); ok && len(mf.Content) == 1 {
		m.MoreFollows = mf.Content[0] != 0
	}
}
