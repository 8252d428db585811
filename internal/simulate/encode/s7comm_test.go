package encode

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols/s7comm"
)

var (
	szl11 = []SZLRecord{
		{Index: 1, Text: "6ES7 315-2EH14-0AB0", ModuleType: 0, Ausbg: 0x0001, Ausbe: 0x0001},
		{Index: 6, Text: "6ES7 315-2EH14-0AB0", ModuleType: 0, Ausbg: 0x0001, Ausbe: 0x0001},
		{Index: 7, Text: "", ModuleType: 0, Ausbg: 'V'<<8 | 3, Ausbe: 0x020a},
	}
	szl1c = []SZLRecord{
		{Index: 1, Text: "SIMATIC 300(1)"},
		{Index: 2, Text: "CPU 315-2 PN/DP"},
		{Index: 3, Text: "Filter cell 2"},
		{Index: 4, Text: "Original Siemens Equipment"},
		{Index: 5, Text: "S C-X4U421302009"},
		{Index: 7, Text: "CPU 315-2 PN/DP"},
	}
)

func s7Session(c *capture) *stream {
	s := c.tcp(49400, 102)
	s.send(0, COTPConnect(nil, false, 0, 0x0001, 0x0100, 0x0102))
	s.send(1, COTPConnect(nil, true, 0x0001, 0x4431, 0x0100, 0x0102))
	s.send(0, S7SetupComm(nil, false, 0x100, 480))
	s.send(1, S7SetupComm(nil, true, 0x100, 240))
	return s
}

func TestS7Tshark(t *testing.T) {
	var c capture
	f := NewFiller(1)
	s := s7Session(&c)
	vars := []S7Var{{Area: S7AreaDB, DB: 10, Start: 0, Length: 3}, {Area: S7AreaFlags, Start: 100, Length: 4}}
	s.send(0, S7ReadVar(nil, 0x101, vars))
	s.send(1, S7ReadVarAck(nil, 0x101, vars, &f))
	s.send(0, S7ReadSZL(nil, 0x102, 0, 0x0011, 0))
	s.send(1, S7ReadSZLResponse(nil, 0x102, 1, 0x0011, 0, szl11))
	s.send(0, S7ReadSZL(nil, 0x103, 0, 0x001c, 0))
	s.send(1, S7ReadSZLResponse(nil, 0x103, 2, 0x001c, 0, szl1c))
	s.send(0, S7WriteVar(nil, 0x104, &vars[0], []byte{1, 2, 3}))
	s.send(1, S7WriteVarAck(nil, 0x104))
	s.send(0, S7RequestDownload(nil, 0x105, "0C", 12, 226, 70))
	s.send(1, S7FunctionAck(nil, 0x105, S7FuncRequestDownload))
	s.send(1, S7DownloadBlock(nil, 0x200, "0C", 12))
	s.send(0, S7DownloadBlockAck(nil, 0x200, false, 226, &f))
	s.send(1, S7DownloadEnded(nil, 0x201, "0C", 12))
	s.send(0, S7FunctionAck(nil, 0x201, S7FuncDownloadEnded))
	s.send(0, S7InsertBlock(nil, 0x106, "0C", 12))
	s.send(1, S7FunctionAck(nil, 0x106, S7FuncPLCControl))
	s.send(0, S7PLCStop(nil, 0x107))
	s.send(1, S7FunctionAck(nil, 0x107, S7FuncPLCStop))

	rows := c.check(t, "s7comm.param.func", "s7comm.szl.xy11.0001.anz", "s7comm.szl.001c.0002.name", "s7comm.szl.001c.0005.serialn", "s7comm.param.blockcontrol.filename", "s7comm.param.pistart.servicename")
	requireRow(t, rows, "6ES7 315-2EH14-0AB0")
	requireRow(t, rows, "CPU 315-2 PN/DP", "S C-X4U421302009")
	requireRow(t, rows, "0x29")
	requireRow(t, rows, "_0C00012P")
	requireRow(t, rows, "_INSE")
	for _, r := range rows {
		t.Log(r)
	}
}

// TestS7Dissector parses the encodings with the repository's own S7comm dissector.
func TestS7Dissector(t *testing.T) {
	var m s7comm.Message
	f := NewFiller(2)
	if err := s7comm.Parse(S7ReadSZLResponse(nil, 1, 1, 0x0011, 0, szl11), &m); err != nil || !m.HasSZL {
		t.Fatalf("SZL 0x0011: %v (has SZL %v)", err, m.HasSZL)
	}
	r, ok := m.SZL.Record(1)
	if !ok || string(r.Text) != "6ES7 315-2EH14-0AB0" {
		t.Errorf("SZL 0x0011 index 1: %+v", r)
	}
	if r, ok := m.SZL.Record(7); !ok {
		t.Error("no firmware record")
	} else if l, ma, mi, p := r.Version(); l != 'V' || ma != 3 || mi != 2 || p != 10 {
		t.Errorf("firmware version %c%d.%d.%d, want V3.2.10", l, ma, mi, p)
	}
	if err := s7comm.Parse(S7ReadSZLResponse(nil, 1, 1, 0x001c, 0, szl1c), &m); err != nil {
		t.Fatal(err)
	}
	if r, ok := m.SZL.Record(5); !ok || string(r.Text) != "S C-X4U421302009" {
		t.Errorf("SZL 0x001C serial: %+v", r)
	}
	if err := s7comm.Parse(S7PLCStop(nil, 9), &m); err != nil || m.Function != s7comm.Function(S7FuncPLCStop) || string(m.PIService) != "P_PROGRAM" {
		t.Errorf("PLC stop: %v function %v service %q", err, m.Function, m.PIService)
	}
	if err := s7comm.Parse(S7RequestDownload(nil, 9, "0C", 12, 226, 70), &m); err != nil || m.Block.Number != 12 || m.Block.Length != 226 {
		t.Errorf("request download: %v %+v", err, m.Block)
	}
	vars := []S7Var{{Area: S7AreaDB, DB: 10, Start: 4, Length: 2}}
	if err := s7comm.Parse(S7ReadVarAck(nil, 3, vars, &f), &m); err != nil || m.NumItems != 1 || len(m.Items[0].Data) != 2 {
		t.Errorf("read var ack: %v %+v", err, m.Items[0])
	}
	if err := s7comm.Parse(COTPConnect(nil, false, 0, 1, 0x0100, 0x0102), &m); err != nil || m.COTP.TPDUSize != 1024 {
		t.Errorf("COTP CR: %v %+v", err, m.COTP)
	}
}
