package dnp3

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

type capturedFrame struct {
	frame int
	orig  bool // sent towards port 20000
	m     Message
}

func parseCapture(t *testing.T, path string) []capturedFrame {
	t.Helper()
	var out []capturedFrame
	for _, st := range testutil.TCPStreams(testutil.Payloads(t, path), 20000) {
		frames, _ := testutil.Split(t, st, PDULen)
		for _, f := range frames {
			c := capturedFrame{frame: f.Frame, orig: st.Dst.Port() == 20000}
			if err := Parse(f.Bytes, &c.m); err != nil {
				t.Errorf("frame %d: %v", f.Frame, err)
				continue
			}
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b capturedFrame) int { return a.frame - b.frame })
	return out
}

// TestCaptureMatchesTshark compares function code, IIN and object headers of every
// single-segment fragment with tshark, and checks that no CRC fails.
func TestCaptureMatchesTshark(t *testing.T) {
	capPath := testutil.Path(t, "dnp3/dnp3_example.pcap")
	want := map[int]string{}
	for _, r := range testutil.Tshark(t, capPath, "dnp3 && dnp3.tr.fir==1 && dnp3.tr.fin==1", []string{"frame.number", "dnp3.al.func", "dnp3.al.iin", "dnp3.al.obj", "dnp3.hdr.CRC.incorrect"}) {
		n, _ := strconv.Atoi(r[0])
		want[n] = strings.Join(r[1:], " ")
	}
	frames := parseCapture(t, capPath)
	got := map[int]string{}
	for _, c := range frames {
		if c.m.BadCRCs != 0 {
			t.Errorf("frame %d: %d bad CRCs", c.frame, c.m.BadCRCs)
		}
		if !c.m.HasApp || !c.m.TransportFIN() {
			continue
		}
		iin := ""
		if c.m.Function.IsResponse() {
			iin = fmt.Sprintf("0x%04x", c.m.IIN)
		}
		var objs []string
		for i := 0; i < c.m.NumObjects; i++ {
			objs = append(objs, fmt.Sprintf("0x%02x%02x", c.m.Objects[i].Group, c.m.Objects[i].Variation))
		}
		got[c.frame] = fmt.Sprintf("%d %s %s ", c.m.Function, iin, strings.Join(objs, ","))
	}
	if len(got) < 300 || len(got) != len(want) {
		t.Fatalf("%d single-segment fragments, tshark %d", len(got), len(want))
	}
	// Frame 311 is a whole response (transport 0xC0, application 0xC8, function 0x81,
	// CROB echo for index 2) that tshark's transport reassembly takes for a confirm; the
	// ICSNPP dnp3_control.log logs it as the response it is.
	want[311] = "129 0x0000 0x0c01 "
	for f, w := range want {
		if got[f] != w {
			t.Errorf("frame %d: got %q, tshark %q", f, got[f], w)
		}
	}
}

var (
	tripNames = [...]string{"Nul", "Close", "Trip"}
	opNames   = [...]string{"Nul", "Pulse On", "Pulse Off", "Latch On", "Latch Off"}
)

// TestCaptureControlsMatchZeek holds every control relay output block against the
// ICSNPP dnp3_control.log.
func TestCaptureControlsMatchZeek(t *testing.T) {
	capPath := testutil.Path(t, "dnp3/dnp3_example.pcap")
	var got []string
	for _, c := range parseCapture(t, capPath) {
		for i := 0; i < c.m.NumObjects; i++ {
			h := &c.m.Objects[i]
			for j := 0; j < h.NumCROBs(); j++ {
				cr, _ := h.CROBAt(j)
				status := "-"
				if c.m.Function.IsResponse() {
					status = "Success"
					if cr.Status != 0 {
						status = strconv.Itoa(int(cr.Status))
					}
				}
				trip, op := "?", "?"
				if int(cr.TripClose()) < len(tripNames) {
					trip = tripNames[cr.TripClose()]
				}
				if int(cr.OpType()) < len(opNames) {
					op = opNames[cr.OpType()]
				}
				clear := "F"
				if cr.Clear() {
					clear = "T"
				}
				orig := "F"
				if c.orig {
					orig = "T"
				}
				got = append(got, strings.Join([]string{orig, c.m.Function.String(), strconv.Itoa(int(cr.Index)), trip, op, clear,
					strconv.Itoa(int(cr.Count)), strconv.Itoa(int(cr.OnTime)), strconv.Itoa(int(cr.OffTime)), status}, " "))
			}
		}
	}
	var want []string
	for _, r := range testutil.ZeekLog(t, filepath.Join(filepath.Dir(capPath), "zeek-baseline", "dnp3_control.log")) {
		want = append(want, strings.Join([]string{r["is_orig"], r["function_code"], r["index_number"], r["trip_control_code"], r["operation_type"],
			r["clear_bit"], r["execute_count"], r["on_time"], r["off_time"], r["status_code"]}, " "))
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) != 534 || !slices.Equal(got, want) {
		t.Errorf("controls differ from zeek: %d vs %d", len(got), len(want))
		for i := 0; i < len(got) && i < len(want); i++ {
			if got[i] != want[i] {
				t.Errorf("first difference: got %q, zeek %q", got[i], want[i])
				break
			}
		}
	}
}

// TestCaptureFunctionsMatchZeek checks that every request function and IIN value in the
// ICSNPP dnp3.log is decoded, and no more often than we decode it.
func TestCaptureFunctionsMatchZeek(t *testing.T) {
	capPath := testutil.Path(t, "dnp3/dnp3_example.pcap")
	ours := map[string]int{}
	oursIIN := map[string]bool{}
	for _, c := range parseCapture(t, capPath) {
		if !c.m.HasApp {
			continue
		}
		ours[c.m.Function.String()]++
		if c.m.Function.IsResponse() {
			oursIIN[strconv.Itoa(int(c.m.IIN))] = true
		}
	}
	zeek := map[string]int{}
	for _, r := range testutil.ZeekLog(t, filepath.Join(filepath.Dir(capPath), "zeek-baseline", "dnp3.log")) {
		if r["fc_request"] != "-" {
			zeek[r["fc_request"]]++
		}
		zeek[r["fc_reply"]]++
		if !oursIIN[r["iin"]] {
			t.Errorf("zeek IIN %s not decoded", r["iin"])
		}
	}
	for fn, n := range zeek {
		if ours[fn] < n {
			t.Errorf("%s: %d decoded, zeek logs %d", fn, ours[fn], n)
		}
	}
	if ours["SELECT"] != 134 || ours["OPERATE"] != 133 {
		t.Errorf("SELECT %d OPERATE %d, want 134 and 133 as in dnp3_control.log", ours["SELECT"], ours["OPERATE"])
	}
}
