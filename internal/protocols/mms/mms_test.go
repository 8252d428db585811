package mms

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// cotpData strips TPKT (4 octets) and a COTP DT header (3) from an encoded TPDU.
func cotpData(t testing.TB, b []byte) []byte {
	t.Helper()
	if len(b) < 7 || b[0] != 3 || b[5] != 0xf0 {
		t.Fatalf("not TPKT + COTP DT: % x", b[:min(len(b), 8)])
	}
	return b[7:]
}

// The simulator's encodings, which tshark dissects without a complaint (simulate's
// tshark tests): an IEC 61850 client's association and first requests, and an IED's
// answers.
func TestParseAssociationAndServices(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tpdu  []byte
		check func(t *testing.T, m *Message)
	}{
		{"connect", encode.MMSConnectRequest(nil), func(t *testing.T, m *Message) {
			want(t, m.Session == SessionConnect && m.ACSE == AARQ && m.PDU == InitiateRequest && m.HasVersion && m.Version == 1, m)
		}},
		{"accept", encode.MMSConnectResponse(nil), func(t *testing.T, m *Message) {
			want(t, m.Session == SessionAccept && m.ACSE == AARE && m.AssociationResult == 0 && m.PDU == InitiateResponse && m.Version == 1, m)
		}},
		{"identify", encode.MMSIdentifyRequest(nil, 7), func(t *testing.T, m *Message) {
			want(t, m.Session == SessionData && m.ACSE == NoACSE && m.PDU == ConfirmedRequest && m.InvokeID == 7 && m.Service == ServiceIdentify, m)
		}},
		{"identified", encode.MMSIdentifyResponse(nil, 7, "ABB", "REF615", "5.0 FP1"), func(t *testing.T, m *Message) {
			want(t, m.PDU == ConfirmedResponse && m.InvokeID == 7 && m.Service == ServiceIdentify &&
				string(m.Vendor) == "ABB" && string(m.Model) == "REF615" && string(m.Revision) == "5.0 FP1", m)
		}},
		{"domains", encode.MMSGetDomainsRequest(nil, 300), func(t *testing.T, m *Message) {
			want(t, m.PDU == ConfirmedRequest && m.InvokeID == 300 && m.Service == ServiceGetNameList && m.ObjectClass == ObjectClassDomain, m)
		}},
		{"names", encode.MMSGetNameListResponse(nil, 300, []string{"IED1PROT", "IED1CTRL"}), func(t *testing.T, m *Message) {
			var names []string
			for l := m.NameList; ; {
				n, rest, ok := NextName(l)
				if !ok {
					break
				}
				names, l = append(names, string(n)), rest
			}
			want(t, m.PDU == ConfirmedResponse && m.Service == ServiceGetNameList && m.Vendor == nil &&
				strings.Join(names, ",") == "IED1PROT,IED1CTRL" && !m.MoreFollows, m)
		}},
		{"read", encode.MMSReadRequest(nil, 70000, "IED1MEAS", []string{"MMXU1$MX$TotW$mag$f"}), func(t *testing.T, m *Message) {
			want(t, m.PDU == ConfirmedRequest && m.InvokeID == 70000 && m.Service == ServiceRead, m)
		}},
		{"values", encode.MMSReadResponse(nil, 70000, []float32{49.98}), func(t *testing.T, m *Message) {
			want(t, m.PDU == ConfirmedResponse && m.Service == ServiceRead, m)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			if err := Parse(cotpData(t, tc.tpdu), &m); err != nil {
				t.Fatal(err)
			}
			if !m.HasPDU {
				t.Fatal("no MMS PDU")
			}
			tc.check(t, &m)
		})
	}
}

func want(t *testing.T, ok bool, m *Message) {
	t.Helper()
	if !ok {
		t.Errorf("decoded %+v", *m)
	}
}

// dataTPDU wraps an MMS PDU in session give-tokens and data transfer and the
// presentation's fully encoded data, as every MMS request after the association is sent.
func dataTPDU(pdu string) []byte {
	p, _ := hex.DecodeString(pdu)
	pdv := append([]byte{0x02, 0x01, 0x03, 0xa0, byte(len(p))}, p...)
	list := append([]byte{0x30, byte(len(pdv))}, pdv...)
	return append([]byte{0x01, 0x00, 0x01, 0x00, 0x61, byte(len(list))}, list...)
}

