package detect_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/attack"
	"github.com/zonewarden/zonewarden/internal/detect"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
	"github.com/zonewarden/zonewarden/internal/simulate/simtest"
)

func simulateTo(t *testing.T, m *model.Model, sc simulate.Scenario) (string, *simulate.Truth) {
	t.Helper()
	return simtest.Capture(t, m, simulate.Options{Seed: 3, Duration: 90 * time.Second, Scenario: sc, Format: pcapw.PcapNG})
}

func detectFile(t *testing.T, m *model.Model, path string) []*alert.Alert {
	t.Helper()
	var mu sync.Mutex
	var got []*alert.Alert
	d := detect.New(detect.Options{Model: m, Files: []string{path}}, func(a *alert.Alert) {
		mu.Lock()
		got = append(got, a)
		mu.Unlock()
	})
	if errs := d.RunFiles(context.Background(), []string{path}, observe.Options{Workers: 2}); len(errs) > 0 {
		t.Fatal(errs)
	}
	return got
}

var plants = []string{"../../examples/water-treatment/plant.yaml", "../../examples/substation/plant.yaml",
	"../simulate/testdata/plant.yaml"}

// TestSimulatedAttacks: every event the simulator injects is found, with its technique
// id (or the id that replaced it), by an alert whose packets include the event's.
func TestSimulatedAttacks(t *testing.T) {
	for _, pl := range plants {
		t.Run(filepath.Base(filepath.Dir(pl)), func(t *testing.T) {
			m, err := model.Load(pl, model.Options{})
			if err != nil {
				t.Fatal(err)
			}
			path, truth := simulateTo(t, m, simulate.Attack)
			alerts := detectFile(t, m, path)
			for _, ev := range truth.Events {
				want := ev.TechniqueID
				if c, ok := attack.Current(want); ok {
					want = c.ID
				}
				found := false
				for _, a := range alerts {
					if !slices.Contains(a.Techniques, want) {
						continue
					}
					if ev.SrcIP != "" && a.Src.IP.String() == ev.SrcIP && (ev.DstIP == "" || a.Dst.IP.String() == ev.DstIP) {
						found = true
					}
					for _, p := range a.Packets {
						if slices.Contains(ev.Packets, p) {
							found = true
						}
					}
				}
				if !found {
					t.Errorf("event %d %s (%s, %s -> %s) not found", ev.ID, ev.Kind, want, ev.SrcIP, ev.DstIP)
				}
			}
			if t.Failed() {
				for _, a := range alerts {
					t.Logf("%s %s %s %v %s -> %s %v", a.Severity, a.Rule, a.Title, a.Techniques, a.Src.IP, a.Dst.IP, a.Packets[:min(3, len(a.Packets))])
				}
			}
		})
	}
}

// TestSimulatedNormal: the normal scenario raises nothing above informational.
func TestSimulatedNormal(t *testing.T) {
	for _, pl := range plants {
		t.Run(filepath.Base(filepath.Dir(pl)), func(t *testing.T) {
			m, err := model.Load(pl, model.Options{})
			if err != nil {
				t.Fatal(err)
			}
			path, _ := simulateTo(t, m, simulate.Normal)
			for _, a := range detectFile(t, m, path) {
				if a.Severity > finding.Info {
					t.Errorf("%s %s: %s", a.Severity, a.Rule, a.Title)
				}
			}
		})
	}
}
