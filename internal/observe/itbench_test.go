package observe_test

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// itPackets is IT traffic for the allocation test and the benchmark: the simulator's
// test plant (LLDP, CDP, DHCP, DNS, SSH, HTTP beside its OT protocols) and the IT
// dissectors' fixtures (a TLS 1.2 handshake with a certificate, an HTTP connection,
// SSH banners, SNMP, mDNS, NetBIOS, LLDP-MED and CDP from lldpd, DHCP and DHCPv6).
func itPackets(tb testing.TB) []testutil.Packet {
	tb.Helper()
	pkts := simulatedPlant(tb)
	start := pkts[len(pkts)-1].Info.Timestamp
	for i, fr := range itFrames(tb) {
		pkts = append(pkts, testutil.Packet{Data: fr, Info: capture.CaptureInfo{Number: uint64(len(pkts) + 1),
			Timestamp: start.Add(time.Duration(i+1) * time.Millisecond), CaptureLength: len(fr), Length: len(fr), LinkType: 1}})
	}
	return pkts
}

// simulatedPlant is five minutes of the simulator's test plant.
func simulatedPlant(tb testing.TB) []testutil.Packet {
	return testutil.Load(tb, simulatedPlantFile(tb))
}

// simulatedPlantFile writes five minutes of the simulator's test plant to a temporary
// capture and returns its path.
func simulatedPlantFile(tb testing.TB) string {
	m, err := model.Load(filepath.Join("..", "simulate", "testdata", "plant.yaml"), model.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "plant.pcapng")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	_, err = simulate.Run(context.Background(), m, simulate.Options{Seed: 5, Duration: 5 * time.Minute, Format: pcapw.PcapNG}, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

// itFrames are the frames of the IT dissectors' fixtures, each conversation from its start.
func itFrames(tb testing.TB) [][]byte {
	var frames [][]byte
	for _, c := range itConversations(tb) {
		frames = append(frames, c...)
	}
	return frames
}

// itConversations are the IT dissectors' fixtures as frames, one group a conversation
// (or a single datagram or announcement).
func itConversations(tb testing.TB) [][][]byte {
	client := netip.MustParseAddrPort("10.0.0.10:40000")
	cs, ss := observetest.SSHStreams(tb)
	snmpFx := observetest.Fixtures(tb, "../protocols/snmp/testdata/netsnmp.txt")
	dhcpFx := observetest.Fixtures(tb, "../protocols/dhcp/testdata/udhcpc-dnsmasq.txt")
	mgr, agent := netip.MustParseAddrPort("10.0.0.10:40003"), netip.MustParseAddrPort("10.0.0.40:161")
	return [][][]byte{
		observetest.Exchange(tb, client, netip.MustParseAddrPort("10.0.0.20:443"), observetest.TLSTranscript(tb, 0x0303)),
		observetest.Exchange(tb, netip.MustParseAddrPort("10.0.0.10:40001"), netip.MustParseAddrPort("10.0.0.20:80"), observetest.HTTPTranscript(tb)),
		observetest.Exchange(tb, netip.MustParseAddrPort("10.0.0.10:40002"), netip.MustParseAddrPort("10.0.0.20:22"), []observetest.Segment{{FromClient: false, Data: ss}, {FromClient: true, Data: cs}}),
		{observetest.UDPFrame(tb, mgr, agent, observetest.MACClient, observetest.MACServer, snmpFx["netsnmp-v2c-get"]),
			observetest.UDPFrame(tb, agent, mgr, observetest.MACServer, observetest.MACClient, snmpFx["netsnmp-v2c-response"])},
		{observetest.UDPFrame(tb, netip.MustParseAddrPort("0.0.0.0:68"), netip.MustParseAddrPort("255.255.255.255:67"), observetest.MACClient,
			observetest.MAC("ff:ff:ff:ff:ff:ff"), dhcpFx["udhcpc-dnsmasq-request"]),
			observetest.UDPFrame(tb, netip.MustParseAddrPort("10.20.0.1:67"), netip.MustParseAddrPort("10.20.0.141:68"), observetest.MACServer, observetest.MACClient,
				dhcpFx["udhcpc-dnsmasq-ack"])},
		{observetest.UDPFrame(tb, netip.MustParseAddrPort("10.77.0.5:5353"), netip.MustParseAddrPort("224.0.0.251:5353"), observetest.MAC("02:42:0a:4d:00:05"),
			observetest.MAC("01:00:5e:00:00:fb"), observetest.Unhex(tb, observetest.HexAvahiAnnouncement))},
		{observetest.EthFrame(observetest.MAC("01:80:c2:00:00:0e"), observetest.MAC("00:1b:1b:8a:22:10"), 0x88cc, observetest.Unhex(tb, observetest.HexLLDPd))},
		{observetest.EthFrame(observetest.MAC("01:80:c2:00:00:0e"), observetest.MAC("00:1b:54:c2:11:81"), 0x88cc, observetest.LLDPSwitch)},
		{observetest.LLCFrame(observetest.MAC("01:00:0c:cc:cc:cc"), observetest.MAC("00:1b:1b:8a:22:10"), observetest.Unhex(tb, observetest.HexLLDPdCDP))},
	}
}

// TestSteadyStateAllocatesNothingIT: the IT dissectors, like the OT ones, allocate
// nothing per packet once the flows are set up.
func TestSteadyStateAllocatesNothingIT(t *testing.T) {
	r := newReplayOf(t, itPackets(t))
	p := observe.NewPipeline(&observetest.NopSink{}, observe.Config{})
	p.Begin(0, "allocs")
	buf := make([]byte, 0, 1<<16)
	n := len(r.pkts)
	i := 0
	for ; i < 3*n; i++ {
		data, ci := r.packet(i, buf)
		p.Packet(data, &ci)
	}
	allocs := testing.AllocsPerRun(3, func() {
		for range n {
			data, ci := r.packet(i, buf)
			p.Packet(data, &ci)
			i++
		}
	})
	// Some protocols have only a few packets a pass: a single allocation per pass fails.
	if allocs >= 1 {
		t.Errorf("%.1f allocations per pass of %d packets", allocs, n)
	}
	p.End(capture.Stats{}, nil)
}

// TestFlowSetupAllocatesNothingIT: the first packets of a flow, where the IT dissectors
// read banners, hellos and certificates once per flow, allocate nothing either once the
// pools are warm. Each pass comes after the idle timeout, so its flows are new.
func TestFlowSetupAllocatesNothingIT(t *testing.T) {
	frames := itFrames(t)
	p := observe.NewPipeline(&observetest.NopSink{}, observe.Config{})
	p.Begin(0, "allocs")
	pass := 0
	run := func() {
		base := time.Unix(1_700_000_000, 0).Add(time.Duration(pass) * 10 * time.Minute)
		for i, fr := range frames {
			ci := capture.CaptureInfo{Number: uint64(pass*len(frames) + i + 1), Timestamp: base.Add(time.Duration(i) * time.Microsecond),
				CaptureLength: len(fr), Length: len(fr), LinkType: 1}
			p.Packet(fr, &ci)
		}
		pass++
	}
	for range 3 {
		run()
	}
	if allocs := testing.AllocsPerRun(5, run); allocs >= 1 {
		t.Errorf("%.1f allocations per pass of %d frames", allocs, len(frames))
	}
	p.End(capture.Stats{}, nil)
}

// BenchmarkPipelineIT is BenchmarkPipeline over the IT traffic of itPackets.
func BenchmarkPipelineIT(b *testing.B) {
	benchReplay(b, newReplayOf(b, itPackets(b)))
}
