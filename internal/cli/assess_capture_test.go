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
		Risk struct {
			Threats []struct {
				ID              string
				Vulnerabilities []struct {
					ID, Source string
					Open       bool
				}
			}
		}
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
	// What the traffic showed weak becomes an open vulnerability of the threats that reach
	// it (62443-3-2 ZCR 5.2): the unknown device in the treatment cell.
	weak := false
	for _, th := range res.Risk.Threats {
		for _, v := range th.Vulnerabilities {
			weak = weak || (v.Source == "verify" && v.Open && strings.HasPrefix(v.ID, "verify:"))
		}
	}
	if !weak {
		t.Errorf("no threat carries a vulnerability the traffic showed: %+v", res.Risk.Threats)
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

// TestAssessCaptureTraffic: assess --capture carries the verification into every
// format: what the traffic supports (SR 5.1 and SR 5.2 on conduits whose conversations
// all matched), and verify's own findings, which the HTML report now shows as well.
// --as-of sets the day the evidence is judged on.
func TestAssessCaptureTraffic(t *testing.T) {
	capture := waterAttack(t)
	code, out, errOut := run(t, "assess", examples["water-treatment"], "--capture", capture, "-f", "json", "--as-of", "2026-11-21")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Date    string `json:"date"`
		Traffic struct {
			Supported []struct{ Subject, Requirement string } `json:"supported"`
			Findings  []struct{ Rule, Message string }        `json:"findings"`
		} `json:"traffic"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Date != "2026-11-21" {
		t.Errorf("date %q, want the --as-of day", res.Date)
	}
	if len(res.Traffic.Findings) == 0 || len(res.Traffic.Supported) == 0 {
		t.Fatalf("the assessment lacks the verification: %d findings, %d supported", len(res.Traffic.Findings), len(res.Traffic.Supported))
	}
	for _, s := range res.Traffic.Supported {
		if s.Requirement != "SR 5.1" && s.Requirement != "SR 5.2" && s.Requirement != "SR 7.8" {
			t.Errorf("unexpected support %+v", s)
		}
	}
	_, html, _ := run(t, "assess", examples["water-treatment"], "--capture", capture, "-f", "html", "--as-of", "2026-11-21")
	if !strings.Contains(html, `id="traffic"`) || !strings.Contains(html, htmlText(res.Traffic.Findings[0].Message)) {
		t.Error("the HTML report of assess --capture leaves out the verification's findings")
	}
	if code, _, errOut := run(t, "assess", examples["water-treatment"], "--as-of", "21/11/2026"); code != 2 || !strings.Contains(errOut, "--as-of") {
		t.Errorf("a bad --as-of: exit %d, %s", code, errOut)
	}
}

// htmlText escapes s as html/template escapes text.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
