package encode

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
	"github.com/zonewarden/zonewarden/internal/simulate/wire"
)

// capture collects frames for a tshark check.
type capture struct {
	frames [][]byte
	ts     int64
}

var (
	cliMAC = wire.MAC{0x00, 0x1d, 0x9c, 0x01, 0x02, 0x03}
	srvMAC = wire.MAC{0x00, 0x00, 0xbc, 0x3e, 0x1a, 0x10}
	cliIP  = [4]byte{10, 20, 2, 10}
	srvIP  = [4]byte{10, 20, 12, 10}
)

func (c *capture) add(f []byte) { c.frames = append(c.frames, f) }

// stream is one TCP connection of a test capture, with real sequence numbers so that
// tshark reassembles PDUs that span segments.
type stream struct {
	c            *capture
	sport, dport uint16
	seq          [2]uint32
}

func (c *capture) tcp(sport, dport uint16) *stream {
	s := &stream{c: c, sport: sport, dport: dport, seq: [2]uint32{1000, 5000}}
	s.seg(0, wire.SYN, nil)
	s.seg(1, wire.SYN|wire.ACK, nil)
	s.seg(0, wire.ACK, nil)
	return s
}

// seg adds a segment from side (0 client, 1 server).
func (s *stream) seg(side int, flags uint8, payload []byte) {
	e := wire.Eth{Dst: srvMAC, Src: cliMAC, VLAN: 20}
	ip := wire.IPv4{Src: cliIP, Dst: srvIP, TTL: 128}
	t := wire.TCP{SrcPort: s.sport, DstPort: s.dport, Seq: s.seq[side], Ack: s.seq[1-side], Flags: flags, Window: 8192}
	if side == 1 {
		e.Dst, e.Src = e.Src, e.Dst
		ip.Src, ip.Dst = ip.Dst, ip.Src
		t.SrcPort, t.DstPort = t.DstPort, t.SrcPort
	}
	if flags&wire.ACK == 0 {
		t.Ack = 0
	}
	s.c.add(wire.AppendTCP(nil, &e, &ip, &t, payload))
	s.seq[side] += uint32(len(payload))
	if flags&(wire.SYN|wire.FIN) != 0 {
		s.seq[side]++
	}
}

// send adds one message from side, cut into segments of at most 1460 bytes.
func (s *stream) send(side int, msg []byte) {
	for len(msg) > 1460 {
		s.seg(side, wire.ACK, msg[:1460])
		msg = msg[1460:]
	}
	s.seg(side, wire.PSH|wire.ACK, msg)
}

// udp adds a datagram; side 1 swaps the addresses.
func (c *capture) udp(side int, sport, dport uint16, payload []byte) {
	e := wire.Eth{Dst: srvMAC, Src: cliMAC, VLAN: 20}
	ip := wire.IPv4{Src: cliIP, Dst: srvIP, TTL: 64}
	if side == 1 {
		e.Dst, e.Src = e.Src, e.Dst
		ip.Src, ip.Dst = ip.Dst, ip.Src
	}
	c.add(wire.AppendUDP(nil, &e, &ip, sport, dport, payload))
}

// write saves the frames as a pcap file and returns its path.
func (c *capture) write(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.pcap")
	var buf bytes.Buffer
	w, err := pcapw.NewWriter(&buf, pcapw.Pcap, pcapw.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range c.frames {
		w.WritePacket(1_700_000_000_000_000_000+int64(i)*1_000_000, f)
	}
	w.Flush()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func haveTshark(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
}

func tshark(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("tshark", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// check runs tshark over the capture: it fails on any malformed packet and any expert
// warning or error (the encoders aim higher than the capture tests, which allow the
// warnings a port scan's resets cause), and returns the values of fields, one line per frame that has any, tab separated.
func (c *capture) check(t *testing.T, fields ...string) []string {
	t.Helper()
	haveTshark(t)
	path := c.write(t)
	bad := tshark(t, "-r", path, "-Y", `_ws.malformed || _ws.expert.severity >= "Warning"`, "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Protocol", "-e", "_ws.expert.message", "-e", "_ws.col.Info")
	if strings.TrimSpace(bad) != "" {
		t.Errorf("tshark reports malformed packets or errors:\n%s", bad)
		out := tshark(t, "-r", path, "-V", "-Y", `_ws.malformed || _ws.expert.severity >= "Warning"`)
		if len(out) > 6000 {
			out = out[len(out)-6000:]
		}
		t.Log(out)
	}
	if len(fields) == 0 {
		return nil
	}
	args := []string{"-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	var rows []string
	for _, l := range strings.Split(tshark(t, args...), "\n") {
		if strings.Trim(l, "\t") != "" {
			rows = append(rows, l)
		}
	}
	return rows
}

// has reports whether some row contains every one of want.
func has(rows []string, want ...string) bool {
	for _, r := range rows {
		ok := true
		for _, w := range want {
			if !strings.Contains(r, w) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func requireRow(t *testing.T, rows []string, want ...string) {
	t.Helper()
	if !has(rows, want...) {
		t.Errorf("no tshark row holds %q; rows:\n%s", want, strings.Join(rows, "\n"))
	}
}
