package testutil

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Transport tells which L4 protocol carried a payload.
type Transport uint8

const (
	// None: a frame with no TCP or UDP layer (L2 protocols such as PROFINET DCP).
	None Transport = iota
	TCP
	UDP
)

// Payload is one captured frame reduced to what the dissectors' tests need: its Ethernet
// payload and its TCP or UDP payload, with their addresses.
type Payload struct {
	Frame     int // 1-based frame number, as tshark counts
	Transport Transport
	Src, Dst  netip.AddrPort
	TCPSeq    uint32
	SYN       bool
	EtherType layers.EthernetType // for frames with an Ethernet header
	EthSrc    []byte
	L2Payload []byte // the Ethernet payload (after any VLAN tags)
	Payload   []byte // the TCP or UDP payload
}

// Payloads loads a capture (see Load) and splits every frame with gopacket, not with
// internal/decode, so that the dissectors' tests do not depend on the decoder.
func Payloads(tb testing.TB, path string) []Payload {
	tb.Helper()
	pkts := Load(tb, path)
	out := make([]Payload, len(pkts))
	for i, p := range pkts {
		out[i] = split(int(p.Info.Number), p.Info.LinkType, p.Data)
	}
	return out
}

func split(n int, lt layers.LinkType, data []byte) Payload {
	p := Payload{Frame: n}
	pkt := gopacket.NewPacket(data, lt, gopacket.NoCopy) // Load copied the data
	if eth, ok := pkt.Layer(layers.LayerTypeEthernet).(*layers.Ethernet); ok {
		p.EthSrc = eth.SrcMAC
		p.EtherType = eth.EthernetType
		p.L2Payload = eth.Payload
		for _, l := range pkt.Layers() {
			if v, ok := l.(*layers.Dot1Q); ok {
				p.EtherType = v.Type
				p.L2Payload = v.Payload
			}
		}
	}
	var srcIP, dstIP netip.Addr
	if ip, ok := pkt.NetworkLayer().(*layers.IPv4); ok {
		srcIP, _ = netip.AddrFromSlice(ip.SrcIP.To4())
		dstIP, _ = netip.AddrFromSlice(ip.DstIP.To4())
	} else if ip, ok := pkt.NetworkLayer().(*layers.IPv6); ok {
		srcIP, _ = netip.AddrFromSlice(ip.SrcIP)
		dstIP, _ = netip.AddrFromSlice(ip.DstIP)
	}
	switch l := pkt.TransportLayer().(type) {
	case *layers.TCP:
		p.Transport = TCP
		p.Src = netip.AddrPortFrom(srcIP, uint16(l.SrcPort))
		p.Dst = netip.AddrPortFrom(dstIP, uint16(l.DstPort))
		p.TCPSeq, p.SYN, p.Payload = l.Seq, l.SYN, l.Payload
	case *layers.UDP:
		p.Transport = UDP
		p.Src = netip.AddrPortFrom(srcIP, uint16(l.SrcPort))
		p.Dst = netip.AddrPortFrom(dstIP, uint16(l.DstPort))
		p.Payload = l.Payload
	}
	return p
}

// StreamSegment is the part of a reassembled stream that one frame carried.
type StreamSegment struct {
	Frame int
	End   int // offset in Stream.Data just past this frame's bytes
}

// Stream is one direction of a TCP connection, its in-order payloads concatenated.
type Stream struct {
	Src, Dst netip.AddrPort
	Data     []byte
	Segments []StreamSegment
	Gaps     int // segments that arrived past a hole and were appended anyway
}

// TCPStreams reassembles the TCP payloads of pkts per direction, in order of first
// appearance. Retransmitted bytes are dropped; a hole is counted and skipped over.
// Only connections with port on either side are kept (0 keeps all).
func TCPStreams(pkts []Payload, port uint16) []*Stream {
	type key struct{ s, d netip.AddrPort }
	idx := map[key]*Stream{}
	next := map[key]uint32{}
	have := map[key]bool{}
	var out []*Stream
	for _, p := range pkts {
		if p.Transport != TCP || (port != 0 && p.Src.Port() != port && p.Dst.Port() != port) {
			continue
		}
		k := key{p.Src, p.Dst}
		st := idx[k]
		if st == nil {
			st = &Stream{Src: p.Src, Dst: p.Dst}
			idx[k] = st
			out = append(out, st)
		}
		if p.SYN {
			next[k], have[k] = p.TCPSeq+1, true
			continue
		}
		if len(p.Payload) == 0 {
			continue
		}
		if !have[k] {
			next[k], have[k] = p.TCPSeq, true
		}
		payload := p.Payload
		d := int32(p.TCPSeq - next[k])
		switch {
		case d < 0: // (partly) retransmitted
			if int(-d) >= len(payload) {
				continue
			}
			payload = payload[-d:]
		case d > 0:
			st.Gaps++
		}
		st.Data = append(st.Data, payload...)
		st.Segments = append(st.Segments, StreamSegment{Frame: p.Frame, End: len(st.Data)})
		next[k] = p.TCPSeq + uint32(len(p.Payload))
	}
	return out
}

// FrameAt returns the frame that carried the byte at offset off of the stream.
func (s *Stream) FrameAt(off int) int {
	for _, sg := range s.Segments {
		if off < sg.End {
			return sg.Frame
		}
	}
	return 0
}

// PDU is one PDU cut from a stream; Frame is the frame that carried its last byte, as
// tshark reports reassembled PDUs.
type PDU struct {
	Frame int
	Bytes []byte
}

// Split cuts a stream into PDUs with a dissector's PDULen. It fails the test when PDULen
// rejects the stream; a trailing incomplete PDU is returned in rest.
func Split(tb testing.TB, s *Stream, pduLen func([]byte) (int, error)) (pdus []PDU, rest []byte) {
	tb.Helper()
	b := s.Data
	off := 0
	for off < len(b) {
		n, err := pduLen(b[off:])
		if err != nil {
			tb.Fatalf("stream %v->%v offset %d (frame %d): %v", s.Src, s.Dst, off, s.FrameAt(off), err)
		}
		if n == 0 || off+n > len(b) {
			break
		}
		pdus = append(pdus, PDU{Frame: s.FrameAt(off + n - 1), Bytes: b[off : off+n]})
		off += n
	}
	return pdus, b[off:]
}

// MustHex decodes a hex string of packet bytes written in a test, failing the test on a
// typo.
func MustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
