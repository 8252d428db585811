package melsec

import (
	"errors"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// runTruncated runs a capture that ends inside a packet record through a pipeline: the
// packets before the cut, as tshark reads them too.
func runTruncated(t *testing.T, path string, want int) *observetest.Recorder {
	t.Helper()
	f, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := &observetest.Recorder{}
	p := observe.NewPipeline(r, observe.Config{})
	p.Begin(0, path)
	n := 0
	for {
		data, ci, err := f.ReadPacket()
		if err != nil {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("after %d packets: %v, want the file's truncation", n, err)
			}
			break
		}
		p.Packet(data, &ci)
		n++
	}
	p.End(capture.Stats{}, nil)
	if n != want {
		t.Fatalf("%d packets read, want %d (tshark's count)", n, want)
	}
	return r
}

// opsOf sums the operations of the capture's melsec flows by name, client's and server's,
// and checks that none of them met bytes it could not parse.
func opsOf(t *testing.T, r *observetest.Recorder) map[string][2]uint64 {
	t.Helper()
	sum := map[string][2]uint64{}
	for _, f := range r.Flows {
		if f.App != App {
			continue
		}
		if f.Anomalies[observe.AnomalyMalformed] != 0 || f.Anomalies[observe.AnomalyFraming] != 0 {
			t.Errorf("flow %v-%v: anomalies %v", f.Client, f.Server, f.Anomalies)
		}
		for _, o := range f.Ops {
			c := sum[App.OpName(o.Code)]
			c[0] += uint64(o.Count[0])
			c[1] += uint64(o.Count[1])
			sum[App.OpName(o.Code)] = c
		}
	}
	return sum
}

// TestMELSOFTUDP: MELSEC__melsoft_UDP_clean_2.pcap, an engineering station 192.168.3.101
// broadcasting MELSOFT frames to UDP 5560, the FX5U at 192.168.3.250 answering by
// broadcast. Counts per command word are those of tshark's raw data (udp.dstport==5560,
// the word at offset 45); frame 6 answers command 0x0121 with the model name.
func TestMELSOFTUDP(t *testing.T) {
	r := observetest.RunCapture(t, testutil.RealWorld(t, "MELSEC__melsoft_UDP_clean_2.pcap"))
	observetest.WantFacts(t, r, []string{
		"192.168.3.250 model=FX5U-32MT/ES (medium, melsec)",
		"192.168.3.250 vendor=Mitsubishi Electric (low, melsec)",
	}, "192.168.3.101 model=", "192.168.3.101 vendor=")
	got := opsOf(t, r)
	want := map[string][2]uint64{
		"melsoft_command_121": {16, 0}, "melsoft_command_1a0": {16, 0}, "melsoft_command_410": {100, 0},
		"melsoft_command_b16": {5, 0}, "melsoft_command_b2a": {13, 0}, "melsoft_command_1730": {2, 0},
		"melsoft_command_1731": {3, 0}, "melsoft_command_1734": {3, 0}, "melsoft_command_185f": {8, 0},
		"melsoft_command_1867": {5, 0}, "melsoft_command_1868": {3, 0}, "melsoft_command_1869": {4, 0},
		"melsoft_command_186a": {5, 0}, "melsoft_command_187e": {1, 0},
		"melsoft_search_1": {16, 0}, "melsoft_search_ff": {16, 0},
	}
	if !maps.Equal(got, want) {
		t.Errorf("operations\n got %v\nwant %v", got, want)
	}
}

// TestMELSOFTTCP: MELSEC__melsoft_129_clean.pcap, 192.168.3.18 (port 5001) polling the
// PLC at 192.168.3.250 on TCP 5562; every segment is sent twice (tshark marks the second
// a retransmission) and the file ends 95 bytes into packet 2042. tshark counts, among
// the client's segments that are not retransmissions, 244 requests with command word
// 0x0410, 245 with 0x0411 and 2 with 0x0413.
func TestMELSOFTTCP(t *testing.T) {
	r := runTruncated(t, testutil.RealWorld(t, "MELSEC__melsoft_129_clean.pcap"), 2041)
	got := opsOf(t, r)
	want := map[string][2]uint64{"melsoft_command_410": {244, 0}, "melsoft_command_411": {245, 0}, "melsoft_command_413": {2, 0}}
	if !maps.Equal(got, want) {
		t.Errorf("operations\n got %v\nwant %v", got, want)
	}
	var servers []string
	for _, f := range r.Flows {
		if f.App == App {
			servers = append(servers, f.Server.String())
		}
	}
	if !slices.Equal(servers, []string{"192.168.3.250:5562"}) {
		t.Errorf("melsec flows' servers %v, want the PLC's port 5562 only", servers)
	}
	// MELSOFT's command words are unpublished: none is classified, none raises a rule.
	for _, id := range observetest.FactList(r) {
		if strings.Contains(id, "model=") {
			t.Errorf("fact %q: the TCP session never asks for the model", id)
		}
	}
}

