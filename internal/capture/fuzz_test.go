package capture_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// FuzzReader feeds arbitrary bytes to the capture reader: it must end with io.EOF or
// one *capture.Error, never panic, and hand out consistent packets.
func FuzzReader(f *testing.F) {
	t0 := time.Unix(1595660608, 241506000)
	frames := []testutil.Frame{{Data: modbusRequest, Time: t0}, {Data: modbusRequest[:40], Time: t0, OrigLen: len(modbusRequest)}}
	pcap := testutil.Pcap(f, layers.LinkTypeEthernet, frames...)
	ng := testutil.PcapNG(f, []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL2},
		append(frames, testutil.Frame{Data: sll2Frame, Interface: 1, Time: t0})...)
	corner, _ := ngCorner()
	for _, seed := range [][]byte{pcap, ng, gz(pcap), gz(ng), pcap[:50], ng[:len(ng)-3], []byte("not a capture"), corner} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := capture.NewReader("fuzz", bytes.NewReader(b))
		if err != nil {
			var ce *capture.Error
			if !errors.As(err, &ce) {
				t.Fatalf("open error is not a *capture.Error: %v", err)
			}
			return
		}
		// A classic pcap file is also read by gopacket's pcapgo, the reference: both must
		// hand out the same packets until either stops.
		var ref *pcapgo.Reader
		if c.Format() == capture.FormatPcap && !c.Compressed() && len(b) >= 8 && (b[6] == 4 && b[7] == 0 || b[6] == 0 && b[7] == 4) {
			ref, _ = pcapgo.NewReader(bytes.NewReader(b))
		}
		// A pcapng file is also read by pcapgo's NgReader, which checks less (block
		// lengths, captured lengths against the block): where both read a packet, it
		// must be the same packet. Timestamps are left out: pcapgo rounds binary
		// resolutions and takes a resolution of 10^0 for 10^-6; TestPcapNGAgainstTshark
		// checks ours.
		var refNG *pcapgo.NgReader
		if c.Format() == capture.FormatPcapNG && !c.Compressed() {
			refNG, _ = pcapgo.NewNgReader(bytes.NewReader(b), pcapgo.NgReaderOptions{WantMixedLinkType: true})
		}
		for n := uint64(1); ; n++ {
			data, ci, err := c.ReadPacket()
			if refNG != nil {
				rd, rci, rerr := refNG.ReadPacketData()
				switch {
				case rerr != nil || err != nil:
					refNG = nil
				case !bytes.Equal(data, rd) || ci.Length != rci.Length || ci.CaptureLength != rci.CaptureLength ||
					ci.InterfaceIndex != rci.InterfaceIndex || rci.AncillaryData[0] != ci.LinkType:
					t.Fatalf("packet %d: %+v % x; pcapgo %+v % x", n, ci, data, rci, rd)
				}
			}
			if ref != nil {
				rd, rci, rerr := ref.ReadPacketData()
				switch {
				case rerr != nil && err == nil:
					t.Fatalf("packet %d: pcapgo stopped (%v), we read %+v", n, rerr, ci)
				case rerr != nil:
					ref = nil
				case err != nil:
					t.Fatalf("packet %d: %v; pcapgo read %d bytes", n, err, len(rd))
				case !bytes.Equal(data, rd) || !ci.Timestamp.Equal(rci.Timestamp) || ci.Length != rci.Length || ci.CaptureLength != rci.CaptureLength:
					t.Fatalf("packet %d: %+v % x; pcapgo %+v % x", n, ci, data, rci, rd)
				}
			}
			if err == io.EOF {
				return
			}
			if err != nil {
				var ce *capture.Error
				if !errors.As(err, &ce) || ce.Packet != n {
					t.Fatalf("error %v at packet %d", err, n)
				}
				if _, _, err := c.ReadPacket(); err != io.EOF {
					t.Fatalf("read after error: %v", err)
				}
				return
			}
			if ci.Number != n || len(data) != ci.CaptureLength {
				t.Fatalf("packet %d: %+v with %d bytes", n, ci, len(data))
			}
			if n > uint64(len(b)) {
				t.Fatalf("%d packets from %d bytes", n, len(b))
			}
		}
	})
}
