package decode_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
)

// tpktLen frames RFC 1006 TPKT, the framing ISO-on-TCP protocols such as S7comm use:
// version 3, a reserved byte, and the PDU's total length in two bytes.
func tpktLen(b []byte) (int, error) {
	if len(b) >= 1 && b[0] != 3 {
		return 0, errors.New("not TPKT")
	}
	if len(b) < 4 {
		return 0, nil
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n < 7 {
		return 0, errors.New("TPKT shorter than its header and a COTP byte")
	}
	return n, nil
}

// tpkt builds a TPKT PDU of total length n whose body bytes are all fill.
func tpkt(n int, fill byte) []byte {
	b := bytes.Repeat([]byte{fill}, n)
	b[0], b[1] = 3, 0
	binary.BigEndian.PutUint16(b[2:4], uint16(n))
	return b
}

type collector struct{ pdus [][]byte }

func (c *collector) PDU(f *decode.Flow, dir decode.Dir, pdu []byte) {
	c.pdus = append(c.pdus, bytes.Clone(pdu))
}

// seg is one segment sent by the client in a test stream.
type seg struct {
	flags decode.TCPFlags
	seq   uint32 // relative to the stream's initial sequence number
	data  []byte
	cut   int // bytes the capture kept (0: all)
}

func runStream(t *testing.T, isn uint32, segs []seg, limit int) (*collector, decode.TableStats) {
	t.Helper()
	tab := decode.NewTable(decode.Config{MaxStreamBuffer: limit})
	var c collector
	for _, s := range segs {
		p := tcpPacket("10.0.0.9:50000", "10.0.0.1:102", s.flags|decode.ACK, isn+s.seq, s.data)
		if s.cut > 0 {
			p.Payload = p.Payload[:s.cut]
		}
		f, dir, _ := tab.Lookup(p, 1)
		f.Framer = tpktLen
		tab.Reassemble(f, dir, p, &c)
	}
	return &c, tab.Stats()
}

func TestReassemble(t *testing.T) {
	a, b, c := tpkt(10, 0xaa), tpkt(25, 0xbb), tpkt(7, 0xcc)
	ab := append(append([]byte{}, a...), b...)
	ba := append(append([]byte{}, b...), a...)
	big := tpkt(300, 0xdd)
	tests := []struct {
		name  string
		isn   uint32
		limit int
		segs  []seg
		want  [][]byte
		stats decode.TableStats
	}{
		{"one PDU per segment", 1000, 0, []seg{{decode.SYN, 0, nil, 0}, {0, 1, a, 0}, {0, 11, b, 0}},
			[][]byte{a, b}, decode.TableStats{PDUs: 2}},
		{"several PDUs in one segment", 1000, 0, []seg{{decode.SYN, 0, nil, 0}, {0, 1, append(append([]byte{}, ab...), c...), 0}},
			[][]byte{a, b, c}, decode.TableStats{PDUs: 3}},
		{"PDU split across segments, header too", 1000, 0, []seg{{decode.SYN, 0, nil, 0}, {0, 1, b[:2], 0}, {0, 3, b[2:9], 0},
			{0, 10, append(append([]byte{}, b[9:]...), a[:5]...), 0}, {0, 31, a[5:], 0}},
			[][]byte{b, a}, decode.TableStats{PDUs: 2}},
		{"retransmitted segment dropped", 1000, 0, []seg{{decode.SYN, 0, nil, 0}, {0, 1, a, 0}, {0, 1, a, 0}, {0, 11, b, 0}},
			[][]byte{a, b}, decode.TableStats{PDUs: 2, Retransmitted: 1}},
		{"overlapping retransmission adds new bytes only", 1000, 0, []seg{{decode.SYN, 0, nil, 0}, {0, 1, b[:12], 0}, {0, 1, ba, 0}},
			[][]byte{b, a}, decode.TableStats{PDUs: 2, Retransmitted: 1}},
		{"capture starts mid-session at a PDU", 5000, 0, []seg{{0, 0, a, 0}, {0, 10, b, 0}},
			[][]byte{a, b}, decode.TableStats{PDUs: 2, MidStream: 1}},
		{"capture starts inside a PDU", 5000, 0, []seg{{0, 0, b[10:], 0}, {0, 15, a, 0}},
			[][]byte{a}, decode.TableStats{PDUs: 1, MidStream: 1, FramingErrors: 1}},
		{"lost segment drops the partial PDU", 1000, 0, []seg{{decode.SYN, 0, nil, 0}, {0, 1, b[:10], 0}, {0, 26, a, 0}, {0, 36, c, 0}},
			[][]byte{a, c}, decode.TableStats{PDUs: 2, Gaps: 1}},
		{"snap length cut a segment", 1000, 0, []seg{{decode.SYN, 0, nil, 0}, {0, 1, b, 12}, {0, 26, a, 0}},
			[][]byte{a}, decode.TableStats{PDUs: 1, SnapCut: 1}},
		{"PDU larger than the buffer bound is skipped", 1000, 64, []seg{{decode.SYN, 0, nil, 0}, {0, 1, big[:100], 0},
			{0, 101, big[100:250], 0}, {0, 251, append(append([]byte{}, big[250:]...), a...), 0}},
			[][]byte{a}, decode.TableStats{PDUs: 1, Overflows: 1}},
		{"sequence numbers wrap", 0xfffffff0, 0, []seg{{decode.SYN, 0, nil, 0}, {0, 1, b[:20], 0}, {0, 21, append(append([]byte{}, b[20:]...), a...), 0}},
			[][]byte{b, a}, decode.TableStats{PDUs: 2}},
		{"RST carries no data", 1000, 0, []seg{{decode.SYN, 0, nil, 0}, {decode.RST, 1, a, 0}, {0, 1, a, 0}},
			[][]byte{a}, decode.TableStats{PDUs: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, st := runStream(t, tc.isn, tc.segs, tc.limit)
			if fmt.Sprintf("%x", c.pdus) != fmt.Sprintf("%x", tc.want) {
				t.Errorf("PDUs\n got  %x\n want %x", c.pdus, tc.want)
			}
			st.Created = 0
			if st != tc.stats {
				t.Errorf("stats %+v, want %+v", st, tc.stats)
			}
		})
	}
}

type nopSink struct{ n int }

func (s *nopSink) PDU(f *decode.Flow, dir decode.Dir, pdu []byte) { s.n += len(pdu) }

// TestStreamPathAllocatesNothing runs the steady-state per-packet path - flow lookup
// and reassembly of PDUs that straddle segments - and checks it allocates nothing.
func TestStreamPathAllocatesNothing(t *testing.T) {
	tab := decode.NewTable(decode.Config{})
	var sink nopSink
	pdu := tpkt(100, 0x11)
	stream := bytes.Repeat(pdu, 3)
	seq := uint32(1)
	p := tcpPacket("10.0.0.9:50000", "10.0.0.1:102", decode.ACK|decode.PSH, seq, nil)
	send := func(data []byte) {
		p.Seq, p.Payload, p.PayloadLen = seq, data, len(data)
		f, dir, _ := tab.Lookup(p, 1)
		f.Framer = tpktLen
		tab.Reassemble(f, dir, p, &sink)
		seq += uint32(len(data))
	}
	send(stream) // warm up: create the flow and grow the buffer
	send(stream[:150])
	send(stream[150:])
	allocs := testing.AllocsPerRun(1000, func() {
		send(stream[:150]) // one PDU and half of the next
		send(stream[150:]) // the rest of it and one more
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per round, want 0", allocs)
	}
}

// BenchmarkReassemble measures the stream path alone: a flow lookup and reassembly
// per segment, PDUs straddling segments.
func BenchmarkReassemble(b *testing.B) {
	tab := decode.NewTable(decode.Config{})
	var sink nopSink
	stream := bytes.Repeat(tpkt(100, 0x11), 3)
	p := tcpPacket("10.0.0.9:50000", "10.0.0.1:102", decode.ACK|decode.PSH, 1, nil)
	seq := uint32(1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		data := stream[:150]
		if i%2 == 1 {
			data = stream[150:]
		}
		p.Seq, p.Payload, p.PayloadLen = seq, data, len(data)
		f, dir, _ := tab.Lookup(p, 1)
		f.Framer = tpktLen
		tab.Reassemble(f, dir, p, &sink)
		seq += uint32(len(data))
	}
}
