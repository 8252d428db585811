package discover_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

func discoverPaths(t *testing.T, paths ...string) *inventory.Inventory {
	t.Helper()
	inv, errs := discover.FromFiles(context.Background(), paths, discover.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return inv
}

func assetByMAC(t *testing.T, inv *inventory.Inventory, mac string) *inventory.Asset {
	t.Helper()
	for i := range inv.Assets {
		if inv.Assets[i].MAC == mac {
			return &inv.Assets[i]
		}
	}
	t.Fatalf("no asset with MAC %s", mac)
	return nil
}

func mentions(evidence []string, word string) bool {
	return slices.ContainsFunc(evidence, func(e string) bool { return strings.Contains(e, word) })
}

// pnFrames is a PROFINET segment's frames: a device starting up asks by DCP Identify
// whether another holds its name of station (frame 1), a tool sweeps with an Identify
// for all (frame 2), a controller and its device exchange RT cyclic frames (frames 3
// and 4, frame ids 0x8001 and 0x8002).
func pnFrames(t *testing.T) string {
	mc := observetest.MAC("01:0e:cf:00:00:00")
	dev, tool := observetest.MAC("00:0e:8c:00:00:10"), observetest.MAC("00:1b:1b:00:00:20")
	ctl, io := observetest.MAC("00:1b:1b:00:00:30"), observetest.MAC("00:0e:8c:00:00:40")
	name := []byte("io-dev-7")
	identifyName := observetest.Join([]byte{0xfe, 0xfe, 0x05, 0x00, 0, 0, 0, 1, 0, 1}, observetest.BE16(uint16(4+len(name))),
		[]byte{0x02, 0x02}, observetest.BE16(uint16(len(name))), name)
	identifyAll := observetest.Join([]byte{0xfe, 0xfe, 0x05, 0x00, 0, 0, 0, 2, 0, 1, 0, 4, 0xff, 0xff, 0, 0})
	cyclic := func(id uint16) []byte {
		b := observetest.Join(observetest.BE16(id), make([]byte, 40), []byte{0x12, 0x34, 0x35, 0x00})
		return b
	}
	pad := func(b []byte) []byte {
		for len(b) < 60 {
			b = append(b, 0)
		}
		return b
	}
	frames := [][]byte{
		pad(observetest.EthFrame(mc, dev, 0x8892, identifyName)),
		pad(observetest.EthFrame(mc, tool, 0x8892, identifyAll)),
		pad(observetest.EthFrame(io, ctl, 0x8892, cyclic(0x8001))),
		pad(observetest.EthFrame(ctl, io, 0x8892, cyclic(0x8002))),
	}
	var fs []testutil.Frame
	for i, f := range frames {
		fs = append(fs, testutil.Frame{Data: f, Time: time.Unix(1700000000, int64(i)*1e6)})
	}
	return testutil.WriteTemp(t, "pn.pcap", testutil.Pcap(t, layers.LinkTypeEthernet, fs...))
}

// TestProfinetEvidence: cyclic I/O is evidenced only by RT cyclic frames; a device that
// sent only DCP Identify requests gets no controller role from them, and the name of
// station its Identify request carries is its own claim, at low confidence. The frames'
// facts are tshark's (pn_dcp, pn_rt).
func TestProfinetEvidence(t *testing.T) {
	path := pnFrames(t)
	rows := testutil.Tshark(t, path, "", []string{"frame.number", "eth.src", "pn_rt.frame_id", "pn_dcp.service_id", "pn_dcp.service_type", "pn_dcp.suboption_device_nameofstation"})
	want := [][]string{ // frame ids in decimal: 0xFEFE is DCP Identify, 0x8001 and 0x8002 RT cyclic
		{"1", "00:0e:8c:00:00:10", "65278", "5", "0", "io-dev-7"},
		{"2", "00:1b:1b:00:00:20", "65278", "5", "0", ""},
		{"3", "00:1b:1b:00:00:30", "32769", "", "", ""},
		{"4", "00:0e:8c:00:00:40", "32770", "", "", ""},
	}
	for i, w := range want {
		if i >= len(rows) || !slices.Equal(rows[i], w) {
			t.Fatalf("tshark frame %d: %v, want %v", i+1, rows, w)
		}
	}
	inv := discoverPaths(t, path)
	for _, mac := range []string{"00:0e:8c:00:00:10", "00:1b:1b:00:00:20"} {
		a := assetByMAC(t, inv, mac)
		if a.Role.Name == inventory.RoleController || mentions(a.Role.Evidence, "cyclic") {
			t.Errorf("%s sent only DCP Identify requests: role %s %q", mac, a.Role.Name, a.Role.Evidence)
		}
	}
	dev := assetByMAC(t, inv, "00:0e:8c:00:00:10")
	if !slices.ContainsFunc(dev.Facts, func(f inventory.Fact) bool {
		return f.Field == "name" && f.Value == "io-dev-7" && f.Confidence == "low" && f.Protocol == "profinet" && f.Packet == 1
	}) {
		t.Errorf("the name in the Identify request (frame 1) is not the sender's low-confidence claim: %+v", dev.Facts)
	}
	if tool := assetByMAC(t, inv, "00:1b:1b:00:00:20"); slices.ContainsFunc(tool.Facts, func(f inventory.Fact) bool { return f.Field == "name" }) {
		t.Errorf("an Identify for all names the sender: %+v", tool.Facts)
	}
	for _, mac := range []string{"00:1b:1b:00:00:30", "00:0e:8c:00:00:40"} {
		a := assetByMAC(t, inv, mac)
		if a.Role.Name != inventory.RoleController || !slices.Contains(a.Role.Evidence, "sends cyclic real-time I/O frames") {
			t.Errorf("%s sent RT cyclic frames: role %s %q", mac, a.Role.Name, a.Role.Evidence)
		}
	}
}

// TestProfinetRealRoles: the real PROFINET captures hold no RT cyclic frame and no DCP
// (tshark finds no pn_rt or pn_dcp frame; profinet__profinet.pcap is two DCE/RPC
// datagrams, frame 1 a Read Implicit request from 10.10.0.150, frame 2 the answer of
// 10.10.0.129), so no evidence speaks of cyclic I/O; the requester is the client. In the public profinet_io_cm_device.pcapng the IO controller (frame 1, the
// Connect request of 192.168.1.3) reads and writes records to set its device up: a
// controller, not an HMI, and the device serves the answers on its ephemeral port.
func TestProfinetRealRoles(t *testing.T) {
	for _, name := range []string{"profinet__profinet.pcap", "profinet__Profinet_Failed.pcap"} {
		path := testutil.RealWorld(t, name)
		if rows := testutil.Tshark(t, path, "pn_rt || pn_dcp", []string{"frame.number"}); len(rows) != 0 {
			t.Fatalf("%s: tshark finds RT or DCP frames %v", name, rows)
		}
		inv := discoverPaths(t, path)
		for _, a := range inv.Assets {
			if mentions(a.Role.Evidence, "cyclic") {
				t.Errorf("%s: %s evidence %q", name, a.ID, a.Role.Evidence)
			}
		}
		if name == "profinet__profinet.pcap" {
			rows := testutil.Tshark(t, path, "dcerpc.pkt_type==0", []string{"frame.number", "ip.src", "ip.dst"})
			if len(rows) != 1 || rows[0][1] != "10.10.0.150" {
				t.Fatalf("tshark requests %v", rows)
			}
			if len(inv.Flows) != 1 || inv.Flows[0].Client.IP != "10.10.0.150" || inv.Flows[0].Server.IP != "10.10.0.129" {
				t.Errorf("flows %+v", inv.Flows)
			}
		}
	}
	inv := discoverPaths(t, testutil.Path(t, "profinet/profinet_io_cm_device.pcapng"))
	ctl := assetByMAC(t, inv, "00:a0:45:6d:d3:43")
	if ctl.Role.Name != inventory.RoleController || mentions(ctl.Role.Evidence, "write") {
		t.Errorf("IO controller: role %s %q", ctl.Role.Name, ctl.Role.Evidence)
	}
	for _, f := range inv.Flows {
		if f.Protocol == "profinet" && f.Client.IP != "192.168.1.3" {
			t.Errorf("flow %s -> %s:%d: the requests come from 192.168.1.3", f.Client.IP, f.Server.IP, f.ServerPort)
		}
	}
}
