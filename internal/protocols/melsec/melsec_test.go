package melsec

import (
	"encoding/hex"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// Real frames of MELSEC__melsoft_UDP_clean_2.pcap (UDP payloads) and
// MELSEC__melsoft_129_clean.pcap (TCP payloads), by frame number.
const (
	// UDP frame 5: a MELSOFT request, command word 0x0121.
	udp5 = "57010000001111070000ffff030000fe03000020001c0a161400000000000000000000000000000000000000000121010000000001"
	// UDP frame 6: its answer, naming the CPU "FX5U-32MT/ES".
	udp6 = "d70100000011117f000000a80300ffff03000038009c0a18140000000000000000000000000000000000000000000001210100000046" +
		"5835552d33324d542f455300000000294a000800000000"
	// UDP frame 29: command 0x185f, whose request carries "$MELPRJ$\CPU.PRM" in UTF-16.
	udp29 = "57010000001111070000ffff030000fe03000048001c0a16140000000000000000000000000000000000000000185f0900000000000000" +
		"0400220024004d0045004c00500052004a0024005c004300500055002e00500052004d000000"
	// TCP frame 3: a request, command word 0x0411, from 192.168.3.18 to the PLC's port 5562.
	tcp3 = "57000000001111070000ffff030000000000005a001c02161400000000000000000000000000000000000000000411f33f00000000000000" +
		"0000000000040000000000040000002000000000000000000020000100000000000000200003000000000000002000c800000000000000"
	// TCP frame 1: an answer, command word 0x0410.
	tcp1 = "d70000000011117f000000a80300ffff03000024009c021814000000000000000000000000000000000000000000000410f23f000000000000"
)

func TestParseMELSOFT(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
		resp      bool
		cmd       uint16
	}{
		{"udp5", udp5, false, 0x0121}, {"udp6", udp6, true, 0x0121}, {"udp29", udp29, false, 0x185f},
		{"tcp3", tcp3, false, 0x0411}, {"tcp1", tcp1, true, 0x0410},
	} {
		b := observetest.Unhex(t, tc.hex)
		if n, err := PDULen(b); n != len(b) || err != nil {
			t.Errorf("%s: PDULen %d, %v; want %d", tc.name, n, err, len(b))
		}
		var f Frame
		if err := Parse(b, &f); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if f.Kind != KindMELSOFT || f.Response != tc.resp || f.Command != tc.cmd || f.EndCode != 0 {
			t.Errorf("%s: %+v", tc.name, f)
		}
		if !detect(b) {
			t.Errorf("%s: not detected", tc.name)
		}
		if Parse(b[:len(b)-1], &f) == nil {
			t.Errorf("%s: a frame one byte short parsed", tc.name)
		}
	}
	var f Frame
	_ = Parse(observetest.Unhex(t, udp6), &f)
	if got := string(trimName(f.Data[4:20])); got != "FX5U-32MT/ES" {
		t.Errorf("model %q", got)
	}
}

// SLMP 3E and 4E frames as Mitsubishi's SLMP reference manual lays them out: these are
// built field by field (no capture here holds one), to test the framing.
func TestParseSLMP(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
		kind      uint8
		resp      bool
		cmd, sub  uint16
		end       uint16
		data      int
	}{
		// 3E Device Read of D100, 3 words: network 0, station 0xff, module 0x03ff, timer 0x10.
		{"3e-read", "500000ffff03000c00100001040000640000a80300", Kind3E, false, CmdDeviceRead, 0, 0, 6},
		// 3E Remote Run.
		{"3e-run", "500000ffff03000a0010000110000001000000", Kind3E, false, CmdRemoteRun, 0, 0, 4},
		// 3E answer to Read Type Name: "Q03UDVCPU" and code 0x0366.
		{"3e-typename", "d00000ffff030014000000513033554456435055202020202020206603", Kind3E, true, 0, 0, 0, 18},
		// 3E error answer (end code 0xC059).
		{"3e-error", "d00000ffff03000b0059c000ffff030001040000", Kind3E, true, 0, 0, 0xC059, 9},
		// 4E Device Write, serial 0x1234.
		{"4e-write", "54003412000000ffff03000e00100001140000640000a80100e803", Kind4E, false, CmdDeviceWrite, 0, 0, 8},
	} {
		b := observetest.Unhex(t, tc.hex)
		if n, err := PDULen(b); n != len(b) || err != nil {
			t.Errorf("%s: PDULen %d, %v; want %d", tc.name, n, err, len(b))
		}
		var f Frame
		if err := Parse(b, &f); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if f.Kind != tc.kind || f.Response != tc.resp || f.Command != tc.cmd || f.Subcommand != tc.sub || f.EndCode != tc.end || len(f.Data) != tc.data {
			t.Errorf("%s: %+v", tc.name, f)
		}
		if f.Station != 0xff || f.ModuleIO != 0x03ff {
			t.Errorf("%s: station %#x module %#x", tc.name, f.Station, f.ModuleIO)
		}
		if tc.kind == Kind4E && f.Serial != 0x1234 {
			t.Errorf("%s: serial %#x", tc.name, f.Serial)
		}
		if tc.name == "3e-typename" {
			if m, code, ok := TypeName(f.Data); !ok || string(m) != "Q03UDVCPU" || code != 0x0366 {
				t.Errorf("type name %q %#x %v", m, code, ok)
			}
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, h := range []string{"", "50", "1234", "500000ffff03000c00", "500000ffff0300ffff1000", "d000"} {
		var f Frame
		if Parse(observetest.Unhex(t, h), &f) == nil {
			t.Errorf("%q parsed", h)
		}
	}
	if _, err := PDULen([]byte{0x12, 0x34}); err == nil {
		t.Error("PDULen took an unknown subheader")
	}
	if n, err := PDULen([]byte{0x50, 0, 0}); n != 0 || err != nil {
		t.Errorf("PDULen of a partial header: %d, %v", n, err)
	}
}

func TestParseAllocs(t *testing.T) {
	frames := [][]byte{observetest.Unhex(t, udp6), observetest.Unhex(t, tcp3),
		observetest.Unhex(t, "500000ffff03000c00100001040000640000a80300")}
	var f Frame
	if n := testing.AllocsPerRun(100, func() {
		for _, b := range frames {
			_ = Parse(b, &f)
			_, _ = PDULen(b)
			_, _, _ = TypeName(f.Data)
		}
	}); n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, h := range []string{udp5, udp6, udp29, tcp3, tcp1, "500000ffff03000c00100001040000640000a80300",
		"d00000ffff030014000000513033554456435055202020202020206603", "54003412000000ffff03000e00100001140000640000a80100e803"} {
		b, _ := hexDecode(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fr Frame
		n, err := PDULen(b)
		if err == nil && n != 0 && (n < head3E || n > MaxFrame) {
			t.Fatalf("PDULen %d", n)
		}
		if Parse(b, &fr) != nil {
			return
		}
		if n != len(b) {
			t.Fatalf("Parse took %d bytes, PDULen says %d", len(b), n)
		}
		if len(fr.Data) > len(b) {
			t.Fatal("data beyond the frame")
		}
		if m, _, ok := TypeName(fr.Data); ok {
			for _, c := range m {
				if c < 0x20 || c > 0x7e {
					t.Fatalf("unprintable model %q", m)
				}
			}
		}
		_ = detect(b)
		_ = role(b)
	})
}

func hexDecode(s string) ([]byte, error) { return hex.DecodeString(s) }
