package observe

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// mmsSession is an IEC 61850 client's connection to an IED as the simulator encodes it
// (and tshark dissects it): ISO transport connect with TSAP 0x0001, MMS association,
// Identify, GetNameList and two reads.
func mmsSession() []segment {
	return []segment{
		{true, encode.COTPConnect(nil, false, 0, 0x0001, 0x0001, 0x0001)},
		{false, encode.COTPConnect(nil, true, 0x0001, 0x4421, 0x0001, 0x0001)},
		{true, encode.MMSConnectRequest(nil)},
		{false, encode.MMSConnectResponse(nil)},
		{true, encode.MMSIdentifyRequest(nil, 1)},
		{false, encode.MMSIdentifyResponse(nil, 1, "Siemens", "SIPROTEC 5 7SA86", "9.40")},
		{true, encode.MMSGetDomainsRequest(nil, 2)},
		{false, encode.MMSGetNameListResponse(nil, 2, []string{"Q01PROT", "Q01MEAS"})},
		{true, encode.MMSReadRequest(nil, 3, "Q01MEAS", []string{"MMXU1$MX$Hz$mag$f"})},
		{false, encode.MMSReadResponse(nil, 3, []float32{49.98})},
		{true, encode.MMSReadRequest(nil, 4, "Q01MEAS", []string{"MMXU1$MX$Hz$mag$f"})},
		{false, encode.MMSReadResponse(nil, 4, []float32{50.01})},
	}
}

func TestMMS(t *testing.T) {
	client, ied := netip.MustParseAddrPort("10.60.2.20:49200"), netip.MustParseAddrPort("10.60.11.11:102")
	r := runFrames(t, exchange(t, client, ied, mmsSession())...)
	wantFacts(t, r, []string{
		"10.60.11.11 vendor=Siemens (high, mms)",
		"10.60.11.11 model=SIPROTEC 5 7SA86 (high, mms)",
		"10.60.11.11 firmware_version=9.40 (high, mms)",
	}, "rack_slot")
	f := flowOf(t, r, AppMMS)
	if ops := slices.Sorted(slices.Values(opsOf(f))); !slices.Equal(ops, []string{"cotp_connect=1/0", "get_name_list=1/0", "identify=1/0", "initiate=1/0", "read=2/0"}) {
		t.Errorf("ops %v", ops)
	}
	for _, fl := range r.flows {
		if fl.App == AppS7comm {
			t.Errorf("an S7comm flow remains: %+v", fl)
		}
	}

	// On a port no protocol claims, the association request identifies MMS.
	r = runFrames(t, exchange(t, client, netip.MustParseAddrPort("10.60.11.11:10102"), mmsSession()[2:])...)
	if f := flowOf(t, r, AppMMS); f.Server.Port() != 10102 {
		t.Errorf("flow %v", f.Server)
	}
}
