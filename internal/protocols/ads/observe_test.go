package ads

import (
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// TestRealSession: beckoff__beckoffiplinktc.pcapng, as tshark's ams dissector shows it:
// an engineering station at 192.168.1.99 discovers the CX at 192.168.1.8 over UDP 48899
// (frames 3, 4: host CX_0D7560, AMS net id 5.13.117.96.1.1, TwinCAT 2.11.2228), then over
// TCP 48898 reads its state 14 times, reads 16 times, reads its device info 4 times
// ("PLC Server" 2.11.2103), and sends 7 ReadWrite requests on index group 0xC8, which
// this package does not classify.
func TestRealSession(t *testing.T) {
	r := observetest.RunCapture(t, testutil.RealWorld(t, "beckoff__beckoffiplinktc.pcapng"))
	observetest.WantFacts(t, r, []string{
		"192.168.1.8 hostname=CX_0D7560 (high, ads)",
		"192.168.1.8 station_address=5.13.117.96.1.1 (high, ads)",
		"192.168.1.8 software=TwinCAT 2.11.2228 (high, ads)",
		"192.168.1.8 software=PLC Server 2.11.2103 (high, ads)",
		"192.168.1.8 vendor=Beckhoff (low, ads)",
	}, "192.168.1.99 hostname=")
	var tcp observetest.RecordedFlow
	for _, f := range r.Flows {
		if f.App == App && slices.Contains(observetest.OpsOf(f), "read_state=14/0") {
			tcp = f
		}
	}
	ops := observetest.OpsOf(tcp)
	for _, w := range []string{"read=16/0", "read_device_info=4/0", "read_write=7/0"} {
		if !slices.Contains(ops, w) {
			t.Errorf("operation %s missing: %v", w, ops)
		}
	}
	for _, o := range tcp.Ops {
		if o.Code == CmdReadWrite && o.Class.String() != "none" {
			t.Errorf("ReadWrite on index group 0xC8 classed %s", o.Class)
		}
	}
}

// TestRouteAdd: beckoff__addroute.pcapng frame 187: 192.168.1.99 asks the CX to add a
// route (user Administrator, password in clear), which is an alert; no password is kept.
func TestRouteAdd(t *testing.T) {
	r := observetest.RunCapture(t, testutil.RealWorld(t, "beckoff__addroute.pcapng"))
	found := false
	for _, f := range r.Flows {
		if f.App == App && slices.Contains(observetest.OpsOf(f), "add_route=1/0") {
			found = true
		}
	}
	if !found {
		t.Error("no add_route operation from the engineering station")
	}
	for _, fact := range observetest.FactList(r) {
		if strings.Contains(fact, "Administrator") || strings.Contains(fact, "SHENHUAJ6") {
			t.Errorf("the route request's user or route name became a fact: %s", fact)
		}
	}
	if rr := App.Match(&observe.Operation{App: App, Code: opUDP | SvcAddRoute, FromClient: true}); rr != ruleAddRoute {
		t.Errorf("route add rule: %v", rr)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte{0, 0, 32, 0, 0, 0, 192, 168, 1, 8, 1, 1, 0x21, 3, 5, 13, 117, 96, 1, 1, 0x20, 3, 4, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0})
	f.Add(observetest.Unhex(f, "036614710000000006000080050d756001011027010000000100040000000000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if n, err := PDULen(b); err == nil && n > 0 && n <= len(b) {
			if ParseTCP(b[:n], &m) == nil && m.Command == CmdReadDeviceInfo {
				DeviceInfo(m.Data)
			}
		}
		var u UDP
		if ParseUDP(b, &u) == nil && len(u.Tags) > maxUDPTags {
			t.Fatal("tags beyond the bound")
		}
	})
}
