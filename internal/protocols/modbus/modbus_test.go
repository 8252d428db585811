package modbus_test

import (
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/modbus"
)

func h(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// PDUs from the public modbus_example.pcap (frame numbers in the comments).
var (
	pduReadCoilsReq  = h("000100000006040100010001")                                                                                                               // frame 4
	pduReadCoilsResp = h("00010000000404010101")                                                                                                                   // frame 6
	pduReadHRResp    = h("00060000001305031000aa00aa00bb00ccef84e3eb9f8be4c1")                                                                                     // frame 26
	pduWriteCoil     = h("00090000000606050001ff00")                                                                                                               // frames 36, 38
	pduDiagnostics   = h("000c00000006020800020000")                                                                                                               // frame 48
	pduWriteMultReq  = h("000e0000000f0710000100040800aa00bb00cc00dd")                                                                                             // frame 56
	pduWriteMultResp = h("000e00000006071000010004")                                                                                                               // frame 58
	pduServerIDResp  = h("000f000000350211325a65656b204d6f6462757320546573742d50726f746f636f6c2050617273696e672069732066756e212d312e322e332e36ff")                 // frame 62
	pduMaskWrite     = h("0012000000080416000adead0000")                                                                                                           // frame 72
	pduRWMultReq     = h("00140000000d061700010001000200010200ff")                                                                                                 // frame 80
	pduFIFOReq       = h("0016000000040a180000")                                                                                                                   // frame 88
	pduDevIDReq      = h("001700000005012b0e0100")                                                                                                                 // frame 92
	pduDevIDResp     = h("00170000003d012b0e018300000300105a65656b204d6f646275732054657374011850726f746f636f6c2050617273696e672069732066756e210207312e322e332e36") // frame 94
	pduReadHRReq     = h("00010000000600030258000a")                                                                                                               // frame 99
	pduException     = h("000100000003008302")                                                                                                                     // frame 100
)

// devIDExtended is a Read Device Identification response (extended, conformity 0x83)
// with all seven standard objects and two vendor-specific ones.
var devIDExtended = func() []byte {
	objs := [][2]string{{"00", "Acme Automation"}, {"01", "AC-500"}, {"02", "V2.1"}, {"03", "https://acme.example"},
		{"04", "AC controller"}, {"05", "AC-500-ETH"}, {"06", "Line 3 packer"}, {"80", "SN 1234"}, {"81", "FW build 77"}}
	pdu := []byte{0x2b, 0x0e, 0x03, 0x83, 0x00, 0x00, byte(len(objs))}
	for _, o := range objs {
		id, _ := hex.DecodeString(o[0])
		pdu = append(pdu, id[0], byte(len(o[1])))
		pdu = append(pdu, o[1]...)
	}
	return append([]byte{0x00, 0x2a, 0, 0, 0, byte(len(pdu) + 1), 0x01}, pdu...)
}()

func TestPDULen(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		n    int
		err  error
	}{
		{"whole PDU", pduReadCoilsReq, 12, nil},
		{"PDU and more", append(append([]byte{}, pduReadCoilsReq...), pduReadCoilsResp...), 12, nil},
		{"header incomplete", pduReadCoilsReq[:5], 0, nil},
		{"only the length known", pduReadCoilsReq[:6], 12, nil},
		{"protocol id not 0", h("0001000100060401"), 0, modbus.ErrNotModbus},
		{"length 1", h("000100000001"), 0, modbus.ErrNotModbus},
		{"length above 254, function not yet seen", h("0001000000ff"), 0, nil},
		{"length above 254", h("0001000000ff0103"), 0, modbus.ErrNotModbus},
		{"length 255 of UMAS (function 90), as a Modicon sends", h("0007000000ff005a"), 261, nil},
		{"length above 1024", h("000100000401005a"), 0, modbus.ErrNotModbus},
		{"an HTTP request", []byte("GET / HTTP/1.1\r\n"), 0, modbus.ErrNotModbus},
	}
	for _, tc := range tests {
		n, err := modbus.PDULen(tc.b)
		if n != tc.n || err != tc.err {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, n, err, tc.n, tc.err)
		}
	}
}

