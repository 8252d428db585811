package enip_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols/enip"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// opRecorder keeps every EtherNet/IP operation with the rule it raises.
type opRecorder struct {
	observetest.Recorder
	ops []recordedOp
}

type recordedOp struct {
	frame uint64
	name  string
	class string
	cls   uint32
	inst  uint32
	rule  string
}

func (r *opRecorder) Operation(op *observe.Operation) {
	if op.App != enip.App {
		return
	}
	ro := recordedOp{frame: op.At.Packet, name: op.App.OpName(op.Code), class: op.Class.String(), cls: op.Detail.CIPClass,
		inst: op.Detail.CIPInstance}
	if rule := op.App.Match(op); rule != nil {
		ro.rule = rule.ID
	}
	r.ops = append(r.ops, ro)
}

func runRealWorld(t *testing.T, name string) *opRecorder {
	t.Helper()
	path := testutil.RealWorld(t, name)
	r := &opRecorder{}
	p := observe.NewPipeline(r, observe.Config{})
	p.Begin(0, path)
	for _, pk := range testutil.Load(t, path) {
		p.Packet(pk.Data, &pk.Info)
	}
	p.End(capture.Stats{}, nil)
	return r
}

// count returns how many operations have the name (or any name when "") and the class
// (or any when ""), and how many raised the rule (or any rule when "").
func (r *opRecorder) count(name, class, rule string) int {
	n := 0
	for _, o := range r.ops {
		if (name == "" || o.name == name) && (class == "" || o.class == class) && (rule == "" || o.rule == rule) {
			n++
		}
	}
	return n
}

func (r *opRecorder) frames(rule string) []uint64 {
	var out []uint64
	for _, o := range r.ops {
		if o.rule == rule {
			out = append(out, o.frame)
		}
	}
	return out
}

// TestRealWorldClassification holds the classification of the real controllers'
// captures to tshark's dissection of them (tshark 4.0, with --disable-protocol idmp
// where a capture starts mid-connection and tshark would take port 44818 for X.519).
// Rockwell's own classes are unnamed in tshark: the class numbers are its.
func TestRealWorldClassification(t *testing.T) {
	type want struct {
		name, class, rule string
		n                 int
	}
	tests := []struct {
		file   string
		want   []want
		frames map[string][]uint64 // rule: the request frames tshark shows
	}{
		{
			// Frame 1: a Multiple_Service_Packet of 11 Get_Attribute_List: reads only.
			file: "EthernetIP__cip-multiple-1.pcap",
			want: []want{{"get_attribute_list", "read", "", 11}, {"", "write", "", 0}, {"", "", "enip/write", 0}},
		},
		{
			// Frame 1: service 0x4c on class 0x8e/0x74 (tshark: "Unknown Service (0x4c)"),
			// no symbolic path: not a Read Tag, not a write; counted as service_0x4c.
			file: "EthernetIP__cip_unlock_cpu.pcap",
			want: []want{{"controller_service_0x4c", "none", "enip/controller-vendor-service", 1}, {"", "", "enip/write", 0}},
		},
		{
			// 5248 Class (0xa1) Service (0x4d), one 0x4b (frame 28) and one 0x51.
			file: "openics__EIP-FirmwareChangeFailure.pcap",
			want: []want{{"firmware_update", "program", "enip/firmware-update", 5250}, {"", "write", "", 0}},
		},
		{
			// One Set_Attribute_List on class 0x8b among Get_Attribute_List polls.
			file:   "openics__EIP-ChangeDateAttempt.pcap",
			want:   []want{{"clock_change", "control", "enip/clock-change", 1}, {"", "", "enip/write", 0}},
			frames: map[string][]uint64{"enip/clock-change": {tsharkFrame(t, "openics__EIP-ChangeDateAttempt.pcap", "cip.sc==0x04 && cip.class==0x8b && cip.rr==0")}},
		},
		{
			// Three Service (0x4b) and three Service (0x4c) on class 0x8e/0x74; three
			// Service (0x4b) on class 0xac, unclassified and silent.
			file: "openics__EIP-LockPLCAttempt.pcap",
			want: []want{{"", "", "enip/controller-vendor-service", 6}, {"service_0x4b", "none", "", 3},
				{"", "write", "", 0}},
		},
		{
			file: "openics__EIP-ChangeTimeAttempt.pcap",
			want: []want{{"clock_change", "control", "enip/clock-change", 1}, {"", "", "enip/write", 0}},
		},
		{
			// 10 Service (0x4f) on class 0x6a and 9 on program/0x6a: code uploads.
			file: "openics__EIP-SoftwareUpload.pcap",
			want: []want{{"logix_program_upload", "program", "enip/logix-program-upload", 19},
				{"set_attribute_list", "write", "enip/write", 1}},
		},
		{
			// A download: Stop of the controller (frame 1234), Reset of class 0x72
			// (frame 1292), creates and Set_Attribute_List on program, routine and tag
			// classes, 21 Service (0x50) on class 0x6a, Start (frame 1854). Of the 2106
			// Service (0x4c) tshark cannot name, 3 go through the controller object
			// (0x8e/0x74) and the rest, mostly on class 0x72 inside
			// Multiple_Service_Packets, are polls: none of them is a write.
			file: "openics__EIP-ControlProtocolChangeAttempt.pcap",
			want: []want{{"service_0x4c", "none", "", 2103}, {"controller_service_0x4c", "none", "", 3},
				{"", "", "enip/controller-vendor-service", 6}, {"", "", "enip/stop", 1}, {"", "", "enip/start", 1},
				{"", "", "enip/identity-reset", 0}, {"reset", "control", "enip/object-reset", 1},
				// 81 of tshark's 82 Create and 65 of its 93 Set_Attribute_List (the rest,
				// on the controller's other classes, are writes, and one a clock change),
				// 21 Service (0x50) on class 0x6a, 10 Service (0x4d) on class 0x6c.
				{"logix_program_download", "program", "enip/logix-program-download", 177}, {"service_0x51", "none", "", 1}},
			frames: map[string][]uint64{"enip/stop": {1234}, "enip/start": {1854}, "enip/object-reset": {1292}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := runRealWorld(t, tt.file)
			for _, w := range tt.want {
				if got := r.count(w.name, w.class, w.rule); got != w.n {
					t.Errorf("operations %q class %q rule %q: %d, want %d", w.name, w.class, w.rule, got, w.n)
				}
			}
			for rule, want := range tt.frames {
				if got := r.frames(rule); !slices.Equal(got, want) {
					t.Errorf("%s in frames %v, want %v", rule, got, want)
				}
			}
		})
	}
}

