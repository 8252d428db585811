package bacnet

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

type capturedDatagram struct {
	frame int
	src   string
	m     Message
	err   error
}

func parseCapture(t *testing.T, path string) []capturedDatagram {
	t.Helper()
	var out []capturedDatagram
	for _, p := range testutil.Payloads(t, path) {
		if p.Transport != testutil.UDP || (p.Src.Port() != 47808 && p.Dst.Port() != 47808) {
			continue
		}
		c := capturedDatagram{frame: p.Frame, src: p.Src.Addr().String()}
		c.err = Parse(p.Payload, &c.m)
		out = append(out, c)
	}
	return out
}

func first(s string) string {
	s, _, _ = strings.Cut(s, ",")
	return s
}

// TestCaptureMatchesTshark compares BVLC function, APDU type, invoke id, service, and
// the objects, properties, vendors, errors and reasons we decode with tshark, frame by
// frame, on all three BACnet captures.
func TestCaptureMatchesTshark(t *testing.T) {
	for _, name := range []string{"bacnet_example", "bacnet_error_reject_abort", "bacnet_segmented_data"} {
		t.Run(name, func(t *testing.T) {
			capPath := testutil.Path(t, "bacnet/"+name+".pcap")
			fields := []string{"frame.number", "bvlc.function", "bacapp.type", "bacapp.invoke_id", "bacapp.confirmed_service",
				"bacapp.unconfirmed_service", "bacapp.instance_number", "bacapp.property_identifier", "bacapp.vendor_identifier",
				"bacapp.error_class", "bacapp.error_code", "bacapp.reject_reason", "bacapp.abort_reason"}
			want := map[int][]string{}
			for _, r := range testutil.Tshark(t, capPath, "bvlc", fields) {
				n, _ := strconv.Atoi(r[0])
				want[n] = r[1:]
			}
			caps := parseCapture(t, capPath)
			if len(caps) != len(want) {
				t.Errorf("%d datagrams, tshark %d", len(caps), len(want))
			}
			for _, c := range caps {
				w, ok := want[c.frame]
				if !ok {
					t.Errorf("frame %d: not BACnet for tshark", c.frame)
					continue
				}
				if c.err != nil {
					t.Errorf("frame %d: %v", c.frame, c.err)
					continue
				}
				m := &c.m
				d := &m.APDU
				get := func(i int) string { return w[i] }
				check := func(what, got, tshark string) {
					if got != tshark {
						t.Errorf("frame %d %s: got %q, tshark %q", c.frame, what, got, tshark)
					}
				}
				check("bvlc function", fmt.Sprintf("0x%02x", uint8(m.BVLC.Function)), get(0))
				check("apdu type", strconv.Itoa(int(d.Type)), get(1))
				switch d.Type {
				case PDUConfirmedRequest, PDUSimpleAck, PDUComplexAck, PDUError:
					check("invoke id", strconv.Itoa(int(d.InvokeID)), get(2))
					if !d.Segmented { // tshark names the service once all segments are in
						check("confirmed service", strconv.Itoa(int(d.Service)), get(3))
					}
				case PDUUnconfirmedRequest:
					check("unconfirmed service", strconv.Itoa(int(d.Service)), get(4))
				case PDUReject:
					check("reject reason", strconv.Itoa(int(d.Reason)), get(10))
				case PDUAbort:
					check("abort reason", strconv.Itoa(int(d.Reason)), get(11))
				}
				switch {
				case d.Type == PDUUnconfirmedRequest && d.Service == SvcIAm:
					check("i-am instance", strconv.Itoa(int(m.Device.Instance())), first(get(5)))
					check("i-am vendor", strconv.Itoa(int(m.VendorID)), get(7))
				case (d.Type == PDUConfirmedRequest || d.Type == PDUComplexAck) && (d.Service == SvcReadProperty || d.Service == SvcWriteProperty) && !d.Segmented:
					check("object instance", strconv.Itoa(int(m.Object.Instance())), first(get(5)))
					check("property", strconv.Itoa(int(m.Property)), first(get(6)))
				case d.Type == PDUError:
					check("error class", strconv.Itoa(int(m.ErrorClass)), get(8))
					check("error code", strconv.Itoa(int(m.ErrorCode)), get(9))
				}
			}
		})
	}
}

