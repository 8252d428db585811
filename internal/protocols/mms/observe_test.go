package mms

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols/s7comm"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// mmsSession is an IEC 61850 client's connection to an IED as the simulator encodes it
// (and tshark dissects it): ISO transport connect with TSAP 0x0001, MMS association,
// Identify, GetNameList and two reads.
func mmsSession() []observetest.Segment {
	return []observetest.Segment{
		{FromClient: true, Data: encode.COTPConnect(nil, false, 0, 0x0001, 0x0001, 0x0001)},
		{FromClient: false, Data: encode.COTPConnect(nil, true, 0x0001, 0x4421, 0x0001, 0x0001)},
		{FromClient: true, Data: encode.MMSConnectRequest(nil)},
		{FromClient: false, Data: encode.MMSConnectResponse(nil)},
		{FromClient: true, Data: encode.MMSIdentifyRequest(nil, 1)},
		{FromClient: false, Data: encode.MMSIdentifyResponse(nil, 1, "Siemens", "SIPROTEC 5 7SA86", "9.40")},
		{FromClient: true, Data: encode.MMSGetDomainsRequest(nil, 2)},
		{FromClient: false, Data: encode.MMSGetNameListResponse(nil, 2, []string{"Q01PROT", "Q01MEAS"})},
		{FromClient: true, Data: encode.MMSReadRequest(nil, 3, "Q01MEAS", []string{"MMXU1$MX$Hz$mag$f"})},
		{FromClient: false, Data: encode.MMSReadResponse(nil, 3, []float32{49.98})},
		{FromClient: true, Data: encode.MMSReadRequest(nil, 4, "Q01MEAS", []string{"MMXU1$MX$Hz$mag$f"})},
		{FromClient: false, Data: encode.MMSReadResponse(nil, 4, []float32{50.01})},
	}
}

func TestMMS(t *testing.T) {
	client, ied := netip.MustParseAddrPort("10.60.2.20:49200"), netip.MustParseAddrPort("10.60.11.11:102")
	// An answer no domain request asked for (here a list of a domain's variables) names
	// no logical device.
	segs := append(mmsSession(), observetest.Segment{FromClient: false, Data: encode.MMSGetNameListResponse(nil, 99, []string{"LLN0", "LPHD1"})})
	r := observetest.RunFrames(t, observetest.Exchange(t, client, ied, segs)...)
	observetest.WantFacts(t, r, []string{
		"10.60.11.11 vendor=Siemens (high, mms)",
		"10.60.11.11 model=SIPROTEC 5 7SA86 (high, mms)",
		"10.60.11.11 firmware_version=9.40 (high, mms)",
		"10.60.11.11 name=Q01PROT (medium, mms)", // the logical devices the IED lists
		"10.60.11.11 name=Q01MEAS (medium, mms)",
	}, "10.60.11.11 rack_slot", "10.60.11.11 name=L") // TSAP 0x0001 is not an S7 rack and slot
	f := observetest.FlowOf(t, r, App)
	if ops := slices.Sorted(slices.Values(observetest.OpsOf(f))); !slices.Equal(ops, []string{"cotp_connect=1/0", "get_name_list=1/0", "identify=1/0", "initiate=1/0", "read=2/0"}) {
		t.Errorf("ops %v", ops)
	}
	for _, fl := range r.Flows {
		if fl.App == s7comm.App {
			t.Errorf("an S7comm flow remains: %+v", fl)
		}
	}

	// On a port no protocol claims, the association request identifies MMS.
	r = observetest.RunFrames(t, observetest.Exchange(t, client, netip.MustParseAddrPort("10.60.11.11:10102"), mmsSession()[2:])...)
	if f := observetest.FlowOf(t, r, App); f.Server.Port() != 10102 {
		t.Errorf("flow %v", f.Server)
	}
}

// splitTPDU cuts the MMS PDU of frame (TPKT, COTP DT, user data) into TPDUs of at most
// size bytes of user data, all but the last without the end-of-TSDU mark, as a
// transport whose TPDU size is smaller than the PDU sends it.
func splitTPDU(frame []byte, size int) [][]byte {
	user := frame[4+1+int(frame[4]):]
	var out [][]byte
	for nr := 0; len(user) > 0; nr++ {
		n := min(size, len(user))
		eot := byte(0)
		if n == len(user) {
			eot = 0x80
		}
		out = append(out, observetest.Join([]byte{3, 0}, observetest.BE16(uint16(7+n)), []byte{2, 0xf0, eot | byte(nr&0x7f)}, user[:n]))
		user = user[n:]
	}
	return out
}