// summary renders the fields a test checks.
func summary(m *modbus.Message) string {
	s := fmt.Sprintf("tid=%d unit=%d fc=%d %s", m.TransactionID, m.UnitID, m.Function, m.Direction)
	if m.Exception {
		s += fmt.Sprintf(" exception=%d", m.ExceptionCode)
	}
	if m.HasAddress {
		s += fmt.Sprintf(" addr=%d", m.Address)
	}
	if m.HasQuantity {
		s += fmt.Sprintf(" qty=%d", m.Quantity)
	}
	if m.WriteQuantity > 0 {
		s += fmt.Sprintf(" waddr=%d wqty=%d", m.WriteAddress, m.WriteQuantity)
	}
	if m.SubFunction != 0 {
		s += fmt.Sprintf(" sub=%d", m.SubFunction)
	}
	if len(m.Values) > 0 {
		s += fmt.Sprintf(" count=%d values=%x", m.ByteCount, m.Values)
	}
	if m.HasDeviceID {
		id := &m.DeviceID
		s += fmt.Sprintf(" devid(code=%d obj=%d conf=%#x n=%d vendor=%q product=%q rev=%q url=%q name=%q model=%q app=%q ext=%d",
			id.ReadCode, id.ObjectID, id.Conformity, id.NumObjects, id.VendorName, id.ProductCode, id.MajorMinorRevision,
			id.VendorURL, id.ProductName, id.ModelName, id.UserApplicationName, id.NumExtended)
		for _, o := range id.Objects() {
			s += fmt.Sprintf(" %#x=%q", o.ID, o.Value)
		}
		s += ")"
	}
	return s
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		pdu  []byte
		dir  modbus.Direction
		want string
		op   protocols.OpClass
	}{
		{"read coils request", pduReadCoilsReq, 0, "tid=1 unit=4 fc=1 request addr=1 qty=1", protocols.OpRead},
		{"read coils response", pduReadCoilsResp, 0, "tid=1 unit=4 fc=1 response count=1 values=01", protocols.OpRead},
		{"read holding registers request", pduReadHRReq, 0, "tid=1 unit=0 fc=3 request addr=600 qty=10", protocols.OpRead},
		{"read holding registers response", pduReadHRResp, 0,
			"tid=6 unit=5 fc=3 response count=16 values=00aa00aa00bb00ccef84e3eb9f8be4c1", protocols.OpRead},
		{"write single coil (echoed)", pduWriteCoil, 0, "tid=9 unit=6 fc=5 unknown addr=1 qty=1 count=0 values=ff00", protocols.OpWrite},
		{"write single coil as response", pduWriteCoil, modbus.DirResponse, "tid=9 unit=6 fc=5 response addr=1 qty=1 count=0 values=ff00", protocols.OpWrite},
		{"diagnostics", pduDiagnostics, 0, "tid=12 unit=2 fc=8 unknown sub=2 count=0 values=0000", protocols.OpDiagnostics},
		{"write multiple registers request", pduWriteMultReq, 0,
			"tid=14 unit=7 fc=16 request addr=1 qty=4 count=8 values=00aa00bb00cc00dd", protocols.OpWrite},
		{"write multiple registers response", pduWriteMultResp, 0, "tid=14 unit=7 fc=16 response addr=1 qty=4", protocols.OpWrite},
		{"report server id response", pduServerIDResp, 0,
			"tid=15 unit=2 fc=17 response count=50 values=5a65656b204d6f6462757320546573742d50726f746f636f6c2050617273696e672069732066756e212d312e322e332e36ff",
			protocols.OpRead},
		{"mask write register", pduMaskWrite, 0, "tid=18 unit=4 fc=22 unknown addr=10 count=0 values=dead0000", protocols.OpWrite},
		{"read/write multiple registers", pduRWMultReq, 0,
			"tid=20 unit=6 fc=23 request addr=1 qty=1 waddr=2 wqty=1 count=2 values=00ff", protocols.OpWrite},
		{"read FIFO queue", pduFIFOReq, 0, "tid=22 unit=10 fc=24 request addr=0", protocols.OpRead},
		{"read device identification request", pduDevIDReq, 0,
			`tid=23 unit=1 fc=43 request devid(code=1 obj=0 conf=0x0 n=0 vendor="" product="" rev="" url="" name="" model="" app="" ext=0)`, protocols.OpRead},
		{"read device identification response", pduDevIDResp, 0,
			`tid=23 unit=1 fc=43 response devid(code=1 obj=0 conf=0x83 n=3 vendor="Zeek Modbus Test" product="Protocol Parsing is fun!" rev="1.2.3.6" url="" name="" model="" app="" ext=0)`,
			protocols.OpRead},
		{"extended device identification", devIDExtended, 0,
			`tid=42 unit=1 fc=43 response devid(code=3 obj=0 conf=0x83 n=9 vendor="Acme Automation" product="AC-500" rev="V2.1" url="https://acme.example" name="AC controller" model="AC-500-ETH" app="Line 3 packer" ext=2 0x80="SN 1234" 0x81="FW build 77")`,
			protocols.OpRead},
		{"exception", pduException, 0, "tid=1 unit=0 fc=3 response exception=2", protocols.OpRead},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m modbus.Message
			if err := modbus.ParseDirected(tc.pdu, tc.dir, &m); err != nil {
				t.Fatal(err)
			}
			if got := summary(&m); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if op := m.OpClass(); op != tc.op {
				t.Errorf("op class %v, want %v", op, tc.op)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	overrun := append([]byte{}, pduDevIDResp...)
	overrun[len(overrun)-8] = 0x30 // the last object claims 48 bytes
	tests := []struct {
		name string
		pdu  []byte
		dir  modbus.Direction
		err  error
	}{
		{"empty", nil, 0, modbus.ErrShort},
		{"no function code", h("00010000000201"), 0, modbus.ErrShort},
		{"length field disagrees", pduReadCoilsReq[:11], 0, modbus.ErrShort},
		{"protocol id 7", h("000100070006040100010001"), 0, modbus.ErrNotModbus},
		{"function 0", h("000100000006040000010001"), 0, modbus.ErrFunction},
		{"exception without code", h("0001000000020483"), 0, modbus.ErrShort},
		{"read request of 3 bytes", h("0001000000050403000100"), modbus.DirRequest, modbus.ErrMalformed},
		{"write single coil of 2 bytes", h("00010000000404050001"), 0, modbus.ErrMalformed},
		{"device id object overruns", overrun, 0, modbus.ErrShort},
	}
	for _, tc := range tests {
		var m modbus.Message
		if err := modbus.ParseDirected(tc.pdu, tc.dir, &m); err != tc.err {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
	}
}

func TestDeviceIDCapacity(t *testing.T) {
	pdu := []byte{0x2b, 0x0e, 0x03, 0x83, 0x00, 0x00, 20}
	for i := range 20 {
		pdu = append(pdu, byte(0x80+i), 1, byte('a'+i))
	}
	b := append([]byte{0, 1, 0, 0, 0, byte(len(pdu) + 1), 1}, pdu...)
	var m modbus.Message
	if err := modbus.ParseDirected(b, modbus.DirResponse, &m); err != nil {
		t.Fatal(err)
	}
	id := &m.DeviceID
	if id.NumExtended != modbus.MaxExtendedObjects || id.Dropped != 20-modbus.MaxExtendedObjects || string(id.Objects()[15].Value) != "p" {
		t.Errorf("kept %d, dropped %d", id.NumExtended, id.Dropped)
	}
}

func TestOpClass(t *testing.T) {
	tests := []struct {
		pdu []byte
		op  protocols.OpClass
	}{
		{h("000100000006010800010000"), protocols.OpControl}, // diagnostics: restart communications
		{h("000100000006010800040000"), protocols.OpControl}, // diagnostics: force listen-only
		{h("0001000000040a5a0041"), protocols.OpControl},     // UMAS stop PLC
		{h("0001000000040a5a0034"), protocols.OpProgram},     // UMAS download block
		{h("0001000000040a5a0002"), protocols.OpRead},        // UMAS read id
		{h("0001000000040a5a00fe"), protocols.OpNone},        // UMAS response
		{h("00010000000401070000"), protocols.OpDiagnostics}, // read exception status response
		{h("0001000000050115000000"), protocols.OpWrite},     // write file record
		{h("0001000000030141ff"), protocols.OpWrite},         // user-defined 65: unknown
		{h("000100000005012b0d0000"), protocols.OpWrite},     // CANopen general reference
		{h("000100000002017e"), protocols.OpProgram},         // Modicon program 126
	}
	for _, tc := range tests {
		var m modbus.Message
		if err := modbus.Parse(tc.pdu, &m); err != nil {
			t.Fatalf("%x: %v", tc.pdu, err)
		}
		if op := m.OpClass(); op != tc.op {
			t.Errorf("%x (fc %d): %v, want %v", tc.pdu, m.Function, op, tc.op)
		}
	}
}

func TestParseAllocatesNothing(t *testing.T) {
	var m modbus.Message
	pdus := [][]byte{pduReadCoilsReq, pduReadHRResp, pduDevIDResp, devIDExtended, pduException, pduRWMultReq}
	allocs := testing.AllocsPerRun(500, func() {
		for _, p := range pdus {
			modbus.PDULen(p)
			modbus.Parse(p, &m)
			_ = m.OpClass()
		}
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations, want 0", allocs)
	}
}

func BenchmarkParse(b *testing.B) {
	var m modbus.Message
	b.ReportAllocs()
	for b.Loop() {
		modbus.Parse(pduDevIDResp, &m)
	}
}