func TestClassesAndRules(t *testing.T) {
	for _, tc := range []struct {
		cmd   uint16
		class string
		rule  *observe.Rule
	}{
		{CmdDeviceRead, "read", nil}, {CmdDeviceReadRandom, "read", nil}, {CmdReadTypeName, "read", ruleCPUModel},
		{CmdDeviceWrite, "write", ruleWrite}, {CmdDeviceWriteRandom, "write", ruleWrite},
		{CmdRemoteRun, "control", ruleRunStop}, {CmdRemoteStop, "control", ruleRunStop}, {CmdRemotePause, "control", ruleRunStop},
		{CmdRemoteLatchClear, "control", ruleReset}, {CmdRemoteReset, "control", ruleReset},
		{CmdFileWrite, "program", ruleFileWrite}, {CmdFileNew, "program", ruleFileWrite}, {CmdFileRead, "program", ruleFileRead},
		{CmdFileDelete, "program", ruleFileDelete}, {CmdFileOpen, "program", nil}, {0x1899, "none", nil},
	} {
		if c := Class(tc.cmd).String(); c != tc.class {
			t.Errorf("%#04x: class %s, want %s", tc.cmd, c, tc.class)
		}
		op := &observe.Operation{App: App, Code: uint32(tc.cmd), Class: Class(tc.cmd), FromClient: true}
		if r := App.Match(op); r != tc.rule {
			t.Errorf("%#04x: rule %v", tc.cmd, r)
		}
	}
	// A MELSOFT command word of the same value as an SLMP command is not taken for it.
	if r := App.Match(&observe.Operation{App: App, Code: opMELSOFT | CmdRemoteStop}); r != nil {
		t.Errorf("MELSOFT 0x1002 matched %v", r)
	}
}

// TestSLMPSession runs an SLMP 3E conversation laid out as the SLMP reference manual
// describes it (no capture here holds SLMP): a Read Type Name answered "Q03UDVCPU",
// a device read, a write and a Remote Stop; then an 18-byte text answer in a flow that
// never asked for the type name, which names no model.
func TestSLMPSession(t *testing.T) {
	client, plc := netip.MustParseAddrPort("10.0.0.5:50000"), netip.MustParseAddrPort("10.0.0.9:5007")
	h := func(s string) []byte { return observetest.Unhex(t, s) }
	r := observetest.RunFrames(t, observetest.Conversation(t, client, plc,
		h("500000ffff03000600100001010000"), h("d00000ffff030014000000513033554456435055202020202020206603"),
		h("500000ffff03000c00100001040000640000a80300"), h("d00000ffff030008000000010002000300"),
		h("500000ffff03000e00100001140000640000a80100e803"), h("d00000ffff030002000000"),
		h("500000ffff03000a0010000210000001000000"), h("d00000ffff030002000000"),
	)...)
	observetest.WantFacts(t, r, []string{"10.0.0.9 model=Q03UDVCPU (medium, melsec)", "10.0.0.9 vendor=Mitsubishi Electric (low, melsec)"},
		"10.0.0.5 model=")
	f := observetest.FlowOf(t, r, App)
	if f.Anomalies != [observe.NumFlowAnomalies]uint32{} {
		t.Errorf("anomalies %v", f.Anomalies)
	}
	if got, want := observetest.OpsOf(f), []string{"read_type_name=1/0", "device_read=1/0", "device_write=1/0", "remote_stop=1/0"}; !slices.Equal(got, want) {
		t.Errorf("ops %v, want %v", got, want)
	}
	r = observetest.RunFrames(t, observetest.Conversation(t, client, plc,
		h("500000ffff03000c00100001040000640000a80900"), h("d00000ffff030014000000513033554456435055202020202020206603"))...)
	observetest.WantFacts(t, r, nil, "10.0.0.9 model=")
}
