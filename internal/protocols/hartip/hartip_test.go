package hartip

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// No capture at hand holds HART-IP: these messages are built to the protocol's layout
// (header, token-passing HART PDU with its XOR check byte), and TestTshark holds that
// tshark's hart_ip dissector reads each one as this package does.

// msg builds a HART-IP message: the header with its byte count, then body.
func msg(typ, id uint8, seq uint16, body ...byte) []byte {
	b := []byte{1, typ, id, 0}
	b = append(b, byte(seq>>8), byte(seq))
	n := HeaderLen + len(body)
	b = append(b, byte(n>>8), byte(n))
	return append(b, body...)
}

// pdu builds a token-passing HART PDU: delimiter, address, command, byte count, data and
// the check byte (XOR of all before it).
func pdu(delim uint8, addr []byte, cmd uint8, data ...byte) []byte {
	b := append([]byte{delim}, addr...)
	b = append(b, cmd, byte(len(data)))
	b = append(b, data...)
	var x uint8
	for _, c := range b {
		x ^= c
	}
	return append(b, x)
}

var (
	longAddr = []byte{0x80 | 0x26, 0x60, 0x12, 0x34, 0x56} // primary host bit, expanded device type 0x2660, device id 0x123456
	// The command 0 answer of a HART 7 device: expansion 254, expanded device type
	// 0x2660, 5 preambles, HART 7, device revision 2, software revision 3, hardware rev
	// and signaling 0x08, flags 0, device id 12 34 56, 5 response preambles, 4 device
	// variables, configuration change counter 3, extended status 0, manufacturer 0x0026,
	// private label 0x0026, profile 1.
	cmd0Data = []byte{0xfe, 0x26, 0x60, 0x05, 0x07, 0x02, 0x03, 0x08, 0x00, 0x12, 0x34, 0x56,
		0x05, 0x04, 0x00, 0x03, 0x00, 0x00, 0x26, 0x00, 0x26, 0x01}
	longTag = []byte("PT-101 reactor feed\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	// "PT101   " in packed ASCII, then a 12-byte descriptor and a 3-byte date.
	cmd13Data = append(append([]byte{0x41, 0x4c, 0x70, 0xc6, 0x08, 0x20}, make([]byte, 12)...), 8, 12, 125)
)

// messages is a UDP session: initiate, command 0 asked and answered, long tag and tag
// read, a tag write, fixed current mode, a device reset, a keep-alive and the close.
func messages() [][]byte {
	return [][]byte{
		msg(TypeRequest, IDSessionInitiate, 1, 1, 0, 0, 0x75, 0x30),
		msg(TypeResponse, IDSessionInitiate, 1, 1, 0, 0, 0x75, 0x30),
		msg(TypeRequest, IDTokenPassingPDU, 2, pdu(0x02, []byte{0x80}, 0)...),
		msg(TypeResponse, IDTokenPassingPDU, 2, pdu(0x06, []byte{0x80}, 0, append([]byte{0, 0}, cmd0Data...)...)...),
		msg(TypeRequest, IDTokenPassingPDU, 3, pdu(0x82, longAddr, 20)...),
		msg(TypeResponse, IDTokenPassingPDU, 3, pdu(0x86, longAddr, 20, append([]byte{0, 0}, longTag...)...)...),
		msg(TypeRequest, IDTokenPassingPDU, 4, pdu(0x82, longAddr, 13)...),
		msg(TypeResponse, IDTokenPassingPDU, 4, pdu(0x86, longAddr, 13, append([]byte{0, 0}, cmd13Data...)...)...),
		msg(TypeRequest, IDTokenPassingPDU, 5, pdu(0x82, longAddr, 18, cmd13Data...)...),
		msg(TypeResponse, IDTokenPassingPDU, 5, pdu(0x86, longAddr, 18, append([]byte{7, 0}, cmd13Data...)...)...), // in write-protect mode
		msg(TypeRequest, IDTokenPassingPDU, 6, pdu(0x82, longAddr, 40, 0x40, 0x80, 0, 0)...),                       // 4.0 mA
		msg(TypeResponse, IDTokenPassingPDU, 6, pdu(0x86, longAddr, 40, 0, 0x08, 0x40, 0x80, 0, 0)...),
		msg(TypeRequest, IDTokenPassingPDU, 7, pdu(0x82, longAddr, 42)...),
		msg(TypeResponse, IDTokenPassingPDU, 7, pdu(0x86, longAddr, 42, 0, 0)...),
		msg(TypeRequest, IDKeepAlive, 8),
		msg(TypeResponse, IDKeepAlive, 8),
		msg(TypeRequest, IDSessionClose, 9),
		msg(TypeResponse, IDSessionClose, 9),
	}
}

var (
	client = netip.MustParseAddrPort("10.20.0.5:49152")
	server = netip.MustParseAddrPort("10.20.0.40:5094")
)

func udpFrames(t testing.TB) [][]byte {
	var fs [][]byte
	for i, m := range messages() {
		if i%2 == 0 {
			fs = append(fs, observetest.UDPFrame(t, client, server, observetest.MACClient, observetest.MACServer, m))
		} else {
			fs = append(fs, observetest.UDPFrame(t, server, client, observetest.MACServer, observetest.MACClient, m))
		}
	}
	return fs
}

// TestTshark: tshark's hart_ip dissector reads each built message's header and HART PDU
// as Parse does.
func TestTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	path := testutil.WriteFrames(t, "hartip.pcap", udpFrames(t)...)
	rows := testutil.Tshark(t, path, "hart_ip", []string{"frame.number", "hart_ip.message_type", "hart_ip.message_id",
		"hart_ip.transaction_id", "hart_ip.msg_length", "hart_ip.pt.delimiter", "hart_ip.pt.command", "hart_ip.pt.length",
		"hart_ip.pt.response_code", "hart_ip.pt.long_address", "hart_ip.pt.rsp.manufacturer_Id",
		"hart_ip.pt.rsp.expanded_device_type", "hart_ip.pt.rsp.device_id", "hart_ip.pt.rsp.hart_univ_rev",
		"hart_ip.pt.rsp.device_rev", "hart_ip.pt.rsp.software_rev", "hart_ip.pt.rsp.tag"}, "-d", "udp.port==5094,hart_ip")
	msgs := messages()
	if len(rows) != len(msgs) {
		t.Fatalf("tshark read %d HART-IP frames, want %d", len(rows), len(msgs))
	}
	itoa := func(v uint64) string { return strconv.FormatUint(v, 10) }
	for i, row := range rows {
		var m Message
		if err := Parse(msgs[i], &m); err != nil {
			t.Errorf("frame %d: %v", i+1, err)
			continue
		}
		want := []string{itoa(uint64(i + 1)), itoa(uint64(m.Type)), itoa(uint64(m.ID)), itoa(uint64(m.Seq)), itoa(uint64(m.Length))}
		if m.PDU {
			rc := ""
			if m.Response {
				rc = itoa(uint64(m.ResponseCode))
			}
			want = append(want, "0x"+hex2(m.Delimiter), itoa(uint64(m.Command)), itoa(uint64(len(m.Data)+2*b2i(m.Response))), rc)
			if m.Long {
				a := m.Address
				a[0] = msgs[i][HeaderLen+1] // tshark shows the address byte as sent
				want = append(want, hexs(a[:]))
			} else {
				want = append(want, "")
			}
		} else {
			want = append(want, "", "", "", "", "")
		}
		if m.PDU && m.Response && m.Command == CmdReadUniqueID {
			id, ok := ReadUniqueID(m.Data)
			if !ok {
				t.Fatalf("frame %d: command 0 answer not decoded", i+1)
			}
			want = append(want, itoa(uint64(id.Manufacturer)), "0x"+hexs([]byte{byte(id.DeviceType >> 8), byte(id.DeviceType)}), hexs(id.DeviceID[:]),
				itoa(uint64(id.HARTRevision)), itoa(uint64(id.DeviceRev)), itoa(uint64(id.SoftRev)))
		} else {
			want = append(want, "", "", "", "", "", "")
		}
		if m.PDU && m.Response && m.Command == CmdReadLongTag {
			tag, _ := LongTag(m.Data)
			want = append(want, string(tag))
		} else if m.PDU && (m.Command == CmdReadTag || m.Command == CmdWriteTag) {
			tag, _ := AppendTag(nil, m.Data)
			want = append(want, string(tag))
		} else {
			want = append(want, "")
		}
		for len(row) < len(want) {
			row = append(row, "")
		}
		row[len(want)-1] = strings.TrimRight(row[len(want)-1], " ") // tshark keeps the tag's padding
		for k := range want {
			if row[k] != want[k] {
				t.Errorf("frame %d field %d: tshark %q, Parse %q (row %q)", i+1, k, row[k], want[k], row)
			}
		}
	}
}

