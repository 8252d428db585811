package observe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols/http"
	"github.com/zonewarden/zonewarden/internal/protocols/modbus"
	"github.com/zonewarden/zonewarden/internal/protocols/profinet"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// Modbus/TCP PDUs: read holding registers request and response, and a Read Device
// Identification (43/14) exchange, laid out after the Modbus application protocol.
const (
	mbReadReq  = "0001 0000 0006 01 03 0000 0002"
	mbReadResp = "0001 0000 0007 01 03 04 0011 0022"
	mbIDReq    = "0002 0000 0005 01 2b 0e 01 00"
	mbIDResp   = "0002 0000 001b 01 2b 0e 01 01 00 00 03 00 04 41636d65 01 03 502d31 02 06 76312e322e33"
)

func TestModbusOnItsPort(t *testing.T) {
	client, server := netip.MustParseAddrPort("10.0.0.10:40000"), netip.MustParseAddrPort("10.0.0.20:502")
	r := observetest.RunFrames(t, observetest.Conversation(t, client, server, observetest.Unhex(t, mbReadReq), observetest.Unhex(t, mbReadResp), observetest.Unhex(t, mbIDReq), observetest.Unhex(t, mbIDResp))...)
	if len(r.Flows) != 1 {
		t.Fatalf("%d flows", len(r.Flows))
	}
	f := r.Flows[0]
	if f.App != modbus.App || f.Client != client || f.Server != server {
		t.Errorf("flow %s %v -> %v", f.App, f.Client, f.Server)
	}
	var ops []string
	for _, o := range f.Ops {
		ops = append(ops, fmt.Sprintf("%s/%s=%d/%d", f.App.OpName(o.Code), o.Class, o.Count[0], o.Count[1]))
	}
	if want := []string{"read_holding_registers/read=1/0", "read_device_identification/read=1/0"}; !slices.Equal(ops, want) {
		t.Errorf("ops %q, want %q", ops, want)
	}
	facts := r.Facts()
	for _, want := range []string{"10.0.0.20 vendor=Acme", "10.0.0.20 product_code=P-1", "10.0.0.20 firmware_version=v1.2.3"} {
		if !facts[want] {
			t.Errorf("missing fact %q in %v", want, facts)
		}
	}
	if !slices.Equal(f.Addrs, []uint16{1}) {
		t.Errorf("unit ids %v", f.Addrs)
	}
	// Both MACs are bound to their IPs.
	var binds []string
	for _, h := range r.Hosts {
		binds = append(binds, fmt.Sprintf("%s %v %s", net.HardwareAddr(h.MAC[:]), h.IP, h.How))
	}
	for _, want := range []string{"00:1b:1b:00:00:01 10.0.0.10 ip_source", "00:0e:8c:00:00:02 10.0.0.20 ip_source"} {
		if !slices.Contains(binds, want) {
			t.Errorf("binding %q not in %q", want, binds)
		}
	}
}

// TestPortsLie: Modbus on a port no protocol claims is found by its payload, and
// something else on Modbus's port is not taken for Modbus.
func TestPortsLie(t *testing.T) {
	client := netip.MustParseAddrPort("10.0.0.10:40000")
	r := observetest.RunFrames(t, observetest.Conversation(t, client, netip.MustParseAddrPort("10.0.0.20:5020"), observetest.Unhex(t, mbReadReq), observetest.Unhex(t, mbReadResp))...)
	if f := r.Flows[0]; f.App != modbus.App || len(f.Ops) != 1 {
		t.Errorf("modbus on 5020: app %s, ops %v", f.App, f.Ops)
	}
	if r.Sources[0].Pipeline.Detected != 1 {
		t.Errorf("detected %d flows", r.Sources[0].Pipeline.Detected)
	}
	get := []byte("GET / HTTP/1.1\r\nHost: plc\r\n\r\n")
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	r = observetest.RunFrames(t, observetest.Conversation(t, client, netip.MustParseAddrPort("10.0.0.20:502"), get, resp, get, resp, get, resp)...)
	// Modbus framing gives up, and the payload is then recognised for what it is.
	f := r.Flows[0]
	if f.App != http.App || f.Anomalies[observe.AnomalyUnexpectedPayload] != 1 || f.Anomalies[observe.AnomalyFraming] < observe.MaxFramingBeforeGivingUp {
		t.Errorf("http on 502: app %s, anomalies %v", f.App, f.Anomalies)
	}
	garbage := []byte("\x01\x02\x03\x04 not any protocol at all")
	r = observetest.RunFrames(t, observetest.Conversation(t, client, netip.MustParseAddrPort("10.0.0.20:502"), garbage, garbage, garbage, garbage, garbage, garbage)...)
	if f := r.Flows[0]; f.App != 0 || f.Anomalies[observe.AnomalyUnexpectedPayload] != 1 {
		t.Errorf("garbage on 502: app %s, anomalies %v", f.App, f.Anomalies)
	}
}

