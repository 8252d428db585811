package encode

import "testing"

func TestMMSTshark(t *testing.T) {
	var c capture
	s := c.tcp(49900, 102)
	s.send(0, COTPConnect(nil, false, 0, 0x0001, 0x0001, 0x0001))
	s.send(1, COTPConnect(nil, true, 0x0001, 0x0002, 0x0001, 0x0001))
	s.send(0, MMSConnectRequest(nil))
	s.send(1, MMSConnectResponse(nil))
	s.send(0, MMSIdentifyRequest(nil, 1))
	s.send(1, MMSIdentifyResponse(nil, 1, "Siemens", "SIPROTEC 5 7SA86", "9.40"))
	s.send(0, MMSGetDomainsRequest(nil, 2))
	s.send(1, MMSGetNameListResponse(nil, 2, []string{"IED_INC1PROT", "IED_INC1CTRL", "IED_INC1MEAS"}))
	s.send(0, MMSReadRequest(nil, 3, "IED_INC1MEAS", []string{"MMXU1$MX$TotW$mag$f", "MMXU1$MX$Hz$mag$f"}))
	s.send(1, MMSReadResponse(nil, 3, []float32{48.2, 50.01}))
	rows := c.check(t, "mms.confirmedServiceRequest", "mms.confirmedServiceResponse", "mms.vendorName", "mms.modelName", "mms.revision", "mms.domainId", "mms.itemId")
	requireRow(t, rows, "Siemens", "SIPROTEC 5 7SA86", "9.40")
	requireRow(t, rows, "IED_INC1MEAS", "MMXU1$MX$TotW$mag$f")
	for _, r := range rows {
		t.Log(r)
	}
}
