package enip

// pairingSlots bounds the requests a Pairing remembers: EtherNet/IP clients keep few
// requests outstanding on one connection.
const pairingSlots = 8

// Pairing ties CIP replies to their requests on one TCP connection, so that a reply,
// which carries no path, can be read as the object it answers: in particular the
// Identity object's Get_Attributes_All reply, decoded into Message.Identity. Requests
// and replies are matched by sender context (unconnected messaging) or by sequence
// count (connected messaging), oldest first. The zero value is ready to use; keep one
// per connection.
type Pairing struct {
	slots [pairingSlots]pending
	seq   uint64
}

type pending struct {
	order   uint64 // 0: free
	key     uint64
	service uint8
	path    Path // numeric fields and symbol count only: the request's bytes are gone by the reply
}

func pairKey(m *Message) (uint64, bool) {
	switch {
	case m.Command == CmdSendRRData:
		var k uint64
		for i, b := range m.SenderContext {
			k |= uint64(b) << (8 * i)
		}
		return k, true
	case m.Command == CmdSendUnitData && m.Connected:
		return 1<<63 | uint64(m.CIPSequence), true
	}
	return 0, false
}

// Observe notes a request or, for a reply, finds its request, sets m.Paired and
// m.RequestPath, and decodes an Identity object's Get_Attributes_All reply into
// m.Identity.
func (p *Pairing) Observe(m *Message) {
	if !m.HasCIP {
		return
	}
	key, ok := pairKey(m)
	if !ok {
		return
	}
	eff := m.Effective()
	if !eff.Response {
		p.seq++
		slot := &p.slots[0]
		for i := range p.slots { // a free slot, or else the oldest
			if s := &p.slots[i]; s.order < slot.order {
				slot = s
			}
		}
		*slot = pending{order: p.seq, key: key, service: eff.Service, path: Path{Has: eff.Path.Has &^ HasPort,
			Class: eff.Path.Class, LastClass: eff.Path.LastClass, LastInstance: eff.Path.LastInstance, Instance: eff.Path.Instance, Attribute: eff.Path.Attribute, Member: eff.Path.Member,
			ConnectionPoint: eff.Path.ConnectionPoint, NumSymbols: eff.Path.NumSymbols}}
		return
	}
	var match *pending
	for i := range p.slots {
		s := &p.slots[i]
		if s.order != 0 && s.key == key && s.service == eff.Service && (match == nil || s.order < match.order) {
			match = s
		}
	}
	if match == nil {
		return
	}
	m.Paired = true
	m.RequestPath = match.path
	match.order = 0
	if eff.Service == SvcGetAttributesAll && eff.GeneralStatus == 0 && match.path.Has&HasClass != 0 &&
		match.path.Class == ClassIdentity && !m.HasIdentity {
		if DecodeIdentity(eff.Data, &m.Identity) == nil {
			m.HasIdentity = true
		} else {
			m.Identity = Identity{}
		}
	}
}
