package modbus_test

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/protocols/modbus"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/decodetest"
)

// parsed is one PDU of a capture with its decoding.
type parsed struct {
	frame uint64
	src   string
	dst   string
	msg   modbus.Message
}

// parseCapture runs the public Modbus capture through capture, decode and stream
// handling, and parses every PDU, with the direction given by the server port.
func parseCapture(t *testing.T) []parsed {
	path := testutil.Path(t, "modbus/modbus_example.pcap")
	res := decodetest.Run(t, []string{path}, map[uint16]decode.PDULenFunc{modbus.Port: modbus.PDULen})
	if res.Streams.FramingErrors != 0 || res.Streams.Overflows != 0 {
		t.Errorf("stream anomalies: %+v", res.Streams)
	}
	var out []parsed
	for _, p := range res.PDUs {
		dir := modbus.DirResponse
		if p.Dst.Port() == modbus.Port {
			dir = modbus.DirRequest
		}
		var m modbus.Message
		if err := modbus.ParseDirected(p.Data, dir, &m); err != nil {
			t.Errorf("frame %d: %v", p.Frame, err)
			continue
		}
		// Without the port, the layout alone must not contradict it.
		var blind modbus.Message
		if err := modbus.Parse(p.Data, &blind); err != nil || (blind.Direction != modbus.DirUnknown && blind.Direction != dir) {
			t.Errorf("frame %d: blind parse says %v (%v), the port says %v", p.Frame, blind.Direction, err, dir)
		}
		out = append(out, parsed{frame: p.Frame, src: p.Src.String(), dst: p.Dst.String(), msg: m})
	}
	return out
}

// TestCaptureMatchesTshark compares each Modbus PDU of the public capture with
// tshark's dissection of the same frame.
func TestCaptureMatchesTshark(t *testing.T) {
	msgs := parseCapture(t)
	rows := testutil.Tshark(t, testutil.Path(t, "modbus/modbus_example.pcap"), "mbtcp", []string{"frame.number",
		"mbtcp.trans_id", "mbtcp.unit_id", "modbus.func_code", "modbus.exception_code", "modbus.reference_num",
		"modbus.word_cnt", "modbus.bit_cnt", "modbus.diagnostic_code", "modbus.object_str_value"})
	if len(rows) != len(msgs) {
		t.Fatalf("%d PDUs, tshark %d", len(msgs), len(rows))
	}
	for i, p := range msgs {
		m := &p.msg
		got := make([]string, 10)
		got[0], got[1], got[2], got[3] = fmt.Sprint(p.frame), fmt.Sprint(m.TransactionID), fmt.Sprint(m.UnitID), fmt.Sprint(m.Function)
		if m.Exception {
			got[4] = fmt.Sprint(m.ExceptionCode)
		}
		if m.HasAddress && m.Function != modbus.FuncReadWriteMultipleRegisters {
			got[5] = fmt.Sprint(m.Address)
		}
		if m.HasQuantity {
			switch m.Function {
			case modbus.FuncReadCoils, modbus.FuncReadDiscreteInputs, modbus.FuncWriteMultipleCoils:
				got[7] = fmt.Sprint(m.Quantity)
			case modbus.FuncReadHoldingRegisters, modbus.FuncReadInputRegisters, modbus.FuncWriteMultipleRegisters, modbus.FuncReadFIFOQueue:
				got[6] = fmt.Sprint(m.Quantity)
			}
		}
		if m.Function == modbus.FuncDiagnostics {
			got[8] = fmt.Sprint(m.SubFunction)
		}
		if m.HasDeviceID {
			var objs []string
			id := &m.DeviceID
			for _, v := range [][]byte{id.VendorName, id.ProductCode, id.MajorMinorRevision, id.VendorURL, id.ProductName, id.ModelName, id.UserApplicationName} {
				if v != nil {
					objs = append(objs, string(v))
				}
			}
			got[9] = strings.Join(objs, ",")
		}
		if strings.Join(got, "|") != strings.Join(rows[i], "|") {
			t.Errorf("frame %d:\n got    %q\n tshark %q", p.frame, got, rows[i])
		}
	}
}

// zeekFunc maps Zeek's function names to codes.
var zeekFunc = map[string]uint8{
	"READ_COILS": 1, "READ_DISCRETE_INPUTS": 2, "READ_HOLDING_REGISTERS": 3, "READ_INPUT_REGISTERS": 4,
	"WRITE_SINGLE_COIL": 5, "WRITE_SINGLE_REGISTER": 6, "READ_EXCEPTION_STATUS": 7, "DIAGNOSTICS": 8,
	"WRITE_MULTIPLE_COILS": 15, "WRITE_MULTIPLE_REGISTERS": 16, "REPORT_SLAVE_ID": 17, "READ_FILE_RECORD": 20,
	"WRITE_FILE_RECORD": 21, "MASK_WRITE_REGISTER": 22, "READ_WRITE_MULTIPLE_REGISTERS": 23, "READ_FIFO_QUEUE": 24,
	"ENCAP_INTERFACE_TRANSPORT": 43,
}

