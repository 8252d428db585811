package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoDataIsTheExample keeps the bundled copy equal to examples/water-treatment.
func TestDemoDataIsTheExample(t *testing.T) {
	for _, name := range demoFiles {
		want, err := os.ReadFile(filepath.Join("../../examples/water-treatment", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := demoModel.ReadFile("demodata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("internal/cli/demodata/%s differs from examples/water-treatment/%s: copy it again", name, name)
		}
	}
}

func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, errOut := run(t, "demo", "-o", dir, "--duration", "20s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, name := range []string{"report.html", "capture.pcapng", "plant.yaml", "verification.md"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(html), "Riverside Water Treatment Works") {
		t.Error("report.html does not name the plant")
	}
	for _, want := range []string{"report.html", "zonewarden detect", "zonewarden verify"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not mention %q:\n%s", want, out)
		}
	}
	// The attack must show in the verification.
	if strings.Contains(out, " 0 conversations violate") {
		t.Errorf("the attack scenario produced no violation:\n%s", out)
	}
	if code, _, _ := run(t, "demo", "extra"); code != 2 {
		t.Errorf("demo with an argument: exit %d, want 2", code)
	}
}

func TestPropose(t *testing.T) {
	dir := t.TempDir()
	capPath := filepath.Join(dir, "capture.pcapng")
	if code, _, errOut := run(t, "simulate", "../../examples/water-treatment/plant.yaml", "--duration", "20s", "--scenario", "attack", "-q", "-o", capPath); code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, errOut)
	}
	proposed := filepath.Join(dir, "proposed.yaml")
	code, _, errOut := run(t, "propose", capPath, "--no-progress", "-o", proposed)
	if code != 0 {
		t.Fatalf("propose: exit %d: %s", code, errOut)
	}
	if code, out, errOut := run(t, "validate", proposed); code != 0 {
		t.Fatalf("validate: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut := run(t, "verify", proposed, capPath, "--no-progress", "-f", "json")
	if code != 0 {
		t.Fatalf("verify: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"violations": 0`) {
		t.Errorf("verify of the proposed model reports violations:\n%s", out)
	}
	for _, args := range [][]string{{"propose"}, {"propose", filepath.Join(dir, "missing.pcap")}, {"propose", capPath, "--inventory", "x.json"}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
