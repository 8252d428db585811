package detect_test

import (
	"context"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/capture/capturetest"
	"github.com/zonewarden/zonewarden/internal/detect"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
	"github.com/zonewarden/zonewarden/internal/simulate/wire"
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
	segs := []struct {
		fromClient bool
		data       []byte
	}{
		{true, encode.COTPConnect(nil, false, 0, 0x0001, 0x0001, 0x0001)},
		{false, encode.COTPConnect(nil, true, 0x0001, 0x2201, 0x0001, 0x0001)},
		{true, encode.MMSConnectRequest(nil)},
		{false, encode.MMSConnectResponse(nil)},
		{true, mmsRequest(1, write)},
		{true, mmsRequest(2, stop)},
	}
	cli := wire.Eth{Src: wire.MAC{0x02, 0, 0, 0, 0, 0x66}, Dst: wire.MAC{0x00, 0x30, 0xa7, 0x20, 0x57, 0xcf}}
	srv := wire.Eth{Src: cli.Dst, Dst: cli.Src}
	cip := wire.IPv4{Src: [4]byte{10, 60, 2, 66}, Dst: [4]byte{10, 60, 11, 21}, TTL: 64}
	sip := wire.IPv4{Src: cip.Dst, Dst: cip.Src, TTL: 64}
	cseq, sseq := uint32(1000), uint32(9000)
	t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	frames := []capturetest.Frame{
		{Data: wire.AppendTCP(nil, &cli, &cip, &wire.TCP{SrcPort: 49500, DstPort: 102, Seq: cseq - 1, Flags: wire.SYN, Window: 8192}, nil), Time: t0},
		{Data: wire.AppendTCP(nil, &srv, &sip, &wire.TCP{SrcPort: 102, DstPort: 49500, Seq: sseq - 1, Ack: cseq, Flags: wire.SYN | wire.ACK, Window: 8192}, nil), Time: t0},
	}
	for i, s := range segs {
		ts := t0.Add(time.Duration(i+1) * 10 * time.Millisecond)
		if s.fromClient {
			frames = append(frames, capturetest.Frame{Data: wire.AppendTCP(nil, &cli, &cip, &wire.TCP{SrcPort: 49500, DstPort: 102, Seq: cseq, Ack: sseq, Flags: wire.PSH | wire.ACK, Window: 8192}, s.data), Time: ts})
			cseq += uint32(len(s.data))
		} else {
			frames = append(frames, capturetest.Frame{Data: wire.AppendTCP(nil, &srv, &sip, &wire.TCP{SrcPort: 102, DstPort: 49500, Seq: sseq, Ack: cseq, Flags: wire.PSH | wire.ACK, Window: 8192}, s.data), Time: ts})
			sseq += uint32(len(s.data))
		}
	}
	path := capturetest.WriteTemp(t, "mms.pcap", capturetest.Pcap(t, layers.LinkTypeEthernet, frames...))

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
