package render

import (
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/verify"
)

// TestTimeSpansKeepTheEndDate: a span over midnight or over days gives the end's date;
// one within a day gives only its clock.
func TestTimeSpansKeepTheEndDate(t *testing.T) {
	start := time.Date(2008, 10, 23, 23, 29, 8, 0, time.UTC)
	for _, tc := range []struct {
		end        time.Time
		span, head string
	}{
		{time.Date(2008, 10, 24, 14, 35, 41, 0, time.UTC), "2008-10-23 23:29:08.000 to 2008-10-24 14:35:41.000", "2008-10-23 23:29:08 to 2008-10-24 14:35:41 UTC"},
		{time.Date(2008, 11, 23, 23, 29, 9, 0, time.UTC), "2008-10-23 23:29:08.000 to 2008-11-23 23:29:09.000", "2008-10-23 23:29:08 to 2008-11-23 23:29:09 UTC"},
		{time.Date(2008, 10, 23, 23, 59, 59, 0, time.UTC), "2008-10-23 23:29:08.000 to 23:59:59.000", "2008-10-23 23:29:08 to 23:59:59 UTC"},
	} {
		if got := timeSpan(start, tc.end); got != tc.span {
			t.Errorf("timeSpan: %q, want %q", got, tc.span)
		}
		res := &verify.Result{Window: verify.Window{Start: start, End: tc.end}}
		if got := headline(res)[0]; !strings.HasSuffix(got, tc.head) {
			t.Errorf("headline %q, want it to end in %q", got, tc.head)
		}
	}
}

// TestTableNamesIncompleteCaptures: the table says which capture was read only in part
// and why (it said nothing).
func TestTableNamesIncompleteCaptures(t *testing.T) {
	res := &verify.Result{Captures: []verify.Capture{{File: "whole.pcap", Packets: 5, Complete: true},
		{File: "cut.pcap", Packets: 99, Error: "cut.pcap: packet 100: capture file is truncated: pcap record at byte 8855: unexpected EOF (the 99 packets before it were read)"}}}
	var b strings.Builder
	if err := Table(&b, res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Incomplete capture: cut.pcap: packet 100: capture file is truncated") || strings.Contains(b.String(), "whole.pcap") {
		t.Errorf("table:\n%s", b.String())
	}
}
