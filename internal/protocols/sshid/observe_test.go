package sshid

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

func TestSSH(t *testing.T) {
	cs, ss := observetest.SSHStreams(t)
	cut := func(b []byte) ([]byte, []byte) {
		i := bytes.IndexByte(b, '\n') + 1
		return b[:i], b[i:]
	}
	cBanner, cRest := cut(cs)
	sBanner, sRest := cut(ss)
	client := netip.MustParseAddrPort("10.0.0.10:40000")
	// The server greets with a line before its banner, as some devices do.
	segs := []observetest.Segment{{FromClient: false, Data: append([]byte("Authorized use only\r\n"), sBanner...)}, {FromClient: true, Data: cBanner}, {FromClient: true, Data: cRest}, {FromClient: false, Data: sRest},
		{FromClient: false, Data: []byte("SSH-2.0-not-a-banner-any-more\r\n")}}
	for _, server := range []string{"10.0.0.20:22", "10.0.0.20:2022"} {
		r := observetest.RunFrames(t, observetest.Exchange(t, client, netip.MustParseAddrPort(server), segs)...)
		observetest.WantFacts(t, r, []string{
			"10.0.0.20 ssh_banner=SSH-2.0-dropbear_2022.83 (high, ssh)",
			"10.0.0.10 ssh_banner=" + strings.TrimSpace(string(cBanner)) + " (high, ssh)",
		}, "10.0.0.20 ssh_banner=SSH-2.0-not", "10.0.0.20 ssh_banner=Authorized")
		if f := observetest.FlowOf(t, r, App); f.Anomalies != [observe.NumFlowAnomalies]uint32{} {
			t.Errorf("%s: anomalies %v", server, f.Anomalies)
		}
	}
	// A capture that starts after the banners learns nothing and complains of nothing.
	r := observetest.RunFrames(t, observetest.TCPFrame(t, client, netip.MustParseAddrPort("10.0.0.20:22"), observetest.MACClient, observetest.MACServer, 7, false, true, cRest))
	if f := observetest.FlowOf(t, r, App); len(r.IDs) != 0 || f.Anomalies != [observe.NumFlowAnomalies]uint32{} {
		t.Errorf("mid-stream: facts %v, anomalies %v", observetest.FactList(r), f.Anomalies)
	}
}
