package live

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"
)

var (
	macA = net.HardwareAddr{0x00, 0x0e, 0x8c, 0x00, 0x00, 0x01}
	macB = net.HardwareAddr{0x00, 0x1b, 0x1b, 0x00, 0x00, 0x02}
)

func serialize(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func eth(t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: t}
}

func ip4(src, dst string, p layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, TTL: 64, Protocol: p, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
}

func ip6(src, dst string, p layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: p, SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)}
}

// testFrames are frames of the kinds filters tell apart.
func testFrames(t *testing.T) map[string][]byte {
	withTCP := func(ip gopacket.NetworkLayer, sp, dp int) []byte {
		tcp := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: 1, SYN: true, Window: 1024}
		tcp.SetNetworkLayerForChecksum(ip)
		et := layers.EthernetTypeIPv4
		if _, ok := ip.(*layers.IPv6); ok {
			et = layers.EthernetTypeIPv6
		}
		return serialize(t, eth(et), ip.(gopacket.SerializableLayer), tcp)
	}
	withUDP := func(ip gopacket.NetworkLayer, sp, dp int) []byte {
		udp := &layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}
		udp.SetNetworkLayerForChecksum(ip)
		et := layers.EthernetTypeIPv4
		if _, ok := ip.(*layers.IPv6); ok {
			et = layers.EthernetTypeIPv6
		}
		return serialize(t, eth(et), ip.(gopacket.SerializableLayer), udp, gopacket.Payload("x"))
	}
	withOptions := ip4("10.0.0.1", "10.0.0.2", layers.IPProtocolTCP)
	withOptions.Options = []layers.IPv4Option{{OptionType: 1}, {OptionType: 1}, {OptionType: 1}, {OptionType: 0}}
	laterFragment := ip4("10.0.0.1", "10.0.0.2", layers.IPProtocolUDP)
	laterFragment.FragOffset = 100
	frag := serialize(t, eth(layers.EthernetTypeIPv4), laterFragment, gopacket.Payload([]byte{0, 22, 0, 22, 0, 9, 0, 0, 1}))
	return map[string][]byte{
		"tcp4 modbus":       withTCP(ip4("10.0.0.1", "10.0.0.2", layers.IPProtocolTCP), 40000, 502),
		"tcp4 ssh":          withTCP(ip4("10.0.1.5", "10.0.0.2", layers.IPProtocolTCP), 22, 51000),
		"tcp4 ssh options":  withTCP(withOptions, 51000, 22),
		"udp4 bacnet":       withUDP(ip4("192.168.1.9", "192.168.1.255", layers.IPProtocolUDP), 47808, 47808),
		"udp4 fragment":     frag,
		"tcp6 ssh":          withTCP(ip6("fe80::1", "fe80::2", layers.IPProtocolTCP), 51000, 22),
		"udp6 dns":          withUDP(ip6("2001:db8::1", "2001:db8::53", layers.IPProtocolUDP), 5353, 53),
		"icmp4":             serialize(t, eth(layers.EthernetTypeIPv4), ip4("10.0.0.1", "10.0.0.2", layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0)}),
		"arp who-has":       serialize(t, eth(layers.EthernetTypeARP), &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4, Operation: 1, SourceHwAddress: macA, SourceProtAddress: net.ParseIP("10.0.0.1").To4(), DstHwAddress: make([]byte, 6), DstProtAddress: net.ParseIP("10.0.0.7").To4()}),
		"profinet dcp":      append(serialize(t, eth(0x8892)), 0xfe, 0xfe, 0x05, 0x00, 0, 0, 0, 1, 0, 1, 0, 4, 0xff, 0xff, 0, 0),
		"tcp4 high port 22": withTCP(ip4("10.9.9.9", "10.0.0.2", layers.IPProtocolTCP), 1022, 1023),
	}
}

var testExprs = []string{
	"", "not port 22", "port 22", "tcp port 502", "udp port 47808", "tcp", "udp", "ip", "ip6", "arp", "icmp",
	"host 10.0.0.1", "src host 10.0.0.1", "dst host 10.0.0.1", "host 10.0.0.7", "ip host 10.0.0.7", "arp host 10.0.0.7",
	"net 10.0.0.0/16", "dst net 192.168.1.0/24", "net 10.0.0.0/8 and not port 22", "host fe80::2", "src net 2001:db8::/32",
	"portrange 1000-1023", "tcp dst portrange 500-510", "src port 22", "dst port 22",
	"ether host 00:0e:8c:00:00:01", "ether dst 00:1b:1b:00:00:02", "ether src host 00:1b:1b:00:00:02", "ether proto 0x8892",
	"ether proto 0x0806", "ether proto \\arp", "not (port 22 or port 53)", "!tcp && !udp", "tcp || arp", "udp and (port 53 or port 47808)",
	"not ip and not ip6", "net 0.0.0.0/0",
}