func zeekRows(t *testing.T, name string) [][]string {
	f, err := os.Open(testutil.Path(t, "modbus/zeek-baseline/"+name))
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

// TestCaptureMatchesZeek checks every function code, unit id, transaction, address,
// quantity and exception of Zeek's modbus_detailed.log and modbus.log against the
// PDUs parsed from the same capture, and that no request is missing from Zeek's log.
func TestCaptureMatchesZeek(t *testing.T) {
	msgs := parseCapture(t)
	find := func(orig, resp string, tid uint16, unit, fc uint8, dir modbus.Direction) *modbus.Message {
		for i := range msgs {
			m := &msgs[i].msg
			if m.TransactionID == tid && m.UnitID == unit && m.Function == fc && m.Direction == dir &&
				((dir == modbus.DirRequest && msgs[i].src == orig && msgs[i].dst == resp) ||
					(dir == modbus.DirResponse && msgs[i].src == resp && msgs[i].dst == orig)) {
				return m
			}
		}
		return nil
	}
	// modbus_detailed.log: ts uid orig_h orig_p resp_h resp_p tid unit func address quantity
	// request_values response_values link matched req_sub resp_sub req_data resp_data exception_code mei_type
	requests := 0
	for _, r := range zeekRows(t, "modbus_detailed.log") {
		orig, resp := r[2]+":"+r[3], r[4]+":"+r[5]
		var tid uint16
		var unit uint8
		fmt.Sscan(r[6], &tid)
		fmt.Sscan(r[7], &unit)
		fc, ok := zeekFunc[r[8]]
		if !ok {
			t.Errorf("unknown Zeek function %q", r[8])
			continue
		}
		req := find(orig, resp, tid, unit, fc, modbus.DirRequest)
		rsp := find(orig, resp, tid, unit, fc, modbus.DirResponse)
		if req == nil || rsp == nil {
			t.Errorf("tid %d unit %d %s: request %v, response %v", tid, unit, r[8], req != nil, rsp != nil)
			continue
		}
		requests++
		if r[19] != "-" && (!rsp.Exception || strings.ToUpper(modbus.ExceptionName(rsp.ExceptionCode)) != r[19]) {
			t.Errorf("tid %d: exception %v %d, Zeek %s", tid, rsp.Exception, rsp.ExceptionCode, r[19])
		}
		switch fc {
		case 1, 2, 3, 4, 5, 6, 15, 16:
			if got := fmt.Sprintf("%d %d", req.Address, req.Quantity); got != r[9]+" "+r[10] {
				t.Errorf("tid %d %s: address/quantity %s, Zeek %s %s", tid, r[8], got, r[9], r[10])
			}
		case 22, 24:
			if got := fmt.Sprint(req.Address); got != r[9] {
				t.Errorf("tid %d %s: address %s, Zeek %s", tid, r[8], got, r[9])
			}
		case 43:
			if r[20] != "Read Device Identification" || req.MEIType != modbus.MEIReadDeviceID {
				t.Errorf("tid %d: MEI type %d, Zeek %q", tid, req.MEIType, r[20])
			}
		}
	}
	// Every request we parsed must be in Zeek's log, which has a row per pair (two for
	// the pairs it did not match: read exception status, report server id).
	var ours []string
	for _, p := range msgs {
		if p.msg.Direction == modbus.DirRequest {
			ours = append(ours, fmt.Sprint(p.msg.TransactionID, "/", p.msg.UnitID, "/", p.msg.Function))
		}
	}
	var zeeks []string
	for _, r := range zeekRows(t, "modbus_detailed.log") {
		z := fmt.Sprint(r[6], "/", r[7], "/", zeekFunc[r[8]])
		if !slices.Contains(zeeks, z) {
			zeeks = append(zeeks, z)
		}
	}
	slices.Sort(ours)
	slices.Sort(zeeks)
	if !slices.Equal(ours, zeeks) {
		t.Errorf("requests (tid/unit/fc):\n ours %v\n zeek %v", ours, zeeks)
	}
	// modbus.log: one row per request/response pair, "_EXCEPTION" marking exceptions.
	for _, r := range zeekRows(t, "modbus.log") {
		name, exc := strings.CutSuffix(r[6], "_EXCEPTION")
		found := false
		for _, p := range msgs {
			m := &p.msg
			if m.Direction == modbus.DirResponse && m.Function == zeekFunc[name] && m.Exception == exc &&
				(!exc || strings.ToUpper(modbus.ExceptionName(m.ExceptionCode)) == r[7]) && p.dst == r[2]+":"+r[3] {
				found = true
			}
		}
		if !found {
			t.Errorf("modbus.log row %q %q not found", r[6], r[7])
		}
	}
}