// TestDCP: PROFINET DCP frames (hand-encoded after the DCP frame layout) give the
// station's identity, its IP address binding, and a conversation between MAC addresses
// with the identify request counted.
func TestDCP(t *testing.T) {
	req := observetest.Unhex(t, "010ecf000000001b1b0000018892fefe050000000a0100010004ffff0000")
	resp := observetest.Unhex(t, "001b1b0000010008dc0000028892feff050100000a010000004602010009000053372d3135303000020200070000706c632d3100020300060000002a010e02040004000002000102000e0001c0a80a0affffff00c0a80a010207000400000064")
	r := observetest.RunFrames(t, req, resp)
	var facts []string
	for _, id := range r.IDs {
		facts = append(facts, fmt.Sprintf("%s %s=%s", net.HardwareAddr(id.Subject.MAC[:]), id.Field, id.Value))
	}
	for _, want := range []string{"00:08:dc:00:00:02 name=plc-1", "00:08:dc:00:00:02 model=S7-1500",
		"00:08:dc:00:00:02 vendor_id=0x002a", "00:08:dc:00:00:02 device_id=0x010e", "00:08:dc:00:00:02 device_role=io_controller"} {
		if !slices.Contains(facts, want) {
			t.Errorf("fact %q not in %q", want, facts)
		}
	}
	var announced bool
	for _, h := range r.Hosts {
		if h.How == observe.BindAnnounced && h.IP == netip.MustParseAddr("192.168.10.10") {
			announced = true
		}
	}
	if !announced {
		t.Errorf("DCP IP block not bound: %+v", r.Hosts)
	}
	var dcp []observetest.RecordedFlow
	for _, f := range r.Flows {
		if f.App == profinet.App {
			dcp = append(dcp, f)
		}
	}
	if len(dcp) != 2 { // the multicast request, and the answer to the requester
		t.Fatalf("%d profinet conversations: %+v", len(dcp), dcp)
	}
}

func TestRunFilesShardedMatchesSequential(t *testing.T) {
	shardedMatchesSequential(t, allPublicCaptures(t))
}

// TestRunFilesShardedMatchesSequentialIT: the same with the simulator's test plant, whose
// LLDP, CDP, DHCP, DNS and SSH the IT dissectors read.
func TestRunFilesShardedMatchesSequentialIT(t *testing.T) {
	shardedMatchesSequential(t, []string{simulatedPlantFile(t)})
}

