package iec104

import (
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// Real APDUs from iec104.pcap and write.pcapng.
const (
	hexTestFRAct  = "680443000000"
	hexStartDTAct = "680407000000"
	hexSFormat    = "680401001a00"
	hexInterro    = "680e00000000640106000a0000000014"
	hexSPIntGrp   = "681a04000200010414000a0001000000020000000300000004000000"
	hexDCAct      = "680e08004e002e0106000a0001000001"
	hexDCActCon   = "680e4e000a002e0107000a0001000001"
	hexClockSync  = "68140000000067010600ffff000000ab7a050c0e0b19"
	hexSegment    = "681c0a0012007d010d0001000000000100010b546573742046696c652031"
	hexSCTime     = "68154c0008001e0103000a000d000001c75d170884070d"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		hex   string
		check func(t *testing.T, m *Message)
	}{
		{"testfr act", hexTestFRAct, func(t *testing.T, m *Message) {
			if m.Format != FormatU || m.UFunc != TestFRAct || m.HasASDU || m.OpClass() != protocols.OpNone {
				t.Errorf("%v %v", m.Format, m.UFunc)
			}
		}},
		{"startdt act", hexStartDTAct, func(t *testing.T, m *Message) {
			if m.Format != FormatU || m.UFunc != StartDTAct {
				t.Errorf("%v %v", m.Format, m.UFunc)
			}
		}},
		{"s format", hexSFormat, func(t *testing.T, m *Message) {
			if m.Format != FormatS || m.RecvSeq != 13 {
				t.Errorf("%v %d", m.Format, m.RecvSeq)
			}
		}},
		{"general interrogation", hexInterro, func(t *testing.T, m *Message) {
			if m.TypeID != C_IC_NA_1 || m.Cause != CauseActivation || m.CommonAddr != 10 || m.NumIOAs != 1 || m.IOAs[0] != 0 {
				t.Errorf("%v cot %d ca %d ioas %v", m.TypeID, m.Cause, m.CommonAddr, m.IOAs[:m.NumIOAs])
			}
			if m.OpClass() != protocols.OpRead || !m.IsActivation() {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"single points, interrogated", hexSPIntGrp, func(t *testing.T, m *Message) {
			if m.TypeID != M_SP_NA_1 || m.Cause != CauseInterrogated || m.NumObjects != 4 || m.SQ || m.NumIOAs != 4 || m.IOAs[3] != 4 || m.ObjectsPart {
				t.Errorf("%v cot %d n %d ioas %v part %v", m.TypeID, m.Cause, m.NumObjects, m.IOAs[:m.NumIOAs], m.ObjectsPart)
			}
			if m.SendSeq != 2 || m.RecvSeq != 1 || m.OpClass() != protocols.OpNone {
				t.Errorf("seq %d %d", m.SendSeq, m.RecvSeq)
			}
		}},
		{"double command act", hexDCAct, func(t *testing.T, m *Message) {
			if m.TypeID != C_DC_NA_1 || !m.IsActivation() || m.SelectBit || m.IOAs[0] != 1 || m.OpClass() != protocols.OpWrite {
				t.Errorf("%v %v select %v", m.TypeID, m.Cause, m.SelectBit)
			}
		}},
		{"double command actcon", hexDCActCon, func(t *testing.T, m *Message) {
			if m.Cause != CauseActivationCon || m.IsActivation() || m.Negative {
				t.Errorf("cause %d", m.Cause)
			}
		}},
		{"clock sync", hexClockSync, func(t *testing.T, m *Message) {
			if m.TypeID != C_CS_NA_1 || m.CommonAddr != 0xFFFF || m.OpClass() != protocols.OpControl {
				t.Errorf("%v ca %x", m.TypeID, m.CommonAddr)
			}
		}},
		{"file segment", hexSegment, func(t *testing.T, m *Message) {
			if m.TypeID != F_SG_NA_1 || m.Cause != CauseFile || m.NumIOAs != 1 || m.OpClass() != protocols.OpProgram {
				t.Errorf("%v %d", m.TypeID, m.Cause)
			}
		}},
		{"single point with time", hexSCTime, func(t *testing.T, m *Message) {
			if m.TypeID != M_SP_TB_1 || m.Cause != CauseSpontaneous || m.IOAs[0] != 13 || m.ObjectsPart {
				t.Errorf("%v %d", m.TypeID, m.Cause)
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

func TestErrors(t *testing.T) {
	for _, tt := range []struct{ name, hex, err string }{
		{"not 104", "6904", "start octet"},
		{"short apdu", "680300000000", "below"},
		{"truncated", hexInterro[:20], "shorter"},
		{"i too short", "6806000000006401", "ASDU header"},
		{"u with data", "68054300000000", "longer"},
	} {
		var m Message
		if err := Parse(testutil.MustHex(t, tt.hex), &m); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestTypeNames(t *testing.T) {
	for id, want := range map[TypeID]string{C_SC_NA_1: "C_SC_NA_1", C_RP_NA_1: "C_RP_NA_1", M_ME_NC_1: "M_ME_NC_1", 200: "unknown"} {
		if id.String() != want {
			t.Errorf("%d: %s", id, id)
		}
	}
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, h := range []string{hexSPIntGrp, hexDCAct, hexTestFRAct} {
		b := testutil.MustHex(t, h)
		if n := testing.AllocsPerRun(100, func() { _ = Parse(b, &m) }); n != 0 {
			t.Errorf("Parse allocates %v times", n)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	pdus := [][]byte{testutil.MustHex(b, hexSPIntGrp), testutil.MustHex(b, hexDCAct), testutil.MustHex(b, hexSFormat), testutil.MustHex(b, hexSCTime)}
	var m Message
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := Parse(pdus[i%len(pdus)], &m); err != nil {
			b.Fatal(err)
		}
	}
}

var fuzzSeeds = []string{hexTestFRAct, hexStartDTAct, hexSFormat, hexInterro, hexSPIntGrp, hexDCAct, hexDCActCon, hexClockSync, hexSegment, hexSCTime}

func FuzzParse(f *testing.F) {
	for _, h := range fuzzSeeds {
		f.Add(testutil.MustHex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := Parse(b, &m); err != nil {
			return
		}
		if int(m.Length)+2 > len(b) || m.NumIOAs > MaxIOAs || (m.HasASDU && m.Format != FormatI) {
			t.Fatalf("inconsistent: %+v", m)
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
		if err == nil && n != 0 && (n < 6 || n > 257) {
			t.Fatalf("PDULen = %d", n)
		}
	})
}

func TestCommandClasses(t *testing.T) {
	// Built after the layout of the real C_DC_NA_1 above: a single command, select, on.
	sc := testutil.MustHex(t, "680e08004e002d0106000a0001000081")
	var m Message
	if err := Parse(sc, &m); err != nil {
		t.Fatal(err)
	}
	if m.TypeID != C_SC_NA_1 || !m.SelectBit || m.OpClass() != protocols.OpWrite {
		t.Errorf("%v select %v", m.TypeID, m.SelectBit)
	}
	for id, want := range map[TypeID]protocols.OpClass{C_RP_NA_1: protocols.OpControl, C_CI_NA_1: protocols.OpRead,
		C_RD_NA_1: protocols.OpRead, C_TS_TA_1: protocols.OpDiagnostics, P_ME_NA_1: protocols.OpWrite, C_SE_NC_1: protocols.OpWrite,
		M_ME_NC_1: protocols.OpNone, F_FR_NA_1: protocols.OpProgram} {
		m := Message{HasASDU: true, TypeID: id}
		if m.OpClass() != want {
			t.Errorf("%v: %v, want %v", id, m.OpClass(), want)
		}
	}
}
