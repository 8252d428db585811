package modbus_test

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/protocols/modbus"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/decodetest"
)

type benchDissector struct {
	m    modbus.Message
	pdus int
}

func (d *benchDissector) NewFlow(f *decode.Flow, p *decode.Packet) {
	if p.IsTCP() && (p.SrcPort == modbus.Port || p.DstPort == modbus.Port) {
		f.Framer = modbus.PDULen
	}
}

func (d *benchDissector) PDU(f *decode.Flow, dir decode.Dir, pdu []byte) {
	md := modbus.DirResponse
	if f.Key.DstPort(dir) == modbus.Port {
		md = modbus.DirRequest
	}
	if modbus.ParseDirected(pdu, md, &d.m) == nil {
		_ = d.m.OpClass()
		d.pdus++
	}
}

func (d *benchDissector) Datagram(*decode.Flow, decode.Dir, *decode.Packet) {}

// BenchmarkPipeline: decode, flows, streams and Modbus dissection of the public
// modbus_example.pcap; one op is one packet.
func BenchmarkPipeline(b *testing.B) {
	d := &benchDissector{}
	decodetest.BenchPipeline(b, testutil.Path(b, "modbus/modbus_example.pcap"), d)
	if b.N > 1000 && d.pdus == 0 {
		b.Fatal("no PDUs dissected")
	}
}
