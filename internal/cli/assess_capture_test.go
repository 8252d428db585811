package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
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
		Observed []struct {
			FromZone string `json:"from_zone"`
			ToZone   string `json:"to_zone"`
			Protocol string
		} `json:"observed_violations"`
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
	// The enterprise host that reads the intake PLC over Modbus crosses zones with no
	// conduit: it is carried into the result, and the HTML diagram draws it in red.
	seen := false
	for _, o := range res.Observed {
		seen = seen || (o.FromZone == "z-enterprise" && o.ToZone == "z-intake" && o.Protocol == "modbus")
	}
	if !seen {
		t.Errorf("enterprise → intake Modbus not among the observed violations: %+v", res.Observed)
	}
	sch, err := jsonschema.NewCompiler().Compile("../../docs/schemas/assessment.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("assess --capture JSON does not match the schema: %v", err)
	}
	_, html, _ := run(t, "assess", examples["water-treatment"], "--capture", capture, "-f", "html", "--date", "2026-11-21")
	if !strings.Contains(html, "edge-violation") || !strings.Contains(html, "traffic seen against the model") {
		t.Error("the HTML report does not draw the observed violation")
	}
	_, plain, _ := run(t, "assess", examples["water-treatment"], "-f", "json", "--date", "2026-11-21")
	if strings.Contains(plain, "countermeasure/refuted") {
		t.Error("assess without --capture reports refutations")
	}
}
