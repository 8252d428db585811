package opcua

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// TestCaptureMatchesTshark compares every chunk of the four public OPC UA captures with
// tshark: message and chunk type, service type id, Hello endpoint URL, security policy,
// security mode and the first application URI.
func TestCaptureMatchesTshark(t *testing.T) {
	for _, name := range []string{"open62541_client-server-getEndpoints", "open62541_client-server_encrypted",
		"open62541_client-server_minimal", "python_opcua-client-server_minimal"} {
		t.Run(name, func(t *testing.T) {
			capPath := testutil.Path(t, "opcua/"+name+".pcap")
			fields := []string{"frame.number", "opcua.transport.type", "opcua.transport.chunk", "opcua.servicenodeid.numeric",
				"opcua.transport.endpoint", "opcua.security.spu", "opcua.MessageSecurityMode", "opcua.ApplicationUri"}
			want := map[int][]string{}
			for _, r := range testutil.Tshark(t, capPath, "opcua", fields) {
				n, _ := strconv.Atoi(r[0])
				want[n] = r[1:]
			}
			got := map[int][]*Message{}
			services := map[Service]int{}
			for _, st := range testutil.TCPStreams(testutil.Payloads(t, capPath), 4840) {
				pdus, _ := testutil.Split(t, st, PDULen)
				for _, p := range pdus {
					m := new(Message)
					if err := Parse(p.Bytes, m); err != nil {
						t.Errorf("frame %d: %v", p.Frame, err)
						continue
					}
					got[p.Frame] = append(got[p.Frame], m)
					if m.HasService && !m.Response {
						services[m.Service]++
					}
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d frames with chunks, tshark %d", len(got), len(want))
			}
			for f, w := range want {
				ms := got[f]
				var types, chunks, ids []string
				for _, m := range ms {
					types = append(types, m.Type.String())
					chunks = append(chunks, string(m.Chunk))
					if m.HasService {
						ids = append(ids, strconv.Itoa(int(m.ServiceID)))
					}
				}
				check := func(what, g, tw string) {
					if g != tw {
						t.Errorf("frame %d %s: got %q, tshark %q", f, what, g, tw)
					}
				}
				check("type", strings.Join(types, ","), w[0])
				check("chunk", strings.Join(chunks, ","), w[1])
				check("service id", strings.Join(ids, ","), w[2])
				if len(ms) != 1 {
					continue
				}
				m := ms[0]
				if m.Type == TypeHello {
					check("endpoint", string(m.EndpointURL), w[3])
				}
				if m.Type == TypeOpenSecureChannel {
					check("security policy", string(m.SecurityPolicyURI), w[4])
				}
				if m.Type == TypeOpenSecureChannel && m.HasSecurityMode {
					check("security mode", fmt.Sprintf("0x%08x", m.SecurityMode), w[5])
				}
				if m.HasApplication {
					first, _, _ := strings.Cut(w[6], ",")
					check("application uri", string(m.Application.URI), first)
				}
			}
			t.Logf("requests: %v", services)
		})
	}
}