// TestCaptureDiscoveryMatchesZeek holds the Who-Is and I-Am datagrams against the ICSNPP
// bacnet_discovery.log: sender, device instance and vendor name.
func TestCaptureDiscoveryMatchesZeek(t *testing.T) {
	capPath := testutil.Path(t, "bacnet/bacnet_example.pcap")
	var got []string
	for _, c := range parseCapture(t, capPath) {
		m := &c.m
		if !m.HasAPDU || m.APDU.Type != PDUUnconfirmedRequest {
			continue
		}
		switch m.APDU.Service {
		case SvcWhoIs:
			rng := "All"
			if m.HasRange {
				rng = fmt.Sprintf("%d-%d", m.RangeLow, m.RangeHigh)
			}
			got = append(got, strings.Join([]string{c.src, "who-is", "-", "-", rng}, " "))
		case SvcIAm:
			name, ok := VendorName(m.VendorID)
			if !ok {
				t.Errorf("frame %d: vendor %d has no name", c.frame, m.VendorID)
			}
			// Zeek's logs drop the commas of vendor names (its set separator).
			got = append(got, strings.Join([]string{c.src, "i-am", strconv.Itoa(int(m.Device.Instance())), strings.ReplaceAll(name, ",", ""), "-"}, " "))
		}
	}
	var want []string
	for _, r := range testutil.ZeekLog(t, filepath.Join(filepath.Dir(capPath), "zeek-baseline", "bacnet_discovery.log")) {
		want = append(want, strings.Join([]string{r["source_h"], r["pdu_service"], r["instance_number"], r["vendor"], r["range"]}, " "))
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) != 217 || !slices.Equal(got, want) {
		t.Errorf("discovery differs from zeek (%d vs %d)", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("first difference: got %q, zeek %q", got[i], want[i])
				break
			}
		}
	}
}

// tshark prints object-name as "Object Name: X" and the other strings as "name: UTF-8 'X'".
var identityLine = regexp.MustCompile(`(?m)^\s+(?:(vendor-name|model-name|firmware-revision|application-software-version|description|location): UTF-8 '(.*)'|(Object Name): (.*))$`)

// TestCaptureDeviceIdentity compares the identity properties read from device objects
// with the strings tshark shows for the same frames.
func TestCaptureDeviceIdentity(t *testing.T) {
	capPath := testutil.Path(t, "bacnet/bacnet_example.pcap")
	verbose := testutil.TsharkVerbose(t, capPath, "bacapp.type==3 && bacapp.objectType==8")
	propName := map[uint32]string{PropObjectName: "object-name", PropVendorName: "vendor-name", PropModelName: "model-name",
		PropFirmwareRevision: "firmware-revision", PropApplicationSoftwareVersion: "application-software-version",
		PropDescription: "description", PropLocation: "location"}
	seen := map[string]int{}
	for _, c := range parseCapture(t, capPath) {
		m := &c.m
		if !m.HasAPDU || m.APDU.Type != PDUComplexAck || m.APDU.Service != SvcReadProperty || m.Object.Type() != ObjectDevice || !IsIdentityProperty(m.Property) {
			continue
		}
		v, ok := verbose[c.frame]
		if !ok {
			t.Errorf("frame %d: tshark shows no device ack", c.frame)
			continue
		}
		if m.Property == PropVendorIdentifier {
			u, _ := m.Value.Unsigned()
			if !strings.Contains(v, fmt.Sprintf("vendor-identifier: %d", u)) && !strings.Contains(v, fmt.Sprintf("(%d)", u)) {
				t.Errorf("frame %d: vendor identifier %d not in tshark's dissection", c.frame, u)
			}
			seen["vendor-identifier"]++
			continue
		}
		txt, cs, ok := m.Value.Text()
		if !ok || cs != CharsetUTF8 {
			t.Errorf("frame %d: property %d has no UTF-8 text (%+v)", c.frame, m.Property, m.Value)
			continue
		}
		sm := identityLine.FindStringSubmatch(v)
		if sm != nil && sm[3] != "" {
			sm[1], sm[2] = "object-name", sm[4]
		}
		if sm == nil || sm[1] != propName[m.Property] || sm[2] != string(txt) {
			t.Errorf("frame %d: %s %q, tshark %q", c.frame, propName[m.Property], txt, sm)
		}
		seen[propName[m.Property]]++
	}
	for _, p := range []string{"object-name", "model-name", "firmware-revision", "application-software-version", "location"} {
		if seen[p] == 0 {
			t.Errorf("no %s read from a device in the capture", p)
		}
	}
	t.Logf("identity properties decoded: %v", seen)
}
