package s7comm

import (
	"fmt"
	"math/bits"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

type capturedPDU struct {
	frame int
	orig  bool // sent by the connection's originator (towards port 102)
	m     Message
}

func parseCapture(t *testing.T, path string) []capturedPDU {
	t.Helper()
	var out []capturedPDU
	for _, st := range testutil.TCPStreams(testutil.Payloads(t, path), 102) {
		pdus, _ := testutil.Split(t, st, PDULen)
		for _, p := range pdus {
			c := capturedPDU{frame: p.Frame, orig: st.Dst.Port() == 102}
			if err := Parse(p.Bytes, &c.m); err != nil {
				t.Errorf("frame %d: %v", p.Frame, err)
				continue
			}
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b capturedPDU) int { return a.frame - b.frame })
	return out
}

func tf(b bool) string {
	if b {
		return "T"
	}
	return "F"
}

// zeekFunction spells a PDU's function the way the ICSNPP s7comm log does.
func zeekFunction(m *Message) (fn, sub string) {
	if m.ROSCTR == ROSCTRUserdata {
		return fmt.Sprintf("0x%02x", m.UD.Type<<4|uint8(m.UD.Group)), fmt.Sprintf("0x%02x", m.UD.Subfunction)
	}
	sub = "-"
	if m.Function == FuncPLCControl && len(m.PIService) > 0 {
		sub = string(m.PIService)
	}
	return fmt.Sprintf("0x%02x", uint8(m.Function)), sub
}

// skippedByZeek tells the PDUs the ICSNPP parser leaves out of s7comm.log: plain acks,
// and the first data unit of a long userdata answer with the request for the next one.
func skippedByZeek(m *Message) bool {
	if m.ROSCTR == ROSCTRAck {
		return true
	}
	if m.ROSCTR == ROSCTRUserdata {
		return (m.UD.Type == 8 && m.UD.MoreFollows()) || (m.UD.Type == 4 && len(m.Param) >= 8 && m.Param[3] >= 8)
	}
	return false
}

func TestCaptureFunctionsMatchZeek(t *testing.T) {
	for _, name := range []string{"snap7", "s7ident", "s7comm_plus"} {
		t.Run(name, func(t *testing.T) {
			capPath := testutil.Path(t, "s7comm/"+name+".pcap")
			var got []string
			for _, c := range parseCapture(t, capPath) {
				if c.m.Payload != PayloadS7 || skippedByZeek(&c.m) {
					continue
				}
				fn, sub := zeekFunction(&c.m)
				got = append(got, strings.Join([]string{tf(c.orig), strconv.Itoa(int(c.m.ROSCTR)), strconv.Itoa(int(c.m.PDURef)), fn, sub}, " "))
			}
			var want []string
			for _, r := range testutil.ZeekLog(t, filepath.Join(filepath.Dir(capPath), "zeek-baseline", name+".s7comm.log")) {
				// The ICSNPP parser reads the PDU reference little-endian; the header
				// holds it big-endian (as tshark reads it).
				ref, err := strconv.Atoi(r["pdu_reference"])
				if err != nil {
					t.Fatal(err)
				}
				ref = int(bits.ReverseBytes16(uint16(ref)))
				want = append(want, strings.Join([]string{r["is_orig"], r["rosctr_code"], strconv.Itoa(ref), r["function_code"], r["subfunction_code"]}, " "))
			}
			if len(want) == 0 {
				t.Fatal("empty zeek log")
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("functions differ from zeek:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestCaptureIdentityMatchesZeek(t *testing.T) {
	capPath := testutil.Path(t, "s7comm/s7ident.pcap")
	rows := testutil.ZeekLog(t, filepath.Join(filepath.Dir(capPath), "zeek-baseline", "s7ident.s7comm_known_devices.log"))
	if len(rows) != 1 {
		t.Fatalf("zeek known devices: %d rows", len(rows))
	}
	zeekText := func(s string) string {
		if s == "(empty)" {
			return ""
		}
		return s
	}
	var found, foundModule bool
	for _, c := range parseCapture(t, capPath) {
		if !c.m.HasSZL || c.m.UD.Type != 8 {
			continue
		}
		switch c.m.SZL.ID {
		case SZLComponentID:
			found = true
			for idx, field := range map[uint16]string{CompIndexPLCName: "automation_system_name", CompIndexModuleName: "module_name",
				CompIndexPlantID: "plant_name", CompIndexSerial: "module_serial"} {
				r, ok := c.m.SZL.Record(idx)
				if !ok || string(r.Text) != zeekText(rows[0][field]) {
					t.Errorf("%s: got %q, zeek %q", field, r.Text, rows[0][field])
				}
			}
		case SZLModuleID:
			foundModule = true
			r, _ := c.m.SZL.Record(ModIndexModule)
			fw, _ := c.m.SZL.Record(ModIndexFirmware)
			l, a, b, d := fw.Version()
			if got := fmt.Sprintf("%s %c%d.%d.%d", r.Text, l, a, b, d); got != "6ES7 315-2EH14-0AB0 V3.2.6" {
				t.Errorf("module identification %q", got)
			}
		}
	}
	if !found || !foundModule {
		t.Errorf("SZL 0x001C found %v, 0x0011 found %v", found, foundModule)
	}
}

func TestCaptureS7PlusMatchesZeek(t *testing.T) {
	capPath := testutil.Path(t, "s7comm/s7comm_plus.pcap")
	var got []string
	for _, c := range parseCapture(t, capPath) {
		if c.m.Payload != PayloadS7Plus || c.m.PlusOpcode == 0 {
			continue
		}
		fn := "-"
		if c.m.PlusFunction != 0 {
			fn = fmt.Sprintf("0x%04x", c.m.PlusFunction)
		}
		got = append(got, fmt.Sprintf("%s %d 0x%02x %s", tf(c.orig), c.m.PlusVersion, c.m.PlusOpcode, fn))
	}
	var want []string
	for _, r := range testutil.ZeekLog(t, filepath.Join(filepath.Dir(capPath), "zeek-baseline", "s7comm_plus.s7comm_plus.log")) {
		want = append(want, fmt.Sprintf("%s %s %s %s", r["is_orig"], r["version"], r["opcode"], r["function_code"]))
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("s7comm-plus differs from zeek (%d vs %d):\n got %q\nwant %q", len(got), len(want), got, want)
	}
}

// TestCaptureMatchesTshark holds the S7 header, function and SZL ids of every PDU against
// tshark's dissection of the same frames.
func TestCaptureMatchesTshark(t *testing.T) {
	for _, name := range []string{"snap7", "s7ident", "s7comm_plus"} {
		t.Run(name, func(t *testing.T) {
			capPath := testutil.Path(t, "s7comm/"+name+".pcap")
			fields := []string{"frame.number", "s7comm.header.rosctr", "s7comm.header.pduref", "s7comm.param.func", "s7comm.data.userdata.szl_id", "s7comm.param.item.area"}
			want := map[string]string{}
			for _, r := range testutil.Tshark(t, capPath, "s7comm", fields) {
				want[r[0]] = strings.Join(r[1:], " ")
			}
			got := map[string]string{}
			var joined []byte // data units of a long SZL answer, joined as a flow layer would
			for _, c := range parseCapture(t, capPath) {
				if c.m.Payload != PayloadS7 {
					continue
				}
				m := &c.m
				fn, szl, area := "", "", ""
				if m.ROSCTR == ROSCTRUserdata && m.UD.Type == 8 && m.UD.Group == GroupCPU && m.UD.Subfunction == SubCPUReadSZL {
					if m.HasSZL && m.UD.MoreFollows() {
						joined = append(joined[:0], m.UD.Data...)
						m.HasSZL = false // tshark shows the list where the answer is complete
					} else if m.SZLContinuation {
						joined = append(joined, m.UD.Data...)
						if !ParseSZL(joined, true, m.UD.MoreFollows(), &m.SZL) {
							t.Errorf("frame %d: joined SZL answer does not parse", c.frame)
						}
						m.HasSZL = true
						if m.SZL.ID == SZLComponentID {
							if r, _ := m.SZL.Record(CompIndexPLCName); string(r.Text) != "S7300/ET200M station_1" {
								t.Errorf("joined SZL 0x001C: PLC name %q", r.Text)
							}
						}
					}
				}
				if m.ROSCTR != ROSCTRUserdata && len(m.Param) > 0 {
					fn = fmt.Sprintf("0x%02x", uint8(m.Function))
				}
				if m.HasSZL {
					szl = fmt.Sprintf("0x%04x", m.SZL.ID)
				}
				var areas []string
				if m.ROSCTR == ROSCTRJob {
					for i := 0; i < m.NumItems; i++ {
						areas = append(areas, fmt.Sprintf("0x%02x", uint8(m.Items[i].Area)))
					}
				}
				area = strings.Join(areas, ",")
				got[strconv.Itoa(c.frame)] = fmt.Sprintf("%d %d %s %s %s", m.ROSCTR, m.PDURef, fn, szl, area)
			}
			if len(got) != len(want) {
				t.Errorf("%d S7 frames, tshark %d", len(got), len(want))
			}
			for f, w := range want {
				if got[f] != w {
					t.Errorf("frame %s: got %q, tshark %q", f, got[f], w)
				}
			}
		})
	}
}
