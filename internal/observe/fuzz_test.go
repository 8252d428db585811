package observe_test

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// framesOf packs frames as the fuzz input: each a 2-byte big-endian length and its bytes.
func framesOf(frames ...[]byte) []byte {
	var b []byte
	for _, f := range frames {
		b = binary.BigEndian.AppendUint16(b, uint16(len(f)))
		b = append(b, f...)
	}
	return b
}

// FuzzPipeline feeds arbitrary frames (Ethernet, then the same bytes as raw IP) through
// a pipeline: nothing may panic, and every flow must be reported with counts that add up.
func FuzzPipeline(f *testing.F) {
	client := netip.MustParseAddrPort("10.0.0.10:40000")
	seeds := [][][]byte{
		observetest.Conversation(f, client, netip.MustParseAddrPort("10.0.0.20:502"), observetest.Unhex(f, mbReadReq), observetest.Unhex(f, mbReadResp), observetest.Unhex(f, mbIDReq), observetest.Unhex(f, mbIDResp)),
		observetest.Conversation(f, client, netip.MustParseAddrPort("10.0.0.20:5020"), observetest.Unhex(f, mbReadReq), observetest.Unhex(f, mbReadResp)),
		observetest.Conversation(f, client, netip.MustParseAddrPort("10.0.0.20:102"), observetest.Unhex(f, "0300001611e00000000100c0010ac1020100c2020101"), observetest.Unhex(f, "0300001611d00001000100c0010ac1020100c2020101")),
		observetest.Conversation(f, client, netip.MustParseAddrPort("10.0.0.20:102"), encode.COTPConnect(nil, false, 0, 1, 1, 1), encode.MMSConnectRequest(nil),
			encode.MMSIdentifyRequest(nil, 1), encode.MMSIdentifyResponse(nil, 1, "ABB", "REF615", "5.0")),
		observetest.Conversation(f, client, netip.MustParseAddrPort("10.0.0.20:44818"), observetest.Unhex(f, "630000000000000000000000000000000000000000000000")),
		observetest.Conversation(f, client, netip.MustParseAddrPort("10.0.0.20:20000"), observetest.Unhex(f, "056405c00400030091b2")),
		observetest.Conversation(f, client, netip.MustParseAddrPort("10.0.0.20:2404"), observetest.Unhex(f, "680407000000")),
		observetest.Conversation(f, client, netip.MustParseAddrPort("10.0.0.20:4840"), []byte("HEL\x46\x1c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")),
		{observetest.Unhex(f, "010ecf000000001b1b0000018892fefe050000000a0100010004ffff0000")},
		{observetest.EthFrame(observetest.MAC("01:0c:cd:01:00:01"), observetest.MAC("00:30:a7:20:57:cf"), 0x88b8,
			encode.GOOSE(nil, &encode.GOOSEMessage{AppID: 1, GoCBRef: "P1LD0/LLN0$GO$trip", StNum: 1, Booleans: []bool{true}}))},
	}
	// The IT dissectors: one seed a conversation, datagram exchange or announcement of
	// their fixtures.
	seeds = append(seeds, itConversations(f)...)
	for _, s := range seeds {
		f.Add(framesOf(s...))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var frames [][]byte
		for len(in) >= 2 {
			n := int(binary.BigEndian.Uint16(in))
			in = in[2:]
			n = min(n, len(in))
			frames = append(frames, in[:n])
			in = in[n:]
		}
		for _, lt := range []uint8{1, 101} { // Ethernet, raw IP
			r := &observetest.Recorder{}
			p := observe.NewPipeline(r, observe.Config{})
			p.Begin(0, "fuzz")
			for i, fr := range frames {
				ci := capture.CaptureInfo{Number: uint64(i + 1), Timestamp: time.Unix(1700000000, int64(i)), CaptureLength: len(fr), Length: len(fr)}
				ci.LinkType = 1
				if lt == 101 {
					ci.LinkType = 101
				}
				p.Packet(fr, &ci)
			}
			p.End(capture.Stats{}, nil)
			var pkts uint64
			for _, fl := range r.Flows {
				pkts += fl.Packets[0] + fl.Packets[1]
				if fl.Packets[0]+fl.Packets[1] == 0 {
					t.Fatalf("flow without packets: %+v", fl)
				}
			}
			if pkts > uint64(len(frames)) {
				t.Fatalf("%d packets in flows from %d frames", pkts, len(frames))
			}
		}
	})
}
