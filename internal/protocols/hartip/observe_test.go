package hartip

import (
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

var wantFacts = []string{
	"10.20.0.40 vendor_id=0x0026 (high, hartip)",
	"10.20.0.40 device_type=0x2660 (high, hartip)",
	"10.20.0.40 device_id=0x123456 (high, hartip)",
	"10.20.0.40 protocol_version=HART 7 (high, hartip)",
	"10.20.0.40 firmware_version=sw 3 dev 2 (high, hartip)",
	"10.20.0.40 name=PT-101 reactor feed (high, hartip)",
	"10.20.0.40 name=PT101 (high, hartip)",
}

var wantOps = []string{"session_initiate=1/0", "read_unique_identifier=1/0", "read_long_tag=1/0", "read_tag_descriptor_date=1/0",
	"write_tag_descriptor_date=1/0", "enter_exit_fixed_current_mode=1/0", "device_reset=1/0", "keep_alive=1/0", "session_close=1/0"}

// TestUDPSession runs the session TestTshark checks through the pipeline: the server's
// identity from its command 0, 20 and 13 answers, the client's commands counted, and the
// write answered "in write-protect mode" counted as an error response.
func TestUDPSession(t *testing.T) {
	r := observetest.RunFrames(t, udpFrames(t)...)
	observetest.WantFacts(t, r, wantFacts, "10.20.0.5 ")
	f := observetest.FlowOf(t, r, App)
	ops := observetest.OpsOf(f)
	for _, w := range wantOps {
		if !slices.Contains(ops, w) {
			t.Errorf("missing op %s in %v", w, ops)
		}
	}
	if f.Anomalies[observe.AnomalyErrorResponse] != 1 || f.Anomalies[observe.AnomalyMalformed] != 0 {
		t.Errorf("anomalies %v", f.Anomalies)
	}
}

// TestTCPSession: the same messages over TCP, framed by the header's byte count, two
// messages in one segment.
func TestTCPSession(t *testing.T) {
	ms := messages()
	var segs []observetest.Segment
	for i := 0; i < len(ms); i++ {
		segs = append(segs, observetest.Segment{FromClient: i%2 == 0, Data: ms[i]})
	}
	// The client's keep-alive and close in one segment; the server's answers in another.
	segs[14].Data = append(append([]byte(nil), ms[14]...), ms[16]...)
	segs[15].Data = append(append([]byte(nil), ms[15]...), ms[17]...)
	segs = segs[:16]
	frames := observetest.Exchange(t, client, server, segs)
	if testutil.HaveTshark() {
		// tshark frames the stream as PDULen does: all 18 messages, with their sequence numbers.
		path := testutil.WriteFrames(t, "hartip-tcp.pcap", frames...)
		var seqs []string
		for _, row := range testutil.Tshark(t, path, "hart_ip", []string{"hart_ip.transaction_id"}, "-d", "tcp.port==5094,hart_ip") {
			seqs = append(seqs, row[0])
		}
		if got := strings.Join(seqs, " "); got != "1 1 2 2 3 3 4 4 5 5 6 6 7 7 8,9 8,9" {
			t.Errorf("tshark's sequence numbers per frame: %s", got)
		}
	}
	r := observetest.RunFrames(t, frames...)
	observetest.WantFacts(t, r, wantFacts, "10.20.0.5 ")
	ops := observetest.OpsOf(observetest.FlowOf(t, r, App))
	for _, w := range wantOps {
		if !slices.Contains(ops, w) {
			t.Errorf("missing op %s in %v", w, ops)
		}
	}
}

func TestClassesAndRules(t *testing.T) {
	for _, tc := range []struct {
		code uint32
		rule *observe.Rule
	}{
		{CmdDeviceReset, ruleReset}, {CmdFixedCurrent, ruleFixedCurrent}, {CmdReadUniqueID, ruleIdentify},
		{CmdWriteTag, ruleWrite}, {CmdWriteLongTag, ruleWrite}, {CmdWritePollAddress, ruleWrite}, {CmdResetConfigChanged, ruleWrite},
		{CmdWriteRange, ruleWrite}, {CmdReadLongTag, nil}, {CmdReadPV, nil}, {CmdSelfTest, nil}, {opMsg | IDSessionInitiate, nil},
	} {
		op := &observe.Operation{App: App, Code: tc.code, Class: Class(uint16(tc.code)), FromClient: true}
		if r := App.Match(op); r != tc.rule {
			t.Errorf("%s: rule %v", opName(tc.code), r)
		}
	}
}

func TestParse(t *testing.T) {
	ms := messages()
	var m Message
	if err := Parse(ms[3], &m); err != nil || !m.PDU || !m.Response || m.Command != CmdReadUniqueID || m.Long {
		t.Fatalf("%v %+v", err, m)
	}
	if n, err := PDULen(ms[3]); n != len(ms[3]) || err != nil {
		t.Errorf("PDULen %d, %v", n, err)
	}
	bad := append([]byte(nil), ms[2]...)
	bad[len(bad)-1] ^= 1
	if err := Parse(bad, &m); err != errCheck {
		t.Errorf("a PDU with a wrong check byte: %v", err)
	}
	for _, b := range [][]byte{
		{1, 0, 3, 0, 0, 1, 0, 20},                // shorter than its byte count
		{3, 0, 3, 0, 0, 1, 0, 8},                 // version 3
		{1, 5, 3, 0, 0, 1, 0, 8},                 // message type 5
		{1, 0, 9, 0, 0, 1, 0, 8},                 // message id 9
		{1, 0, 3, 0, 0, 1, 0, 8},                 // token-passing without a PDU
		{1, 0, 2, 0, 0, 1, 0, 7},                 // byte count under the header
		{1, 0, 3, 0, 0, 1, 0, 11, 0x06, 0x80, 0}, // an ACK cut short
	} {
		if err := Parse(b, &m); err == nil {
			t.Errorf("% x accepted", b)
		}
		if detectUDP(b) || detectTCP(b) {
			t.Errorf("% x recognised as HART-IP", b)
		}
	}
	if !detectUDP(ms[3]) || !detectTCP(ms[3]) {
		t.Error("a command 0 answer not recognised")
	}
	if n := testing.AllocsPerRun(100, func() {
		_ = Parse(ms[3], &m)
		_, _ = ReadUniqueID(m.Data)
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, m := range messages() {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if Parse(b, &m) == nil {
			if int(m.Length) > len(b) || len(m.Body) != int(m.Length)-HeaderLen {
				t.Fatalf("byte count %d, body %d, message %d", m.Length, len(m.Body), len(b))
			}
			_, _ = ReadUniqueID(m.Data)
			_, _ = LongTag(m.Data)
			_, _ = AppendTag(nil, m.Data)
		}
		if n, err := PDULen(b); err == nil && n > 0 && n <= len(b) {
			_ = Parse(b[:n], &m)
		}
		_ = role(b)
	})
}
