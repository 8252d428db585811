package enip_test

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/enip"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/decodetest"
)

// benchDissector parses every EtherNet/IP PDU and datagram and pairs replies.
type benchDissector struct {
	m   enip.Message
	ops [8]int
}

func (d *benchDissector) NewFlow(f *decode.Flow, p *decode.Packet) {
	if p.IsTCP() && (p.SrcPort == enip.Port || p.DstPort == enip.Port) {
		f.Framer = enip.PDULen
		f.User = new(enip.Pairing)
	}
}

func (d *benchDissector) PDU(f *decode.Flow, dir decode.Dir, pdu []byte) {
	if enip.Parse(pdu, &d.m) == nil {
		f.User.(*enip.Pairing).Observe(&d.m)
		d.ops[d.m.OpClass()]++
	}
}

func (d *benchDissector) Datagram(f *decode.Flow, dir decode.Dir, p *decode.Packet) {
	var err error
	switch {
	case p.SrcPort == enip.PortIO || p.DstPort == enip.PortIO:
		err = enip.ParseIO(p.Payload, &d.m)
	case p.SrcPort == enip.Port || p.DstPort == enip.Port:
		err = enip.Parse(p.Payload, &d.m)
	default:
		return
	}
	if err == nil {
		d.ops[d.m.OpClass()]++
	}
}

// BenchmarkPipeline: decode, flows, streams and EtherNet/IP dissection of the public
// enip_cip_example.pcap (TCP explicit messaging, UDP class-1 I/O, ARP, STP, LLDP);
// one op is one packet.
func BenchmarkPipeline(b *testing.B) {
	d := &benchDissector{}
	decodetest.BenchPipeline(b, testutil.Path(b, "enip/enip_cip_example.pcap"), d)
	if b.N > 1000 && d.ops[protocols.OpRead] == 0 {
		b.Fatal("no reads dissected")
	}
}
