package prototest

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// EnvCaptures names the environment variable that holds the captures directory.
const EnvCaptures = "ZONEWARDEN_CAPTURES"

// Capture returns the path of a capture below $ZONEWARDEN_CAPTURES, skipping the test when
// the variable is unset.
func Capture(tb testing.TB, rel string) string {
	tb.Helper()
	dir := os.Getenv(EnvCaptures)
	if dir == "" {
		tb.Skipf("%s is unset; skipping test on public captures", EnvCaptures)
	}
	p := filepath.Join(dir, rel)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("capture %s: %v", p, err)
	}
	return p
}

// Transport tells which L4 protocol carried a payload.
type Transport uint8

const (
	// None: a frame with no TCP or UDP layer (L2 protocols such as PROFINET DCP).
	None Transport = iota
	TCP
	UDP
)

// Packet is one captured frame reduced to what the dissector tests need.
type Packet struct {
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

// ReadPackets reads every frame of a pcap or pcapng file.
func ReadPackets(tb testing.TB, path string) []Packet {
	tb.Helper()
	pkts, err := readPackets(path)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return pkts
}

type packetSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

func readPackets(path string) ([]Packet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("peek magic: %w", err)
	}
	var src packetSource
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		src, err = pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
	} else {
		src, err = pcapgo.NewReader(br)
	}
	if err != nil {
		return nil, err
	}
	var out []Packet
	for n := 1; ; n++ {
		data, _, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", n, err)
		}
		out = append(out, decode(n, src.LinkType(), data))
	}
}

func decode(n int, lt layers.LinkType, data []byte) Packet {
	p := Packet{Frame: n}
	pkt := gopacket.NewPacket(data, lt, gopacket.Default)
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

// Segment is the part of a reassembled stream that one frame carried.
type Segment struct {
	Frame int
	End   int // offset in Stream.Data just past this frame's bytes
}

// Stream is one direction of a TCP connection, its in-order payloads concatenated.
type Stream struct {
	Src, Dst netip.AddrPort
	Data     []byte
	Segments []Segment
	Gaps     int // segments that arrived past a hole and were appended anyway
}

// TCPStreams reassembles the TCP payloads of pkts per direction, in order of first
// appearance. Retransmitted bytes are dropped; a hole is counted and skipped over.
// Only connections with port on either side are kept (0 keeps all).
func TCPStreams(pkts []Packet, port uint16) []*Stream {
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
		st.Segments = append(st.Segments, Segment{Frame: p.Frame, End: len(st.Data)})
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

// HaveTshark reports whether tshark is on PATH.
func HaveTshark() bool {
	_, err := exec.LookPath("tshark")
	return err == nil
}

// Tshark runs tshark -r path -Y filter -T fields -e f1 -e f2 ... and returns one row per
// frame, one column per field (tshark joins repeated values with ','). It skips the test
// when tshark is absent. Extra arguments (such as -o or -d options) go before -r.
func Tshark(tb testing.TB, path, filter string, fields []string, extra ...string) [][]string {
	tb.Helper()
	if !HaveTshark() {
		tb.Skip("tshark not installed")
	}
	args := append([]string{}, extra...)
	args = append(args, "-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,")
	if filter != "" {
		args = append(args, "-Y", filter)
	}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	cmd := exec.Command("tshark", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if line == "" {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

// ZeekLog reads the data rows of a Zeek TSV log as maps from field name to value.
func ZeekLog(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read zeek log: %v", err)
	}
	var fields []string
	var rows []map[string]string
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "#fields\t") {
			fields = strings.Split(line, "\t")[1:]
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		vals := strings.Split(line, "\t")
		row := make(map[string]string, len(fields))
		for i, f := range fields {
			if i < len(vals) {
				row[f] = vals[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// TsharkVerbose runs tshark -r path -Y filter -V and returns its text output, split per
// frame number. It skips the test when tshark is absent.
func TsharkVerbose(tb testing.TB, path, filter string) map[int]string {
	tb.Helper()
	if !HaveTshark() {
		tb.Skip("tshark not installed")
	}
	cmd := exec.Command("tshark", "-r", path, "-Y", filter, "-V")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("tshark -V %s: %v\n%s", path, err, stderr.String())
	}
	frames := map[int]string{}
	cur := 0
	var sb strings.Builder
	flush := func() {
		if cur != 0 {
			frames[cur] = sb.String()
		}
		sb.Reset()
	}
	for _, line := range strings.Split(string(out), "\n") {
		var n int
		if _, err := fmt.Sscanf(line, "Frame %d:", &n); err == nil && strings.HasPrefix(line, "Frame ") {
			flush()
			cur = n
		}
		sb.WriteString(line)
		sb.WriteByte('\n')
	}
	flush()
	return frames
}

// MustHex decodes a hex string of packet bytes written in a test, failing the test on a
// typo.
func MustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