// A PDU longer than the TPDU size comes in several TPDUs: they are joined, in separate
// segments or in one, so a long request counts like a short one; past the join bound the
// PDU is counted as oversized and the next one is read again.
func TestMMSSplitPDU(t *testing.T) {
	client, ied := netip.MustParseAddrPort("10.60.2.20:49200"), netip.MustParseAddrPort("10.60.11.11:102")
	var items []string
	for i := range 200 {
		items = append(items, fmt.Sprintf("MMXU%d$MX$TotW$mag$f", i))
	}
	long := encode.MMSReadRequest(nil, 5, "Q01MEAS", items)
	var huge []string
	for i := range 3000 {
		huge = append(huge, fmt.Sprintf("GGIO%d$ST$Ind%d$stVal", i, i))
	}
	tooLong := encode.MMSReadRequest(nil, 7, "Q01PROT", huge)
	if len(tooLong) < mmsJoinMax {
		t.Fatalf("the oversized request is only %d bytes", len(tooLong))
	}

	segs := mmsSession()[:4]
	for _, f := range splitTPDU(encode.MMSIdentifyResponse(nil, 1, "Siemens", "SIPROTEC 5 7SA86", "9.40"), 16) {
		segs = append(segs, observetest.Segment{FromClient: false, Data: f})
	}
	segs = append(segs, observetest.Segment{FromClient: true, Data: observetest.Join(splitTPDU(long, 1000)...)}) // several TPDUs in one segment
	segs = append(segs, observetest.Segment{FromClient: false, Data: encode.MMSReadResponse(nil, 5, []float32{1})})
	for _, f := range splitTPDU(tooLong, 8000) {
		segs = append(segs, observetest.Segment{FromClient: true, Data: f})
	}
	segs = append(segs, observetest.Segment{FromClient: true, Data: encode.MMSIdentifyRequest(nil, 8)})

	r := observetest.RunFrames(t, observetest.Exchange(t, client, ied, segs)...)
	observetest.WantFacts(t, r, []string{
		"10.60.11.11 vendor=Siemens (high, mms)",
		"10.60.11.11 model=SIPROTEC 5 7SA86 (high, mms)",
		"10.60.11.11 firmware_version=9.40 (high, mms)",
	}, "10.60.11.11 rack_slot") // TSAP 0x0001 is not an S7 rack and slot
	f := observetest.FlowOf(t, r, App)
	if ops := slices.Sorted(slices.Values(observetest.OpsOf(f))); !slices.Equal(ops, []string{"cotp_connect=1/0", "identify=1/0", "initiate=1/0", "read=1/0"}) {
		t.Errorf("ops %v", ops)
	}
	if got := f.Anomalies[observe.AnomalyOversized]; got != 1 {
		t.Errorf("%d oversized PDUs, want 1; anomalies %v", got, f.Anomalies)
	}
	if got := f.Anomalies[observe.AnomalyMalformed]; got != 0 {
		t.Errorf("%d malformed PDUs; anomalies %v", got, f.Anomalies)
	}
}

// MMS requests from a client raise the rule of what they do to the IED; answers and the
// reads of a station's normal polling raise nothing.
func TestMatchMMS(t *testing.T) {
	for _, tc := range []struct {
		service    uint32
		fromClient bool
		want       *observe.Rule
	}{
		{ServiceWrite, true, ruleMMSWrite},
		{41, true, ruleMMSControl},    // Stop
		{43, true, ruleMMSControl},    // Reset
		{26, true, ruleMMSDownload},   // InitiateDownloadSequence
		{38, true, ruleMMSDownload},   // CreateProgramInvocation
		{29, true, ruleMMSUpload},     // InitiateUploadSequence
		{76, true, ruleMMSFileChange}, // FileDelete
		{ServiceIdentify, true, ruleMMSIdentify},
		{ServiceRead, true, nil},
		{ServiceGetNameList, true, nil},
		{72, true, nil}, // FileOpen
		{ServiceWrite, false, nil},
	} {
		op := &observe.Operation{App: App, Code: tc.service, Class: ServiceClass(tc.service), FromClient: tc.fromClient}
		if got := op.App.Match(op); got != tc.want {
			t.Errorf("%s (client %v): rule %v, want %v", ServiceName(tc.service), tc.fromClient, got, tc.want)
		}
	}
}
