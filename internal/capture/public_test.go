package capture_test

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// publicLinkTypes is the link type of each public capture, as capinfos reports it.
var publicLinkTypes = map[string]layers.LinkType{
	"iec104/read.pcapng":      layers.LinkTypeNull,
	"iec104/write.pcapng":     layers.LinkTypeNull,
	"opcua":                   layers.LinkTypeNull,
	"s7comm/s7comm_plus.pcap": layers.LinkTypeLinuxSLL,
}

func publicCaptures(t *testing.T) []string {
	dir := testutil.Dir(t)
	var files []string
	for _, pat := range []string{"*/*.pcap", "*/*.pcapng"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no captures under %s", dir)
	}
	return files
}

// TestPublicCapturesMatchTshark reads every public capture and compares each packet's
// number, timestamp (to the nanosecond), lengths and interface with tshark.
func TestPublicCapturesMatchTshark(t *testing.T) {
	for _, path := range publicCaptures(t) {
		rel, _ := filepath.Rel(testutil.Dir(t), path)
		t.Run(rel, func(t *testing.T) {
			want := testutil.Tshark(t, path, "", []string{"frame.number", "frame.time_epoch", "frame.cap_len", "frame.len", "frame.interface_id"})
			c, err := capture.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			wantLT := layers.LinkTypeEthernet
			for k, lt := range publicLinkTypes {
				if rel == k || strings.HasPrefix(rel, k+"/") {
					wantLT = lt
				}
			}
			n := 0
			for {
				data, ci, err := c.ReadPacket()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if n >= len(want) {
					t.Fatalf("more packets than tshark's %d", len(want))
				}
				iface := "0"
				if c.Format() == capture.FormatPcap {
					iface = want[n][4] // tshark leaves it empty for pcap
				}
				got := []string{fmt.Sprint(ci.Number), fmt.Sprintf("%d.%09d", ci.Timestamp.Unix(), ci.Timestamp.Nanosecond()),
					fmt.Sprint(len(data)), fmt.Sprint(ci.Length), iface}
				if c.Format() == capture.FormatPcapNG {
					got[4] = fmt.Sprint(ci.InterfaceIndex)
				}
				if strings.Join(got, " ") != strings.Join(want[n], " ") {
					t.Errorf("packet %d: got %v, tshark %v", n+1, got, want[n])
				}
				if ci.LinkType != wantLT {
					t.Errorf("packet %d: link type %v, want %v", n+1, ci.LinkType, wantLT)
				}
				n++
			}
			if n != len(want) {
				t.Errorf("read %d packets, tshark %d", n, len(want))
			}
		})
	}
}
