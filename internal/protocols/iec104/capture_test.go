package iec104

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

type capturedAPDU struct {
	frame int
	m     Message
}

func parseCapture(t *testing.T, path string) []capturedAPDU {
	t.Helper()
	var out []capturedAPDU
	for _, st := range testutil.TCPStreams(testutil.Payloads(t, path), 2404) {
		apdus, rest := testutil.Split(t, st, PDULen)
		if len(rest) != 0 {
			t.Errorf("%v->%v: %d octets left over", st.Src, st.Dst, len(rest))
		}
		for _, a := range apdus {
			c := capturedAPDU{frame: a.Frame}
			if err := Parse(a.Bytes, &c.m); err != nil {
				t.Errorf("frame %d: %v", a.Frame, err)
				continue
			}
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b capturedAPDU) int { return a.frame - b.frame })
	return out
}

// TestCaptureMatchesTshark compares, frame by frame, the APCI format, U function, type
// ids, causes, negative and test bits, common addresses and object addresses of every APDU
// with tshark's dissection.
func TestCaptureMatchesTshark(t *testing.T) {
	for _, name := range []string{"iec104.pcap", "read.pcapng", "write.pcapng"} {
		t.Run(name, func(t *testing.T) {
			capPath := testutil.Path(t, "iec104/"+name)
			fields := []string{"frame.number", "iec60870_104.type", "iec60870_104.utype", "iec60870_asdu.typeid",
				"iec60870_asdu.causetx", "iec60870_asdu.nega", "iec60870_asdu.test", "iec60870_asdu.addr", "iec60870_asdu.numix", "iec60870_asdu.ioa"}
			rows := testutil.Tshark(t, capPath, "iec60870_104", fields)
			byFrame := map[int][]capturedAPDU{}
			for _, c := range parseCapture(t, capPath) {
				byFrame[c.frame] = append(byFrame[c.frame], c)
			}
			apdus := 0
			for _, r := range rows {
				f, _ := strconv.Atoi(r[0])
				ours := byFrame[f]
				delete(byFrame, f)
				var fmts, utypes, types, causes, negs, tests, cas, numix []string
				var ioas []string
				for _, c := range ours {
					m := &c.m
					apdus++
					fmts = append(fmts, fmt.Sprintf("0x%08x", map[Format]int{FormatI: 0, FormatS: 1, FormatU: 3}[m.Format]))
					if m.Format == FormatU {
						utypes = append(utypes, fmt.Sprintf("0x%08x", uint8(m.UFunc)>>2))
					}
					if !m.HasASDU {
						continue
					}
					types = append(types, strconv.Itoa(int(m.TypeID)))
					causes = append(causes, strconv.Itoa(int(m.Cause)))
					negs = append(negs, strconv.Itoa(b2i(m.Negative)))
					tests = append(tests, strconv.Itoa(b2i(m.Test)))
					cas = append(cas, strconv.Itoa(int(m.CommonAddr)))
					numix = append(numix, strconv.Itoa(int(m.NumObjects)))
					for i := 0; i < m.NumIOAs; i++ {
						ioas = append(ioas, strconv.Itoa(int(m.IOAs[i])))
					}
				}
				got := strings.Join([]string{strings.Join(fmts, ","), strings.Join(utypes, ","), strings.Join(types, ","),
					strings.Join(causes, ","), strings.Join(negs, ","), strings.Join(tests, ","), strings.Join(cas, ","), strings.Join(numix, ",")}, " ")
				want := strings.Join(r[1:9], " ")
				if got != want {
					t.Errorf("frame %d:\n got %s\nwant %s", f, got, want)
				}
				// tshark lists every object's address; we keep the first MaxIOAs of each
				// ASDU, and only the first of a sequence (SQ=1): check ours appear in order.
				if !isSubsequence(ioas, splitNonEmpty(r[9])) {
					t.Errorf("frame %d: object addresses %v not within tshark's %v", f, ioas, r[9])
				}
			}
			if len(byFrame) != 0 {
				t.Errorf("%d frames decoded that tshark does not show as IEC 104", len(byFrame))
			}
			if apdus < 60 {
				t.Errorf("only %d APDUs", apdus)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func isSubsequence(sub, full []string) bool {
	i := 0
	for _, x := range full {
		if i < len(sub) && sub[i] == x {
			i++
		}
	}
	return i == len(sub)
}
