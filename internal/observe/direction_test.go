package observe_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// cutCapture writes the packets of the capture at path from packet number from (1-based,
// as tshark numbers them) on into a temporary pcap: a capture that starts in the middle
// of its conversations, without their handshakes.
func cutCapture(t *testing.T, path string, from int) string {
	t.Helper()
	pkts := testutil.Load(t, path)
	var frames []testutil.Frame
	var lt layers.LinkType
	for i, p := range pkts[from-1:] {
		if i == 0 {
			lt = layers.LinkType(p.Info.LinkType)
		}
		frames = append(frames, testutil.Frame{Data: p.Data, Time: p.Info.Timestamp, OrigLen: p.Info.Length})
	}
	return testutil.WriteTemp(t, "cut.pcap", testutil.Pcap(t, lt, frames...))
}

// flowsOf is the client and server of each flow of app over IP protocol proto:
// "client -> server".
func flowsOf(r *observetest.Recorder, app string, proto uint8) []string {
	var out []string
	for _, f := range r.Flows {
		if f.App.String() == app && f.Key.Proto() == proto {
			out = append(out, f.Client.String()+" -> "+f.Server.String())
		}
	}
	slices.Sort(out)
	return out
}

// tsharkOpener returns who opened each TCP conversation of a capture that holds its
// handshakes, as tshark dissects the SYNs: "client -> server".
func tsharkOpeners(t *testing.T, path string) []string {
	var out []string
	for _, row := range testutil.Tshark(t, path, "tcp.flags.syn==1 && tcp.flags.ack==0", []string{"frame.number", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport"}) {
		out = append(out, fmt.Sprintf("%s:%s -> %s:%s", row[1], row[2], row[3], row[4]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestDirectionMidConnection: a capture that starts in the middle of a conversation,
// with a packet of the server, names the same client and server as the handshake
// would. The real-world EtherNet/IP captures start so (tshark: their first TCP packets
// come from 192.168.10.121:44818 and 192.168.10.120:44818, frames 1, 3 and 4); the
// public IEC 104 and EtherNet/IP captures are cut before the server's first data
// (iec104.pcap frame 5 from 10.20.100.108:2404, enip_cip_example.pcap frame 3 from
// 192.168.10.120:44818), and the client must be the SYN's sender in the whole capture
// (or, for enip_cip_example's conversation picked up without its SYN, the sender of
// its first request, frame 2, tshark: 192.168.10.105:3033 to port 44818).
func TestDirectionMidConnection(t *testing.T) {
	tests := []struct {
		name, path, app string
		want            []string // nil: the openers tshark finds in whole
		whole           string   // the uncut capture, for tshark's openers
	}{
		{name: "EthernetIP__cip-eth-set-2.pcap", app: "enip", want: []string{"192.168.10.105:1402 -> 192.168.10.121:44818"}},
		{name: "openics__EIP-FirmwareChangeFailure.pcap", app: "enip", want: []string{"192.168.10.105:1093 -> 192.168.10.120:44818"}},
		{name: "openics__EIP-SoftwareUpload.pcap", app: "enip", want: []string{"192.168.10.105:2927 -> 192.168.10.120:44818"}},
		{name: "iec104.pcap cut at frame 5", app: "iec104", whole: "iec104/iec104.pcap", path: "5"},
		{name: "enip_cip_example.pcap cut at frame 3", app: "enip", whole: "enip/enip_cip_example.pcap", path: "3",
			want: []string{"192.168.10.105:3033 -> 192.168.10.120:44818"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var path string
			want := tc.want
			if tc.whole != "" {
				whole := testutil.Path(t, tc.whole)
				from, _ := strconv.Atoi(tc.path)
				path = cutCapture(t, whole, from)
				want = append(tsharkOpeners(t, whole), want...)
				if len(want) == 0 {
					t.Fatal("tshark found no SYN in the whole capture")
				}
			} else {
				path = testutil.RealWorld(t, tc.name)
			}
			got := flowsOf(observetest.RunCapture(t, path), tc.app, 6)
			if len(got) == 0 {
				t.Fatalf("no %s flow", tc.app)
			}
			for _, g := range got {
				if !slices.Contains(want, g) {
					t.Errorf("flow %s, want one of %s", g, strings.Join(want, ", "))
				}
			}
		})
	}
}

// TestDirectionFromPDUs: PROFINET IO's context manager answers from an ephemeral port
// to an ephemeral port, so neither port nor handshake tells who asked: the DCE/RPC
// packet type does (tshark dcerpc.pkt_type 0 request, 2 response). Cut after its first
// request, profinet_io_cm_device.pcapng starts with the Connect response of
// 192.168.1.2:49152 (frame 2); the client is 192.168.1.3:65151 all the same, and the
// requests (write, control-less read) count as sent by it.
func TestDirectionFromPDUs(t *testing.T) {
	path := cutCapture(t, testutil.Path(t, "profinet/profinet_io_cm_device.pcapng"), 2)
	rows := testutil.Tshark(t, path, "dcerpc.pkt_type==2", []string{"frame.number", "ip.src", "udp.srcport"})
	if len(rows) == 0 || rows[0][0] != "1" || rows[0][1]+":"+rows[0][2] != "192.168.1.2:49152" {
		t.Fatalf("tshark: the cut capture does not start with the response from 192.168.1.2:49152: %v", rows)
	}
	r := observetest.RunCapture(t, path)
	got := flowsOf(r, "profinet", 17)
	want := []string{"192.168.1.3:65151 -> 192.168.1.2:34964", "192.168.1.3:65151 -> 192.168.1.2:49152"}
	if !slices.Equal(got, want) {
		t.Errorf("flows %v, want %v", got, want)
	}
	for _, f := range r.Flows {
		if f.Server.Port() == 49152 {
			if ops := strings.Join(observetest.OpsOf(f), " "); ops != "write=1/0 read=1/0" {
				t.Errorf("operations by client/server %q, want write=1/0 read=1/0", ops)
			}
		}
	}
	if n := r.Sources[0].Pipeline.Reoriented; n != 1 {
		t.Errorf("Reoriented %d, want 1", n)
	}
}

// TestServerPortRegistered: the ports the protocols register are server ports of their
// transport, as are the ports below 1024.
func TestServerPortRegistered(t *testing.T) {
	for _, tc := range []struct {
		proto uint8
		port  uint16
		want  bool
	}{{6, 44818, true}, {6, 2404, true}, {6, 102, true}, {17, 47808, true}, {17, 34964, true}, {6, 49152, false}, {17, 2404, false}} {
		if got := observe.IsServerPort(tc.proto, tc.port); got != tc.want {
			t.Errorf("IsServerPort(%d, %d) = %v", tc.proto, tc.port, got)
		}
	}
}
