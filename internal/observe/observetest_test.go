package observe_test

import (
	"encoding/binary"
	"path/filepath"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

func publicCapture(t testing.TB, rel string) string {
	return testutil.Path(t, rel)
}

func allPublicCaptures(t testing.TB) []string {
	dir := testutil.Dir(t)
	var files []string
	for _, pat := range []string{"*/*.pcap", "*/*.pcapng"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		files = append(files, m...)
	}
	return files
}

// replay holds packets for benchmarks that replay a capture many times as one long
// capture: each pass moves TCP sequence numbers on, so its segments are new data rather
// than retransmissions, and packet times advance 10 µs a packet.
type replay struct {
	pkts   []testutil.Packet
	seqOff []int // offset of the TCP sequence number in the packet, -1 for others
}

func newReplay(tb testing.TB, paths ...string) *replay {
	var pkts []testutil.Packet
	for _, path := range paths {
		pkts = append(pkts, testutil.Load(tb, path)...)
	}
	return newReplayOf(tb, pkts)
}

// newReplayOf makes a replay of packets already in memory.
func newReplayOf(tb testing.TB, pkts []testutil.Packet) *replay {
	r := &replay{}
	var d decode.Decoder
	var p decode.Packet
	for _, pk := range pkts {
		off := -1
		if d.Decode(pk.Info.LinkType, pk.Data, &p) == nil && p.IsTCP() {
			off = tcpSeqOffset(pk.Data, &p)
		}
		r.pkts = append(r.pkts, pk)
		r.seqOff = append(r.seqOff, off)
	}
	if len(r.pkts) == 0 {
		tb.Fatal("no packets")
	}
	return r
}

// tcpSeqOffset finds the TCP header of p in data: its ports, sequence and
// acknowledgement numbers in a row.
func tcpSeqOffset(data []byte, p *decode.Packet) int {
	for i := 4; i+8 <= len(data); i++ {
		if binary.BigEndian.Uint16(data[i-4:]) == p.SrcPort && binary.BigEndian.Uint16(data[i-2:]) == p.DstPort &&
			binary.BigEndian.Uint32(data[i:]) == p.Seq && binary.BigEndian.Uint32(data[i+4:]) == p.Ack {
			return i
		}
	}
	return -1
}

// packet returns the i-th packet of the endless replay, patched for its pass.
func (r *replay) packet(i int, buf []byte) ([]byte, capture.CaptureInfo) {
	n := len(r.pkts)
	pk := &r.pkts[i%n]
	ci := pk.Info
	ci.Number = uint64(i + 1)
	ci.Timestamp = time.Unix(0, 1_700_000_000_000_000_000+int64(i)*10_000)
	off := r.seqOff[i%n]
	if off < 0 {
		return pk.Data, ci
	}
	buf = append(buf[:0], pk.Data...)
	pass := uint32(i/n) << 20
	binary.BigEndian.PutUint32(buf[off:], binary.BigEndian.Uint32(buf[off:])+pass)
	binary.BigEndian.PutUint32(buf[off+4:], binary.BigEndian.Uint32(buf[off+4:])+pass)
	return buf, ci
}
