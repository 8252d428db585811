package detect_test

import (
	"context"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/detect"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// tlv is one BER element with a short or long definite length.
func tlv(tag byte, parts ...[]byte) []byte {
	var c []byte
	for _, p := range parts {
		c = append(c, p...)
	}
	switch n := len(c); {
	case n < 0x80:
		return append([]byte{tag, byte(n)}, c...)
	case n < 0x100:
		return append([]byte{tag, 0x81, byte(n)}, c...)
	default:
		return append([]byte{tag, 0x82, byte(n >> 8), byte(n)}, c...)
	}
}

// mmsRequest wraps an MMS confirmed request in the presentation data, session and COTP
// data TPDU and TPKT that carry it after the association.
func mmsRequest(invoke byte, service []byte) []byte {
	pdu := tlv(0xa0, []byte{0x02, 0x01, invoke}, service)
	ppdu := tlv(0x61, tlv(0x30, []byte{0x02, 0x01, 0x03}, tlv(0xa0, pdu)))
	user := append([]byte{0x02, 0xf0, 0x80, 0x01, 0x00, 0x01, 0x00}, ppdu...)
	n := 4 + len(user)
	return append([]byte{3, 0, byte(n >> 8), byte(n)}, user...)
}

func vstr(s string) []byte { return tlv(0x1a, []byte(s)) }

// An intruder's IEC 61850 session with a protection IED: it associates, operates the
// breaker through its control object (an MMS Write of CSWI1$CO$Pos$Oper) and stops the
// IED's program invocation. tshark must dissect both requests as MMS; detect must raise
// mms/write and mms/program-control with their techniques.
func TestMMSWriteAndStop(t *testing.T) {
	write := tlv(0xa5,
		tlv(0xa0, tlv(0x30, tlv(0x30, tlv(0xa0, tlv(0xa1, vstr("IED1CTRL"), vstr("CSWI1$CO$Pos$Oper")))))),
		tlv(0xa0, tlv(0xa2, tlv(0x83, []byte{0xff}), tlv(0x86, []byte{0x00}))))
	stop := []byte{0xbf, 0x29, 0x04, 0x80, 0x02, 'P', '1'} // [41] in the high tag form: Stop of program invocation "P1"
	frames := testutil.TCPSession(t, 102,
		testutil.Segment{FromClient: true, Data: encode.COTPConnect(nil, false, 0, 0x0001, 0x0001, 0x0001)},
		testutil.Segment{Data: encode.COTPConnect(nil, true, 0x0001, 0x2201, 0x0001, 0x0001)},
		testutil.Segment{FromClient: true, Data: encode.MMSConnectRequest(nil)},
		testutil.Segment{Data: encode.MMSConnectResponse(nil)},
		testutil.Segment{FromClient: true, Data: mmsRequest(1, write)},
		testutil.Segment{FromClient: true, Data: mmsRequest(2, stop)})
	path := testutil.WriteTemp(t, "mms.pcap", testutil.Pcap(t, layers.LinkTypeEthernet, frames...))

	if _, err := exec.LookPath("tshark"); err == nil {
		out, err := exec.Command("tshark", "-n", "-r", path, "-Y", "mms.confirmedServiceRequest", "-T", "fields", "-e", "mms.confirmedServiceRequest").Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Fields(string(out)); !slices.Equal(got, []string{"5", "41"}) {
			t.Errorf("tshark dissects the requests as services %v, want [5 41] (write, stop)", got)
		}
	}

	var mu sync.Mutex
	var alerts []*alert.Alert
	d := detect.New(detect.Options{Files: []string{path}}, func(a *alert.Alert) {
		mu.Lock()
		alerts = append(alerts, a)
		mu.Unlock()
	})
	if errs := d.RunFiles(context.Background(), []string{path}, observe.Options{Workers: 1}); len(errs) > 0 {
		t.Fatal(errs)
	}
	want := map[string][]string{"mms/write": {"T0836", current("T0855")}, "mms/program-control": {"T0858", "T0816"}}
	for _, a := range alerts {
		if techs, ok := want[a.Rule]; ok {
			for _, id := range techs {
				if !slices.Contains(a.Techniques, id) {
					t.Errorf("%s: techniques %v lack %s", a.Rule, a.Techniques, id)
				}
			}
			delete(want, a.Rule)
		}
	}
	for rule := range want {
		t.Errorf("no %s alert among %d alerts", rule, len(alerts))
	}
}
