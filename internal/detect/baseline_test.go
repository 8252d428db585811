package detect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/detect"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/simulate"
)

const baselineSchema = "../../docs/schemas/baseline.schema.json"

func run(t *testing.T, opt detect.Options, path string) []*alert.Alert {
	t.Helper()
	var mu sync.Mutex
	var got []*alert.Alert
	opt.Files = []string{path}
	d := detect.New(opt, func(a *alert.Alert) {
		mu.Lock()
		got = append(got, a)
		mu.Unlock()
	})
	if errs := d.RunFiles(context.Background(), []string{path}, observe.Options{Workers: 2}); len(errs) > 0 {
		t.Fatal(errs)
	}
	return got
}

func compileBaselineSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	s, err := c.Compile(baselineSchema)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBaselineWorkflow: learn the normal traffic of the water-treatment plant, check the
// file against its schema and read it back; the same traffic then raises no baseline
// alert, and the attack scenario's intruder is a new device and new talker.
func TestBaselineWorkflow(t *testing.T) {
	m, err := model.Load(plants[0], model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	normal, _ := simulateTo(t, m, simulate.Normal)
	learn := detect.NewBaseline()
	run(t, detect.Options{Learn: learn}, normal)
	if len(learn.Devices) == 0 || len(learn.Talkers) == 0 {
		t.Fatalf("learnt %d devices, %d talkers", len(learn.Devices), len(learn.Talkers))
	}
	var buf bytes.Buffer
	if err := learn.Write(&buf); err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileBaselineSchema(t).Validate(doc); err != nil {
		t.Errorf("the learnt baseline does not follow %s: %v", baselineSchema, err)
	}
	withOps := 0
	for _, tk := range learn.Talkers {
		if len(tk.Operations) > 0 {
			withOps++
		}
	}
	if withOps == 0 {
		t.Error("no talker has operations")
	}

	base, err := detect.ReadBaseline(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range run(t, detect.Options{Baseline: base}, normal) {
		if strings.HasPrefix(a.Rule, "baseline/") {
			t.Errorf("learnt traffic raised %s: %s", a.Rule, a.Title)
		}
	}

	attack, truth := simulateTo(t, m, simulate.Attack)
	intruders := map[string]bool{}
	for _, ev := range truth.Events {
		if ev.SrcIP != "" && !slices.ContainsFunc(m.Assets, func(as model.Asset) bool {
			return slices.Contains(as.Addrs, netip.MustParseAddr(ev.SrcIP))
		}) {
			intruders[ev.SrcIP] = true
		}
	}
	var newDevices, newTalkers []string
	for _, a := range run(t, detect.Options{Baseline: base}, attack) {
		switch a.Rule {
		case "baseline/new-device":
			newDevices = append(newDevices, a.Src.IP.String())
		case "baseline/new-talker":
			newTalkers = append(newTalkers, a.Src.IP.String())
		}
	}
	if len(intruders) == 0 {
		t.Fatal("the attack scenario has no source outside the model")
	}
	for ip := range intruders {
		if !slices.Contains(newDevices, ip) {
			t.Errorf("intruder %s not reported as a new device (new devices: %v)", ip, newDevices)
		}
		if !slices.Contains(newTalkers, ip) {
			t.Errorf("intruder %s not reported as a new talker", ip)
		}
	}
}

func TestReadBaselineErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{``, "reading the baseline"},
		{`{"version": 2, "devices": [], "talkers": []}`, "version 2"},
		{`{"version": 1, "devices": [], "talkers": [], "extra": 1}`, "unknown field"},
		{`{"version": 1, "devices": [{"ip": "300.1.1.1"}], "talkers": []}`, "reading the baseline"},
		{`{"version": 1, "devices": [], "talkers": [{"server": "10.0.0.1", "port": 502, "transport": "tcp"}]}`, "talker 1"},
	} {
		_, err := detect.ReadBaseline(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.in, err, c.want)
		}
	}
}

// FuzzReadBaseline: any input gives a baseline or an error, never a panic; a baseline
// read is written back in a form that reads again to the same content.
func FuzzReadBaseline(f *testing.F) {
	f.Add([]byte(`{"version":1,"devices":[{"ip":"10.0.0.1","mac":"00:11:22:33:44:55"},{"ip":"fe80::1"}],` +
		`"talkers":[{"client":"10.0.0.2","server":"10.0.0.1","port":502,"transport":"tcp","protocol":"modbus",` +
		`"operations":["read_holding_registers","write_single_register"]}]}`))
	f.Add([]byte(`{"version":1,"learned":"2026-01-02T03:04:05Z","sources":["a.pcap"],"devices":[],"talkers":[],"truncated":true}`))
	f.Add([]byte(`{"version":1,"devices":null,"talkers":[{"client":"::1","server":"::2","port":0,"transport":"17"}]}`))
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":1,"devices":[{"ip":""}],"talkers":[]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := detect.ReadBaseline(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := b.Write(&out); err != nil {
			t.Fatal(err)
		}
		again, err := detect.ReadBaseline(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("a written baseline does not read back: %v\n%s", err, out.Bytes())
		}
		var out2 bytes.Buffer
		if err := again.Write(&out2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatalf("write, read, write differs:\n%s\n%s", out.Bytes(), out2.Bytes())
		}
		if !json.Valid(out.Bytes()) {
			t.Fatal("invalid JSON written")
		}
	})
}
