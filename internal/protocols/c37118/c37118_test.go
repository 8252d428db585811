package c37118

import (
	"encoding/binary"
	"testing"
)

// frame builds a frame of type typ with body, its size and checksum filled in.
func frame(typ uint8, id uint16, body []byte) []byte {
	b := []byte{0xAA, typ<<4 | 1, 0, 0, byte(id >> 8), byte(id), 0, 0, 0, 0, 0, 0, 0, 0}
	b = append(b, body...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)+2))
	return binary.BigEndian.AppendUint16(b, crc(b))
}

func TestCRC(t *testing.T) {
	// CRC-CCITT (0xFFFF) of "123456789" is 0x29B1.
	if c := crc([]byte("123456789")); c != 0x29B1 {
		t.Errorf("crc = %#x", c)
	}
}

func TestParse(t *testing.T) {
	var m Message
	if err := Parse(frame(TypeCommand, 7, []byte{0, CmdDataOff}), &m); err != nil || m.Command != CmdDataOff || m.IDCode != 7 {
		t.Errorf("command: %v %+v", err, m)
	}
	cmd := frame(TypeCommand, 7, []byte{0, 2})
	cmd[len(cmd)-1] ^= 1
	if err := Parse(cmd, &m); err != errChecksum {
		t.Errorf("a bad checksum: %v", err)
	}
	// A CFG-2 frame of two PMUs, one phasor each.
	pmu := func(name string, id uint16) []byte {
		b := append([]byte(name), make([]byte, 16-len(name))...)
		for i := range b[len(name):] {
			b[len(name)+i] = ' '
		}
		b = binary.BigEndian.AppendUint16(b, id)
		b = append(b, 0, 0, 0, 1, 0, 0, 0, 0)        // FORMAT, PHNMR 1, ANNMR 0, DGNMR 0
		b = append(b, []byte("VA              ")...) // CHNAM
		b = append(b, 0, 0, 0, 1, 0, 0, 0, 0)        // PHUNIT, FNOM, CFGCNT
		return b
	}
	body := append([]byte{0, 0, 0x0f, 0x42, 0, 2}, pmu("North", 11)...)
	body = append(append(body, pmu("South", 12)...), 0, 30)
	if err := Parse(frame(TypeConfig2, 10, body), &m); err != nil || len(m.Stations) != 2 || string(m.Stations[1].Name) != "South" || m.Stations[1].IDCode != 12 {
		t.Errorf("config: %v %+v", err, m.Stations)
	}
	// A PMU count the frame does not hold is refused, not read past the end.
	short := append([]byte{0, 0, 0x0f, 0x42, 0, 3}, pmu("North", 11)...)
	if err := Parse(frame(TypeConfig2, 10, short), &m); err != errConfig {
		t.Errorf("missing PMU blocks: %v", err)
	}
	cfg := frame(TypeConfig2, 10, body)
	if n := testing.AllocsPerRun(100, func() { _ = Parse(cfg, &m) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(frame(TypeCommand, 7, []byte{0, CmdDataOff}))
	f.Add(frame(TypeConfig2, 10, []byte{0, 0, 0x0f, 0x42, 0, 1, 'A', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 30}))
	f.Add(frame(TypeHeader, 3, []byte("substation A")))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if Parse(b, &m) == nil && len(m.Stations) > MaxStations {
			t.Fatal("stations beyond the bound")
		}
		if n, err := PDULen(b); err == nil && n != 0 && n < minFrame {
			t.Fatalf("PDULen %d below the fixed part", n)
		}
	})
}
