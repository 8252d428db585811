package encode

import (
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/protocols/iec104"
)

func TestIEC104Tshark(t *testing.T) {
	var c capture
	s := c.tcp(49600, 2404)
	at := time.Date(2026, 3, 2, 8, 15, 30, 250e6, time.UTC)
	s.send(0, IEC104U(nil, IEC104StartDTAct))
	s.send(1, IEC104U(nil, IEC104StartDTCon))
	b, st := IEC104Start(nil, 0, 0, C_IC_NA_1, 1, false, COTActivation, false, 0, 1)
	s.send(0, IEC104End(append(IOA(b, 0), 20), st))
	b, st = IEC104Start(nil, 0, 1, C_IC_NA_1, 1, false, COTActCon, false, 0, 1)
	s.send(1, IEC104End(append(IOA(b, 0), 20), st))
	b, st = IEC104Start(nil, 1, 1, M_ME_NC_1, 3, true, COTInterrogated, false, 0, 1)
	b = IOA(b, 4001)
	b = Float(Float(Float(b, 132.5, 0), 131.9, 0), 33.1, 0)
	s.send(1, IEC104End(b, st))
	b, st = IEC104Start(nil, 2, 1, M_SP_NA_1, 2, false, COTInterrogated, false, 0, 1)
	b = append(IOA(append(IOA(b, 1001), 1), 1002), 0)
	s.send(1, IEC104End(b, st))
	b, st = IEC104Start(nil, 3, 1, C_IC_NA_1, 1, false, COTActTerm, false, 0, 1)
	s.send(1, IEC104End(append(IOA(b, 0), 20), st))
	s.send(0, IEC104S(nil, 4))
	b, st = IEC104Start(nil, 4, 1, M_ME_TF_1, 1, false, COTSpontaneous, false, 0, 1)
	s.send(1, IEC104End(CP56Time2a(Float(IOA(b, 4002), 130.2, 0), at), st))
	b, st = IEC104Start(nil, 5, 1, M_SP_TB_1, 1, false, COTSpontaneous, false, 0, 1)
	s.send(1, IEC104End(CP56Time2a(append(IOA(b, 1003), 1), at), st))
	b, st = IEC104Start(nil, 1, 6, C_SC_NA_1, 1, false, COTActivation, false, 0, 1)
	s.send(0, IEC104End(append(IOA(b, 2001), 0x81), st))
	b, st = IEC104Start(nil, 6, 2, C_SC_NA_1, 1, false, COTActCon, false, 0, 1)
	s.send(1, IEC104End(append(IOA(b, 2001), 0x81), st))
	b, st = IEC104Start(nil, 2, 7, C_SE_NC_1, 1, false, COTActivation, false, 0, 1)
	s.send(0, IEC104End(Float(IOA(b, 3001), 50.5, 0), st))
	b, st = IEC104Start(nil, 3, 7, C_CS_NA_1, 1, false, COTActivation, false, 0, 1)
	s.send(0, IEC104End(CP56Time2a(IOA(b, 0), at), st))
	s.send(0, IEC104U(nil, IEC104TestFRAct))
	s.send(1, IEC104U(nil, IEC104TestFRCon))
	rows := c.check(t, "iec60870_asdu.typeid", "iec60870_asdu.causetx", "iec60870_asdu.float", "iec60870_104.utype")
	for _, want := range [][]string{{"100\t6"}, {"13\t20", "132.5"}, {"45\t6"}, {"50\t6", "50.5"}, {"36\t3"}, {"103\t6"}} {
		requireRow(t, rows, want...)
	}
	for _, r := range rows {
		t.Log(r)
	}
}

func TestIEC104Dissector(t *testing.T) {
	var m iec104.Message
	b, st := IEC104Start(nil, 5, 9, C_SC_NA_1, 1, false, COTActivation, false, 3, 7)
	b = IEC104End(append(IOA(b, 2001), 0x81), st)
	if err := iec104.Parse(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.TypeID != C_SC_NA_1 || m.SendSeq != 5 || m.RecvSeq != 9 || m.CommonAddr != 7 || m.IOAs[0] != 2001 || !m.SelectBit {
		t.Errorf("decoded %+v", m)
	}
	if err := iec104.Parse(IEC104S(nil, 300), &m); err != nil || m.RecvSeq != 300 {
		t.Errorf("S-frame: %v %+v", err, m)
	}
}
