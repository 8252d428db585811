package decodetest

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// Dissector is what a pipeline benchmark does with the traffic: choose a flow's
// framing when the flow is created, and handle PDUs and UDP datagrams.
type Dissector interface {
	decode.PDUSink
	// NewFlow sets f.Framer (and f.User) for a flow whose first packet is p.
	NewFlow(f *decode.Flow, p *decode.Packet)
	// Datagram handles the payload of a UDP packet.
	Datagram(f *decode.Flow, dir decode.Dir, p *decode.Packet)
}

// BenchPipeline measures the per-packet path - decode, flow lookup, TCP stream
// handling and the dissector - over a capture held in memory, replayed b.N packets
// long. Each replay shifts TCP sequence numbers so that its segments are new data
// rather than retransmissions, and packet times advance 10 µs per packet so that no
// flow idles out: the steady state of a long capture of the same traffic.
func BenchPipeline(b *testing.B, path string, d Dissector) {
	pkts := testutil.Load(b, path)
	var dec decode.Decoder
	var p decode.Packet
	tab := decode.NewTable(decode.Config{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pk := &pkts[i%len(pkts)]
		if dec.Decode(pk.Info.LinkType, pk.Data, &p) != nil {
			continue
		}
		p.Seq += uint32(i/len(pkts)) << 20
		f, dir, created := tab.Lookup(&p, int64(i)*10_000)
		if f == nil {
			continue
		}
		if created {
			d.NewFlow(f, &p)
		}
		switch {
		case p.IsTCP():
			tab.Reassemble(f, dir, &p, d)
		case p.IsUDP():
			d.Datagram(f, dir, &p)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
}
