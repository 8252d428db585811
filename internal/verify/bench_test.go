package verify

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/risk"
	"github.com/zonewarden/zonewarden/internal/simulate"
)

// BenchmarkVerify measures verification alone, on the inventory of a simulated attack on
// the water works: it runs once per capture after discovery, so its cost is what verify
// adds to discover's.
func BenchmarkVerify(b *testing.B) {
	m, inv, _, _ := simulatedInventory(b, simulatedPlants["water-treatment"], simulate.Attack)
	rr := risk.Assess(m)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Verify(m, inv, Options{Risk: rr})
	}
	b.ReportMetric(float64(len(inv.Flows)), "conversations")
}
