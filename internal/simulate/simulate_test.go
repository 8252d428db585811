package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// plants are the models the tests simulate: both examples and the test plant, which
// together exercise every protocol the simulator speaks.
var plants = map[string]string{
	"water-treatment": "../../examples/water-treatment/plant.yaml",
	"substation":      "../../examples/substation/plant.yaml",
	"lakeside":        "testdata/plant.yaml",
}

func load(t testing.TB, path string) *model.Model {
	t.Helper()
	m, err := model.Load(path, model.Options{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func run(t testing.TB, m *model.Model, opts Options) ([]byte, *Truth) {
	t.Helper()
	var buf bytes.Buffer
	tr, err := Run(context.Background(), m, opts, &buf)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), tr
}

func TestDeterministic(t *testing.T) {
	m := load(t, plants["water-treatment"])
	opts := Options{Seed: 7, Scenario: Attack, Duration: 6 * time.Second, Format: pcapw.PcapNG}
	a, ta := run(t, m, opts)
	b, tb := run(t, load(t, plants["water-treatment"]), opts)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave different captures")
	}
	ja, _ := json.Marshal(ta)
	jb, _ := json.Marshal(tb)
	if !bytes.Equal(ja, jb) {
		t.Fatal("the same seed gave different truth")
	}
	opts.Seed = 8
	c, _ := run(t, m, opts)
	if bytes.Equal(a, c) {
		t.Fatal("different seeds gave the same capture")
	}
}

func TestLimits(t *testing.T) {
	m := load(t, plants["lakeside"])
	_, tr := run(t, m, Options{Seed: 1, Duration: 3 * time.Second, Format: pcapw.Pcap})
	if got := tr.End.Sub(tr.Start); got != 3*time.Second {
		t.Errorf("a 3 s run ends %v after its start", got)
	}
	const size = 300_000
	data, tr := run(t, m, Options{Seed: 1, Size: size, Format: pcapw.Pcap})
	if len(data) < size || len(data) > size+1600 {
		t.Errorf("a %d-byte run wrote %d bytes", size, len(data))
	}
	if int64(len(data)) != tr.Bytes {
		t.Errorf("truth says %d bytes, the capture has %d", tr.Bytes, len(data))
	}
	if _, err := Run(context.Background(), m, Options{}, io.Discard); err == nil {
		t.Error("a run without duration or size was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, m, Options{Size: 1 << 40}, io.Discard); err == nil {
		t.Error("a cancelled context did not stop the run")
	}
}

func TestNothingToSimulate(t *testing.T) {
	m, err := model.Parse("empty.yaml", []byte("version: 1\nsystem: {name: Empty}\n"), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(m); !errors.Is(err, ErrNothing) {
		t.Errorf("Check(empty) = %v, want ErrNothing", err)
	}
	if _, err := Run(context.Background(), m, Options{Duration: time.Second}, io.Discard); !errors.Is(err, ErrNothing) {
		t.Errorf("Run(empty) = %v, want ErrNothing", err)
	}
}

// TestOddModels runs models with gaps the simulator must cope with: assets without
// addresses, zones without networks or VLANs, conduits nobody can use.
func TestOddModels(t *testing.T) {
	models := map[string]string{
		"no addresses": `version: 1
system: {name: Odd}
zones:
  - {id: a, name: A, purdue: 2}
  - {id: b, name: B, purdue: 1}
conduits:
  - {id: c, name: C, zones: [a, b], boundary: firewall, allow: [{from: a, to: b, protocol: modbus}]}
assets:
  - {id: h, name: H, zone: a, kind: hmi}
  - {id: p, name: P, zone: b, kind: plc}
`,
		"one zone, no conduits": `version: 1
system: {name: Odd}
zones:
  - {id: a, name: A, purdue: 1, networks: [192.168.0.0/30]}
assets:
  - {id: sw, name: S, zone: a, kind: switch, vendor: Cisco}
  - {id: p1, name: P1, zone: a, kind: plc, vendor: Siemens}
  - {id: p2, name: P2, zone: a, kind: drive, vendor: Siemens}
  - {id: p3, name: P3, zone: a, kind: drive, vendor: Siemens}
`,
		"every protocol name": `version: 1
system: {name: Odd}
zones:
  - {id: a, name: A, purdue: 3, networks: [10.0.0.0/24], vlans: [4094]}
  - {id: b, name: B, purdue: 1, networks: [10.0.1.0/24]}
conduits:
  - id: c
    name: C
    zones: [a, b]
    boundary: none
    allow:
` + everyProtocol() + `
assets:
  - {id: w, name: W, zone: a, kind: ews, ips: [10.0.0.5]}
  - {id: p, name: P, zone: b, kind: plc, ips: [10.0.1.5]}
  - {id: s, name: S, zone: b, kind: server, ips: [10.0.1.6]}
`,
	}
	for name, y := range models {
		t.Run(name, func(t *testing.T) {
			m, err := model.Parse("odd.yaml", []byte(y), model.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, sc := range []Scenario{Normal, Attack} {
				if _, err := Run(context.Background(), m, Options{Seed: 3, Scenario: sc, Duration: 20 * time.Second}, io.Discard); err != nil && !errors.Is(err, ErrNothing) {
					t.Errorf("%v: %v", sc, err)
				}
			}
		})
	}
}

func everyProtocol() string {
	var b strings.Builder
	for _, p := range model.Protocols {
		fmt.Fprintf(&b, "      - {from: w, to: b, protocol: %s, direction: both}\n", p.Name)
	}
	return b.String()
}

// TestFlowsAddUp checks the truth's counts against the capture itself.
func TestFlowsAddUp(t *testing.T) {
	for name, path := range plants {
		data, tr := run(t, load(t, path), Options{Seed: 2, Scenario: Attack, Duration: 5 * time.Second, Format: pcapw.Pcap})
		var sum uint64
		for _, f := range tr.Flows {
			sum += f.Packets
			if f.FirstPacket > f.LastPacket || f.LastPacket > tr.Packets {
				t.Errorf("%s: flow %s→%s %s spans frames %d-%d of %d", name, f.Src, f.Dst, f.Protocol, f.FirstPacket, f.LastPacket, tr.Packets)
			}
		}
		if sum != tr.Packets {
			t.Errorf("%s: flows hold %d packets, the capture %d", name, sum, tr.Packets)
		}
		if n := countPcap(t, data); n != tr.Packets {
			t.Errorf("%s: capture has %d packets, truth says %d", name, n, tr.Packets)
		}
	}
}

func countPcap(t *testing.T, data []byte) uint64 {
	var n uint64
	for off := 24; off+16 <= len(data); n++ {
		l := int(uint32(data[off+8]) | uint32(data[off+9])<<8 | uint32(data[off+10])<<16 | uint32(data[off+11])<<24)
		off += 16 + l
	}
	return n
}

func TestGoldenTruth(t *testing.T) {
	_, tr := run(t, load(t, plants["lakeside"]), Options{Seed: 7, Scenario: Attack, Duration: 4 * time.Second, Format: pcapw.PcapNG})
	got, err := json.MarshalIndent(tr, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", "lakeside-attack.truth.json")
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/simulate -update to create it)", err)
	}
	if string(append(got, '\n')) != string(want) {
		t.Errorf("truth differs from %s; run go test ./internal/simulate -update and review the diff", path)
	}
}

func TestTruthSchema(t *testing.T) {
	f, err := os.Open("../../docs/schemas/truth.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("truth.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("truth.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range plants {
		for _, sc := range []Scenario{Normal, Attack} {
			_, tr := run(t, load(t, path), Options{Seed: 4, Scenario: sc, Duration: 4 * time.Second})
			js, _ := json.Marshal(tr)
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(v); err != nil {
				t.Errorf("%s %v: the schema rejects the truth: %v", name, sc, err)
			}
		}
	}
}

// TestPerPacketAllocs checks that generating packets allocates nothing once the run
// has set up: a longer run must not allocate more than a shorter one by more than a
// trace.
func TestPerPacketAllocs(t *testing.T) {
	m := load(t, plants["water-treatment"])
	measure := func(size int64) (mallocs, packets uint64) {
		var a, b runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&a)
		tr, err := Run(context.Background(), m, Options{Seed: 5, Scenario: Attack, Size: size}, io.Discard)
		runtime.ReadMemStats(&b)
		if err != nil {
			t.Fatal(err)
		}
		return b.Mallocs - a.Mallocs, tr.Packets
	}
	m1, p1 := measure(4 << 20)
	m2, p2 := measure(24 << 20)
	perPacket := float64(int64(m2)-int64(m1)) / float64(p2-p1)
	t.Logf("%d extra packets, %d extra allocations: %.4f per packet", p2-p1, int64(m2)-int64(m1), perPacket)
	if perPacket > 0.01 {
		t.Errorf("%.4f allocations per packet; the per-packet path should allocate nothing", perPacket)
	}
}

func BenchmarkWaterAttack(b *testing.B) {
	m := load(b, plants["water-treatment"])
	const size = 64 << 20
	b.SetBytes(size)
	b.ReportAllocs()
	var packets uint64
	for b.Loop() {
		tr, err := Run(context.Background(), m, Options{Seed: 1, Scenario: Attack, Size: size}, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		packets += tr.Packets
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
}

// FuzzRun simulates the test plant with arbitrary seeds, limits and scenarios: no
// combination may panic or fail.
func FuzzRun(f *testing.F) {
	f.Add(uint64(0), uint16(50), uint16(0), false)
	f.Add(uint64(7), uint16(0), uint16(64), true)
	f.Add(uint64(1<<63), uint16(2000), uint16(1), true)
	m := load(f, plants["lakeside"])
	f.Fuzz(func(t *testing.T, seed uint64, ms, kb uint16, attack bool) {
		opts := Options{Seed: seed, Duration: time.Duration(ms) * time.Millisecond, Size: int64(kb) * 1024}
		if attack {
			opts.Scenario = Attack
		}
		_, err := Run(context.Background(), m, opts, io.Discard)
		if (ms == 0 && kb == 0) != (err != nil) {
			t.Fatalf("duration %d ms, size %d KiB: %v", ms, kb, err)
		}
	})
}

func haveTshark() bool {
	_, err := exec.LookPath("tshark")
	return err == nil
}

// failingWriter accepts n bytes, then fails as a full disk does.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, fmt.Errorf("no space left on device")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	m := load(t, plants["water-treatment"])
	_, err := Run(context.Background(), m, Options{Seed: 1, Size: 50 << 20}, &failingWriter{n: 3 << 20})
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("a failing writer gave %v", err)
	}
}
