package enip_test

import (
	"bytes"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols/enip"
)

var seedPDUs = [][]byte{pduListIdentityReq, pduListIdentityReply, pduMSPRequest, pduMSPReply, pduGetAttrListReq,
	pduGetAttrListReply, pduSetAttrSingle, synRegisterReq, synReadTagRouted, synReadTagReply, synGAAReq, synGAAReply,
	synWriteTag, synReset, synFileDownload, synWideLogical, synInstance32, synRoutedMSP, synForwardOpenFail,
	pcccToProgram, pcccToRun, pcccRead, pcccWrite, rwUnlockCPU, rwClockSet, rwNVSInitiate, rwRoutineCreate}

// Requests of the real controllers' captures (../shared/testdata/realworld), as tshark
// shows them: service 0x4c on the controller's class 0x8e/0x74 (EthernetIP__cip_unlock_cpu
// frame 1), Set_Attribute_List on the Wall Clock Time object (openics__EIP-ChangeDateAttempt
// frame 138), service 0x4b on the Non-Volatile Storage object (openics__EIP-FirmwareChangeFailure
// frame 10), Create on program 0x25e2's routine class (openics__EIP-ControlProtocolChangeAttempt
// frame 1395).
var (
	rwUnlockCPU     = h("7000200000010212000000000000000000000000000000000000000001000200a1000400016b0700b1000c004c1c4c04208e240120742401")
	rwClockSet      = h("7000280000010211000000000000000000000000000000000000000001000200a1000400010b7c00b1001400ba070402208b240101000600c0587222085a0400")
	rwNVSInitiate   = h("6f001e00000102120000000012740100489ae00000000000000000008b00020000000000b2000e004b0220a1240116ff1b0000000000")
	rwRoutineCreate = h("70002a0000010211000000000000000000000000000000000000000001000200a100040001298300b1001600c200080620682500e225206d2500e436010005000000")
)

func FuzzPDULen(f *testing.F) {
	for _, p := range seedPDUs {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := enip.PDULen(b)
		if err != nil && n != 0 {
			t.Fatalf("error %v with length %d", err, n)
		}
		if err == nil && n != 0 && (n < 24 || n > 24+65535) {
			t.Fatalf("length %d", n)
		}
	})
}

// FuzzParse parses arbitrary bytes as an encapsulation message, then as a reply to
// the previous seed request through a Pairing: no panic, and fields alias the input.
func FuzzParse(f *testing.F) {
	for _, p := range seedPDUs {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m enip.Message
		var p enip.Pairing
		for _, r := range [][]byte{synGAAReq, synReadTagRouted, synWriteTag} {
			if enip.Parse(r, &m) == nil {
				p.Observe(&m)
			}
		}
		err := enip.Parse(b, &m)
		p.Observe(&m)
		_ = m.OpClass()
		_ = m.Effective().Path.AppendTagName(nil)
		_ = m.Effective().AppendAttributeList(nil)
		if err != nil {
			return
		}
		if n, err := enip.PDULen(b); err != nil || n != len(b) {
			t.Fatalf("Parse accepted what PDULen frames as %d, %v", n, err)
		}
		if m.NumServices > enip.MaxServices || m.NumItems > enip.MaxItems {
			t.Fatal("capacity exceeded")
		}
		for _, s := range [][]byte{m.CIP.Data, m.Embedded.Data, m.Identity.ProductName, m.CIP.Path.Raw} {
			if len(s) > 0 && !bytes.Contains(b, s) && !bytes.Contains(synGAAReply, s) {
				t.Fatal("a field does not alias the PDU")
			}
		}
	})
}

func FuzzParseIO(f *testing.F) {
	f.Add(pduIO)
	f.Add(h("020002800800060c4b00d5943f00b100580002710000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m enip.Message
		if err := enip.ParseIO(b, &m); err == nil && (!m.Connected || !m.IO) {
			t.Fatal("accepted I/O without a connection")
		}
		_ = m.OpClass()
	})
}
