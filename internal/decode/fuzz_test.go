package decode_test

import (
	"bytes"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/decode"
)

// FuzzDecode decodes arbitrary bytes as every supported link type: no panic, and
// what it reports stays inside the input.
func FuzzDecode(f *testing.F) {
	for _, fr := range [][]byte{frameModbus, frameVLAN, frameARP, frameSTP, frameIO, frameNull, frameNull6, frameSLL,
		frameModbus[:50], frameModbus[14:]} {
		f.Add(fr)
	}
	linkTypes := []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
		layers.LinkTypeNull, layers.LinkTypeLoop, layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d decode.Decoder
		var p decode.Packet
		for _, lt := range linkTypes {
			err := d.Decode(lt, b, &p)
			if err != nil {
				continue
			}
			if len(p.Payload) > len(b) || (len(p.Payload) > 0 && !bytes.Contains(b, p.Payload)) {
				t.Fatalf("%v: payload is not part of the input", lt)
			}
			if p.Layers&(decode.LayerTCP|decode.LayerUDP) != 0 && len(p.Payload) > p.PayloadLen {
				t.Fatalf("%v: %d payload bytes but %d announced", lt, len(p.Payload), p.PayloadLen)
			}
			if p.Truncated != (p.PayloadLen > len(p.Payload)) && p.Layers&(decode.LayerTCP|decode.LayerUDP) != 0 {
				t.Fatalf("%v: truncated=%v with %d of %d payload bytes", lt, p.Truncated, len(p.Payload), p.PayloadLen)
			}
		}
	})
}

// FuzzReassembly builds a stream of valid TPKT PDUs from the input, cuts it into
// segments of input-chosen sizes, repeats some segments (retransmissions), and checks
// that exactly the PDUs come out, in order. The raw input is also fed as a stream of
// its own to a small buffer bound: no panic, and the bound holds.
func FuzzReassembly(f *testing.F) {
	f.Add([]byte{10, 200, 3, 7, 0, 255}, []byte{3, 1, 200, 0x85, 17})
	f.Add(bytes.Repeat([]byte{1}, 40), []byte{0x80, 0x81, 5})
	f.Add(tpkt(30, 3), []byte{4, 4, 4, 4})
	f.Fuzz(func(t *testing.T, sizes, cuts []byte) {
		var want [][]byte
		var stream []byte
		for i, s := range sizes {
			p := tpkt(7+int(s), byte(i))
			want = append(want, p)
			stream = append(stream, p...)
		}
		var c collector
		tab := decode.NewTable(decode.Config{MaxFlows: 2})
		pk := tcpPacket("10.0.0.9:50000", "10.0.0.1:102", decode.SYN, 41, nil)
		f0, dir, _ := tab.Lookup(pk, 1)
		f0.Framer = tpktLen
		tab.Reassemble(f0, dir, pk, &c)
		pk.TCPFlags = decode.ACK | decode.PSH
		off, prev := 0, 0
		for i := 0; off < len(stream); i++ {
			n := 1 + 97
			if len(cuts) > 0 {
				n = 1 + int(cuts[i%len(cuts)]&0x7f)
			}
			from := off
			if len(cuts) > 0 && cuts[i%len(cuts)]&0x80 != 0 && prev < off {
				from = prev // resend from the previous segment's start
			}
			to := min(off+n, len(stream))
			pk.Seq, pk.Payload, pk.PayloadLen = 42+uint32(from), stream[from:to], to-from
			tab.Reassemble(f0, dir, pk, &c)
			prev, off = off, to
		}
		if len(c.pdus) != len(want) {
			t.Fatalf("%d PDUs out, %d in", len(c.pdus), len(want))
		}
		for i := range want {
			if !bytes.Equal(c.pdus[i], want[i]) {
				t.Fatalf("PDU %d differs", i)
			}
		}

		// The raw input as a stream of arbitrary bytes, with a 64-byte bound.
		tab = decode.NewTable(decode.Config{MaxFlows: 2, MaxStreamBuffer: 64})
		var c2 collector
		pk.Seq, pk.TCPFlags = 1, decode.ACK
		f1, dir1, _ := tab.Lookup(pk, 1)
		f1.Framer = tpktLen
		for _, part := range [][]byte{sizes, cuts, sizes} {
			pk.Payload, pk.PayloadLen = part, len(part)
			tab.Reassemble(f1, dir1, pk, &c2)
			pk.Seq += uint32(len(part))
		}
		for _, p := range c2.pdus {
			if n, err := tpktLen(p); err != nil || n != len(p) {
				t.Fatalf("delivered a PDU that does not frame: %x", p)
			}
		}
	})
}
