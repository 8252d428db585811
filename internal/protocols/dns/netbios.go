package dns

import "errors"

// MaxNodeNames is how many names a NodeStatus keeps.
const MaxNodeNames = 16

var errNodeStatus = errors.New("dns: node status data truncated")

// NodeEntry is one name of a node status answer.
type NodeEntry struct {
	NB    NBName
	Flags uint16 // 0x8000 group name, 0x0400 active, ...
}

// NodeStatus is the data of a NetBIOS node status (NBSTAT) answer: the names the host
// has registered and the unit id, which is the MAC address of its adapter.
type NodeStatus struct {
	Names     [MaxNodeNames]NodeEntry
	N         int
	Dropped   int // names past MaxNodeNames
	UnitID    [6]byte
	HasUnitID bool
}

// ParseNodeStatus decodes a node status record's Data (type TypeNBSTAT in a response
// decoded by ParseNetBIOS) into ns, which it resets first.
func ParseNodeStatus(data []byte, ns *NodeStatus) error {
	*ns = NodeStatus{}
	if len(data) < 1 {
		return errNodeStatus
	}
	count := int(data[0])
	p := data[1:]
	if len(p) < 18*count {
		return errNodeStatus
	}
	for i := 0; i < count; i++ {
		e := p[18*i : 18*i+18]
		if ns.N == MaxNodeNames {
			ns.Dropped++
			continue
		}
		ent := &ns.Names[ns.N]
		n := 15
		for n > 0 && (e[n-1] == ' ' || e[n-1] == 0) {
			n--
		}
		ent.NB = NBName{Len: uint8(n), Suffix: e[15]}
		copy(ent.NB.Name[:], e[:n])
		ent.Flags = be16(e[16:])
		ns.N++
	}
	p = p[18*count:]
	if len(p) >= 6 {
		ns.UnitID, ns.HasUnitID = [6]byte(p), true
	}
	return nil
}
