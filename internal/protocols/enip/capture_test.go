package enip_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/protocols/enip"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/decodetest"
)

// parsedPDU is one PDU of a capture, parsed, with Pairing applied per conversation.
type parsedPDU struct {
	pdu decodetest.PDU
	msg *enip.Message
}

func parseFiles(t *testing.T, files ...string) []parsedPDU {
	res := decodetest.Run(t, files, map[uint16]decode.PDULenFunc{enip.Port: enip.PDULen}, enip.Port, enip.PortIO)
	if res.Streams.FramingErrors != 0 || res.Streams.Overflows != 0 {
		t.Errorf("stream anomalies: %+v", res.Streams)
	}
	pairings := map[string]*enip.Pairing{}
	var out []parsedPDU
	for _, p := range res.PDUs {
		m := new(enip.Message)
		var err error
		if p.UDP && (p.Src.Port() == enip.PortIO || p.Dst.Port() == enip.PortIO) {
			err = enip.ParseIO(p.Data, m)
		} else {
			err = enip.Parse(p.Data, m)
		}
		if err != nil {
			t.Errorf("frame %d: %v", p.Frame, err)
			continue
		}
		conv := p.Src.String() + p.Dst.String()
		if !p.FromOrig {
			conv = p.Dst.String() + p.Src.String()
		}
		if pairings[conv] == nil {
			pairings[conv] = new(enip.Pairing)
		}
		pairings[conv].Observe(m)
		out = append(out, parsedPDU{p, m})
	}
	return out
}

// cipFields renders a message the way tshark lists cip.service, cip.class,
// cip.instance, cip.attribute and cip.symbol for a request: the carried message, the
// one an Unconnected_Send embeds, then a Multiple_Service_Packet's services.
func cipFields(m *enip.Message) []string {
	var svc, cls, inst, attr, syms []string
	add := func(c *enip.CIPMessage) {
		s := c.Service
		if c.Response {
			s |= 0x80
		}
		svc = append(svc, fmt.Sprintf("0x%02x", s))
		if c.Response {
			return
		}
		p := &c.Path
		if p.Has&enip.HasClass != 0 {
			if p.Class > 0xff {
				cls = append(cls, fmt.Sprintf("0x%04x", p.Class))
			} else {
				cls = append(cls, fmt.Sprintf("0x%02x", p.Class))
			}
		}
		if p.Has&enip.HasInstance != 0 {
			switch { // tshark pads to the segment's width
			case p.Instance > 0xffff:
				inst = append(inst, fmt.Sprintf("0x%08x", p.Instance))
			case p.Instance > 0xff:
				inst = append(inst, fmt.Sprintf("0x%04x", p.Instance))
			default:
				inst = append(inst, fmt.Sprintf("0x%02x", p.Instance))
			}
		}
		if p.Has&enip.HasAttribute != 0 {
			attr = append(attr, fmt.Sprint(p.Attribute))
		}
		for _, a := range c.AppendAttributeList(nil) {
			attr = append(attr, fmt.Sprint(a))
		}
		if p.NumSymbols > 0 {
			tag := string(p.AppendTagName(nil))
			tag, _, _ = strings.Cut(tag, "[") // tshark lists symbols, not elements
			syms = append(syms, strings.Split(tag, ".")...)
		}
	}
	add(&m.CIP)
	if m.Routed {
		add(&m.Embedded)
	}
	for i := range m.ServiceList() {
		add(&m.ServiceList()[i])
	}
	return []string{strings.Join(svc, ","), strings.Join(cls, ","), strings.Join(inst, ","), strings.Join(attr, ","), strings.Join(syms, ",")}
}

