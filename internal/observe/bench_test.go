package observe_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// BenchmarkPipeline measures the whole per-packet path - decode, flow table, TCP stream
// handling, dissection and observations to a sink that drops them - over public
// captures replayed as one long capture (see replay).
func BenchmarkPipeline(b *testing.B) {
	cases := map[string][]string{
		"modbus": {"modbus/modbus_example.pcap"},
		"enip":   {"enip/enip_cip_example.pcap"},
		"s7comm": {"s7comm/s7comm_plus.pcap", "s7comm/snap7.pcap"},
		"dnp3":   {"dnp3/dnp3_example.pcap"},
		"iec104": {"iec104/read.pcapng", "iec104/write.pcapng"},
		"bacnet": {"bacnet/bacnet_example.pcap"},
	}
	all := allPublicCaptures(b)
	for _, name := range []string{"all", "modbus", "enip", "s7comm", "dnp3", "iec104", "bacnet"} {
		b.Run(name, func(b *testing.B) {
			paths := all
			if name != "all" {
				paths = nil
				for _, rel := range cases[name] {
					paths = append(paths, publicCapture(b, rel))
				}
			}
			benchReplay(b, newReplay(b, paths...))
		})
	}
}

func benchReplay(b *testing.B, r *replay) {
	sink := &observetest.NopSink{}
	p := observe.NewPipeline(sink, observe.Config{})
	p.Begin(0, "bench")
	buf := make([]byte, 0, 1<<16)
	var bytes int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data, ci := r.packet(i, buf)
		bytes += int64(len(data))
		p.Packet(data, &ci)
	}
	b.StopTimer()
	p.End(capture.Stats{}, nil)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
	b.ReportMetric(float64(bytes)/b.Elapsed().Seconds()/1e6, "MB/s")
}

// TestSteadyStateAllocates nothing: after the flows of the public captures are set up,
// replaying their packets allocates nothing per packet.
func TestSteadyStateAllocatesNothing(t *testing.T) {
	r := newReplay(t, allPublicCaptures(t)...)
	p := observe.NewPipeline(&observetest.NopSink{}, observe.Config{})
	p.Begin(0, "allocs")
	buf := make([]byte, 0, 1<<16)
	n := len(r.pkts)
	i := 0
	for ; i < 3*n; i++ { // warm up: flows, pools, stream buffers, the table's map
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
	if perPacket := allocs / float64(n); perPacket > 0.001 {
		t.Errorf("%.1f allocations per pass of %d packets (%.4f per packet)", allocs, n, perPacket)
	}
	p.End(capture.Stats{}, nil)
	_ = strings.TrimSpace
	_ = filepath.Base
}
