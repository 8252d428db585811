package assess

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/model/modelgen"
)

// largeModel loads the generated model of modelgen.Large: 2,000 zones, 50,000 assets,
// 5,000 conduits, 400 threats and 1,200 countermeasures.
func largeModel(b *testing.B) (*model.Model, []byte) {
	b.Helper()
	var buf bytes.Buffer
	if err := modelgen.Write(&buf, modelgen.Large); err != nil {
		b.Fatal(err)
	}
	m, err := model.Parse("large.yaml", buf.Bytes(), model.Options{Requirement: func(id string) (string, bool) {
		c, ok := catalog.NormalizeID(id)
		return c, ok
	}})
	if err != nil {
		b.Fatal(err)
	}
	return m, buf.Bytes()
}

// BenchmarkAssessLarge measures the analysis alone: risk, SL-T, SL-A, gaps, plan and
// findings of the large model. Run with:
//
//	go test -run XXX -bench AssessLarge -benchmem ./internal/assess/
func BenchmarkAssessLarge(b *testing.B) {
	m, _ := largeModel(b)
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Assess(m, Options{Now: now})
	}
}

// BenchmarkLoadAndAssessLarge measures what `zonewarden assess large.yaml` does before
// rendering: parse and validate the YAML, then assess. It reports the peak heap in use.
func BenchmarkLoadAndAssessLarge(b *testing.B) {
	_, src := largeModel(b)
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m, err := model.Parse("large.yaml", src, model.Options{})
		if err != nil {
			b.Fatal(err)
		}
		Assess(m, Options{Now: now})
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-inuse")
}