// Services past tag 30 take BER's high tag number form; conclude is a bare NULL.
func TestParseTagsAndPDUs(t *testing.T) {
	for _, tc := range []struct {
		name, pdu string
		pduType   PDU
		service   uint32
		invoke    uint32
		class     protocols.OpClass
	}{
		{"fileOpen", "a00b020101bf480580031a0161", ConfirmedRequest, 72, 1, protocols.OpRead},
		{"fileDelete", "a00a020102bf4c0419026162", ConfirmedRequest, 76, 2, protocols.OpWrite},
		{"stop", "a0090201 05 bf29 03 80 01 61", ConfirmedRequest, 41, 5, protocols.OpControl},
		{"download", "a0080201 06 ba 03 80 01 61", ConfirmedRequest, 26, 6, protocols.OpProgram},
		{"write with modifiers", "a007020109 3000 a5 00", ConfirmedRequest, 5, 9, protocols.OpWrite},
		{"information report", "a305a003a10100", Unconfirmed, 0, 0, protocols.OpNone},
		{"error", "a2058001 0a a100", ConfirmedError, 0, 10, protocols.OpNone},
		{"conclude", "8b00", ConcludeRequest, 0, 0, protocols.OpNone},
	} {
		var m Message
		b := dataTPDU(removeSpaces(tc.pdu))
		if err := Parse(b, &m); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !m.HasPDU || m.PDU != tc.pduType || m.Service != tc.service || m.InvokeID != tc.invoke {
			t.Errorf("%s: decoded %+v", tc.name, m)
		}
		if tc.pduType == ConfirmedRequest && ServiceClass(m.Service) != tc.class {
			t.Errorf("%s: class %v, want %v", tc.name, ServiceClass(m.Service), tc.class)
		}
	}
	if ServiceName(72) != "file_open" || ServiceName(2) != "identify" || ServiceName(78) != "" || UnconfirmedName(0) != "information_report" {
		t.Error("service names")
	}
}

func removeSpaces(s string) string { return string(bytes.ReplaceAll([]byte(s), []byte(" "), nil)) }

// What is not MMS is refused: S7comm and S7comm-plus after COTP, garbage, a session
// connect without user data, BER with an indefinite length or one running past its end.
func TestParseRefuses(t *testing.T) {
	for name, h := range map[string]string{
		"s7comm":           "32010000000000080000f0000001000101e0",
		"s7comm-plus":      "72010000",
		"empty":            "",
		"connect no data":  "0d06050413010016",
		"not a session":    "4142434445",
		"indefinite":       "01000100618030800201 03 a0 03 8b 00 0000",
		"overlong":         "0100010061 30 3005020103a0038b00",
		"not mms":          "01000100610830060201 03 a0 01 04",
		"session past end": "0d ff 01 00 c1",
	} {
		b, err := hex.DecodeString(removeSpaces(h))
		if err != nil {
			t.Fatal(name, err)
		}
		var m Message
		if err := Parse(b, &m); err == nil {
			t.Errorf("%s: accepted: %+v", name, m)
		}
	}
}

// Every cut of a real TPDU is refused or decoded without reading past the cut; the
// whole TPDU decodes as before.
func TestParsePrefixes(t *testing.T) {
	for _, tpdu := range [][]byte{encode.MMSConnectRequest(nil), encode.MMSIdentifyResponse(nil, 9, "SEL", "SEL-451", "R320")} {
		b := cotpData(t, tpdu)
		for n := range len(b) {
			var m Message
			cut := bytes.Clone(b[:n])
			_ = Parse(cut, &m)
			for _, s := range [][]byte{m.Vendor, m.Model, m.Revision} {
				if len(s) > n {
					t.Fatalf("cut at %d: field of %d bytes", n, len(s))
				}
			}
		}
	}
}

func TestParseAllocatesNothing(t *testing.T) {
	b := cotpData(t, encode.MMSIdentifyResponse(nil, 9, "SEL", "SEL-451", "R320"))
	var m Message
	if n := testing.AllocsPerRun(100, func() { _ = Parse(b, &m) }); n != 0 {
		t.Errorf("%v allocations a PDU", n)
	}
}

func BenchmarkParse(b *testing.B) {
	p := cotpData(b, encode.MMSReadRequest(nil, 70000, "IED1MEAS", []string{"MMXU1$MX$TotW$mag$f", "MMXU1$MX$Hz$mag$f"}))
	var m Message
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Parse(p, &m); err != nil {
			b.Fatal(err)
		}
	}
}
