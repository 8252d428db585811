package discover_test

import (
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// cutCopy writes the first n bytes of a public capture (n < 0: all but -n) into dir.
func cutCopy(t *testing.T, dir, rel string, n int) string {
	t.Helper()
	b, err := os.ReadFile(testutil.Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	if n < 0 {
		n += len(b)
	}
	path := filepath.Join(dir, "cut-"+filepath.Base(rel))
	if err := os.WriteFile(path, b[:n], 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTruncatedCaptureInInventory: a real capture cut inside its last record gives an
// inventory of the packets before the cut whose source says it is truncated, where
// reading stopped, and a warning naming the file and the packet; the JSON carries it.
func TestTruncatedCaptureInInventory(t *testing.T) {
	for _, workers := range []int{1, 2} {
		path := cutCopy(t, t.TempDir(), "modbus/modbus_example.pcap", -30)
		inv, errs := discover.FromFiles(context.Background(), []string{path}, discover.Options{Run: observe.Options{Workers: workers}})
		if len(errs) != 0 {
			t.Fatalf("workers %d: %v (a capture read in part is not an error)", workers, errs)
		}
		s := inv.Sources[0]
		if s.Complete || !s.Truncated || s.StoppedAt == nil || s.StoppedAt.Packet != s.Packets+1 || s.StoppedAt.ByteOffset <= 24 || s.Packets == 0 {
			t.Fatalf("workers %d: source %+v stopped at %+v, want truncated after the packets read", workers, s, s.StoppedAt)
		}
		if len(inv.Warnings) != 1 {
			t.Fatalf("workers %d: warnings %+v, want one", workers, inv.Warnings)
		}
		w := inv.Warnings[0]
		if w.Kind != capture.WarnTruncated || w.File != path || w.Packet != s.StoppedAt.Packet || !strings.Contains(w.Detail, path+" is truncated") {
			t.Errorf("workers %d: warning %+v", workers, w)
		}
		b, _ := json.Marshal(inv)
		for _, want := range []string{`"truncated":true`, `"stopped_at":{"packet":`, `"warnings":[{"kind":"truncated"`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("workers %d: JSON lacks %s", workers, want)
			}
		}
	}
	// A whole capture says none of it.
	inv, _ := discover.FromFiles(context.Background(), []string{testutil.Path(t, "modbus/modbus_example.pcap")}, discover.Options{})
	if b, _ := json.Marshal(inv); inv.Warnings != nil || strings.Contains(string(b), "truncated") || strings.Contains(string(b), "warnings") {
		t.Errorf("whole capture: warnings %+v", inv.Warnings)
	}
}

// TestCaptureCorruptFromStart: a capture whose first record is damaged is an error
// naming the file and the packet, not an empty inventory read in silence.
func TestCaptureCorruptFromStart(t *testing.T) {
	dir := t.TempDir()
	cut := cutCopy(t, dir, "modbus/modbus_example.pcap", 24+10) // inside the first record's header
	b, _ := os.ReadFile(testutil.Path(t, "modbus/modbus_example.pcap"))
	b = append([]byte(nil), b...)
	b[24+8], b[24+9], b[24+10], b[24+11] = 0xff, 0xff, 0xff, 0x7f // the first record's capture length
	bad := filepath.Join(dir, "bad.pcap")
	os.WriteFile(bad, b, 0o644)
	for _, tc := range []struct {
		path string
		kind error
	}{{cut, capture.ErrTruncated}, {bad, capture.ErrCorrupt}} {
		inv, errs := discover.FromFiles(context.Background(), []string{tc.path}, discover.Options{})
		var fe *observe.FileError
		if len(errs) != 1 || !errors.As(errs[0], &fe) || !errors.Is(errs[0], tc.kind) || !strings.Contains(errs[0].Error(), tc.path+": packet 1:") {
			t.Errorf("%s: errors %v, want one %v naming the file and packet 1", tc.path, errs, tc.kind)
		}
		s := inv.Sources[0]
		if s.Complete || s.Packets != 0 || s.StoppedAt == nil || s.StoppedAt.Packet != 1 || s.StoppedAt.ByteOffset != 24 || len(inv.Warnings) != 0 {
			t.Errorf("%s: source %+v, warnings %+v", tc.path, s, inv.Warnings)
		}
	}
}

// TestImplausibleTimesWarned: a capture stamped 1970 gives the inventory a warning that
// names the file and the first packet so stamped, and an implausible_time count.
func TestImplausibleTimesWarned(t *testing.T) {
	pk := testutil.Load(t, testutil.Path(t, "modbus/modbus_example.pcap"))
	var frames []testutil.Frame
	for i, p := range pk[:10] {
		ts := p.Info.Timestamp
		if i >= 3 {
			ts = time.Unix(int64(i), 0) // a capture point whose clock was reset
		}
		frames = append(frames, testutil.Frame{Data: p.Data, Time: ts, OrigLen: p.Info.Length})
	}
	path := filepath.Join(t.TempDir(), "epoch.pcap")
	os.WriteFile(path, testutil.Pcap(t, layers.LinkTypeEthernet, frames...), 0o644)
	inv, errs := discover.FromFiles(context.Background(), []string{path}, discover.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(inv.Warnings) != 1 || inv.Warnings[0].Kind != capture.WarnImplausibleTime || inv.Warnings[0].Packet != 4 ||
		!strings.Contains(inv.Warnings[0].Detail, path+": 7 packets carry implausible timestamps") {
		t.Errorf("warnings %+v", inv.Warnings)
	}
	found := false
	for _, c := range inv.Sources[0].Anomalies {
		found = found || c == inventory.Count{Kind: "implausible_time", Count: 7}
	}
	if !found {
		t.Errorf("source anomalies %+v lack implausible_time 7", inv.Sources[0].Anomalies)
	}
}

// TestLowerStatisticsStayAtTheBoundary: the statistics types of capture, decode and
// observe are named in one file of the inventory only (sources.go, where they become
// the inventory's own counts), so that those layers may change without the inventory.
func TestLowerStatisticsStayAtTheBoundary(t *testing.T) {
	banned := map[string]bool{"capture.Stats": true, "decode.Stats": true, "decode.TableStats": true, "observe.PipelineStats": true}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "sources.go" {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if se, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := se.X.(*ast.Ident); ok && banned[id.Name+"."+se.Sel.Name] {
					t.Errorf("%s: %s.%s outside sources.go", fset.Position(se.Pos()), id.Name, se.Sel.Name)
				}
			}
			return true
		})
	}
}