// TestSyntheticMatchesTshark writes the synthetic PDUs (built from the specification's
// layouts) as a TCP conversation and compares the parse with tshark's.
func TestSyntheticMatchesTshark(t *testing.T) {
	pdus := []struct {
		b          []byte
		fromClient bool
	}{{synRegisterReq, true}, {synReadTagRouted, true}, {synReadTagReply, false}, {synGAAReq, true}, {synGAAReply, false},
		{synWriteTag, true}, {synReset, true}, {synFileDownload, true}, {synWideLogical, true}, {synInstance32, true},
		{synRoutedMSP, true}, {synForwardOpenFail, false}}
	c := newConversation()
	for _, p := range pdus {
		c.add(p.fromClient, p.b)
	}
	path := testutil.WriteTemp(t, "synthetic.pcap", c.pcap(t))
	rows := testutil.Tshark(t, path, "", []string{"frame.number", "enip.command", "enip.session", "cip.service", "cip.class", "cip.instance",
		"cip.attribute", "cip.symbol", "cip.genstat", "cip.id.vendor_id", "cip.id.product_name", "cip.id.serial_number"})
	var pairing enip.Pairing
	for i, p := range pdus {
		var m enip.Message
		if err := enip.Parse(p.b, &m); err != nil {
			t.Fatal(err)
		}
		pairing.Observe(&m)
		got := []string{fmt.Sprint(i + 1), fmt.Sprintf("0x%04x", m.Command), fmt.Sprintf("0x%08x", m.Session)}
		f := []string{"", "", "", "", ""}
		if m.HasCIP {
			f = cipFields(&m)
		}
		w := rows[i]
		if m.CIP.Response {
			// tshark repeats the request's path on a reply; compare service and status.
			f[1], f[2], f[3], f[4] = w[4], w[5], w[6], w[7]
		}
		got = append(got, f...)
		if m.CIP.Response {
			got = append(got, fmt.Sprintf("0x%02x", m.CIP.GeneralStatus))
		} else {
			got = append(got, "")
		}
		if m.HasIdentity {
			id := &m.Identity
			got = append(got, fmt.Sprintf("0x%04x", id.VendorID), string(id.ProductName), fmt.Sprintf("0x%08x", id.SerialNumber))
		} else {
			got = append(got, "", "", "")
		}
		if strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("PDU %d:\n got    %q\n tshark %q", i+1, got, w)
		}
	}
}

// TestCaptureMatchesTshark compares every EtherNet/IP PDU of the public captures with
// tshark: encapsulation header, CIP services, paths and status, and the connection
// and sequence numbers of the class-1 I/O datagrams.
func TestCaptureMatchesTshark(t *testing.T) {
	for _, name := range []string{"enip_cip_example.pcap", "multiple_service_packet_cip.pcapng", "set_attribute_single_service_cip.pcapng"} {
		t.Run(name, func(t *testing.T) {
			path := testutil.Path(t, "enip/"+name)
			pdus := parseFiles(t, path)
			rows := testutil.Tshark(t, path, "enip", []string{"frame.number", "enip.command", "enip.length", "enip.session", "enip.status",
				"cip.service", "cip.class", "cip.instance", "cip.attribute", "cip.symbol", "cip.genstat",
				"enip.cpf.sai.connid", "enip.cpf.sai.seq"})
			if len(rows) != len(pdus) {
				t.Fatalf("%d PDUs, tshark %d", len(pdus), len(rows))
			}
			for i, p := range pdus {
				m, w := p.msg, rows[i]
				got := []string{fmt.Sprint(p.pdu.Frame)}
				if m.IO {
					got = append(got, "", "", "", "", "", "", "", "", "", "", fmt.Sprintf("0x%08x", m.ConnectionID), fmt.Sprint(m.EncapSequence))
				} else {
					got = append(got, fmt.Sprintf("0x%04x", m.Command), fmt.Sprint(m.Length), fmt.Sprintf("0x%08x", m.Session),
						fmt.Sprintf("0x%08x", m.Status))
					f := []string{"", "", "", "", ""}
					if m.HasCIP {
						f = cipFields(m)
					}
					if m.CIP.Response {
						f[1], f[2], f[3], f[4] = w[6], w[7], w[8], w[9] // tshark repeats the request's path
					}
					got = append(got, f...)
					var st []string
					if m.CIP.Response {
						st = append(st, fmt.Sprintf("0x%02x", m.CIP.GeneralStatus))
						for _, s := range m.ServiceList() {
							st = append(st, fmt.Sprintf("0x%02x", s.GeneralStatus))
						}
					}
					got = append(got, strings.Join(st, ","), "", "")
				}
				if strings.Join(got, "|") != strings.Join(w, "|") {
					t.Errorf("frame %d:\n got    %q\n tshark %q", p.pdu.Frame, got, w)
				}
			}
		})
	}
}

