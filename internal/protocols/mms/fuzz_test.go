package mms

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

func FuzzParse(f *testing.F) {
	for _, tpdu := range [][]byte{
		encode.MMSConnectRequest(nil), encode.MMSConnectResponse(nil),
		encode.MMSIdentifyRequest(nil, 1), encode.MMSIdentifyResponse(nil, 1, "ABB", "REF615", "5.0"),
		encode.MMSGetDomainsRequest(nil, 2), encode.MMSGetNameListResponse(nil, 2, []string{"IED1PROT"}),
		encode.MMSReadRequest(nil, 3, "IED1MEAS", []string{"MMXU1$MX$Hz$mag$f"}), encode.MMSReadResponse(nil, 3, []float32{50}),
	} {
		f.Add(tpdu[7:])
	}
	f.Add(dataTPDU("a00a020102bf4c0419026162"))
	f.Add(dataTPDU("8b00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		err := Parse(b, &m)
		if len(m.Vendor)+len(m.Model)+len(m.Revision) > len(b) {
			t.Fatalf("identity fields longer than the input: %+v", m)
		}
		if err == nil && m.HasPDU {
			_ = m.PDU.String()
			_ = ServiceName(m.Service)
			_ = ServiceClass(m.Service)
		}
	})
}