// tsharkFrame returns the single frame of the capture tshark's filter selects.
func tsharkFrame(t *testing.T, file, filter string) uint64 {
	t.Helper()
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	rows := testutil.Tshark(t, testutil.RealWorld(t, file), filter, []string{"frame.number"})
	if len(rows) != 1 {
		t.Fatalf("tshark %q: %d frames", filter, len(rows))
	}
	var n uint64
	fmt.Sscan(rows[0][0], &n)
	return n
}

// TestRealWorldServiceDetails checks that each service of a Multiple_Service_Packet is
// reported with its own object: frame 1311 of openics__EIP-ControlProtocolChangeAttempt
// carries ten Create services on the template class 0x6c, instances 0x02e8, 0x0176,
// 0x039d, 0x0dd9, 0x052f, 0x0d86, 0x0262, 0x0920, 0x0866 and 0x0b3b (tshark).
func TestRealWorldServiceDetails(t *testing.T) {
	r := runRealWorld(t, "openics__EIP-ControlProtocolChangeAttempt.pcap")
	want := []uint32{0x02e8, 0x0176, 0x039d, 0x0dd9, 0x052f, 0x0d86, 0x0262, 0x0920, 0x0866, 0x0b3b}
	var got []uint32
	for _, o := range r.ops {
		if o.frame != 1311 {
			continue
		}
		if o.cls != enip.ClassTemplate || o.name != "logix_program_download" {
			t.Errorf("frame 1311: %+v", o)
		}
		got = append(got, o.inst)
	}
	if !slices.Equal(got, want) {
		t.Errorf("frame 1311 instances %#x, want %#x", got, want)
	}
}

// TestRealWorldWritesAgreeWithTshark holds every write to tshark: an operation of class
// write comes from a frame where tshark shows a request service that changes something
// (Set_Attribute_*, Set/Insert/Remove_Member, Create, Delete, Apply_Attributes, or the
// tag writes 0x4d, 0x4e, 0x53), and every such frame gives an operation of class write,
// program or control (a program download's creates and a clock change are no less
// consequential for being named).
func TestRealWorldWritesAgreeWithTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	changing := map[uint64]bool{0x02: true, 0x04: true, 0x10: true, 0x19: true, 0x1a: true, 0x1b: true, 0x08: true,
		0x09: true, 0x0d: true, 0x4d: true, 0x4e: true, 0x53: true}
	for _, file := range []string{"EthernetIP__cip-multiple-1.pcap", "EthernetIP__cip_unlock_cpu.pcap",
		"EthernetIP__cip-eth-set-2.pcap", "openics__EIP-ChangeDateAttempt.pcap", "openics__EIP-ChangeTimeAttempt.pcap",
		"openics__EIP-ControlProtocolChangeAttempt.pcap", "openics__EIP-FirmwareChangeFailure.pcap",
		"openics__EIP-LockPLCAttempt.pcap", "openics__EIP-SoftwareUpload.pcap"} {
		t.Run(file, func(t *testing.T) {
			path := testutil.RealWorld(t, file)
			// A capture that starts mid-connection is X.519 to tshark unless told.
			rows := testutil.Tshark(t, path, "cip", []string{"frame.number", "cip.rr", "cip.sc", "cip.class"},
				"--disable-protocol", "idmp")
			tsharkChanges := map[uint64]bool{} // frames with a changing request service
			for _, row := range rows {
				frame, _ := strconv.ParseUint(row[0], 10, 64)
				rr, sc := strings.Split(row[1], ","), strings.Split(row[2], ",")
				for i := range min(len(rr), len(sc)) {
					r, _ := strconv.ParseUint(rr[i], 0, 8)
					s, _ := strconv.ParseUint(sc[i], 0, 8)
					if r == 0 && changing[s] && !(s >= 0x4d && strings.HasPrefix(row[3], "0x06")) { // not Forward_Close
						tsharkChanges[frame] = true
					}
				}
			}
			r := runRealWorld(t, file)
			ours := map[uint64]bool{}
			for _, o := range r.ops {
				switch o.class {
				case "write":
					if !tsharkChanges[o.frame] {
						t.Errorf("frame %d: %s is a write, tshark shows no changing service", o.frame, o.name)
					}
					ours[o.frame] = true
				case "program", "control":
					ours[o.frame] = true
				}
			}
			for f := range tsharkChanges {
				if !ours[f] {
					t.Errorf("frame %d: tshark shows a changing service, no write, program or control operation", f)
				}
			}
		})
	}
}
