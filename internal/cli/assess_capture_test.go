package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAssessCapture checks that assess --capture takes the refuted claims out of SL-A
// and says why: the unknown device of the attack refutes the inventory claim (SR 7.8)
// of the zone it appears in.
func TestAssessCapture(t *testing.T) {
	capture := waterAttack(t)
	code, out, errOut := run(t, "assess", examples["water-treatment"], "--capture", capture, "-f", "json", "--date", "2026-11-21")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Findings []struct{ Rule, Subject, Message string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Findings {
		if f.Rule == "countermeasure/refuted" && f.Subject == "z-treatment" && strings.Contains(f.Message, "SR 7.8") &&
			strings.Contains(f.Message, "CM-inventory") && strings.Contains(f.Message, "SL-A FR7") {
			found = true
		}
	}
	if !found {
		t.Errorf("no refutation of SR 7.8 for z-treatment among the findings")
	}
	_, plain, _ := run(t, "assess", examples["water-treatment"], "-f", "json", "--date", "2026-11-21")
	if strings.Contains(plain, "countermeasure/refuted") {
		t.Error("assess without --capture reports refutations")
	}
}
