package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// damagedCaptures writes into the test's directory a copy of a public capture cut in
// its last record (cut.pcap), one damaged in its first record (bad.pcap) and a
// directory (dir.pcap), and returns the water-treatment example's model.
func damagedCaptures(t *testing.T) (model string) {
	t.Helper()
	raw, err := os.ReadFile(testutil.Path(t, "modbus/modbus_example.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	model, err = filepath.Abs(filepath.Join(packageDir, "..", "..", "examples", "water-treatment", "plant.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	os.WriteFile("cut.pcap", raw[:len(raw)-30], 0o644)
	bad := append([]byte(nil), raw...)
	copy(bad[24+8:], []byte{0xff, 0xff, 0xff, 0x7f}) // the first record's capture length
	os.WriteFile("bad.pcap", bad, 0o644)
	os.Mkdir("dir.pcap", 0o755)
	// The same packets stamped from 1970 on, from the fourth: a clock reset.
	var frames []testutil.Frame
	for i, p := range testutil.Load(t, testutil.Path(t, "modbus/modbus_example.pcap")) {
		ts := p.Info.Timestamp
		if i >= 3 {
			ts = time.Unix(int64(i), 0)
		}
		frames = append(frames, testutil.Frame{Data: p.Data, Time: ts, OrigLen: p.Info.Length})
	}
	os.WriteFile("epoch.pcap", testutil.Pcap(t, layers.LinkTypeEthernet, frames...), 0o644)
	return model
}

// TestDamagedCaptureEveryMode: a capture cut in the middle of a record is read up to
// the cut and said to be truncated on standard error by every command that reads
// captures (exit 0), and in discover's JSON; one damaged from its first record, or a
// directory, is an error naming the file and what is wrong (exit 2).
func TestDamagedCaptureEveryMode(t *testing.T) {
	model := damagedCaptures(t)
	modes := []struct {
		name string
		args []string
	}{
		{"discover", []string{"discover", "-f", "json"}},
		{"verify", []string{"verify", model}},
		{"verify json", []string{"verify", model, "-f", "json"}},
		{"detect", []string{"detect", model, "-f", "jsonl"}},
		{"assess", []string{"assess", model, "--capture"}},
		{"propose", []string{"propose"}},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			code, out, errOut := run(t, append(m.args, "cut.pcap")...)
			if code != 0 || !strings.Contains(errOut, "zonewarden: warning: cut.pcap is truncated: it ends inside packet 100 (pcap record at byte 8855") ||
				!strings.Contains(errOut, "the 99 packets before it were read") {
				t.Errorf("truncated: exit %d, stderr %q; want exit 0 and a warning naming the file, packet and byte", code, errOut)
			}
			code, out2, errOut := run(t, append(m.args, "epoch.pcap")...)
			if code != 0 || !strings.Contains(errOut, "zonewarden: warning: epoch.pcap: 97 packets carry implausible timestamps (before 1990 or in the future), the first is packet 4 stamped 1970-01-01T00:00:03Z") {
				t.Errorf("1970: exit %d, stderr %q; want exit 0 and a warning naming the file and packet 4", code, errOut)
			}
			if m.name == "discover" && (!strings.Contains(out2, `"kind": "implausible_time"`) || !strings.Contains(out2, `"packet": 4,`)) {
				t.Errorf("inventory JSON lacks the implausible_time warning")
			}
			if m.name == "discover" {
				schema := compileSchema(t, filepath.Join(packageDir, "..", "..", "docs", "schemas", "inventory.schema.json"))
				validateJSON(t, schema, out)
				validateJSON(t, schema, out2)
				for _, want := range []string{`"truncated": true`, `"stopped_at": {`, `"packet": 100,`, `"byte_offset": 8855`, `"kind": "truncated"`} {
					if !strings.Contains(out, want) {
						t.Errorf("inventory JSON lacks %s", want)
					}
				}
			}
			if m.name == "verify json" && !strings.Contains(out, `"complete": false`) {
				t.Errorf("verification JSON does not say the capture is incomplete")
			}
			for _, c := range []struct{ file, want string }{
				{"bad.pcap", "bad.pcap: packet 1: capture file is corrupt: pcap record at byte 24: capture length exceeds snap length"},
				{"dir.pcap", "dir.pcap: not a pcap or pcapng capture: is a directory"},
			} {
				code, _, errOut := run(t, append(m.args, c.file)...)
				if code != ExitUsage || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "0 bytes") {
					t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", c.file, code, errOut, c.want)
				}
			}
		})
	}
}

// TestMissingInterface: discover and detect on an interface that does not exist say so
// and list the ones that do, instead of blaming privileges.
func TestMissingInterface(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("live capture is Linux only")
	}
	for _, args := range [][]string{{"discover", "--iface", "nosuch0"}, {"detect", "--iface", "nosuch0"}} {
		code, _, errOut := run(t, args...)
		if code != ExitUsage || !strings.Contains(errOut, "nosuch0: no such network interface; the interfaces here are: ") ||
			!strings.Contains(errOut, "lo") || strings.Contains(errOut, "CAP_NET_RAW") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// TestInventoryFileWarnings: verify and propose of an inventory that discover wrote
// from a truncated capture repeat its warning.
func TestInventoryFileWarnings(t *testing.T) {
	model := damagedCaptures(t)
	if code, _, errOut := run(t, "discover", "-f", "json", "-o", "inv.json", "cut.pcap"); code != 0 {
		t.Fatalf("discover: exit %d: %s", code, errOut)
	}
	for _, args := range [][]string{{"verify", model, "--inventory", "inv.json"}, {"propose", "--inventory", "inv.json"}} {
		code, _, errOut := run(t, args...)
		if code != 0 || !strings.Contains(errOut, "zonewarden: warning: cut.pcap is truncated: it ends inside packet 100") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
