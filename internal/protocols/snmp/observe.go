package snmp

import (
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is SNMP (UDP 161 and 162). The system group in an agent's responses and
// notifications says who the agent is: sysDescr, sysObjectID (the vendor's product
// OID), sysName, sysLocation, sysContact.
var App = observe.Register(observe.Protocol{
	Name:     "snmp",
	UDPPorts: []uint16{Port, TrapPort},
	New:      func() observe.Handler { return new(snmpHandler) },
	OpName: func(code uint32) string {
		if n := PDUType(code).String(); n != "unknown" && code < 256 {
			return n
		}
		return ""
	},
})

type snmpHandler struct {
	m   Message
	oid [512]byte
}

// maxOIDBytes bounds the sysObjectID written out (40 BER bytes are at most 440
// characters, which the buffer holds); product OIDs are far shorter.
const maxOIDBytes = 40

func (h *snmpHandler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if !m.HasPDU {
		return // SNMPv3 with an encrypted scoped PDU
	}
	class := protocols.OpNone
	switch m.PDUType {
	case GetRequest, GetNextRequest, GetBulkRequest:
		class = protocols.OpRead
	case SetRequest:
		class = protocols.OpWrite
	case Response:
		if m.ErrorStatus != 0 {
			c.Anomaly(observe.AnomalyErrorResponse)
		}
	}
	c.Op(uint32(m.PDUType), class)
	if !m.PDUType.CarriesValues() {
		return // a manager's request names what it wants, not what the agent is
	}
	// Responses, traps, informs and reports come from the agent. A version 1 trap names
	// the agent's address, which differs from the sender's when a proxy forwards it.
	who := c.Endpoint(observe.Sender)
	if m.PDUType == TrapV1 && m.AgentAddr.IsValid() && !m.AgentAddr.IsUnspecified() && m.AgentAddr != who.IP {
		who = observe.Endpoint{IP: m.AgentAddr}
	}
	s := &m.System
	c.IdentityOf(who, nil, observe.FieldSystemDescription, observe.TrimText(s.Descr), observe.High)
	c.IdentityOf(who, nil, observe.FieldSystemName, observe.TrimText(s.Name), observe.High)
	c.IdentityOf(who, nil, observe.FieldLocation, observe.TrimText(s.Location), observe.High)
	c.IdentityOf(who, nil, observe.FieldContact, observe.TrimText(s.Contact), observe.High)
	if n := len(s.ObjectID); n > 0 && n <= maxOIDBytes {
		if oid, err := AppendOID(h.oid[:0], s.ObjectID); err == nil {
			c.IdentityOf(who, nil, observe.FieldSystemObjectID, oid, observe.High)
		}
	}
}
