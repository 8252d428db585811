package enip_test

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols/enip"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// pcccRequest wraps a PCCC command (CMD, STS, TNS, FNC and data) in an Execute PCCC
// request to the PCCC object (class 0x67 instance 1) with a 7-byte requestor id
// (vendor 0x0001, serial 0x12345678), carried by SendRRData.
func pcccRequest(cmd []byte) []byte {
	cip := append([]byte{0x4b, 0x02, 0x20, 0x67, 0x24, 0x01, 0x07, 0x01, 0x00, 0x78, 0x56, 0x34, 0x12}, cmd...)
	body := []byte{0, 0, 0, 0, 0x0a, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xb2, 0x00}
	body = binary.LittleEndian.AppendUint16(body, uint16(len(cip)))
	body = append(body, cip...)
	hdr := []byte{0x6f, 0x00, 0, 0, 0x01, 0x00, 0x02, 0x11, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(hdr[2:], uint16(len(body)))
	return append(hdr, body...)
}

// PCCC commands of MicroLogix and SLC controllers: CMD 0x0F, STS 0, TNS, FNC, data.
var (
	pcccToProgram = pcccRequest([]byte{0x0f, 0x00, 0x01, 0x00, 0x80, 0x01})                         // change mode: remote program
	pcccToRun     = pcccRequest([]byte{0x0f, 0x00, 0x02, 0x00, 0x80, 0x06})                         // change mode: remote run
	pcccRead      = pcccRequest([]byte{0x0f, 0x00, 0x03, 0x00, 0xa2, 0x02, 0x07, 0x89, 0x00, 0x00}) // protected typed logical read, N7:0, 2 bytes
	pcccWrite     = pcccRequest([]byte{0x0f, 0x00, 0x04, 0x00, 0xaa, 0x02, 0x07, 0x89, 0x00, 0x00, 0x2a, 0x00})
)

// TestPCCC checks the PCCC commands against tshark's dissection of the same frames
// (cip.pccc.cmd.code, cip.pccc.fnc.code_0f, cip.pccc.cpu.mode_80) and their operations
// and rules through the pipeline: a change to program mode is a stop, to run a start,
// a protected typed logical read a read (no alert), a write a PCCC write.
func TestPCCC(t *testing.T) {
	client, server := netip.MustParseAddrPort("10.0.0.5:50000"), netip.MustParseAddrPort("10.0.0.9:44818")
	reqs := [][]byte{pcccToProgram, pcccToRun, pcccRead, pcccWrite}
	tests := []struct {
		fnc, mode       string // tshark's
		op, class, rule string
	}{
		{"0x80", "0x01", "pccc_change_mode_program", "control", "enip/pccc-program-mode"},
		{"0x80", "0x06", "pccc_change_mode_run", "control", "enip/pccc-run-mode"},
		{"0xa2", "", "pccc_cmd_0x0f_fnc_0xa2", "read", ""},
		{"0xaa", "", "pccc_cmd_0x0f_fnc_0xaa", "write", "enip/pccc-write"},
	}
	var frames [][]byte
	for i, r := range reqs { // one connection each, from its own port
		c := netip.AddrPortFrom(client.Addr(), client.Port()+uint16(i))
		frames = append(frames, observetest.Conversation(t, c, server, r)...)
	}
	if testutil.HaveTshark() {
		rows := testutil.Tshark(t, testutil.WriteFrames(t, "pccc.pcap", frames...), "cip.pccc.cmd.code",
			[]string{"cip.pccc.cmd.code", "cip.pccc.fnc.code_0f", "cip.pccc.cpu.mode_80"})
		if len(rows) != len(tests) {
			t.Fatalf("tshark dissects %d PCCC commands, want %d", len(rows), len(tests))
		}
		for i, tt := range tests {
			if rows[i][0] != "0x0f" || rows[i][1] != tt.fnc || rows[i][2] != tt.mode {
				t.Errorf("command %d: tshark cmd/fnc/mode %v, want 0x0f/%s/%s", i, rows[i], tt.fnc, tt.mode)
			}
		}
	}
	for i, tt := range tests {
		var m enip.Message
		if err := enip.Parse(reqs[i], &m); err != nil {
			t.Fatal(err)
		}
		var p enip.PCCC
		if !enip.ParsePCCC(m.CIP.Data, &p) || p.Command != 0x0f || fmt.Sprintf("0x%02x", p.Function) != tt.fnc {
			t.Errorf("command %d: parsed %+v", i, p)
		}
		if tt.mode != "" && (!p.HasMode || fmt.Sprintf("0x%02x", p.Mode) != tt.mode) {
			t.Errorf("command %d: mode %+v, want %s", i, p, tt.mode)
		}
		r := runOps(observetest.Conversation(t, client, server, reqs[i])...)
		if len(r.ops) != 1 || r.ops[0].name != tt.op || r.ops[0].class != tt.class || r.ops[0].rule != tt.rule {
			t.Errorf("command %d: operations %+v, want %s %s %q", i, r.ops, tt.op, tt.class, tt.rule)
		}
	}
}

// runOps runs Ethernet frames through the pipeline, a millisecond apart, keeping the
// EtherNet/IP operations.
func runOps(frames ...[]byte) *opRecorder {
	r := &opRecorder{}
	p := observe.NewPipeline(r, observe.Config{})
	p.Begin(0, "frames")
	for i, f := range frames {
		ci := capture.CaptureInfo{Number: uint64(i + 1), Timestamp: time.Unix(1700000000, int64(i)*1e6),
			CaptureLength: len(f), Length: len(f), LinkType: 1}
		p.Packet(f, &ci)
	}
	p.End(capture.Stats{}, nil)
	return r
}

// TestClassifyRealRequests classifies single requests of the real captures (the fuzz
// seeds rw*, with tshark's reading of each beside it).
func TestClassifyRealRequests(t *testing.T) {
	tests := []struct {
		name  string
		pdu   []byte
		kind  enip.Kind
		class string
	}{
		{"0x4c on class 0x8e/0x74, unnamed by tshark", rwUnlockCPU, enip.KindUnknown, "none"},
		{"Set_Attribute_List on class 0x8b", rwClockSet, enip.KindClockChange, "control"},
		{"0x4b on class 0xa1", rwNVSInitiate, enip.KindFirmwareUpdate, "program"},
		{"Create on class 0x68/0x6d", rwRoutineCreate, enip.KindProgramDownload, "program"},
		{"Execute PCCC, change to program mode", pcccToProgram, enip.KindPCCC, "control"},
		{"Execute PCCC, protected typed logical read", pcccRead, enip.KindPCCC, "read"},
	}
	for _, tt := range tests {
		var m enip.Message
		if err := enip.Parse(tt.pdu, &m); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		kind, class := m.Effective().Classify()
		if kind != tt.kind || class.String() != tt.class || m.OpClass().String() != tt.class {
			t.Errorf("%s: kind %d class %s, want %d %s", tt.name, kind, class, tt.kind, tt.class)
		}
	}
}
