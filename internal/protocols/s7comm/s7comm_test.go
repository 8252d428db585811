package s7comm

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// Real PDUs from the public captures (s7ident.pcap, snap7.pcap, s7comm_plus.pcap).
var (
	hexCR        = "0300001611e00000000100c0010ac1020100c2020101"
	hexSetupJob  = "0300001902f08032010000000000080000f0000001000101e0"
	hexSZLReq    = "0300002102f080320700000100000800080001120411440100ff09000400110000"
	hexSZL0011   = "0300009902f080320700000100000c007c000112081284010000000000ff09007800110000001c0004000136455337203331352d32454831342d304142302000c000040001000636455337203331352d32454831342d304142302000c0000400010007202020202020202020202020202020202020202000c0560302060081426f6f74204c6f61646572202020202020202020000041200909"
	hexSZL001C   = "0300017d02f080320700000200000c0160000112081284010000000000ff09015c001c00000022000a0001534e4150372d53455256455200000000000000000000000000000000000000000002435055203331352d3220504e2f445000000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000000000000000044f726967696e616c205369656d656e732045717569706d656e7400000000000000055320432d433255523238393232303132000000000000000000000000000000000007435055203331352d3220504e2f4450000000000000000000000000000000000000084d4d4320323637464631314600000000000000000000000000000000000000000009002af60000010000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000000b0000000000000000000000000000000000000000000000000000000000000000"
	hexStartUpl  = "0300002302f080320100000800001200001d00000000000000095f3042303030303041"
	hexStartAck  = "0300002302f0803203000008000010000000001d000100000000070730303030323136"
	hexWriteJob  = "0300002702f080320100001800000e00080501120a100800010000830000800007000479e9f642"
	hexWriteAck  = "0300001602f0803203000018000002000100000501ff"
	hexReadJob   = "0300001f02f080320100001900000e00000401120a10080001000083000080"
	hexReadAck   = "0300001d02f0803203000019000002000800000401ff07000400000000"
	hexPLCStop   = "0300002102f080320100001c000010000029000000000009505f50524f4752414d"
	hexPLCModu   = "0300002302f080320100001d000012000028000000000000fd00024550055f4d4f4455"
	hexPLCCold   = "0300002702f080320100001f000016000028000000000000fd0002432009505f50524f4752414d"
	hexPlusReq   = "0300006802f0807203005920e969a95a852ab0e288480ccecb618e48779f4b68a1ce9a9c42cd6aa53680068331000004f20000831a70000e4d7470000e5101881d000700ce000004e88969001200000000896a001300896b000400000084eb270000000072030000"
	hexPlusShort = "0300000702f080"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		hex   string
		check func(t *testing.T, m *Message)
	}{
		{"cotp connection request", hexCR, func(t *testing.T, m *Message) {
			if m.COTP.Type != COTPConnectReq || m.Payload != PayloadNone {
				t.Fatalf("type %v payload %v", m.COTP.Type, m.Payload)
			}
			if hex.EncodeToString(m.COTP.SrcTSAP) != "0100" || hex.EncodeToString(m.COTP.DstTSAP) != "0101" || m.COTP.TPDUSize != 1024 || m.COTP.SrcRef != 1 {
				t.Errorf("tsaps %x %x size %d srcref %d", m.COTP.SrcTSAP, m.COTP.DstTSAP, m.COTP.TPDUSize, m.COTP.SrcRef)
			}
			if m.OpClass() != protocols.OpNone {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"setup communication", hexSetupJob, func(t *testing.T, m *Message) {
			if m.ROSCTR != ROSCTRJob || m.Function != FuncSetupComm || m.MaxAmQCalling != 1 || m.MaxAmQCalled != 1 || m.PDUSize != 480 {
				t.Errorf("%v %v %d %d %d", m.ROSCTR, m.Function, m.MaxAmQCalling, m.MaxAmQCalled, m.PDUSize)
			}
		}},
		{"szl request", hexSZLReq, func(t *testing.T, m *Message) {
			if !m.HasSZL || m.SZL.ID != 0x0011 || m.UD.Type != 4 || m.UD.Group != GroupCPU || !m.IsRequest() {
				t.Errorf("szl %+v ud %+v", m.SZL, m.UD)
			}
			if m.OpClass() != protocols.OpRead {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"szl 0x0011 module identification", hexSZL0011, func(t *testing.T, m *Message) {
			if m.SZL.NumRecords != 4 || m.SZL.RecordLen != 28 {
				t.Fatalf("records %d len %d", m.SZL.NumRecords, m.SZL.RecordLen)
			}
			r, _ := m.SZL.Record(ModIndexModule)
			if string(r.Text) != "6ES7 315-2EH14-0AB0" || r.ModuleType != 0xC0 {
				t.Errorf("module %q %x", r.Text, r.ModuleType)
			}
			fw, _ := m.SZL.Record(ModIndexFirmware)
			if l, a, b, c := fw.Version(); l != 'V' || a != 3 || b != 2 || c != 6 {
				t.Errorf("firmware %c%d.%d.%d", l, a, b, c)
			}
			hw, _ := m.SZL.Record(ModIndexHardware)
			if l, a, _, _ := hw.Version(); l != 0 || a != 4 {
				t.Errorf("hardware %c %d", l, a)
			}
		}},
		{"szl 0x001c component identification", hexSZL001C, func(t *testing.T, m *Message) {
			want := map[uint16]string{
				CompIndexPLCName: "SNAP7-SERVER", CompIndexModuleName: "CPU 315-2 PN/DP", CompIndexPlantID: "",
				CompIndexCopyright: "Original Siemens Equipment", CompIndexSerial: "S C-C2UR28922012",
				CompIndexModuleType: "CPU 315-2 PN/DP", CompIndexMemCardSer: "MMC 267FF11F",
			}
			if m.SZL.NumRecords != 10 {
				t.Fatalf("records %d", m.SZL.NumRecords)
			}
			for idx, w := range want {
				r, ok := m.SZL.Record(idx)
				if !ok || string(r.Text) != w {
					t.Errorf("index %d: %q, want %q", idx, r.Text, w)
				}
			}
		}},
		{"start upload", hexStartUpl, func(t *testing.T, m *Message) {
			b := m.Block
			if m.Function != FuncStartUpload || string(b.Filename) != "_0B00000A" || b.Type != BlockSDB || b.Number != 0 || b.FileSystem != 'A' {
				t.Errorf("%v %+v", m.Function, b)
			}
			if m.OpClass() != protocols.OpProgram {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"start upload ack", hexStartAck, func(t *testing.T, m *Message) {
			if m.ROSCTR != ROSCTRAckData || m.Block.SessionID != 7 || m.Block.Length != 216 || !m.Block.HaveLengths {
				t.Errorf("%+v", m.Block)
			}
		}},
		{"write var", hexWriteJob, func(t *testing.T, m *Message) {
			it := m.Items[0]
			if m.NumItems != 1 || it.Area != AreaFlags || it.Address != 16<<3 || it.Length != 1 || it.TransportSize != 8 || hex.EncodeToString(it.Data) != "79e9f642" {
				t.Errorf("%d %+v", m.NumItems, it)
			}
			if m.OpClass() != protocols.OpWrite {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"write var ack", hexWriteAck, func(t *testing.T, m *Message) {
			if m.NumItems != 1 || m.Items[0].ReturnCode != 0xFF {
				t.Errorf("%+v", m.Items[0])
			}
		}},
		{"read var", hexReadJob, func(t *testing.T, m *Message) {
			if m.NumItems != 1 || m.Items[0].Area != AreaFlags || m.OpClass() != protocols.OpRead {
				t.Errorf("%+v", m.Items[0])
			}
		}},
		{"read var ack", hexReadAck, func(t *testing.T, m *Message) {
			if m.NumItems != 1 || m.Items[0].ReturnCode != 0xFF || len(m.Items[0].Data) != 4 {
				t.Errorf("%+v", m.Items[0])
			}
		}},
		{"plc stop", hexPLCStop, func(t *testing.T, m *Message) {
			if m.Function != FuncPLCStop || string(m.PIService) != "P_PROGRAM" || m.Control != ControlStop || m.OpClass() != protocols.OpControl {
				t.Errorf("%v %q %v", m.Function, m.PIService, m.Control)
			}
		}},
		{"plc control copy ram to rom", hexPLCModu, func(t *testing.T, m *Message) {
			if string(m.PIService) != "_MODU" || string(m.PIParam) != "EP" || m.Control != ControlCopyRAMToROM || m.OpClass() != protocols.OpProgram {
				t.Errorf("%q %q %v", m.PIService, m.PIParam, m.Control)
			}
		}},
		{"plc control cold start", hexPLCCold, func(t *testing.T, m *Message) {
			if string(m.PIService) != "P_PROGRAM" || m.Control != ControlColdStart || m.OpClass() != protocols.OpControl {
				t.Errorf("%q %q %v", m.PIService, m.PIParam, m.Control)
			}
		}},
		{"s7comm-plus v3 request", hexPlusReq, func(t *testing.T, m *Message) {
			if m.Payload != PayloadS7Plus || m.PlusVersion != 3 || m.PlusOpcode != 0x31 || m.PlusFunction != 0x04F2 || !m.IsRequest() {
				t.Errorf("%v v%d op %x fn %x", m.Payload, m.PlusVersion, m.PlusOpcode, m.PlusFunction)
			}
		}},
		{"cotp dt without payload", hexPlusShort, func(t *testing.T, m *Message) {
			if m.COTP.Type != COTPData || m.Payload != PayloadNone || !m.COTP.EOT {
				t.Errorf("%+v %v", m.COTP, m.Payload)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			b := testutil.MustHex(t, tt.hex)
			if err := Parse(b, &m); err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, &m)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, hex, err string
	}{
		{"not tpkt", "0400001611e0", "not a TPKT"},
		{"tpkt too short", "03000005020000", "shorter than a COTP"},
		{"truncated", hexSetupJob[:30], "shorter than its TPKT"},
		{"cotp li past end", "0300000709f080", "length indicator"},
		{"s7 lengths", "0300001902f08032010000000000ff0000f0000001000101e0", "exceed"},
		{"bad rosctr", "0300001902f08032090000000000080000f0000001000101e0", "ROSCTR"},
		{"cr param overrun", "0300001611e00000000100c0010ac1020100c2090101", "parameter runs past"},
		{"plus digest short", "0300000e02f080720300052011223344", "integrity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			err := Parse(testutil.MustHex(t, tt.hex), &m)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
		})
	}
}

func TestPDULen(t *testing.T) {
	tests := []struct {
		hex  string
		n    int
		fail bool
	}{
		{"", 0, false},
		{"030000", 0, false},
		{"03000019", 25, false},
		{"05000019", 0, true},
		{"03000003", 0, true},
	}
	for _, tt := range tests {
		n, err := PDULen(testutil.MustHex(t, tt.hex))
		if n != tt.n || (err != nil) != tt.fail {
			t.Errorf("PDULen(%s) = %d, %v", tt.hex, n, err)
		}
	}
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, h := range []string{hexSZL001C, hexWriteJob, hexPLCCold, hexPlusReq, hexCR} {
		b := testutil.MustHex(t, h)
		if n := testing.AllocsPerRun(100, func() { _ = Parse(b, &m) }); n != 0 {
			t.Errorf("Parse allocates %v times", n)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	pdus := [][]byte{testutil.MustHex(b, hexSZL001C), testutil.MustHex(b, hexWriteJob), testutil.MustHex(b, hexReadAck), testutil.MustHex(b, hexPLCCold)}
	var m Message
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := Parse(pdus[i%len(pdus)], &m); err != nil {
			b.Fatal(err)
		}
	}
}

// Built after the layouts of the real PDUs above: a PLC password (security group) and an
// S7 PDU cut over two COTP DTs.
func TestParseSecurityAndFragment(t *testing.T) {
	var m Message
	pw := testutil.MustHex(t, "0300002502f0803207000000010008000c0001120411450100ff0900080102030405060708")
	if err := Parse(pw, &m); err != nil {
		t.Fatal(err)
	}
	if m.UD.Group != GroupSecurity || m.UD.Subfunction != SubSecurityPassword || len(m.UD.Data) != 8 || m.OpClass() != protocols.OpControl || !m.IsRequest() {
		t.Errorf("group %v sub %d class %v", m.UD.Group, m.UD.Subfunction, m.OpClass())
	}
	frag := testutil.MustHex(t, hexSetupJob)
	frag[6] = 0x00 // clear EOT: the S7 PDU continues in the next DT
	if err := Parse(frag, &m); err != nil {
		t.Fatal(err)
	}
	if m.Payload != PayloadS7 || m.COTP.EOT || m.ROSCTR != 0 {
		t.Errorf("fragment decoded as %v rosctr %v", m.Payload, m.ROSCTR)
	}
}