func hex2(b uint8) string { return hexs([]byte{b}) }

func hexs(b []byte) string {
	const d = "0123456789abcdef"
	var s []byte
	for _, c := range b {
		s = append(s, d[c>>4], d[c&15])
	}
	return string(s)
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

// TestReadUniqueID: a HART 7 answer names the manufacturer in bytes 17-18 and the
// expanded device type in bytes 1-2; a HART 5 or 6 answer the manufacturer in byte 1 and
// the device type in byte 2, and is complete at 12 bytes.
func TestReadUniqueID(t *testing.T) {
	for _, tc := range []struct {
		data []byte
		want Identity
		ok   bool
	}{
		{cmd0Data, Identity{Manufacturer: 0x26, DeviceType: 0x2660, HARTRevision: 7, DeviceRev: 2, SoftRev: 3, DeviceID: [3]byte{0x12, 0x34, 0x56}}, true},
		{[]byte{0xfe, 0x26, 0x06, 0x05, 0x05, 0x01, 0x04, 0x08, 0x00, 0xab, 0xcd, 0xef},
			Identity{Manufacturer: 0x26, DeviceType: 0x06, HARTRevision: 5, DeviceRev: 1, SoftRev: 4, DeviceID: [3]byte{0xab, 0xcd, 0xef}}, true},
		{cmd0Data[:12], Identity{}, false}, // HART 7 without its manufacturer bytes
		{append([]byte{0xfd}, cmd0Data[1:]...), Identity{}, false},
	} {
		id, ok := ReadUniqueID(tc.data)
		if ok != tc.ok || (ok && id != tc.want) {
			t.Errorf("% x: %+v %v, want %+v %v", tc.data, id, ok, tc.want, tc.ok)
		}
	}
}
