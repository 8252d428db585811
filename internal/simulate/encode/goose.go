package encode

// IEC 61850 GOOSE (EtherType 0x88B8): a publisher's dataset, repeated as a heartbeat
// and in a burst after each change.

// GOOSEMessage is one GOOSE publication.
type GOOSEMessage struct {
	AppID       uint16
	GoCBRef     string
	DatSet      string
	GoID        string
	TTL         uint32 // time allowed to live, ms
	T           uint64 // UtcTime: seconds<<32 | fraction<<8 | quality
	StNum       uint32
	SqNum       uint32
	ConfRev     uint32
	Booleans    []bool // the dataset: a breaker position or trip per entry, each with quality
	Test        bool
	NeedsCommis bool
}

// berUint appends a minimal two's complement INTEGER with tag.
func berUint(b []byte, tag byte, v uint32) []byte {
	n := 1
	for n < 4 && v>>(8*n) != 0 {
		n++
	}
	if v>>(8*n-1)&1 == 1 {
		n++ // a leading zero keeps it positive
	}
	b = append(b, tag, byte(n))
	for i := n - 1; i >= 0; i-- {
		if i >= 4 {
			b = append(b, 0)
		} else {
			b = append(b, byte(v>>(8*i)))
		}
	}
	return b
}

func berBool(b []byte, tag byte, v bool) []byte {
	if v {
		return append(b, tag, 1, 0xff)
	}
	return append(b, tag, 1, 0)
}

// GOOSE appends a GOOSE APDU (what follows the EtherType).
func GOOSE(b []byte, g *GOOSEMessage) []byte {
	start := len(b)
	b = u16be(b, g.AppID)
	b = append(b, 0, 0, 0, 0, 0, 0) // length, reserved 1 and 2
	b, pdu := berOpen(b, 0x61)
	b = berString(b, 0x80, clipN(g.GoCBRef, 129))
	b = berUint(b, 0x81, g.TTL)
	b = berString(b, 0x82, clipN(g.DatSet, 129))
	b = berString(b, 0x83, clipN(g.GoID, 129))
	b = be.AppendUint64(append(b, 0x84, 8), g.T)
	b = berUint(b, 0x85, g.StNum)
	b = berUint(b, 0x86, g.SqNum)
	b = berBool(b, 0x87, g.Test)
	b = berUint(b, 0x88, g.ConfRev)
	b = berBool(b, 0x89, g.NeedsCommis)
	b = berUint(b, 0x8a, uint32(2*len(g.Booleans)))
	b, data := berOpen(b, 0xab)
	for _, v := range g.Booleans {
		b = berBool(b, 0x83, v)
		b = append(b, 0x84, 3, 3, 0, 0) // quality: good (13-bit string)
	}
	b = berClose(b, data)
	b = berClose(b, pdu)
	putU16be(b, start+2, len(b)-start)
	return b
}