func shardedMatchesSequential(t *testing.T, files []string) {
	key := func(sinks []observe.Sink) []string {
		var out []string
		for _, s := range sinks {
			r := s.(*observetest.Recorder)
			for _, f := range r.Flows {
				out = append(out, fmt.Sprintf("flow %d %s %v %v %x %v %v %v", f.At.File, f.App, f.Client, f.Server, f.MAC, f.Packets, f.Ops, f.Anomalies))
			}
			for _, id := range r.IDs {
				out = append(out, fmt.Sprintf("id %d %d %v %s %s %s", id.At.File, id.At.Packet, id.Subject, id.Component, id.Field, id.Value))
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	newRec := func() observe.Sink { return &observetest.Recorder{} }
	for _, file := range files {
		seq, errs := observe.RunFiles(context.Background(), []string{file}, newRec, observe.Options{Workers: 1})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		sh, errs := observe.RunFiles(context.Background(), []string{file}, newRec, observe.Options{Workers: 3})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if a, b := key(seq), key(sh); !slices.Equal(a, b) {
			t.Errorf("%s: sharded run differs from sequential:\n%q\n%q", filepath.Base(file), a, b)
		}
	}
}

func TestRunFilesBadInput(t *testing.T) {
	dir := t.TempDir()
	notCap := filepath.Join(dir, "notes.txt")
	os.WriteFile(notCap, []byte("this is not a capture at all\n"), 0o644)
	good := testutil.Pcap(t, layers.LinkTypeEthernet, testutil.Frame{Data: observetest.TCPFrame(t, netip.MustParseAddrPort("10.0.0.1:1000"),
		netip.MustParseAddrPort("10.0.0.2:502"), observetest.MACClient, observetest.MACServer, 1, true, false, nil)})
	goodPath := filepath.Join(dir, "good.pcap")
	os.WriteFile(goodPath, good, 0o644)
	truncPath := filepath.Join(dir, "trunc.pcap")
	os.WriteFile(truncPath, good[:len(good)-10], 0o644)
	two := append(bytes.Clone(good), good[24:]...) // the packet twice
	partPath := filepath.Join(dir, "part.pcap")
	os.WriteFile(partPath, two[:len(two)-10], 0o644)
	for _, w := range []int{1, 2, 4} {
		var ends []observe.FileEnd
		sinks, errs := observe.RunFiles(context.Background(), []string{notCap, goodPath, truncPath, dir, partPath}, func() observe.Sink { return &observetest.Recorder{} },
			observe.Options{Workers: w, FileEnd: func(e observe.FileEnd) { ends = append(ends, e) }})
		// The file that is no capture, the directory, and the capture truncated inside
		// its only packet are errors; the one truncated after a packet is not: its
		// Source and FileEnd say so.
		fileOf := func(err error) int {
			var fe *observe.FileError
			if errors.As(err, &fe) {
				return fe.File
			}
			return -1
		}
		slices.SortFunc(errs, func(a, b error) int { return fileOf(a) - fileOf(b) })
		if len(errs) != 3 || !errors.Is(errs[0], capture.ErrNotCapture) || !strings.Contains(errs[0].Error(), "notes.txt") ||
			!errors.Is(errs[1], capture.ErrTruncated) || !strings.Contains(errs[1].Error(), "trunc.pcap: packet 1:") ||
			!strings.Contains(errs[2].Error(), dir+": not a pcap or pcapng capture: is a directory") {
			t.Errorf("workers %d: errors %v", w, errs)
		}
		for i, file := range []int{0, 2, 3} {
			var fe *observe.FileError
			if !errors.As(errs[i], &fe) || fe.File != file {
				t.Errorf("workers %d: %v is not a FileError for file %d", w, errs[i], file)
			}
		}
		slices.SortFunc(ends, func(a, b observe.FileEnd) int { return a.File - b.File })
		if len(ends) != 3 || ends[2].File != 4 || ends[2].Stats.Packets != 1 || !errors.Is(ends[2].ReadErr, capture.ErrTruncated) {
			t.Errorf("workers %d: file ends %+v, want those of the three captures, part.pcap truncated after 1 packet", w, ends)
		}
		var flows, truncated int
		for _, s := range sinks {
			r := s.(*observetest.Recorder)
			flows += len(r.Flows)
			for _, src := range r.Sources {
				if (src.File == 2 || src.File == 4) && errors.Is(src.ReadErr, capture.ErrTruncated) {
					truncated++
				}
			}
		}
		if flows != 2 || truncated != 2 {
			t.Errorf("workers %d: %d flows, %d truncated sources", w, flows, truncated)
		}
	}
}

// TestQuickShardAgrees: the reader's quick hash sends every packet of the public
// captures to the worker the full decode would.
func TestQuickShardAgrees(t *testing.T) {
	var d decode.Decoder
	var p decode.Packet
	for _, file := range allPublicCaptures(t) {
		for _, pk := range testutil.Load(t, file) {
			if d.Decode(pk.Info.LinkType, pk.Data, &p) != nil {
				continue
			}
			for _, n := range []int{2, 3, 7} {
				if q, ok := observe.QuickShard(pk.Info.LinkType, pk.Data, n); ok && q != observe.ShardOf(&p, n) {
					t.Errorf("%s packet %d: quick shard %d, decoded %d of %d", filepath.Base(file), pk.Info.Number, q, observe.ShardOf(&p, n), n)
				}
			}
		}
	}
}
