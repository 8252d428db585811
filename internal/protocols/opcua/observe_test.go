package opcua

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// opRecorder keeps the operations the pipeline hands it, beside the recorder's facts.
type opRecorder struct {
	observetest.Recorder
	ops []observe.Operation
}

func (r *opRecorder) Operation(op *observe.Operation) { r.ops = append(r.ops, *op) }

func runOps(t *testing.T, path string) []observe.Operation {
	t.Helper()
	r := &opRecorder{}
	p := observe.NewPipeline(r, observe.Config{})
	p.Begin(0, path)
	for _, pk := range testutil.Load(t, path) {
		p.Packet(pk.Data, &pk.Info)
	}
	p.End(capture.Stats{}, nil)
	return r.ops
}

// TestRulesOfMinimalSession: the open62541 client of the public capture writes a variable
// (tshark: WriteRequest, type id 673, frames 89 and 93), calls a method (CallRequest 712,
// frame 121) and adds nodes (AddNodesRequest 488, in the frames tshark lists); each is an
// alert of its own rule, and its reads, browses and subscriptions raise none.
func TestRulesOfMinimalSession(t *testing.T) {
	path := testutil.Path(t, "opcua/open62541_client-server_minimal.pcap")
	want := map[string][]uint64{}
	rules := map[string]string{"673": "opcua/write", "712": "opcua/call", "488": "opcua/add-nodes", "500": "opcua/delete-nodes"}
	for _, r := range testutil.Tshark(t, path, "opcua.servicenodeid.numeric", []string{"frame.number", "opcua.servicenodeid.numeric"}) {
		n, _ := strconv.ParseUint(r[0], 10, 64)
		if id := rules[r[1]]; id != "" {
			want[id] = append(want[id], n)
		}
	}
	if len(want["opcua/write"]) != 2 || len(want["opcua/call"]) != 1 || len(want["opcua/add-nodes"]) == 0 {
		t.Fatalf("tshark: %v", want)
	}
	got := map[string][]uint64{}
	for _, op := range runOps(t, path) {
		if op.App != App {
			continue
		}
		if r := App.Match(&op); r != nil {
			if !op.FromClient {
				t.Errorf("packet %d: %s from the server", op.At.Packet, r.ID)
			}
			got[r.ID] = append(got[r.ID], op.At.Packet)
		}
	}
	for id, frames := range want {
		if !slices.Equal(got[id], frames) {
			t.Errorf("%s: packets %v, tshark %v", id, got[id], frames)
		}
	}
	if len(got) != len(want) {
		t.Errorf("rules %v, tshark %v", got, want)
	}
}

// deleteNodesChunk makes a DeleteNodesRequest from the WriteRequest chunk of frame 89 of
// the public capture: the same secure channel header and request header (the session's
// authentication token), type id 500 and one DeleteNodesItem (the node ns=1;s=the.answer
// the write set, with its references), laid out after OPC UA Part 4 and Part 6.
func deleteNodesChunk(t *testing.T) []byte {
	path := testutil.Path(t, "opcua/open62541_client-server_minimal.pcap")
	var write []byte
	for _, st := range testutil.TCPStreams(testutil.Payloads(t, path), 4840) {
		pdus, _ := testutil.Split(t, st, PDULen)
		for _, p := range pdus {
			if p.Frame == 89 {
				write = p.Bytes
			}
		}
	}
	// 24 bytes of chunk and security headers, the 4-byte type id, then the request header
	// up to the body, which starts with the NodesToWrite array size 1.
	body := bytes.Index(write, []byte{1, 0, 0, 0, 3, 1, 0, 10, 0, 0, 0})
	if len(write) == 0 || body < 0 || !bytes.Equal(write[24:28], []byte{1, 0, 0xa1, 2}) {
		t.Fatalf("frame 89 is not the WriteRequest: % x", write)
	}
	c := append([]byte{}, write[:24]...)
	c = append(c, 1, 0, 0xf4, 1) // DeleteNodesRequest, four-byte numeric node id 500
	c = append(c, write[28:body]...)
	c = append(c, 1, 0, 0, 0, 3, 1, 0, 10, 0, 0, 0)
	c = append(c, "the.answer"...)
	c = append(c, 1) // deleteTargetReferences
	binary.LittleEndian.PutUint32(c[4:], uint32(len(c)))
	return c
}

// TestDeleteNodesRule: a DeleteNodes request raises opcua/delete-nodes; tshark dissects
// the bytes as a DeleteNodesRequest of that node.
func TestDeleteNodesRule(t *testing.T) {
	client, server := netip.MustParseAddrPort("10.0.0.10:50122"), netip.MustParseAddrPort("10.0.0.20:4840")
	frames := observetest.Conversation(t, client, server, deleteNodesChunk(t))
	if testutil.HaveTshark() {
		var fs []testutil.Frame
		for i, f := range frames {
			fs = append(fs, testutil.Frame{Data: f, Time: time.Unix(int64(i), 0)})
		}
		p := filepath.Join(t.TempDir(), "delete.pcap")
		if err := os.WriteFile(p, testutil.Pcap(t, layers.LinkTypeEthernet, fs...), 0o600); err != nil {
			t.Fatal(err)
		}
		rows := testutil.Tshark(t, p, "opcua", []string{"opcua.servicenodeid.numeric", "opcua.nodeid.string", "opcua.DeleteTargetReferences"})
		if len(rows) != 1 || rows[0][0] != "500" || rows[0][1] != "the.answer" || rows[0][2] != "1" {
			t.Fatalf("tshark: %q", rows)
		}
	}
	r := &opRecorder{}
	p := observe.NewPipeline(r, observe.Config{})
	p.Begin(0, "frames")
	for i, f := range frames {
		ci := capture.CaptureInfo{Number: uint64(i + 1), CaptureLength: len(f), Length: len(f), LinkType: 1}
		p.Packet(f, &ci)
	}
	p.End(capture.Stats{}, nil)
	var ids []string
	for _, op := range r.ops {
		if rule := op.App.Match(&op); rule != nil {
			ids = append(ids, rule.ID)
		}
	}
	if !slices.Equal(ids, []string{"opcua/delete-nodes"}) {
		t.Errorf("rules %v", ids)
	}
}

func TestMatchOPCUA(t *testing.T) {
	for _, tc := range []struct {
		s    Service
		want *observe.Rule
	}{
		{ServiceWrite, ruleOPCUAWrite}, {ServiceCall, ruleOPCUACall}, {ServiceAddNodes, ruleOPCUAAddNodes},
		{ServiceDeleteNodes, ruleOPCUADeleteNodes}, {ServiceRead, nil}, {ServiceBrowse, nil}, {ServicePublish, nil},
		{ServiceCreateSession, nil},
	} {
		op := &observe.Operation{App: App, Code: uint32(tc.s), FromClient: true}
		if got := App.Match(op); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.s, got, tc.want)
		}
	}
	if App.Match(&observe.Operation{App: App, Code: 0x100 + uint32(ServiceWrite)}) != nil {
		t.Error("a code past the services matched")
	}
}
