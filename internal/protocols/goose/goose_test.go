package goose

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// The simulator's encoding, which tshark dissects without complaint (simulate's tshark
// tests): a bay controller's breaker status.
func sample() []byte {
	return encode.GOOSE(nil, &encode.GOOSEMessage{AppID: 0x3001, GoCBRef: "BAY1_CTRLLD0/LLN0$GO$gcbStatus", DatSet: "BAY1_CTRLLD0/LLN0$dsStatus",
		GoID: "BAY1_CTRL_Status", TTL: 2000, T: 0x6553f10012345600, StNum: 7, SqNum: 70000, ConfRev: 3, Booleans: []bool{true, false}})
}

func TestParse(t *testing.T) {
	b := sample()
	var m Message
	if err := Parse(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.AppID != 0x3001 || int(m.Length) != len(b) || string(m.GoCBRef) != "BAY1_CTRLLD0/LLN0$GO$gcbStatus" ||
		string(m.DatSet) != "BAY1_CTRLLD0/LLN0$dsStatus" || string(m.GoID) != "BAY1_CTRL_Status" || m.TTL != 2000 ||
		m.StNum != 7 || m.SqNum != 70000 || m.ConfRev != 3 || m.Simulation || m.NumDatSetEntries != 4 {
		t.Errorf("decoded %+v", m)
	}
	if ld := LogicalDevice(m.GoCBRef); string(ld) != "BAY1_CTRLLD0" {
		t.Errorf("logical device %q", ld)
	}
	// Ethernet padding after the APDU is not part of it.
	if err := Parse(append(bytes.Clone(b), 0, 0, 0, 0), &m); err != nil || m.StNum != 7 {
		t.Errorf("padded: %v %+v", err, m)
	}
	sim := encode.GOOSE(nil, &encode.GOOSEMessage{AppID: 1, GoCBRef: "P1LD0/LLN0$GO$trip", Test: true})
	if err := Parse(sim, &m); err != nil || !m.Simulation {
		t.Errorf("simulation flag: %v %+v", err, m)
	}
}

func TestParseRefuses(t *testing.T) {
	b := sample()
	for name, in := range map[string][]byte{
		"short":            b[:6],
		"length too long":  append([]byte{0x30, 0x01, 0x10, 0x00}, b[4:]...),
		"length too short": append([]byte{0x30, 0x01, 0x00, 0x04}, b[4:]...),
		"not a goosePdu":   mustHex("0001000e0000000030048000 8100"),
		"no reference":     mustHex("0001000c000000006102 8100"),
	} {
		var m Message
		if err := Parse(in, &m); err == nil {
			t.Errorf("%s: accepted %+v", name, m)
		}
	}
	// Every cut of a real message is refused without reading past the cut.
	for n := range len(b) {
		var m Message
		if Parse(bytes.Clone(b[:n]), &m) == nil {
			t.Errorf("cut at %d accepted", n)
		}
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(string(bytes.ReplaceAll([]byte(s), []byte(" "), nil)))
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseAllocatesNothing(t *testing.T) {
	b := sample()
	var m Message
	if n := testing.AllocsPerRun(100, func() { _ = Parse(b, &m) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample())
	f.Add(encode.GOOSE(nil, &encode.GOOSEMessage{AppID: 1, GoCBRef: "P1LD0/LLN0$GO$trip", Test: true}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if Parse(b, &m) != nil {
			return
		}
		if int(m.Length) > len(b) || len(m.GoCBRef)+len(m.DatSet)+len(m.GoID) > len(b) {
			t.Fatalf("inconsistent %+v from %d bytes", m, len(b))
		}
		_ = LogicalDevice(m.GoCBRef)
	})
}

func BenchmarkParse(b *testing.B) {
	p := sample()
	var m Message
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Parse(p, &m); err != nil {
			b.Fatal(err)
		}
	}
}
