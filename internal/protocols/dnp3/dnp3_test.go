package dnp3

import (
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// Real frames from dnp3_example.pcap.
const (
	hexRead      = "05640bc4050064006f36d0c3013c0106344d"
	hexReadMulti = "056411c405006400c5f2d1c4013c01063c02063c030635c5"
	hexRespFirst = "0564ff4464000500351875c38100000102000077810101010101f77601010101010101010101010101010101bbc301010101010101010101010101010101bbc3010101010101010101010000000000001a1300000000000000000000000000000000ffff00000000000000000000000000000000ffff00000000000000000000000000000000ffff00000000000000000000000000000000ffff00000a02000021000000000000000000857700000000000000000000000000000000ffff0000000000000000001e0200001300c088fc0300df0400d30400e704007003004605720e00660300000000000000000000000000a49d00000000000000000000000000000000ffff000000000000000000002802000013002ebd00000000000000000000ffff"
	hexResp      = "0564374464000500173db60000000000000000000000000000003c8500000000000000000000000000000000ffff00000000000000000000000000000000ffff0000ffff"
	hexSelect    = "056418c405006400feddccc7030c011701084201f40100000000d2fd000000ffff"
	hexOperate   = "056418c405006400feddcdc8040c011701084201f40100000000f4e8000000ffff"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		hex   string
		check func(t *testing.T, m *Message)
	}{
		{"read class 0", hexRead, func(t *testing.T, m *Message) {
			if !m.FromMaster() || !m.Primary() || m.LinkFunction() != LinkUnconfirmedData || m.Dst != 5 || m.Src != 100 {
				t.Errorf("link %02x %d->%d", m.Control, m.Src, m.Dst)
			}
			if m.BadCRCs != 0 || !m.HeaderCRCOK {
				t.Errorf("crc: %d bad", m.BadCRCs)
			}
			if !m.TransportFIR() || !m.TransportFIN() || m.Function != FuncRead || m.NumObjects != 1 {
				t.Fatalf("transport %02x function %v objects %d", m.Transport, m.Function, m.NumObjects)
			}
			if o := m.Objects[0]; o.Group != 60 || o.Variation != 1 || o.Qualifier != 6 {
				t.Errorf("object %+v", o)
			}
			if m.OpClass() != protocols.OpRead {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"read class 1-3", hexReadMulti, func(t *testing.T, m *Message) {
			if m.NumObjects != 3 || m.Objects[2].Variation != 3 || m.ObjectsPartial {
				t.Errorf("%d objects, partial %v", m.NumObjects, m.ObjectsPartial)
			}
		}},
		{"response first segment", hexRespFirst, func(t *testing.T, m *Message) {
			if m.FromMaster() || !m.TransportFIR() || m.TransportFIN() || m.Function != FuncResponse || m.IIN != 0 {
				t.Errorf("transport %02x function %v iin %x", m.Transport, m.Function, m.IIN)
			}
			if m.BadCRCs != 0 || len(m.UserData()) != 250 {
				t.Errorf("bad crcs %d, user data %d", m.BadCRCs, len(m.UserData()))
			}
			if o := m.Objects[0]; o.Group != 1 || o.Variation != 2 || o.Qualifier != 0 || o.Start != 0 || o.Stop != 0x77 || len(o.Objects) != 0x78 {
				t.Errorf("object %+v", o)
			}
			if m.OpClass() != protocols.OpNone {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"response continuation", hexResp, func(t *testing.T, m *Message) {
			if m.TransportFIR() || !m.TransportFIN() || m.HasApp {
				t.Errorf("transport %02x app %v", m.Transport, m.HasApp)
			}
		}},
		{"select crob", hexSelect, func(t *testing.T, m *Message) {
			if m.Function != FuncSelect || m.NumObjects != 1 || m.OpClass() != protocols.OpWrite {
				t.Fatalf("%v %d", m.Function, m.NumObjects)
			}
			h := &m.Objects[0]
			c, ok := h.CROBAt(0)
			if !ok || h.NumCROBs() != 1 || c.Index != 8 || c.TripClose() != 1 || c.OpType() != 2 || c.Count != 1 || c.OnTime != 500 || c.OffTime != 0 || c.Clear() {
				t.Errorf("crob %+v", c)
			}
		}},
		{"operate crob", hexOperate, func(t *testing.T, m *Message) {
			if m.Function != FuncOperate || m.Objects[0].NumCROBs() != 1 {
				t.Errorf("%v", m.Function)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			if err := Parse(testutil.MustHex(t, tt.hex), &m); err != nil {
				t.Fatal(err)
			}
			tt.check(t, &m)
		})
	}
}

func TestBadCRCsCounted(t *testing.T) {
	b := testutil.MustHex(t, hexSelect)
	b[4] ^= 1  // header
	b[12] ^= 1 // first block
	var m Message
	if err := Parse(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.HeaderCRCOK || m.BadCRCs != 2 {
		t.Errorf("header ok %v, bad %d", m.HeaderCRCOK, m.BadCRCs)
	}
}

func TestErrors(t *testing.T) {
	for _, tt := range []struct{ name, hex, err string }{
		{"not dnp3", "0565", "start octets"},
		{"short length", "056404c4", "below"},
		{"truncated", hexSelect[:40], "shorter"},
	} {
		var m Message
		if err := Parse(testutil.MustHex(t, tt.hex), &m); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestPDULen(t *testing.T) {
	for _, tt := range []struct {
		hex  string
		n    int
		fail bool
	}{{"", 0, false}, {"05", 0, false}, {"0564", 0, false}, {"05640b", 18, false}, {"0564ff", 292, false}, {"0564050000", 10, false}, {"0663", 0, true}} {
		n, err := PDULen(testutil.MustHex(t, tt.hex))
		if n != tt.n || (err != nil) != tt.fail {
			t.Errorf("PDULen(%s) = %d, %v", tt.hex, n, err)
		}
	}
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, h := range []string{hexRespFirst, hexSelect, hexRead} {
		b := testutil.MustHex(t, h)
		if n := testing.AllocsPerRun(100, func() { _ = Parse(b, &m) }); n != 0 {
			t.Errorf("Parse allocates %v times", n)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	pdus := [][]byte{testutil.MustHex(b, hexRespFirst), testutil.MustHex(b, hexSelect), testutil.MustHex(b, hexRead), testutil.MustHex(b, hexResp)}
	var m Message
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := Parse(pdus[i%len(pdus)], &m); err != nil {
			b.Fatal(err)
		}
	}
}

var fuzzSeeds = []string{hexRead, hexReadMulti, hexRespFirst, hexResp, hexSelect, hexOperate}

func FuzzParse(f *testing.F) {
	for _, h := range fuzzSeeds {
		f.Add(testutil.MustHex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := Parse(b, &m); err != nil {
			return
		}
		if m.FrameLen > len(b) || m.NumObjects > MaxObjects || len(m.UserData()) > maxUserData {
			t.Fatalf("inconsistent: frame %d of %d, objects %d", m.FrameLen, len(b), m.NumObjects)
		}
		for i := 0; i < m.NumObjects; i++ {
			h := &m.Objects[i]
			for j := 0; j < h.NumCROBs(); j++ {
				h.CROBAt(j)
			}
		}
		_ = m.OpClass()
	})
}

func FuzzPDULen(f *testing.F) {
	for _, h := range fuzzSeeds {
		f.Add(testutil.MustHex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := PDULen(b)
		if err == nil && n != 0 && (n < linkHeaderLen || n > 292) {
			t.Fatalf("PDULen = %d", n)
		}
	})
}

// frame builds a link frame with valid CRCs around user data, as a master sends it.
func frame(user []byte) []byte {
	b := []byte{0x05, 0x64, byte(5 + len(user)), 0xC4, 0x05, 0x00, 0x64, 0x00}
	c := crc(b)
	b = append(b, byte(c), byte(c>>8))
	for len(user) > 0 {
		k := min(16, len(user))
		c = crc(user[:k])
		b = append(b, user[:k]...)
		b = append(b, byte(c), byte(c>>8))
		user = user[k:]
	}
	return b
}

func TestFunctionClasses(t *testing.T) {
	for _, tt := range []struct {
		fc   FunctionCode
		want protocols.OpClass
	}{
		{FuncColdRestart, protocols.OpControl}, {FuncWarmRestart, protocols.OpControl}, {FuncStopApp, protocols.OpControl},
		{FuncDisableUnsolicited, protocols.OpControl}, {FuncDirectOperate, protocols.OpWrite}, {FuncWrite, protocols.OpWrite},
		{FuncOpenFile, protocols.OpProgram}, {FuncDeleteFile, protocols.OpProgram}, {FuncConfirm, protocols.OpNone},
		{FuncUnsolicitedResponse, protocols.OpNone},
	} {
		var m Message
		if err := Parse(frame([]byte{0xC0, 0xC0, byte(tt.fc)}), &m); err != nil {
			t.Fatal(err)
		}
		if m.BadCRCs != 0 || m.Function != tt.fc || m.OpClass() != tt.want {
			t.Errorf("%v: class %v, want %v (bad crcs %d)", tt.fc, m.OpClass(), tt.want, m.BadCRCs)
		}
	}
}