func zeekRows(t *testing.T, name string) [][]string {
	f, err := os.Open(testutil.Path(t, "enip/zeek-baseline/"+name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	return rows
}

// TestIdentityMatchesZeek checks the ListIdentity reply of the public capture against
// Zeek's cip_identity.log: a 1756-ENBT/A, revision 4.3, serial 0x00524d8e, from
// Rockwell Automation/Allen-Bradley.
func TestIdentityMatchesZeek(t *testing.T) {
	pdus := parseFiles(t, testutil.Path(t, "enip/enip_cip_example.pcap"))
	// Columns: ts uid orig_h orig_p resp_h resp_p is_orig src_h src_p dst_h dst_p
	// encapsulation_version socket_address socket_port vendor_id vendor_name
	// device_type_id device_type_name product_code revision device_status
	// serial_number product_name device_state
	rows := zeekRows(t, "cip_identity.log")
	if len(rows) != 1 {
		t.Fatalf("%d identity rows", len(rows))
	}
	want := strings.Join(rows[0][7:], "|")
	var found []string
	for _, p := range pdus {
		if !p.msg.HasIdentity {
			continue
		}
		id := &p.msg.Identity
		found = append(found, strings.Join([]string{p.pdu.Src.Addr().String(), fmt.Sprint(p.pdu.Src.Port()),
			p.pdu.Dst.Addr().String(), fmt.Sprint(p.pdu.Dst.Port()), fmt.Sprint(id.ProtocolVersion),
			id.Socket.Addr().String(), fmt.Sprint(id.Socket.Port()), fmt.Sprint(id.VendorID), enip.VendorName(id.VendorID),
			fmt.Sprint(id.DeviceType), enip.DeviceTypeName(id.DeviceType), fmt.Sprint(id.ProductCode),
			fmt.Sprintf("%d.%d", id.RevisionMajor, id.RevisionMinor), fmt.Sprintf("0x%04x", id.Status),
			fmt.Sprintf("0x%08x", id.SerialNumber), string(id.ProductName), fmt.Sprintf("0x%04x", id.State)}, "|"))
	}
	if len(found) != 1 || found[0] != want {
		t.Errorf("identities:\n ours %q\n zeek %q", found, want)
	}
}

// TestCommandsMatchZeek checks every row of Zeek's enip.log - command, length,
// session, status, sender context and options, in order per conversation - against
// the encapsulation messages parsed from the same capture.
func TestCommandsMatchZeek(t *testing.T) {
	pdus := parseFiles(t, testutil.Path(t, "enip/enip_cip_example.pcap"))
	var ours []string
	for _, p := range pdus {
		if p.pdu.UDP {
			continue // Zeek's enip.log covers the TCP encapsulation
		}
		m := p.msg
		status := fmt.Sprintf("0x%08x", m.Status)
		if m.Status == 0 {
			status = "Success"
		}
		ours = append(ours, strings.Join([]string{p.pdu.Src.Addr().String(), fmt.Sprint(p.pdu.Src.Port()),
			p.pdu.Dst.Addr().String(), fmt.Sprint(p.pdu.Dst.Port()), fmt.Sprintf("0x%x", m.Command),
			fmt.Sprint(m.Length), fmt.Sprintf("0x%08x", m.Session), status, fmt.Sprintf("0x%x", m.SenderContext),
			fmt.Sprintf("0x%08x", m.Options)}, "|"))
	}
	var zeeks []string
	for _, r := range zeekRows(t, "enip.log") {
		// ts uid orig_h orig_p resp_h resp_p is_orig src_h src_p dst_h dst_p code name
		// length session status context options
		zeeks = append(zeeks, strings.Join(append(r[7:12], r[13:]...), "|"))
	}
	if strings.Join(ours, "\n") != strings.Join(zeeks, "\n") {
		for i := range max(len(ours), len(zeeks)) {
			var o, z string
			if i < len(ours) {
				o = ours[i]
			}
			if i < len(zeeks) {
				z = zeeks[i]
			}
			if o != z {
				t.Errorf("row %d:\n ours %q\n zeek %q", i, o, z)
				break
			}
		}
		t.Errorf("%d messages, Zeek %d", len(ours), len(zeeks))
	}
}
