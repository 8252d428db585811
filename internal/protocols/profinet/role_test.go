package profinet

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
)

// TestPDURole: the context manager's datagrams (testdata/rpc.txt, from the public
// PROFINET captures, which TestCaptureRPCMatchesTshark holds to tshark's dcerpc.pkt_type)
// and the DCP frames (testdata/dcp.txt, held to tshark's pn_dcp.service_type by
// TestDCPMatchesTshark) tell the client's PDUs from the server's; Hello, an
// announcement, and a cyclic frame tell nothing.
func TestPDURole(t *testing.T) {
	dgrams, _ := readHex(t, "rpc.txt")
	frames, _ := readHex(t, "dcp.txt")
	tests := []struct {
		name string
		pdu  []byte
		want observe.PDURole
	}{
		{"connect_request", dgrams["connect_request"], observe.PDURequest},
		{"connect_response", dgrams["connect_response"], observe.PDUResponse},
		{"read_implicit_le", dgrams["read_implicit_le"], observe.PDURequest},
		{"read_implicit_le_response", dgrams["read_implicit_le_response"], observe.PDUResponse},
		{"release_request", dgrams["release_request"], observe.PDURequest},
		{"identify_request", dcpPayload(t, frames["identify_request"]), observe.PDURequest},
		{"identify_response", dcpPayload(t, frames["identify_response"]), observe.PDUResponse},
		{"set_name_request", dcpPayload(t, frames["set_name_request"]), observe.PDURequest},
		{"set_response", dcpPayload(t, frames["set_response"]), observe.PDUResponse},
		{"get_request", dcpPayload(t, frames["get_request"]), observe.PDURequest},
		{"hello", dcpPayload(t, frames["hello"]), observe.PDUUnknown},
		{"cyclic frame 0x8001", append([]byte{0x80, 0x01}, make([]byte, 44)...), observe.PDUUnknown},
		{"short", []byte{0xfe}, observe.PDUUnknown},
	}
	for _, tc := range tests {
		if len(tc.pdu) == 0 {
			t.Fatalf("%s: no such test frame", tc.name)
		}
		if got := pduRole(tc.pdu); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { pduRole(dgrams["connect_request"]) }); n != 0 {
		t.Errorf("pduRole allocates %v times", n)
	}
}
