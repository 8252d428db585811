package dhcp

import (
	"encoding/hex"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

type v6msg struct {
	name string
	b    []byte
}

// v6Messages returns the real dhclient/dnsmasq exchange and, built around its solicit, the
// relay-forward a relay agent on fd00:20::fe would send for it.
func v6Messages(tb testing.TB) []v6msg {
	raw, err := os.ReadFile("testdata/dhclient6-dnsmasq.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var out []v6msg
	for _, line := range strings.Split(string(raw), "\n") {
		name, h, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		out = append(out, v6msg{name, b})
	}
	if len(out) != 4 {
		tb.Fatalf("%d messages in testdata", len(out))
	}
	// RFC 8415 9: msg-type, hop-count, link-address, peer-address, options with the
	// Relay Message option (9) around the client's message.
	solicit := out[0].b
	relay := []byte{V6RelayForward, 0}
	relay = append(relay, net.ParseIP("fd00:20::fe")...)
	relay = append(relay, net.ParseIP("fe80::21b:1bff:fe8a:2201")...)
	relay = append(relay, 0, optV6RelayMsg, byte(len(solicit)>>8), byte(len(solicit)))
	relay = append(relay, solicit...)
	return append(out, v6msg{"relay-forward", relay})
}

func TestParseV6(t *testing.T) {
	msgs := v6Messages(t)
	var m MessageV6
	var buf [255]byte
	if err := ParseV6(msgs[0].b, &m); err != nil {
		t.Fatal(err)
	}
	hw, mac, ok := DUIDLinkLayer(m.ClientDUID)
	fqdn, err := m.FQDN(buf[:])
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != V6Solicit || !ok || hw != 1 || net.HardwareAddr(mac).String() != "00:1b:1b:8a:22:01" ||
		string(fqdn) != "rtu-07.plant.example" || !m.HasVendorClass || m.VendorEnterprise != 4329 ||
		string(m.VendorClass) != "SIMATIC RTU3030C V5.0" || hex.EncodeToString(m.OptionRequests) != "00170018" {
		t.Errorf("solicit %+v", m)
	}
	if err := ParseV6(msgs[3].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != V6Reply || m.NumAddrs != 1 || m.Addrs[0].String() != "fd00:20::1b4" || m.ServerDUID == nil {
		t.Errorf("reply %+v", m)
	}
	if err := ParseV6(msgs[4].b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Relays != 1 || m.Type != V6Solicit || m.LinkAddr.String() != "fd00:20::fe" || m.PeerAddr.String() != "fe80::21b:1bff:fe8a:2201" ||
		m.VendorEnterprise != 4329 {
		t.Errorf("relayed %+v", m)
	}
}

func TestParseV6Errors(t *testing.T) {
	solicit := v6Messages(t)[0].b
	deep := solicit
	for i := 0; i <= maxRelayDepth; i++ {
		env := append([]byte{V6RelayForward, 0}, make([]byte, 32)...)
		env = append(env, 0, optV6RelayMsg, byte(len(deep)>>8), byte(len(deep)))
		deep = append(env, deep...)
	}
	tests := []struct {
		name    string
		in      []byte
		wantErr error
	}{
		{"short", []byte{1, 0, 0}, errV6Short},
		{"option past end", append([]byte{1, 0, 0, 1, 0, 1, 0, 9}, 1, 2), errV6Option},
		{"elapsed 3 bytes", []byte{1, 0, 0, 1, 0, 8, 0, 3, 0, 0, 0}, errV6FixedLen},
		{"odd option request", []byte{1, 0, 0, 1, 0, 6, 0, 3, 0, 23, 0}, errV6FixedLen},
		{"vendor class cut", []byte{1, 0, 0, 1, 0, 16, 0, 7, 0, 0, 0x10, 0xe9, 0, 9, 'x'}, errV6FixedLen},
		{"ia_na short", []byte{1, 0, 0, 1, 0, 3, 0, 4, 0, 0, 0, 1}, errV6NestedAddr},
		{"relay short", append([]byte{V6RelayForward, 0}, make([]byte, 20)...), errV6Short},
		{"relay without message", append([]byte{V6RelayForward, 0}, make([]byte, 32)...), errV6Relay},
		{"relays too deep", deep, errV6Relay},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m MessageV6
			if err := ParseV6(tc.in, &m); err != tc.wantErr {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
		})
	}
	if _, _, ok := DUIDLinkLayer([]byte{0, 2, 0, 0, 0x10, 0xe9}); ok { // DUID-EN has no link-layer address
		t.Error("DUIDLinkLayer read a DUID-EN")
	}
}

// TestV6MatchesTshark writes the DHCPv6 messages into a capture and holds the decoded
// fields against tshark.
func TestV6MatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	msgs := v6Messages(t)
	var frames [][]byte
	for _, msg := range msgs {
		eth := &layers.Ethernet{SrcMAC: plcMAC, DstMAC: net.HardwareAddr{0x33, 0x33, 0, 1, 0, 2}, EthernetType: layers.EthernetTypeIPv6}
		ip := &layers.IPv6{Version: 6, HopLimit: 1, NextHeader: layers.IPProtocolUDP, SrcIP: net.ParseIP("fe80::21b:1bff:fe8a:2201"),
			DstIP: net.ParseIP("ff02::1:2")}
		udp := &layers.UDP{SrcPort: V6ClientPort, DstPort: V6ServerPort}
		if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, testutil.Serialize(t, eth, ip, udp, gopacket.Payload(msg.b)))
	}
	capPath := testutil.WriteFrames(t, "dhcpv6.pcap", frames...)
	fields := []string{"dhcpv6.msgtype", "dhcpv6.xid", "dhcpv6.duidllt.link_layer_addr", "dhcpv6.client_domain",
		"dhcpv6.vendorclass.enterprise", "dhcpv6.vendorclass.data", "dhcpv6.iaaddr.ip", "dhcpv6.requested_option_code",
		"dhcpv6.linkaddr", "dhcpv6.peeraddr"}
	rows := testutil.Tshark(t, capPath, "dhcpv6", fields)
	if len(rows) != len(msgs) {
		t.Fatalf("tshark decoded %d DHCPv6 messages of %d", len(rows), len(msgs))
	}
	for i, row := range rows {
		var m MessageV6
		if err := ParseV6(msgs[i].b, &m); err != nil {
			t.Fatal(err)
		}
		for len(row) < len(fields) {
			row = append(row, "")
		}
		var types, macs, addrs, oro []string
		for r := 0; r < m.Relays; r++ {
			types = append(types, strconv.Itoa(V6RelayForward))
		}
		types = append(types, strconv.Itoa(int(m.Type)))
		for _, duid := range [][]byte{m.ClientDUID, m.ServerDUID} {
			if len(duid) > 1 && duid[1] == 1 { // DUID-LLT
				if _, a, ok := DUIDLinkLayer(duid); ok {
					macs = append(macs, net.HardwareAddr(a).String())
				}
			}
		}
		for _, a := range m.Addrs[:m.NumAddrs] {
			addrs = append(addrs, a.String())
		}
		for j := 0; j+1 < len(m.OptionRequests); j += 2 {
			oro = append(oro, strconv.Itoa(int(be16(m.OptionRequests[j:]))))
		}
		var fqdn, ent, link, peer string
		if m.HasFQDN {
			var buf [255]byte
			n, err := m.FQDN(buf[:])
			if err != nil {
				t.Fatal(err)
			}
			fqdn = string(n)
			if len(m.FQDNRaw) > 0 && m.FQDNRaw[len(m.FQDNRaw)-1] == 0 {
				fqdn += "." // tshark shows the root label of a full name, none for a partial one
			}
		}
		if m.HasVendorClass {
			ent = strconv.Itoa(int(m.VendorEnterprise))
		}
		if m.Relays > 0 {
			link, peer = m.LinkAddr.String(), m.PeerAddr.String()
		}
		got := []string{strings.Join(types, ","), "0x" + strconv.FormatUint(uint64(m.TransactionID), 16), strings.Join(macs, ","), fqdn,
			ent, string(m.VendorClass), strings.Join(addrs, ","), strings.Join(oro, ","), link, peer}
		if strings.Join(got, "|") != strings.Join(row, "|") {
			t.Errorf("%s:\n  got %q\ntshark %q", msgs[i].name, got, row)
		}
	}
}

func TestParseV6Allocs(t *testing.T) {
	var m MessageV6
	for _, msg := range v6Messages(t) {
		if n := testing.AllocsPerRun(100, func() { _ = ParseV6(msg.b, &m) }); n != 0 {
			t.Errorf("%s: ParseV6 allocates %v times", msg.name, n)
		}
	}
}

func BenchmarkParseV6(bm *testing.B) {
	msgs := v6Messages(bm)
	var m MessageV6
	bm.ReportAllocs()
	for i := 0; bm.Loop(); i++ {
		if err := ParseV6(msgs[i%len(msgs)].b, &m); err != nil {
			bm.Fatal(err)
		}
	}
}

func FuzzParseV6(f *testing.F) {
	for _, msg := range v6Messages(f) {
		f.Add(msg.b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m MessageV6
		if err := ParseV6(b, &m); err != nil {
			return
		}
		if m.NumAddrs > MaxV6Addrs || m.Relays > maxRelayDepth {
			t.Fatalf("addrs %d relays %d", m.NumAddrs, m.Relays)
		}
		var buf [64]byte
		_, _ = m.FQDN(buf[:])
		_, _, _ = DUIDLinkLayer(m.ClientDUID)
	})
}
