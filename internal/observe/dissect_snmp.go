package observe

import (
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/snmp"
)

// AppSNMP is SNMP (UDP 161 and 162). The system group in an agent's responses and
// notifications says who the agent is: sysDescr, sysObjectID (the vendor's product
// OID), sysName, sysLocation, sysContact.
var AppSNMP = Register(Protocol{
	Name:     "snmp",
	UDPPorts: []uint16{snmp.Port, snmp.TrapPort},
	New:      func() Handler { return new(snmpHandler) },
	OpName: func(code uint32) string {
		if n := snmp.PDUType(code).String(); n != "unknown" && code < 256 {
			return n
		}
		return ""
	},
})

type snmpHandler struct {
	m   snmp.Message
	oid [512]byte
}

// maxOIDBytes bounds the sysObjectID written out (40 BER bytes are at most 440
// characters, which the buffer holds); product OIDs are far shorter.
const maxOIDBytes = 40

func (h *snmpHandler) Handle(c *Conn, b []byte) {
	m := &h.m
	if err := snmp.Parse(b, m); err != nil {
		c.Anomaly(AnomalyMalformed)
		return
	}
	if !m.HasPDU {
		return // SNMPv3 with an encrypted scoped PDU
	}
	class := protocols.OpNone
	switch m.PDUType {
	case snmp.GetRequest, snmp.GetNextRequest, snmp.GetBulkRequest:
		class = protocols.OpRead
	case snmp.SetRequest:
		class = protocols.OpWrite
	case snmp.Response:
		if m.ErrorStatus != 0 {
			c.Anomaly(AnomalyErrorResponse)
		}
	}
	c.Op(uint32(m.PDUType), class)
	if !m.PDUType.CarriesValues() {
		return // a manager's request names what it wants, not what the agent is
	}
	// Responses, traps, informs and reports come from the agent. A version 1 trap names
	// the agent's address, which differs from the sender's when a proxy forwards it.
	who := c.Endpoint(Sender)
	if m.PDUType == snmp.TrapV1 && m.AgentAddr.IsValid() && !m.AgentAddr.IsUnspecified() && m.AgentAddr != who.IP {
		who = Endpoint{IP: m.AgentAddr}
	}
	s := &m.System
	c.IdentityOf(who, nil, FieldSystemDescription, TrimText(s.Descr), High)
	c.IdentityOf(who, nil, FieldSystemName, TrimText(s.Name), High)
	c.IdentityOf(who, nil, FieldLocation, TrimText(s.Location), High)
	c.IdentityOf(who, nil, FieldContact, TrimText(s.Contact), High)
	if n := len(s.ObjectID); n > 0 && n <= maxOIDBytes {
		if oid, err := snmp.AppendOID(h.oid[:0], s.ObjectID); err == nil {
			c.IdentityOf(who, nil, FieldSystemObjectID, oid, High)
		}
	}
}
