package bacnet

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// Real datagrams from bacnet_example.pcap, bacnet_error_reject_abort.pcap and
// bacnet_segmented_data.pcap.
const (
	hexRPObjectName = "810a001101040005010c0c00000001194d"
	hexRPAckName    = "810a0021010030010c0c00000001194d3e750d0053656e736f725f34353331323f"
	hexRPAckModel   = "810a001c010030020c0c020001f519463e7508004849592d3035343f"
	hexWhoIsRemote  = "810b000c0120ffff00ff1008"
	hexIAm          = "810a001401001000c4020002d12204009103210f"
	hexReinit       = "810a001101040005011409061d0b0044656c63617474793730"
	hexReinitError  = "810a001101045001149105911a"
	hexReinitAck    = "810a00110104200414"
	hexWrite        = "810a001a01040005010f0c0040000019553e4442a000003f4905"
	hexDCC          = "810a0019010400050111093c19012d090066696c6973746572"
	hexWhoIsRange   = "810a00160120ffff00ff10073d080053594e45524759"
	hexReject       = "810a000e0120000d013dff603a09"
	hexAbort        = "810b00090100710100"
	hexSegmentAck   = "810a000a0100405e0003"
	hexSegmented    = "810a002601043c5e00030c0c020000fe194c3ec400c00000c400c04e21c400c04e22c400c04e23"
	hexForwarded    = "8104001aac1420c8bac0010030010c0c00000001194d3e91003f"
	hexBVLCResult   = "810000060030"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		hex   string
		check func(t *testing.T, m *Message)
	}{
		{"read property request", hexRPObjectName, func(t *testing.T, m *Message) {
			if m.BVLC.Function != BVLCOriginalUnicastNPDU || !m.NPDU.ExpectingReply() || m.APDU.Type != PDUConfirmedRequest || m.APDU.Service != SvcReadProperty {
				t.Fatalf("%v %v %d", m.BVLC.Function, m.APDU.Type, m.APDU.Service)
			}
			if m.Object.Type() != 0 || m.Object.Instance() != 1 || m.Property != PropObjectName || m.APDU.InvokeID != 1 {
				t.Errorf("object %d:%d property %d", m.Object.Type(), m.Object.Instance(), m.Property)
			}
			if m.OpClass() != protocols.OpRead || !m.IsRequest() || m.ServiceName() != "read_property" {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"read property ack, object name", hexRPAckName, func(t *testing.T, m *Message) {
			txt, cs, ok := m.Value.Text()
			if m.APDU.Type != PDUComplexAck || !m.HasValue || !ok || cs != CharsetUTF8 || string(txt) != "Sensor_45312" {
				t.Errorf("%v value %+v", m.APDU.Type, m.Value)
			}
		}},
		{"read property ack, device model", hexRPAckModel, func(t *testing.T, m *Message) {
			txt, _, _ := m.Value.Text()
			if m.Object.Type() != ObjectDevice || m.Object.Instance() != 501 || m.Property != PropModelName || string(txt) != "HIY-054" {
				t.Errorf("%d:%d %d %q", m.Object.Type(), m.Object.Instance(), m.Property, txt)
			}
		}},
		{"who-is to all networks", hexWhoIsRemote, func(t *testing.T, m *Message) {
			n := m.NPDU
			if m.BVLC.Function != BVLCOriginalBroadcastNPDU || !n.HasDst || n.DNET != 0xFFFF || len(n.DADR) != 0 || n.HopCount != 255 {
				t.Errorf("npdu %+v", n)
			}
			if m.APDU.Service != SvcWhoIs || m.HasRange || m.OpClass() != protocols.OpNone {
				t.Errorf("service %d range %v", m.APDU.Service, m.HasRange)
			}
		}},
		{"i-am", hexIAm, func(t *testing.T, m *Message) {
			if m.Device.Type() != ObjectDevice || m.Device.Instance() != 721 || m.MaxAPDULength != 1024 || m.Segmentation != 3 || m.VendorID != 15 {
				t.Errorf("device %d:%d max %d seg %d vendor %d", m.Device.Type(), m.Device.Instance(), m.MaxAPDULength, m.Segmentation, m.VendorID)
			}
			if name, ok := VendorName(m.VendorID); !ok || name == "" {
				t.Errorf("vendor %d has no name", m.VendorID)
			}
		}},
		{"reinitialize device", hexReinit, func(t *testing.T, m *Message) {
			if m.APDU.Service != SvcReinitializeDevice || m.ReinitState != 6 || !m.HasPassword || m.OpClass() != protocols.OpControl || !m.BVLC.LengthMismatch {
				t.Errorf("state %d password %v", m.ReinitState, m.HasPassword)
			}
		}},
		{"reinitialize error", hexReinitError, func(t *testing.T, m *Message) {
			if m.APDU.Type != PDUError || m.ErrorClass != 5 || m.ErrorCode != 26 || m.IsRequest() {
				t.Errorf("%v %d %d", m.APDU.Type, m.ErrorClass, m.ErrorCode)
			}
		}},
		{"reinitialize simple ack", hexReinitAck, func(t *testing.T, m *Message) {
			if m.APDU.Type != PDUSimpleAck || m.APDU.Service != SvcReinitializeDevice || m.APDU.InvokeID != 4 {
				t.Errorf("%+v", m.APDU)
			}
		}},
		{"write property", hexWrite, func(t *testing.T, m *Message) {
			if m.APDU.Service != SvcWriteProperty || m.Object.Type() != 1 || m.Property != 85 || !m.HasValue || m.Value.Tag != TagReal || !m.HasPriority || m.Priority != 5 {
				t.Errorf("%+v", m)
			}
			if m.OpClass() != protocols.OpWrite {
				t.Errorf("opclass %v", m.OpClass())
			}
		}},
		{"device communication control", hexDCC, func(t *testing.T, m *Message) {
			if m.APDU.Service != SvcDeviceCommunicationControl || m.Duration != 60 || m.EnableDisable != 1 || !m.HasPassword || m.OpClass() != protocols.OpControl {
				t.Errorf("duration %d enable %d", m.Duration, m.EnableDisable)
			}
		}},
		{"reject", hexReject, func(t *testing.T, m *Message) {
			if m.APDU.Type != PDUReject || m.APDU.InvokeID != 0x3a || m.APDU.Reason != 9 || !m.NPDU.HasDst || m.NPDU.DNET != 13 || m.NPDU.HopCount != 255 {
				t.Errorf("%+v %+v", m.APDU, m.NPDU)
			}
		}},
		{"abort", hexAbort, func(t *testing.T, m *Message) {
			if m.APDU.Type != PDUAbort || !m.APDU.Server || m.APDU.InvokeID != 1 {
				t.Errorf("%+v", m.APDU)
			}
		}},
		{"segment ack", hexSegmentAck, func(t *testing.T, m *Message) {
			if m.APDU.Type != PDUSegmentAck || m.APDU.InvokeID != 0x5e || m.APDU.WindowSize != 3 {
				t.Errorf("%+v", m.APDU)
			}
		}},
		{"segmented complex ack, first segment", hexSegmented, func(t *testing.T, m *Message) {
			if !m.APDU.Segmented || !m.APDU.MoreFollows || !m.ServicePartial || m.Property != 76 || m.Object.Instance() != 254 {
				t.Errorf("%+v", m.APDU)
			}
		}},
		{"forwarded npdu", hexForwarded, func(t *testing.T, m *Message) {
			if m.BVLC.Function != BVLCForwardedNPDU || hex.EncodeToString(m.BVLC.ForwardedFrom[:]) != "ac1420c8bac0" || m.APDU.Type != PDUComplexAck {
				t.Errorf("%+v", m.BVLC)
			}
		}},
		{"bvlc result", hexBVLCResult, func(t *testing.T, m *Message) {
			if m.BVLC.Function != BVLCResult || m.BVLC.Result != 0x30 || m.HasNPDU {
				t.Errorf("%+v", m.BVLC)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			if err := Parse(testutil.MustHex(t, tt.hex), &m); err != nil {
				t.Fatal(err)
			}
			tt.check(t, &m)
		})
	}
}

func TestErrors(t *testing.T) {
	for _, tt := range []struct{ name, hex, err string }{
		{"short", "810a", "shorter"},
		{"not bacnet/ip", "820a00040100", "0x81"},
		{"bvlc length", "810a00020100", "length"},
		{"npdu version", "810a0006020000", "version"},
		{"dadr past end", "810b000a0120ffff08ff", "NPDU"},
		{"bad i-am", "810a00070100100021", "I-Am"},
		{"bad property", "810a000d01040005010c0c0000", "property"},
		{"tag length overflow", "810a001101040005010c0cff0000011dfe", "property"},
	} {
		var m Message
		if err := Parse(testutil.MustHex(t, tt.hex), &m); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestVendorName(t *testing.T) {
	// Names as tshark's table has them for vendors of bacnet_example.pcap.
	for id, want := range map[uint16]string{0: "ASHRAE", 7: "Siemens Schweiz AG (Formerly: Landis & Staefa Division Europe)", 212: "TSC21 Association of Japan"} {
		if got, ok := VendorName(id); !ok || got != want {
			t.Errorf("VendorName(%d) = %q", id, got)
		}
	}
	if _, ok := VendorName(65535); ok {
		t.Error("VendorName(65535) found")
	}
}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, h := range []string{hexRPAckName, hexIAm, hexWrite, hexSegmented} {
		b := testutil.MustHex(t, h)
		if n := testing.AllocsPerRun(100, func() { _ = Parse(b, &m) }); n != 0 {
			t.Errorf("Parse allocates %v times", n)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	pdus := [][]byte{testutil.MustHex(b, hexRPAckName), testutil.MustHex(b, hexIAm), testutil.MustHex(b, hexRPObjectName), testutil.MustHex(b, hexWhoIsRemote)}
	var m Message
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := Parse(pdus[i%len(pdus)], &m); err != nil {
			b.Fatal(err)
		}
	}
}

var fuzzSeeds = []string{hexRPObjectName, hexRPAckName, hexRPAckModel, hexWhoIsRemote, hexIAm, hexReinit, hexReinitError,
	hexReinitAck, hexWrite, hexDCC, hexWhoIsRange, hexReject, hexAbort, hexSegmentAck, hexSegmented, hexForwarded, hexBVLCResult}

func FuzzParse(f *testing.F) {
	for _, h := range fuzzSeeds {
		f.Add(testutil.MustHex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		_ = Parse(b, &m)
		_ = m.OpClass()
		_ = m.ServiceName()
		if m.HasValue {
			m.Value.Text()
			m.Value.Unsigned()
			m.Value.ObjectID()
		}
		if m.HasNPDU && m.BVLC.LengthMismatch != (int(m.BVLC.Length) != len(b)) {
			t.Fatalf("BVLC length %d of %d, mismatch %v", m.BVLC.Length, len(b), m.BVLC.LengthMismatch)
		}
	})
}
