package s7comm

import "testing"

// TestRDPIsNotS7 keeps an RDP connection request (TPKT + COTP CR with a cookie, no TSAP)
// from being taken for S7comm, which opens the same way but names its TSAPs.
func TestRDPIsNotS7(t *testing.T) {
	rdp := []byte("\x03\x00\x00\x2b\x26\xe0\x00\x00\x00\x00\x00Cookie: mstshash=operator\r\n\x01\x00\x08\x00\x03\x00\x00\x00")
	rdp[3] = byte(len(rdp))
	rdp[4] = byte(len(rdp) - 5)
	if detectTPKT(rdp) {
		t.Error("RDP connection request taken for S7comm")
	}
	s7 := []byte{0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00, 0xc1, 0x02, 0x01, 0x00, 0xc2, 0x02, 0x01, 0x02, 0xc0, 0x01, 0x0a}
	if !detectTPKT(s7) {
		t.Error("S7 COTP connection request not recognised")
	}
}
