package iec104

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// TestRoleAgreesWithTheHandshake: every APDU of the public IEC 104 captures that
// iec104Role places is placed on the side that tshark shows sent it (tcp.srcport 2404
// is the controlled station, the server, in every conversation of these captures,
// each opened by a SYN to port 2404), and it places APDUs in both directions.
func TestRoleAgreesWithTheHandshake(t *testing.T) {
	for _, rel := range []string{"iec104/iec104.pcap", "iec104/read.pcapng", "iec104/write.pcapng"} {
		t.Run(rel, func(t *testing.T) {
			path := testutil.Path(t, rel)
			for _, row := range testutil.Tshark(t, path, "tcp.flags.syn==1 && tcp.flags.ack==0", []string{"frame.number", "tcp.dstport"}) {
				if row[1] != "2404" {
					t.Fatalf("tshark: frame %s opens a connection to port %s", row[0], row[1])
				}
			}
			placed := map[observe.PDURole]int{}
			for _, s := range testutil.TCPStreams(testutil.Payloads(t, path), 2404) {
				fromServer := s.Src.Port() == 2404
				pdus, _ := testutil.Split(t, s, PDULen)
				for _, p := range pdus {
					r := iec104Role(p.Bytes)
					placed[r]++
					if r == observe.PDURequest && fromServer || r == observe.PDUResponse && !fromServer {
						t.Errorf("frame %d from %v: %v", p.Frame, s.Src, r)
					}
				}
			}
			if placed[observe.PDURequest] == 0 || placed[observe.PDUResponse] == 0 {
				t.Errorf("placed %v: the captures hold activations and their confirmations", placed)
			}
		})
	}
}