func run(t *testing.T, raw []bpf.RawInstruction, frame []byte) bool {
	t.Helper()
	if raw == nil {
		return true
	}
	ins, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatalf("program does not disassemble")
	}
	vm, err := bpf.NewVM(ins)
	if err != nil {
		t.Fatal(err)
	}
	n, err := vm.Run(frame)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// tcpdumpProgram compiles expr with tcpdump (for Ethernet), or skips when it is absent.
func tcpdumpProgram(t *testing.T, expr string) []bpf.RawInstruction {
	t.Helper()
	if expr == "" {
		return nil
	}
	path, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not installed; skipping comparison with libpcap's compiler")
	}
	out, err := exec.Command(path, "-y", "EN10MB", "-ddd", expr).Output()
	if err != nil {
		t.Fatalf("tcpdump -ddd %q: %v", expr, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Scan() // instruction count
	var raw []bpf.RawInstruction
	for sc.Scan() {
		var r bpf.RawInstruction
		if _, err := fmt.Sscan(sc.Text(), &r.Op, &r.Jt, &r.Jf, &r.K); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, r)
	}
	return raw
}

// TestFilterAgreesWithTcpdump runs our program and libpcap's (as tcpdump compiles it)
// on the same frames: every verdict must agree.
func TestFilterAgreesWithTcpdump(t *testing.T) {
	frames := testFrames(t)
	for _, expr := range testExprs {
		ours, err := CompileFilter(expr)
		if err != nil {
			t.Errorf("%q: %v", expr, err)
			continue
		}
		theirs := tcpdumpProgram(t, expr)
		for name, fr := range frames {
			if got, want := run(t, ours, fr), run(t, theirs, fr); got != want {
				t.Errorf("%q on %s: ours %v, libpcap %v", expr, name, got, want)
			}
		}
	}
}

// TestFilterVerdicts holds a few verdicts by hand, so the filter is checked where tcpdump
// is not installed too.
func TestFilterVerdicts(t *testing.T) {
	frames := testFrames(t)
	cases := []struct {
		expr   string
		accept []string
	}{
		{"not port 22", []string{"tcp4 modbus", "udp4 bacnet", "udp4 fragment", "udp6 dns", "icmp4", "arp who-has", "profinet dcp", "tcp4 high port 22"}},
		{"tcp port 502", []string{"tcp4 modbus"}},
		{"host 10.0.0.7", []string{"arp who-has"}},
		{"ether proto 0x8892", []string{"profinet dcp"}},
		{"portrange 1000-1023", []string{"tcp4 high port 22"}},
		{"src net 2001:db8::/32", []string{"udp6 dns"}},
	}
	for _, c := range cases {
		prog, err := CompileFilter(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		for name, fr := range frames {
			want := false
			for _, a := range c.accept {
				want = want || a == name
			}
			if got := run(t, prog, fr); got != want {
				t.Errorf("%q on %s: %v, want %v", c.expr, name, got, want)
			}
		}
	}
}

func TestFilterErrors(t *testing.T) {
	for _, expr := range []string{"port", "port ssh", "host", "host 300.1.1.1", "net 10.0.0.1/8", "garbage", "(port 22",
		"port 22)", "icmp port 7", "ether proto", "ether host 00:11", "portrange 10-5", "and", "src dst host 1.2.3.4", "vlan 5000x"} {
		if _, err := CompileFilter(expr); err == nil {
			t.Errorf("%q compiled", expr)
		} else if !strings.Contains(err.Error(), "filter") {
			t.Errorf("%q: error %q does not say it is the filter", expr, err)
		}
	}
}

func FuzzCompileFilter(f *testing.F) {
	for _, e := range testExprs {
		f.Add(e)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		raw, err := CompileFilter(expr)
		if err != nil {
			return
		}
		if raw != nil {
			if _, ok := bpf.Disassemble(raw); !ok {
				t.Fatalf("%q: program does not disassemble", expr)
			}
		}
	})
}
