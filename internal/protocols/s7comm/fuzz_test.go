package s7comm

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

var fuzzSeeds = []string{hexCR, hexSetupJob, hexSZLReq, hexSZL0011, hexSZL001C, hexStartUpl, hexStartAck,
	hexWriteJob, hexWriteAck, hexReadJob, hexReadAck, hexPLCStop, hexPLCModu, hexPLCCold, hexPlusReq, hexPlusShort}

func FuzzParse(f *testing.F) {
	for _, h := range fuzzSeeds {
		f.Add(testutil.MustHex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := Parse(b, &m); err != nil {
			return
		}
		if int(m.Length) > len(b) || m.NumItems > MaxItems || m.SZL.NumRecords > MaxSZLRecords {
			t.Fatalf("inconsistent message: length %d of %d, items %d, records %d", m.Length, len(b), m.NumItems, m.SZL.NumRecords)
		}
		_ = m.OpClass()
		_ = m.IsRequest()
	})
}

func FuzzPDULen(f *testing.F) {
	for _, h := range fuzzSeeds {
		f.Add(testutil.MustHex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := PDULen(b)
		if err != nil {
			return
		}
		if n != 0 && n < minTPKTLen {
			t.Fatalf("PDULen = %d", n)
		}
		if n == 0 && len(b) >= tpktHeaderLen {
			t.Fatalf("PDULen = 0 with a whole header")
		}
	})
}
