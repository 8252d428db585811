package encode

import (
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/protocols/opcua"
)

func opcuaMessages() [][2][]byte {
	f := NewFiller(3)
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	h := UAHeader{Seq: 1, RequestID: 1, Handle: 1, Time: at}
	client := UAApplication{URI: "urn:ops-historian:aveva-pi", ProductURI: "urn:aveva:pi", Name: "AVEVA PI Server", Type: 1}
	server := UAApplication{URI: "urn:scada-1:aveva-system-platform", ProductURI: "urn:aveva:sp", Name: "AVEVA System Platform", Type: 0}
	url := "opc.tcp://10.20.2.10:4840"
	var out [][2][]byte
	out = append(out, [2][]byte{UAHello(nil, url), UAAcknowledge(nil)})
	req := UAOpenRequest(nil, &h)
	h.Channel, h.Token = 7, 1
	out = append(out, [2][]byte{req, UAOpenResponse(nil, &h)})
	h.Seq, h.RequestID, h.Handle = 2, 2, 2
	req = UACreateSessionRequest(nil, &h, &client, url, "historian", &f)
	h.AuthToken = 1001
	out = append(out, [2][]byte{req, UACreateSessionResponse(nil, &h, &server, url, 77, &f)})
	h.Seq, h.RequestID, h.Handle = 3, 3, 3
	out = append(out, [2][]byte{UAActivateSessionRequest(nil, &h), UAActivateSessionResponse(nil, &h, &f)})
	h.Seq, h.RequestID, h.Handle = 4, 4, 4
	out = append(out, [2][]byte{UAReadRequest(nil, &h, 2, []string{"Intake.Flow", "Filter1.Level"}), UAReadResponse(nil, &h, []float64{412.5, 2.75})})
	h.Seq, h.RequestID, h.Handle = 5, 5, 5
	out = append(out, [2][]byte{UACloseSessionRequest(nil, &h), UACloseSessionResponse(nil, &h)})
	h.Seq, h.RequestID, h.Handle = 6, 6, 6
	out = append(out, [2][]byte{UACloseChannel(nil, &h), nil})
	return out
}

func TestOPCUATshark(t *testing.T) {
	var c capture
	s := c.tcp(49700, 4840)
	for _, m := range opcuaMessages() {
		s.send(0, m[0])
		if m[1] != nil {
			s.send(1, m[1])
		}
	}
	rows := c.check(t, "opcua.transport.type", "opcua.servicenodeid.numeric", "opcua.ApplicationUri", "opcua.Double")
	requireRow(t, rows, "urn:scada-1:aveva-system-platform")
	requireRow(t, rows, "412.5")
	for _, r := range rows {
		t.Log(r)
	}
}

func TestOPCUADissector(t *testing.T) {
	var m opcua.Message
	for i, pair := range opcuaMessages() {
		for j, b := range pair {
			if b == nil {
				continue
			}
			if err := opcua.Parse(b, &m); err != nil {
				t.Errorf("message %d/%d: %v", i, j, err)
			}
			if n, err := opcua.PDULen(b); err != nil || n != len(b) {
				t.Errorf("message %d/%d: PDULen %d, %v; have %d bytes", i, j, n, err, len(b))
			}
		}
	}
}
