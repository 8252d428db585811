package risk

import (
	"path/filepath"
	"testing"

	"github.com/zonewarden/zonewarden/internal/model"
)

// TestExamplesStateEffects: in the bundled examples every countermeasure that addresses a
// threat states its effect and amount within what the effect allows, so no rating there
// rests on a default or on a claim the method ignores.
func TestExamplesStateEffects(t *testing.T) {
	for _, ex := range []string{"water-treatment", "substation"} {
		m, err := model.Load(filepath.Join("..", "..", "examples", ex, "plant.yaml"), model.Options{})
		if err != nil {
			t.Fatalf("%s: %v", ex, err)
		}
		r := Assess(m)
		for _, f := range r.Findings {
			switch f.Rule {
			case "risk/effect-not-stated", "risk/reduction-outside-effect", "risk/vulnerability-off-target":
				t.Errorf("%s: %s %s: %s", ex, f.Rule, f.Subject, f.Message)
			}
		}
		if testing.Verbose() {
			for _, tr := range r.Threats {
				t.Logf("%s %s: L%d C%d %s → L%d C%d %s held %v", ex, tr.ID, tr.Likelihood, tr.Consequence, tr.Unmitigated.Name,
					tr.ResidualLikelihood, tr.ResidualConsequence, tr.Residual.Name, tr.HeldBy)
				for _, st := range tr.Mitigations {
					t.Logf("    %s: %s", st.Countermeasure, st.Note)
				}
			}
			for _, z := range append(r.Zones, r.Conduits...) {
				t.Logf("%s %s initial %s detailed %v: %s", ex, z.ID, z.Initial.Level.Name, z.Initial.Detailed, z.Initial.Reason)
			}
			for _, f := range r.Findings {
				if f.Rule[:5] == "risk/" {
					t.Logf("%s finding %s %s: %s", ex, f.Rule, f.Subject, f.Message)
				}
			}
		}
	}
}
