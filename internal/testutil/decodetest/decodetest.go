package decodetest

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// PDU is one PDU cut from a TCP stream, or one UDP datagram's payload.
type PDU struct {
	Frame    uint64 // number of the packet that completed it
	UDP      bool
	Src, Dst netip.AddrPort
	FromOrig bool // sent by the side that opened the conversation
	Data     []byte
}

// Result is what a run collected.
type Result struct {
	PDUs    []PDU
	Decode  decode.Stats
	Streams decode.TableStats
}

type sink struct {
	frame uint64
	pdus  *[]PDU
}

func (s *sink) PDU(f *decode.Flow, dir decode.Dir, pdu []byte) {
	*s.pdus = append(*s.pdus, PDU{Frame: s.frame, Src: f.Key.Src(dir), Dst: f.Key.Dst(dir), FromOrig: f.FromOrig(dir),
		Data: bytes.Clone(pdu)})
}

// Run reads the capture files in order; TCP flows with a port in framers are cut into
// PDUs with that framing function, and UDP datagrams with a port in udpPorts are
// collected whole.
func Run(tb testing.TB, files []string, framers map[uint16]decode.PDULenFunc, udpPorts ...uint16) Result {
	tb.Helper()
	var res Result
	var d decode.Decoder
	var p decode.Packet
	tab := decode.NewTable(decode.Config{})
	s := &sink{pdus: &res.PDUs}
	for _, file := range files {
		for _, pk := range testutil.Load(tb, file) {
			if d.Decode(pk.Info.LinkType, pk.Data, &p) != nil {
				continue
			}
			f, dir, created := tab.Lookup(&p, pk.Info.Timestamp.UnixNano())
			if f == nil {
				continue
			}
			if created {
				if fr, ok := framers[p.SrcPort]; ok {
					f.Framer = fr
				} else if fr, ok := framers[p.DstPort]; ok {
					f.Framer = fr
				}
			}
			s.frame = pk.Info.Number
			switch {
			case p.IsTCP():
				tab.Reassemble(f, dir, &p, s)
			case p.IsUDP():
				for _, port := range udpPorts {
					if p.SrcPort == port || p.DstPort == port {
						res.PDUs = append(res.PDUs, PDU{Frame: pk.Info.Number, UDP: true, Src: f.Key.Src(dir), Dst: f.Key.Dst(dir),
							FromOrig: f.FromOrig(dir), Data: bytes.Clone(p.Payload)})
						break
					}
				}
			}
		}
	}
	res.Decode, res.Streams = d.Stats, tab.Stats()
	return res
}
