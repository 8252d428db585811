package profinet

import (
	"bufio"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// readHex reads "name hex" lines from a testdata file.
func readHex(tb testing.TB, file string) (map[string][]byte, []string) {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, h, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		out[name] = b
		order = append(order, name)
	}
	return out, order
}

// dcpPayload strips the Ethernet header of a DCP test frame.
func dcpPayload(tb testing.TB, frame []byte) []byte {
	tb.Helper()
	if len(frame) < 14 || be16(frame[12:]) != EtherType {
		tb.Fatalf("not a PROFINET frame")
	}
	return frame[14:]
}

// The DCP frames in testdata/dcp.txt are encoded by hand after the DCP frame layout;
// TestDCPMatchesTshark checks that tshark reads them the same way.
func TestParseDCP(t *testing.T) {
	frames, _ := readHex(t, "dcp.txt")
	tests := []struct {
		name  string
		check func(t *testing.T, d *DCP, m *Message)
	}{
		{"identify_request", func(t *testing.T, d *DCP, m *Message) {
			if d.FrameID != FrameIdentifyRequest || d.ServiceID != DCPIdentify || d.IsResponse() || d.NumBlocks != 1 || d.Blocks[0].Option != OptAll {
				t.Errorf("%+v", d)
			}
			if m.OpClass() != protocols.OpNone {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"identify_response", func(t *testing.T, d *DCP, m *Message) {
			if !d.IsResponse() || string(d.NameOfStation) != "plc-1" || string(d.VendorValue) != "S7-1500" || !d.HasDeviceID || d.VendorID != 0x2A || d.DeviceID != 0x010E {
				t.Errorf("name %q vendor value %q ids %x %x", d.NameOfStation, d.VendorValue, d.VendorID, d.DeviceID)
			}
			if !d.HasRole || d.DeviceRole != RoleIOController || !d.HasIP || d.IP != [4]byte{192, 168, 10, 10} || d.GW != [4]byte{192, 168, 10, 1} || d.IPInfo != 1 {
				t.Errorf("role %x ip %v gw %v", d.DeviceRole, d.IP, d.GW)
			}
			if !d.HasInstance || d.DeviceInstance != 0x64 || d.NumBlocks != 6 {
				t.Errorf("instance %x blocks %d", d.DeviceInstance, d.NumBlocks)
			}
		}},
		{"set_name_request", func(t *testing.T, d *DCP, m *Message) {
			if d.ServiceID != DCPSet || string(d.NameOfStation) != "newname" || d.Blocks[0].Info != 1 || m.OpClass() != protocols.OpControl {
				t.Errorf("%+v", d)
			}
		}},
		{"set_response", func(t *testing.T, d *DCP, m *Message) {
			if !d.HasCtrlResponse || d.CtrlOption != OptDeviceProps || d.CtrlSuboption != SubNameOfStation || d.CtrlError != 0 {
				t.Errorf("%+v", d)
			}
		}},
		{"get_request", func(t *testing.T, d *DCP, m *Message) {
			if d.ServiceID != DCPGet || d.NumBlocks != 2 || d.Blocks[1].Suboption != SubDeviceID || m.OpClass() != protocols.OpRead {
				t.Errorf("%+v", d)
			}
		}},
		{"hello", func(t *testing.T, d *DCP, m *Message) {
			if d.FrameID != FrameHello || string(d.NameOfStation) != "io-dev" || d.VendorID != 0xB0 || !d.HasIP || d.IPInfo != 0 {
				t.Errorf("%+v", d)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			if err := ParseDCP(dcpPayload(t, frames[tt.name]), &m); err != nil {
				t.Fatal(err)
			}
			tt.check(t, &m.DCP, &m)
		})
	}
}

func TestParseRPC(t *testing.T) {
	dgrams, _ := readHex(t, "rpc.txt")
	tests := []struct {
		name  string
		check func(t *testing.T, r *RPC, m *Message)
	}{
		{"connect_request", func(t *testing.T, r *RPC, m *Message) {
			if r.PacketType != PktRequest || r.Interface != IfaceDevice || r.Opnum != OpConnect || r.LittleEndian || r.OperationName() != "connect" {
				t.Errorf("%+v", r)
			}
			if !r.HasDeviceIdent || r.VendorID != 0x015A || r.DeviceID != 3 || r.InstanceID != 1 {
				t.Errorf("ident %x %x %x", r.VendorID, r.DeviceID, r.InstanceID)
			}
			if string(r.StationName) != "pc-worx-rt-basic-6d-d3-43" || r.NumBlocks != 6 || r.BlockTypes[0] != BlockARReq || r.ARType != 1 {
				t.Errorf("station %q blocks %v ar type %d", r.StationName, r.BlockTypes[:r.NumBlocks], r.ARType)
			}
			if r.InterfaceUUID.String() != "dea00001-6c97-11d1-8271-00a02442df7d" || m.OpClass() != protocols.OpControl {
				t.Errorf("%s %v", r.InterfaceUUID, m.OpClass())
			}
		}},
		{"connect_response", func(t *testing.T, r *RPC, m *Message) {
			if r.PacketType != PktResponse || !r.LittleEndian || r.PNIOStatus != 0 || r.NumBlocks != 5 {
				t.Errorf("%+v", r)
			}
		}},
		{"write_request", func(t *testing.T, r *RPC, m *Message) {
			if r.Opnum != OpWrite || !r.HasRecord || r.Index != 0xE040 || r.NumBlocks != 4 || m.OpClass() != protocols.OpWrite {
				t.Errorf("index %x blocks %d", r.Index, r.NumBlocks)
			}
		}},
		{"control_request", func(t *testing.T, r *RPC, m *Message) {
			if r.Opnum != OpControl || !r.HasControl || r.ControlCmd != 1 || r.BlockTypes[0] != BlockIODControlReq {
				t.Errorf("%+v", r)
			}
		}},
		{"read_request", func(t *testing.T, r *RPC, m *Message) {
			if r.Opnum != OpRead || r.Index != 0xF841 || m.OpClass() != protocols.OpRead {
				t.Errorf("%+v", r)
			}
		}},
		{"release_request", func(t *testing.T, r *RPC, m *Message) {
			if r.Opnum != OpRelease || r.BlockTypes[0] != BlockReleaseReq || !r.HasControl {
				t.Errorf("%+v", r)
			}
		}},
		{"read_implicit_le", func(t *testing.T, r *RPC, m *Message) {
			if !r.LittleEndian || r.Opnum != OpReadImplicit || r.Index != 0xF840 || r.Interface != IfaceDevice || r.VendorID != 0x015A {
				t.Errorf("%+v", r)
			}
		}},
		{"read_le_siemens", func(t *testing.T, r *RPC, m *Message) {
			if r.Object.String() != "dea00000-6c97-11d1-8271-000000fa002a" || r.VendorID != 0x2A || r.DeviceID != 0xFA || r.Index != 0x800C {
				t.Errorf("%s %x %x %x", r.Object, r.VendorID, r.DeviceID, r.Index)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			if err := ParseRPC(dgrams[tt.name], &m); err != nil {
				t.Fatal(err)
			}
			tt.check(t, &m.RPC, &m)
		})
	}
}

func TestErrors(t *testing.T) {
	var m Message
	for _, tt := range []struct {
		name, hex, err string
		dcp            bool
	}{
		{"dcp short", "fefe0500", "truncated", true},
		{"dcp frame id", "80000500000000010000000000", "frame id", true},
		{"dcp data length", "fefe05000000000100000010ffff", "past the frame", true},
		{"dcp block", "feff050100000001000000060202000a0000", "block", true},
		{"rpc short", "0400", "truncated", false},
		{"rpc version", "05" + strings.Repeat("00", 79), "version 4", false},
		{"rpc fragment", "04" + strings.Repeat("00", 73) + "ffff" + "00000000", "fragment length", false},
	} {
		b, _ := hex.DecodeString(tt.hex)
		var err error
		if tt.dcp {
			err = ParseDCP(b, &m)
		} else {
			err = ParseRPC(b, &m)
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestParseAllocs(t *testing.T) {
	dgrams, _ := readHex(t, "rpc.txt")
	frames, _ := readHex(t, "dcp.txt")
	var m Message
	conn, ident := dgrams["connect_request"], dcpPayload(t, frames["identify_response"])
	if n := testing.AllocsPerRun(100, func() { _ = ParseRPC(conn, &m) }); n != 0 {
		t.Errorf("ParseRPC allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = ParseDCP(ident, &m) }); n != 0 {
		t.Errorf("ParseDCP allocates %v times", n)
	}
}

func BenchmarkParseRPC(b *testing.B) {
	dgrams, _ := readHex(b, "rpc.txt")
	pdus := [][]byte{dgrams["connect_request"], dgrams["read_request"], dgrams["read_response"], dgrams["write_request"]}
	var m Message
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := ParseRPC(pdus[i%len(pdus)], &m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDCP(b *testing.B) {
	frames, _ := readHex(b, "dcp.txt")
	pdus := [][]byte{dcpPayload(b, frames["identify_response"]), dcpPayload(b, frames["hello"])}
	var m Message
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := ParseDCP(pdus[i%len(pdus)], &m); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParseDCP(f *testing.F) {
	frames, _ := readHex(f, "dcp.txt")
	for _, fr := range frames {
		f.Add(fr[14:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := ParseDCP(b, &m); err != nil {
			return
		}
		if m.DCP.NumBlocks > MaxDCPBlocks {
			t.Fatalf("%d blocks", m.DCP.NumBlocks)
		}
		_ = m.OpClass()
	})
}

func FuzzParseRPC(f *testing.F) {
	dgrams, _ := readHex(f, "rpc.txt")
	for _, d := range dgrams {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := ParseRPC(b, &m); err != nil {
			return
		}
		if m.RPC.NumBlocks > MaxRPCBlocks {
			t.Fatalf("%d blocks", m.RPC.NumBlocks)
		}
		_ = m.OpClass()
		_ = m.RPC.OperationName()
	})
}
