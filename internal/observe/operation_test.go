package observe_test

import (
	"net/netip"
	"testing"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/modbus"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// opRecorder is a recorder that also keeps the operations it is handed.
type opRecorder struct {
	observetest.Recorder
	ops []observe.Operation
}

func (r *opRecorder) Operation(op *observe.Operation) { r.ops = append(r.ops, *op) }

func TestOperationHook(t *testing.T) {
	client, server := netip.MustParseAddrPort("10.0.0.10:40000"), netip.MustParseAddrPort("10.0.0.20:502")
	// Write Single Register (FC 6) to unit 1, register 0x0010 = 0x00ff, and its echo.
	req := "000100000006010600100 0ff"
	frames := observetest.Conversation(t, client, server, observetest.Unhex(t, mbReadReq), observetest.Unhex(t, mbReadResp), observetest.Unhex(t, removeSpaces(req)), observetest.Unhex(t, removeSpaces(req)))
	r := &opRecorder{}
	p := observe.NewPipeline(r, observe.Config{})
	p.Begin(0, "frames")
	for i, f := range frames {
		ci := capture.CaptureInfo{Number: uint64(i + 1), CaptureLength: len(f), Length: len(f), LinkType: 1}
		p.Packet(f, &ci)
	}
	p.End(capture.Stats{}, nil)
	if len(r.ops) != 2 {
		t.Fatalf("%d operations, want 2 (the read and the write request)", len(r.ops))
	}
	w := r.ops[1]
	if w.App != modbus.App || w.Code != 6 || w.Class != protocols.OpWrite || !w.FromClient {
		t.Errorf("operation %+v", w)
	}
	if w.Src.IP != client.Addr() || w.Dst.IP != server.Addr() || w.DstPort != 502 {
		t.Errorf("ends %v:%d -> %v:%d", w.Src.IP, w.SrcPort, w.Dst.IP, w.DstPort)
	}
	if !w.Detail.HasAddress || w.Detail.Address != 0x10 || w.Detail.Station != 1 {
		t.Errorf("detail %+v", w.Detail)
	}
	if w.At.Packet == 0 {
		t.Error("no packet number")
	}
}

func removeSpaces(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
