package modbus_test

import (
	"bytes"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols/modbus"
)

// seedPDUs are the PDUs of the public capture, plus a few built ones.
var seedPDUs = [][]byte{pduReadCoilsReq, pduReadCoilsResp, pduReadHRResp, pduWriteCoil, pduDiagnostics, pduWriteMultReq,
	pduWriteMultResp, pduServerIDResp, pduMaskWrite, pduRWMultReq, pduFIFOReq, pduDevIDReq, pduDevIDResp, pduReadHRReq,
	pduException, devIDExtended, h("0001000000040a5a0034")}

func FuzzPDULen(f *testing.F) {
	for _, p := range seedPDUs {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := modbus.PDULen(b)
		if err != nil && n != 0 {
			t.Fatalf("error %v with length %d", err, n)
		}
		if err == nil && n != 0 && (n < 8 || n > 260) {
			t.Fatalf("length %d outside an MBAP PDU's range", n)
		}
		// A shorter prefix never contradicts a longer one.
		if err == nil && n > 0 && len(b) > 6 {
			if n2, err2 := modbus.PDULen(b[:6]); n2 != n || err2 != nil {
				t.Fatalf("prefix gives %d, %v; whole gives %d", n2, err2, n)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, p := range seedPDUs {
		f.Add(p, uint8(0))
	}
	f.Fuzz(func(t *testing.T, b []byte, dir uint8) {
		var m modbus.Message
		err := modbus.ParseDirected(b, modbus.Direction(dir%3), &m)
		_ = m.OpClass()
		if err != nil {
			return
		}
		if n, err := modbus.PDULen(b); err != nil || n != len(b) {
			t.Fatalf("Parse accepted a PDU that PDULen frames as %d, %v", n, err)
		}
		for _, s := range [][]byte{m.Data, m.Values, m.DeviceID.VendorName, m.DeviceID.ProductCode, m.DeviceID.MajorMinorRevision} {
			if len(s) > 0 && !bytes.Contains(b, s) {
				t.Fatal("a field does not alias the PDU")
			}
		}
	})
}
