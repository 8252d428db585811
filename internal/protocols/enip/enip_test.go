package enip_test

import (
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/enip"
)

// PDUs from the public enip_cip_example.pcap (frame numbers in the comments).
var (
	pduListIdentityReq   = h("63000000000000000000000000000000c1debed100000000")                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           // frame 371
	pduListIdentityReply = h("63003300000000000000000000000000c1debed10000000001000c002d0001000002af120a0101a4000000000000000001000c003a00040330008e4d52000b313735362d454e42542f4103")                                                                                                                                                                                                                                                                                                                                                                                                                                                     // frame 372
	pduMSPRequest        = h("7000ba0000010211000000000000000000000000000000000000000001000200a1000400010b7c00b100a60089070a02200224010b00180022002c0036004c005800640072007c008a0094000302200124010100050003022069240001000b0003022073240101000200030220ac240107000100020003000500070009000a000303206825002024010013000302207024010200120013000302208e240103000300080010000302206924000100090003022068240003000f0018001900030220772401010002000302208b240101000600")                                                                                                                                                                       // frame 2
	pduMSPReply          = h("70000d0100010211000000000000000000000000000000000000000000000200a10004002800fe80b100f90089078a0000000b001800240030003c0074007f009500ad00b900d500e1008300000001000500000060308300000001000b00000003008300000001000200000000008300000007000100000005000200000001000300000095291f04050000000000070000000200000009000000010001000a0000008422df488300000001001300000000830000000200120000000000000013000000000000008300000003000300000014000800000000001000000001008300000001000900000000008300000003000f0000000000180000000000000019000000000000008300000001000200000002018300000001000600000073b4ea05f4590400") // frame 4
	pduGetAttrListReq    = h("7000200000010211000000000000000000000000000000000000000001000200a1000400010b7c00b1000c008b070302208b240101000800")                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           // frame 10
	pduGetAttrListReply  = h("7000480000010211000000000000000000000000000000000000000000000200a10004002800fe80b10034008b078300000001000800000024000000474d542d30353a3030204561737465726e2054696d652028555320262043616e61646129")                                                                                                                                                                                                                                                                                                                                                                                                           // frame 11
	pduIO                = h("02000280080003064b00db943f00b1000600a587e80f0300")                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           // frame 377 (UDP 2222)
	// set_attribute_single_service_cip.pcapng: Set_Attribute_Single to the Identity
	// object's class (instance 0) over a class-3 connection, with no value.
	pduSetAttrSingle = h("70001c00f4ffcab4000000005f7079636f6d6d5f00000000000000000a000200a1000400ba629adab10008000d00100220012400")
)

