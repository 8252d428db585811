// Command mkcorpus writes a large benchmark capture by replaying small ones many times,
// until the output reaches a size, as a long capture of the same plant: packets are
// spaced evenly (-rate per second of capture time, so conversations stay alive from one
// pass to the next), and each pass continues every TCP stream where the previous pass
// left it (sequence and acknowledgement numbers move on by what the stream carried), so
// its segments are new data, not retransmissions or gaps. With -addresses N the IPv4
// addresses are renumbered into N sets in turn (another /16 per set), for a plant with
// N times the devices. It stands in for the simulator's corpus until that lands.
//
// Usage:
//
//	go run ./scripts/mkcorpus -size 1G -o /tmp/corpus.pcap $ZONEWARDEN_CAPTURES/*/*.pcap*
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/decode"
)

type packet struct {
	data   []byte
	seqOff int // offset of the TCP sequence number, -1 if none
	ip4Off int // offset of the IPv4 header, -1 if none
	dir    int // index of the packet's TCP stream direction in streams
	rev    int // index of the reverse direction
}

// stream is one direction of a TCP connection: how far its sequence numbers move in one
// pass.
type stream struct {
	first, end uint32
	seen       bool
}

func main() {
	size := flag.String("size", "1G", "stop after writing this many bytes (K, M, G suffixes)")
	out := flag.String("o", "corpus.pcap", "output pcap file")
	rate := flag.Int("rate", 10000, "packets per second of capture time")
	addresses := flag.Int("addresses", 1, "number of address sets the passes cycle through")
	flag.Parse()
	limit, err := parseSize(*size)
	if err == nil {
		err = run(flag.Args(), *out, limit, *rate, max(*addresses, 1))
	}
	if err != nil {
		slog.Error("mkcorpus failed", "err", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

// load reads the Ethernet packets of the inputs (other link types are left out: the
// output is one pcap of one link type).
func load(paths []string) ([]packet, []stream, error) {
	var pkts []packet
	var streams []stream
	index := map[string]int{}
	dirOf := func(key string) int {
		i, ok := index[key]
		if !ok {
			i = len(streams)
			index[key] = i
			streams = append(streams, stream{})
		}
		return i
	}
	var dec decode.Decoder
	var p decode.Packet
	for _, path := range paths {
		f, err := capture.Open(path)
		if err != nil {
			slog.Warn("skipped", "file", path, "err", err)
			continue
		}
		for {
			data, ci, err := f.ReadPacket()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				slog.Warn("stopped early", "file", path, "err", err)
				break
			}
			if ci.LinkType != layers.LinkTypeEthernet {
				continue
			}
			pk := packet{data: append([]byte(nil), data...), seqOff: -1, ip4Off: -1}
			if dec.Decode(ci.LinkType, data, &p) == nil {
				if p.Layers&decode.LayerIPv4 != 0 {
					pk.ip4Off = ipv4Offset(data)
				}
				if p.IsTCP() {
					pk.seqOff = tcpSeqOffset(data, &p)
				}
			}
			if pk.seqOff >= 0 {
				src := fmt.Sprintf("%s %v:%d", path, p.SrcIP, p.SrcPort)
				dst := fmt.Sprintf("%s %v:%d", path, p.DstIP, p.DstPort)
				pk.dir, pk.rev = dirOf(src+">"+dst), dirOf(dst+">"+src)
				s := &streams[pk.dir]
				n := uint32(p.PayloadLen)
				if p.TCPFlags&(decode.SYN|decode.FIN) != 0 {
					n++
				}
				if !s.seen || int32(p.Seq-s.first) < 0 {
					if !s.seen {
						s.end = p.Seq
					}
					s.first, s.seen = p.Seq, true
				}
				if int32(p.Seq+n-s.end) > 0 {
					s.end = p.Seq + n
				}
			}
			pkts = append(pkts, pk)
		}
		f.Close()
	}
	return pkts, streams, nil
}

// ipv4Offset finds the IPv4 header after the Ethernet header and any VLAN tags.
func ipv4Offset(b []byte) int {
	off := 12
	for off+2 <= len(b) {
		switch binary.BigEndian.Uint16(b[off:]) {
		case 0x8100, 0x88a8, 0x9100:
			off += 4
		case 0x0800:
			return off + 2
		default:
			return -1
		}
	}
	return -1
}

func tcpSeqOffset(data []byte, p *decode.Packet) int {
	for i := 4; i+8 <= len(data); i++ {
		if binary.BigEndian.Uint16(data[i-4:]) == p.SrcPort && binary.BigEndian.Uint16(data[i-2:]) == p.DstPort &&
			binary.BigEndian.Uint32(data[i:]) == p.Seq && binary.BigEndian.Uint32(data[i+4:]) == p.Ack {
			return i
		}
	}
	return -1
}

func run(paths []string, out string, limit int64, rate, addresses int) error {
	if len(paths) == 0 {
		return errors.New("give the captures to replay")
	}
	pkts, streams, err := load(paths)
	if err != nil {
		return err
	}
	if len(pkts) == 0 {
		return errors.New("no Ethernet packets in the inputs")
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := pcapgo.NewWriterNanos(bw)
	if err := w.WriteFileHeader(262144, layers.LinkTypeEthernet); err != nil {
		return err
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	step := time.Second / time.Duration(max(rate, 1))
	var written int64 = 24
	var n, pass int
	buf := make([]byte, 0, 1<<16)
	for written < limit {
		set := pass % addresses
		for _, pk := range pkts {
			buf = append(buf[:0], pk.data...)
			if pk.seqOff >= 0 && pass > 0 {
				// Continue the stream: this pass starts where the last one ended.
				s, r := &streams[pk.dir], &streams[pk.rev]
				shift, back := uint32(pass)*(s.end-s.first), uint32(pass)*(r.end-r.first)
				binary.BigEndian.PutUint32(buf[pk.seqOff:], binary.BigEndian.Uint32(buf[pk.seqOff:])+shift)
				if back != 0 {
					binary.BigEndian.PutUint32(buf[pk.seqOff+4:], binary.BigEndian.Uint32(buf[pk.seqOff+4:])+back)
				}
			}
			if pk.ip4Off >= 0 && set > 0 {
				renumber(buf[pk.ip4Off:], set)
			}
			now = now.Add(step)
			ci := gopacket.CaptureInfo{Timestamp: now, CaptureLength: len(buf), Length: len(buf)}
			if err := w.WritePacket(ci, buf); err != nil {
				return err
			}
			written += int64(16 + len(buf))
			n++
		}
		pass++
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("%s: %d packets, %d passes of %d packets, %d bytes\n", out, n, pass, len(pkts), written)
	return nil
}

// renumber moves both IPv4 addresses of the header at ip to another /16 for each address
// set, keeping loopback and multicast addresses, and fixes the header checksum.
func renumber(ip []byte, pass int) {
	if len(ip) < 20 {
		return
	}
	for _, off := range []int{12, 16} {
		if ip[off] == 127 || ip[off] >= 224 {
			continue
		}
		ip[off+1] ^= byte(pass)
		ip[off] ^= byte(pass>>8) & 0x3f
	}
	ihl := int(ip[0]&0x0f) * 4
	if ihl < 20 || ihl > len(ip) {
		return
	}
	ip[10], ip[11] = 0, 0
	var sum uint32
	for i := 0; i < ihl; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
}
