package verify

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

func example(t *testing.T, name string) *model.Model {
	t.Helper()
	m, err := model.Load(filepath.Join("..", "..", "examples", name, "plant.yaml"), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func render(t *testing.T, m *model.Model, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, m, format); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRulesGolden(t *testing.T) {
	for _, ex := range []string{"water-treatment", "substation"} {
		m := example(t, ex)
		for _, f := range RuleFormats {
			got := render(t, m, f)
			path := filepath.Join("testdata", ex+"."+f)
			if *update {
				os.MkdirAll("testdata", 0o755)
				os.WriteFile(path, []byte(got), 0o644)
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./internal/verify -update creates it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file (go test ./internal/verify -update, then review the diff)", path)
			}
		}
	}
}

func TestRulesContent(t *testing.T) {
	m := example(t, "water-treatment")
	rules := Rules(m)
	var found bool
	for _, r := range rules {
		if r.Conduit == "c-control-intake" && r.From == "scada-1" {
			found = true
			if r.Transport != "tcp" || len(r.Ports) != 1 || r.Ports[0] != 502 || r.Dst[0].String() != "10.20.11.10/32" {
				t.Errorf("scada-1 → intake-plc modbus rule: %+v", r)
			}
		}
	}
	if !found {
		t.Fatal("no rule for scada-1 → intake-plc")
	}
	nft := render(t, m, "nftables")
	for _, want := range []string{"policy drop", "DPI needed: allow only read, write operations of modbus (function codes 1-6, 15, 16, 22, 23, 43)"} {
		if !strings.Contains(nft, want) {
			t.Errorf("nftables output lacks %q", want)
		}
	}
	sub := render(t, example(t, "substation"), "nftables")
	if !strings.Contains(sub, "not expressed: goose is an Ethernet (layer 2) protocol") {
		t.Errorf("GOOSE flows should be listed as not expressible in an IP ruleset")
	}
}

// TestNftablesAccepts has nft check the generated rulesets (nft -c needs no privileges
// beyond what the syntax check uses; it is skipped where nft is missing or unusable).
func TestNftablesAccepts(t *testing.T) {
	nft, err := exec.LookPath("nft")
	if err != nil {
		t.Skip("nft not installed (Debian package nftables)")
	}
	for _, ex := range []string{"water-treatment", "substation"} {
		path := filepath.Join(t.TempDir(), ex+".nft")
		os.WriteFile(path, []byte(render(t, example(t, ex), "nftables")), 0o644)
		out, err := exec.Command(nft, "-c", "-f", path).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "Operation not permitted") {
				t.Skipf("nft -c not permitted here: %s", out)
			}
			t.Errorf("%s: nft -c rejects the ruleset: %v\n%s", ex, err, out)
		}
	}
}

// TestNftablesLoadsInNamespace loads the ruleset into the kernel inside a fresh network
// namespace and reads it back (skipped without the privilege to make namespaces).
func TestNftablesLoadsInNamespace(t *testing.T) {
	nft, err := exec.LookPath("nft")
	if err != nil {
		t.Skip("nft not installed")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare not installed")
	}
	if err := exec.Command(unshare, "-n", "true").Run(); err != nil {
		t.Skip("cannot create a network namespace (needs CAP_SYS_ADMIN/CAP_NET_ADMIN)")
	}
	path := filepath.Join(t.TempDir(), "water.nft")
	os.WriteFile(path, []byte(render(t, example(t, "water-treatment"), "nftables")), 0o644)
	out, err := exec.Command(unshare, "-n", "sh", "-c", nft+" -f "+path+" && "+nft+" list ruleset").CombinedOutput()
	if err != nil {
		t.Fatalf("loading the ruleset in a namespace: %v\n%s", err, out)
	}
	for _, want := range []string{"policy drop", `comment "c-control-intake allow[0] modbus scada-1->intake-plc"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("kernel ruleset lacks %q:\n%s", want, out)
		}
	}
}

// TestIptablesRestoreAccepts has iptables-restore check the generated file.
func TestIptablesRestoreAccepts(t *testing.T) {
	ipr, err := exec.LookPath("iptables-restore")
	if err != nil {
		t.Skip("iptables-restore not installed (Debian package iptables)")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil || exec.Command(unshare, "-n", "true").Run() != nil {
		t.Skip("cannot create a network namespace to test in")
	}
	path := filepath.Join(t.TempDir(), "water.rules")
	os.WriteFile(path, []byte(render(t, example(t, "water-treatment"), "iptables")), 0o644)
	out, err := exec.Command(unshare, "-n", ipr, "--test", path).CombinedOutput()
	if err != nil {
		t.Errorf("iptables-restore --test rejects the rules: %v\n%s", err, out)
	}
}