func TestPDULen(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		n    int
		err  error
	}{
		{"ListIdentity request", pduListIdentityReq, 24, nil},
		{"reply and more", append(append([]byte{}, pduListIdentityReply...), 0x70), 75, nil},
		{"3 bytes", pduMSPRequest[:3], 0, nil},
		{"length known", pduMSPRequest[:4], 210, nil},
		{"unknown command", h("6100000000000000"), 0, enip.ErrNotENIP},
		{"Modbus bytes", h("000100000006040100010001"), 0, enip.ErrNotENIP},
	}
	for _, tc := range tests {
		if n, err := enip.PDULen(tc.b); n != tc.n || err != tc.err {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, n, err, tc.n, tc.err)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		pdu  []byte
		want string
	}{
		{"ListIdentity request", pduListIdentityReq, `list_identity len=0 sess=0x0 status=0 ctx="\x00\x00\x00\x00\xc1\u07be\xd1" op=read`},
		{"ListIdentity reply", pduListIdentityReply, `list_identity len=51 sess=0x0 status=0 ctx="\x00\x00\x00\x00\xc1\u07be\xd1" identity(vendor=1(Rockwell Automation/Allen-Bradley) type=12 product=58 rev=4.3 status=0x0030 serial=0x00524d8e name="1756-ENBT/A" state=3 socket=10.1.1.164:44818) op=read`},
		{"Multiple_Service_Packet request", pduMSPRequest, `send_unit_data len=186 sess=0x11020100 status=0 ctx="" conn=0x7c0b01 cipseq=1929 req svc=0xa (class=0x2 inst=0x1) data=0b00180022002c0036004c005800640072007c008a0094000302200124010100050003022069240001000b0003022073240101000200030220ac240107000100020003000500070009000a000303206825002024010013000302207024010200120013000302208e240103000300080010000302206924000100090003022068240003000f0018001900030220772401010002000302208b240101000600 [1] req svc=0x3 (class=0x1 inst=0x1) data=01000500 [2] req svc=0x3 (class=0x69 inst=0x0) data=01000b00 [3] req svc=0x3 (class=0x73 inst=0x1) data=01000200 [4] req svc=0x3 (class=0xac inst=0x1) data=07000100020003000500070009000a00 [5] req svc=0x3 (class=0x68 inst=0x2420) data=01001300 [6] req svc=0x3 (class=0x70 inst=0x1) data=020012001300 [7] req svc=0x3 (class=0x8e inst=0x1) data=0300030008001000 [8] req svc=0x3 (class=0x69 inst=0x0) data=01000900 [9] req svc=0x3 (class=0x68 inst=0x0) data=03000f0018001900 [10] req svc=0x3 (class=0x77 inst=0x1) data=01000200 [11] req svc=0x3 (class=0x8b inst=0x1) data=01000600 op=read`},
		{"Get_Attribute_List reply", pduGetAttrListReply, `send_unit_data len=72 sess=0x11020100 status=0 ctx="" conn=0x80fe0028 cipseq=1931 reply svc=0x3 status=0 data=0100080000002400000047 4d542d30353a3030204561737465726e2054696d652028555320262043616e61646129 op=read`},
		{"Set_Attribute_Single (802.1Q capture)", pduSetAttrSingle, `send_unit_data len=28 sess=0xb4cafff4 status=0 ctx="_pycomm_" conn=0xda9a62ba cipseq=13 req svc=0x10 (class=0x1 inst=0x0) data= op=write`},
		{"RegisterSession", synRegisterReq, `register_session len=4 sess=0x11020100 status=0 ctx="" op=none`},
		{"routed Read_Tag", synReadTagRouted, `send_rr_data len=58 sess=0x11020100 status=0 ctx="zwtest01" req svc=0x52 (class=0x6 inst=0x1) data=0a0e1c004c0c910c50726f6772616d3a4d61696e9106436f756e74732803010001000100 routed(port=1 link=00) embedded req svc=0x4c (tag=Program:Main.Counts[3]) data=0100 op=read`},
		{"Read_Tag reply, unpaired", synReadTagReply, `send_rr_data len=26 sess=0x11020100 status=0 ctx="zwtest01" reply svc=0x4c status=0 data=c4002a000000 op=none`},
		{"Identity Get_Attributes_All", synGAAReq, `send_rr_data len=22 sess=0x11020100 status=0 ctx="zwtest02" req svc=0x1 (class=0x1 inst=0x1) data= op=read`},
		{"Write_Tag, connected", synWriteTag, `send_unit_data len=38 sess=0x11020100 status=0 ctx="" conn=0x7c0b01 cipseq=7 req svc=0x4d (tag=Spd1) data=c40001002a000000 op=write`},
		{"Identity Reset", synReset, `send_rr_data len=23 sess=0x11020100 status=0 ctx="zwtest03" req svc=0x5 (class=0x1 inst=0x1) data=00 op=control`},
		{"File object download", synFileDownload, `send_rr_data len=32 sess=0x11020100 status=0 ctx="zwtest04" req svc=0x4c (class=0x37 inst=0x1) data=00100000341200000100 op=program`},
		{"16-bit logical segments", synWideLogical, `send_rr_data len=28 sess=0x11020100 status=0 ctx="zwtest05" req svc=0xe (class=0x12c inst=0x2420 attr=5) data= op=read`},
		{"32-bit instance", synInstance32, `send_rr_data len=28 sess=0x11020100 status=0 ctx="zwtest06" req svc=0xe (class=0x4 inst=0x12345678 attr=10) data= op=read`},
		{"routed Multiple_Service_Packet", synRoutedMSP, `send_rr_data len=60 sess=0x11020100 status=0 ctx="zwtest07" req svc=0x52 (class=0x6 inst=0x1) data=0a0e1e000a0220022401020006000e000e032001240130014c03910453706431010001000100 routed(port=1 link=00) embedded req svc=0xa (class=0x2 inst=0x1) data=020006000e000e032001240130014c039104537064310100 [1] req svc=0xe (class=0x1 inst=0x1 attr=1) data= [2] req svc=0x4c (tag=Spd1) data=0100 op=read`},
		{"Forward_Open failure", synForwardOpenFail, `send_rr_data len=22 sess=0x11020100 status=0 ctx="zwtest08" reply svc=0x54 status=1 ext=0001 data= op=none`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m enip.Message
			if err := enip.Parse(tc.pdu, &m); err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(tc.want, "47 4d", "474d")
			if got := summary(&m); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestParseIO(t *testing.T) {
	var m enip.Message
	if err := enip.ParseIO(pduIO, &m); err != nil {
		t.Fatal(err)
	}
	if got, want := summary(&m), "io conn=0x4b0603 seq=4166875 cipseq=34725 data=4 bytes"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if m.OpClass() != protocols.OpNone {
		t.Errorf("I/O op class %v", m.OpClass())
	}
}

func TestParseErrors(t *testing.T) {
	cut := func(b []byte, n int) []byte { return b[:len(b)-n] }
	badPath := append([]byte{}, synGAAReq...)
	badPath[len(badPath)-4] = 0xe0 // a reserved segment type
	tests := []struct {
		name string
		pdu  []byte
		err  error
	}{
		{"empty", nil, enip.ErrShort},
		{"unknown command", h("6100000000000000000000000000000000000000000000000000"), enip.ErrNotENIP},
		{"length disagrees", cut(pduListIdentityReply, 1), enip.ErrShort},
		{"item longer than the data", encap(0x6f, 0, "", cat(le32(0), le16(0), le16(1), le16(0xb2), le16(50), h("0102"))), enip.ErrShort},
		{"no CPF", encap(0x6f, 0, "", h("0000")), enip.ErrMalformed},
		{"CIP path longer than the message", rr("x", h("0e0520012401")), enip.ErrCIP},
		{"reserved path segment", badPath, enip.ErrPath},
		{"MSP offsets out of order", rr("x", req(0x0a, h("20022401"), h("020010000600"))), enip.ErrCIP},
		{"ListIdentity item too short", encap(0x63, 0, "", cpf(item(0x0c, h("0100")))), enip.ErrMalformed},
	}
	for _, tc := range tests {
		var m enip.Message
		if err := enip.Parse(tc.pdu, &m); err != tc.err {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
	}
	var m enip.Message
	if err := enip.ParseIO(h("0100b1000200aaaa"), &m); err != enip.ErrMalformed {
		t.Errorf("I/O without a connection: %v", err)
	}
}

func TestPairing(t *testing.T) {
	var p enip.Pairing
	var m enip.Message
	observe := func(b []byte) *enip.Message {
		t.Helper()
		if err := enip.Parse(b, &m); err != nil {
			t.Fatal(err)
		}
		p.Observe(&m)
		return &m
	}
	// A Get_Attributes_All reply is read as an Identity only after its request.
	if r := observe(synGAAReply); r.HasIdentity || r.Paired {
		t.Errorf("unpaired reply decoded: %+v", r.Identity)
	}
	observe(synGAAReq)
	observe(synReadTagRouted)
	r := observe(synGAAReply)
	want := `vendor=1(Rockwell Automation/Allen-Bradley) type=14 product=54 rev=20.11 status=0x3060 serial=0x00c0ffee name="1756-L61/B LOGIX5561" state=3`
	if !r.HasIdentity || r.Identity.Source != enip.IdentityFromGetAttributes || identityString(&r.Identity) != want {
		t.Errorf("identity %v %s", r.HasIdentity, identityString(&r.Identity))
	}
	if enip.DeviceTypeName(r.Identity.DeviceType) != "Programmable Logic Controller" {
		t.Errorf("device type name %q", enip.DeviceTypeName(r.Identity.DeviceType))
	}
	// The Read_Tag reply, paired, classifies as the read its request was.
	r = observe(synReadTagReply)
	if !r.Paired || r.RequestPath.NumSymbols != 2 || r.OpClass() != protocols.OpRead {
		t.Errorf("read tag reply: paired %v path %+v op %v", r.Paired, r.RequestPath, r.OpClass())
	}
	// Connected messaging pairs by sequence count.
	observe(synWriteTag)
	r = observe(unit(0x80fe0028, 7, resp(0x4d, 0, nil, nil)))
	if !r.Paired || r.OpClass() != protocols.OpWrite {
		t.Errorf("write tag reply: paired %v op %v", r.Paired, r.OpClass())
	}
	// An error reply is paired but decodes no identity.
	observe(synGAAReq)
	if r := observe(rr("zwtest02", resp(0x01, 8, nil, nil))); !r.Paired || r.HasIdentity {
		t.Errorf("error reply: paired %v identity %v", r.Paired, r.HasIdentity)
	}
}

func TestVendorTable(t *testing.T) {
	if got := enip.VendorName(1); got != "Rockwell Automation/Allen-Bradley" {
		t.Errorf("vendor 1: %q", got)
	}
	if got := enip.DeviceTypeName(12); got != "Communications Adapter" {
		t.Errorf("device type 12: %q", got)
	}
	if enip.VendorName(65535) != "" || enip.DeviceTypeName(65535) != "" {
		t.Error("unknown ids have names")
	}
}

func TestParseAllocatesNothing(t *testing.T) {
	var m enip.Message
	var p enip.Pairing
	var tag []byte
	pdus := [][]byte{pduListIdentityReply, pduMSPRequest, pduMSPReply, synReadTagRouted, synRoutedMSP, synGAAReq, synGAAReply}
	allocs := testing.AllocsPerRun(300, func() {
		for _, b := range pdus {
			enip.PDULen(b)
			enip.Parse(b, &m)
			p.Observe(&m)
			_ = m.OpClass()
			tag = m.Effective().Path.AppendTagName(tag[:0])
			_ = enip.VendorName(m.Identity.VendorID)
		}
		enip.ParseIO(pduIO, &m)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per round, want 0", allocs)
	}
}

func BenchmarkParseMSPRequest(b *testing.B) {
	var m enip.Message
	b.ReportAllocs()
	for b.Loop() {
		enip.Parse(pduMSPRequest, &m)
	}
}

func BenchmarkParseSendUnitData(b *testing.B) {
	var m enip.Message
	b.ReportAllocs()
	for b.Loop() {
		enip.Parse(pduGetAttrListReq, &m)
	}
}

func TestParseDatagram(t *testing.T) {
	var m enip.Message
	if err := enip.ParseDatagram(2222, 2222, pduIO, &m); err != nil || !m.IO {
		t.Errorf("I/O datagram: %v io=%v", err, m.IO)
	}
	// A ListIdentity reply broadcast over UDP has the same bytes as over TCP.
	if err := enip.ParseDatagram(enip.Port, 52000, pduListIdentityReply, &m); err != nil || !m.HasIdentity ||
		string(m.Identity.ProductName) != "1756-ENBT/A" {
		t.Errorf("ListIdentity datagram: %v %q", err, m.Identity.ProductName)
	}
	if err := enip.ParseDatagram(53, 5353, pduIO, &m); err != enip.ErrNotENIP {
		t.Errorf("DNS ports: %v", err)
	}
}
