package bacnet

import (
	"strconv"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// TestPDURoleMatchesTshark: for every BACnet/IP datagram of the public captures, the
// side pduRole places it on follows from tshark's APDU type and unconfirmed service
// (bacapp.type, bacapp.unconfirmed_service).
func TestPDURoleMatchesTshark(t *testing.T) {
	want := func(typ, svc string) observe.PDURole {
		switch typ {
		case "0":
			return observe.PDURequest
		case "2", "3", "5", "6":
			return observe.PDUResponse
		case "1":
			switch svc {
			case "6", "7", "8", "9", "10":
				return observe.PDURequest
			}
		}
		return observe.PDUUnknown
	}
	for _, rel := range []string{"bacnet/bacnet_example.pcap", "bacnet/bacnet_segmented_data.pcap", "bacnet/bacnet_error_reject_abort.pcap"} {
		t.Run(rel, func(t *testing.T) {
			path := testutil.Path(t, rel)
			rows := testutil.Tshark(t, path, "bvlc", []string{"frame.number", "bacapp.type", "bacapp.unconfirmed_service"})
			byFrame := map[int][]string{}
			for _, r := range rows {
				n, _ := strconv.Atoi(r[0])
				byFrame[n] = r
			}
			placed := 0
			for _, p := range testutil.Payloads(t, path) {
				r, ok := byFrame[p.Frame]
				if !ok || r[1] == "4" || r[1] == "7" { // segment ack and abort: by the server bit
					continue
				}
				if got, w := pduRole(p.Payload), want(r[1], r[2]); got != w {
					t.Errorf("frame %d (type %s service %s): %v, want %v", p.Frame, r[1], r[2], got, w)
				} else if got != observe.PDUUnknown {
					placed++
				}
			}
			if placed == 0 {
				t.Error("no datagram placed")
			}
		})
	}
}
