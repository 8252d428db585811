package decode_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

func publicCaptures(t testing.TB) []string {
	dir := testutil.Dir(t)
	var files []string
	for _, pat := range []string{"*/*.pcap", "*/*.pcapng"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no captures under %s", dir)
	}
	return files
}

// first returns the first of tshark's comma-aggregated occurrences (ICMP errors and
// tunnels repeat the IP fields for the inner packet).
func first(s string) string {
	s, _, _ = strings.Cut(s, ",")
	return s
}

// TestDecodeMatchesTshark decodes every packet of every public capture and compares
// the link, VLAN, IP and transport fields with tshark's dissection.
func TestDecodeMatchesTshark(t *testing.T) {
	fields := []string{"eth.src", "vlan.id", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "ip.proto",
		"tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len",
		"udp.srcport", "udp.dstport", "udp.length", "ip.flags.mf", "ip.frag_offset", "arp.opcode"}
	for _, path := range publicCaptures(t) {
		rel, _ := filepath.Rel(testutil.Dir(t), path)
		t.Run(rel, func(t *testing.T) {
			want := testutil.Tshark(t, path, "", append([]string{"frame.number"}, fields...))
			pkts := testutil.Load(t, path)
			if len(pkts) != len(want) {
				t.Fatalf("%d packets, tshark %d", len(pkts), len(want))
			}
			var d decode.Decoder
			var p decode.Packet
			for i, pk := range pkts {
				if err := d.Decode(pk.Info.LinkType, pk.Data, &p); err != nil {
					t.Errorf("packet %d: %v", pk.Info.Number, err)
					continue
				}
				w := want[i]
				for j := range w {
					w[j] = first(w[j])
				}
				if w[12] != "" { // tshark shows 12 flag bits; the decoder keeps the classic 8
					var fl uint16
					fmt.Sscanf(w[12], "0x%x", &fl)
					w[12] = fmt.Sprintf("0x%02x", fl&0xff)
				}
				got := make([]string, len(w))
				got[0] = fmt.Sprint(pk.Info.Number)
				if p.Layers.Has(decode.LayerEthernet) {
					got[1] = fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", p.SrcMAC[0], p.SrcMAC[1], p.SrcMAC[2], p.SrcMAC[3], p.SrcMAC[4], p.SrcMAC[5])
				} else {
					got[1] = w[1]
				}
				if p.NumVLANs > 0 {
					got[2] = fmt.Sprint(p.VLANs[0])
				}
				switch {
				case p.Layers.Has(decode.LayerIPv4):
					got[3], got[5], got[7] = p.SrcIP.String(), p.DstIP.String(), fmt.Sprint(p.IPProto)
					got[17] = "False"
					if p.Fragment && p.FragmentOffset == 0 {
						got[17] = "True"
					}
					if w[17] == "1" || w[17] == "0" { // older tshark spells booleans as digits
						got[17] = map[string]string{"True": "1", "False": "0"}[got[17]]
					}
					got[18] = fmt.Sprint(p.FragmentOffset)
				case p.Layers.Has(decode.LayerIPv6):
					got[4], got[6] = p.SrcIP.String(), p.DstIP.String()
				}
				switch {
				case p.IsTCP():
					got[8], got[9] = fmt.Sprint(p.SrcPort), fmt.Sprint(p.DstPort)
					got[10], got[11] = fmt.Sprint(p.Seq), fmt.Sprint(p.Ack)
					got[12] = fmt.Sprintf("0x%02x", uint8(p.TCPFlags))
					got[13] = fmt.Sprint(p.PayloadLen)
				case p.IsUDP():
					got[14], got[15], got[16] = fmt.Sprint(p.SrcPort), fmt.Sprint(p.DstPort), fmt.Sprint(p.PayloadLen+8)
				}
				if p.Layers.Has(decode.LayerARP) {
					got[19] = fmt.Sprint(p.ARP.Operation)
				}
				if strings.Join(got, "|") != strings.Join(w, "|") {
					t.Errorf("packet %d:\n got    %q\n tshark %q", pk.Info.Number, got, w)
				}
			}
		})
	}
}

// BenchmarkDecodeCapture decodes the public EtherNet/IP capture, held in memory.
func BenchmarkDecodeCapture(b *testing.B) {
	pkts := testutil.Load(b, testutil.Path(b, "enip/enip_cip_example.pcap"))
	var d decode.Decoder
	var p decode.Packet
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pk := &pkts[i%len(pkts)]
		d.Decode(pk.Info.LinkType, pk.Data, &p)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
}
