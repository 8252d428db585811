package profinet

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// TestCaptureRPCMatchesTshark compares every PNIO CM datagram of the public captures
// with tshark: packet type, interface, object UUID, operation, data representation,
// block types, first record index, station name and control command.
func TestCaptureRPCMatchesTshark(t *testing.T) {
	for _, name := range []string{"profinet_io_cm_connect_minimal", "profinet_io_cm_device", "profinet_io_cm_read"} {
		t.Run(name, func(t *testing.T) {
			capPath := testutil.Path(t, "profinet/"+name+".pcapng")
			fields := []string{"frame.number", "dcerpc.pkt_type", "dcerpc.dg_if_id", "dcerpc.obj_id", "dcerpc.opnum",
				"dcerpc.drep.byteorder", "pn_io.block_type", "pn_io.index", "pn_io.cminitiator_station_name", "pn_io.control_command"}
			want := map[int][]string{}
			for _, r := range testutil.Tshark(t, capPath, "dcerpc", fields) {
				n, _ := strconv.Atoi(r[0])
				want[n] = r[1:]
			}
			ops := map[string]int{}
			seen := 0
			for _, p := range testutil.Payloads(t, capPath) {
				if p.Transport != testutil.UDP {
					continue
				}
				w, ok := want[p.Frame]
				if !ok {
					t.Errorf("frame %d: not DCE/RPC for tshark", p.Frame)
					continue
				}
				seen++
				var m Message
				if err := ParseRPC(p.Payload, &m); err != nil {
					t.Errorf("frame %d: %v", p.Frame, err)
					continue
				}
				r := &m.RPC
				check := func(what, got, tshark string) {
					if got != tshark {
						t.Errorf("frame %d %s: got %q, tshark %q", p.Frame, what, got, tshark)
					}
				}
				check("packet type", strconv.Itoa(int(r.PacketType)), w[0])
				check("interface", r.InterfaceUUID.String(), w[1])
				check("object", r.Object.String(), w[2])
				check("opnum", strconv.Itoa(int(r.Opnum)), w[3])
				check("byte order", map[bool]string{false: "0", true: "1"}[r.LittleEndian], w[4])
				var blocks []string
				for i := 0; i < r.NumBlocks; i++ {
					blocks = append(blocks, fmt.Sprintf("0x%04x", r.BlockTypes[i]))
				}
				// tshark also lists the blocks inside a read answer's record data, which
				// we do not decode: ours must start its list.
				if got := strings.Join(blocks, ","); !strings.HasPrefix(w[5], got) || got == "" {
					t.Errorf("frame %d blocks: got %q, tshark %q", p.Frame, got, w[5])
				}
				if r.HasRecord {
					first, _, _ := strings.Cut(w[6], ",")
					check("index", fmt.Sprintf("0x%04x", r.Index), first)
				}
				check("station name", string(r.StationName), w[7])
				if r.HasControl && r.BlockTypes[0] != BlockReleaseReq && r.BlockTypes[0] != BlockReleaseRes {
					check("control command", fmt.Sprintf("0x%04x", r.ControlCmd), w[8])
				}
				if r.PacketType == PktRequest {
					ops[r.OperationName()]++
				}
			}
			if seen != len(want) {
				t.Errorf("%d datagrams, tshark %d", seen, len(want))
			}
			t.Logf("requests: %v", ops)
		})
	}
}

// TestDCPMatchesTshark writes the DCP test frames to a capture and has tshark read them
// back, so that the hand-encoded frames and the decoder are both held against tshark.
func TestDCPMatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	frames, order := readHex(t, "dcp.txt")
	var padded [][]byte
	for _, name := range order {
		b := frames[name]
		if len(b) < 60 {
			b = append(b, make([]byte, 60-len(b))...) // Ethernet minimum frame
		}
		padded = append(padded, b)
	}
	capPath := testutil.WriteFrames(t, "dcp.pcap", padded...)
	fields := []string{"frame.number", "pn_dcp.service_id", "pn_dcp.service_type", "pn_dcp.xid", "pn_dcp.suboption_device_nameofstation",
		"pn_dcp.suboption_device_devicevendorvalue", "pn_dcp.suboption_vendor_id", "pn_dcp.suboption_device_id",
		"pn_dcp.suboption_device_role", "pn_dcp.suboption_ip_ip", "pn_dcp.suboption_ip_standard_gateway", "pn_dcp.block_error"}
	rows := testutil.Tshark(t, capPath, "pn_dcp", fields)
	if len(rows) != len(order) {
		t.Fatalf("tshark shows %d DCP frames of %d", len(rows), len(order))
	}
	for i, row := range rows {
		var m Message
		if err := ParseDCP(dcpPayload(t, frames[order[i]]), &m); err != nil {
			t.Fatalf("%s: %v", order[i], err)
		}
		d := &m.DCP
		opt := func(ok bool, s string) string {
			if ok {
				return s
			}
			return ""
		}
		got := []string{
			strconv.Itoa(int(d.ServiceID)), strconv.Itoa(int(d.ServiceType)), fmt.Sprintf("0x%08x", d.Xid),
			string(d.NameOfStation), string(d.VendorValue),
			opt(d.HasDeviceID, fmt.Sprintf("0x%04x", d.VendorID)), opt(d.HasDeviceID, fmt.Sprintf("0x%04x", d.DeviceID)),
			opt(d.HasRole, fmt.Sprintf("0x%02x", d.DeviceRole)),
			opt(d.HasIP, netip.AddrFrom4(d.IP).String()), opt(d.HasIP, netip.AddrFrom4(d.GW).String()),
			opt(d.HasCtrlResponse, strconv.Itoa(int(d.CtrlError))),
		}
		if strings.Join(got, "|") != strings.Join(row[1:], "|") {
			t.Errorf("%s:\n got %q\nwant %q", order[i], got, row[1:])
		}
	}
}
