package model

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// minimal is a valid model that the table tests below break one way at a time.
const minimal = `version: 1
system:
  name: Test plant
zones:
  - id: z-a
    purdue: 2
    networks: [10.0.1.0/24]
  - id: z-b
    purdue: 1
    networks: [10.0.2.0/24]
conduits:
  - id: c-ab
    zones: [z-a, z-b]
    boundary: firewall
    allow:
      - {from: z-a, to: plc, protocol: modbus, operations: [read]}
assets:
  - {id: plc, zone: z-b, kind: plc, ips: [10.0.2.10]}
threats:
  - id: t1
    source: {name: x, capability: simple}
    targets: [z-b]
    likelihood: 3
    consequences: {production: 3}
    countermeasures: [cm1]
countermeasures:
  - {id: cm1, satisfies: [SR 5.1], scope: [c-ab], status: implemented}
`

func parse(t *testing.T, src string) (*Model, error) {
	t.Helper()
	return Parse("plant.yaml", []byte(src), Options{})
}

func TestMinimalLoads(t *testing.T) {
	m, err := parse(t, minimal)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Zones) != 2 || len(m.Conduits) != 1 || len(m.Assets) != 1 {
		t.Fatalf("got %d zones, %d conduits, %d assets", len(m.Zones), len(m.Conduits), len(m.Assets))
	}
	if got := m.Zones[1].Pos; got.Line != 8 || got.Col != 5 {
		t.Errorf("zone z-b position = %d:%d, want 8:5", got.Line, got.Col)
	}
	if p := m.Conduits[0].Allow[0].Pos; p.Line != 16 {
		t.Errorf("flow position line = %d, want 16", p.Line)
	}
	if m.System.Risk.Tolerable != "medium" || len(m.System.Risk.Matrix) != 5 {
		t.Errorf("default risk method not applied: %+v", m.System.Risk)
	}
	if a, ok := m.Asset("plc"); !ok || len(a.Addrs) != 1 {
		t.Errorf("asset index or addresses missing")
	}
}

// TestBadModels breaks the minimal model and checks each problem is reported at the
// right line with a message naming it.
func TestBadModels(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string // "line:message fragment"
	}{
		{"unknown zone in conduit", "zones: [z-a, z-b]", "zones: [z-a, z-x]", []string{`13:unknown zone "z-x"`}},
		{"duplicate id", "  - id: z-b\n    purdue: 1", "  - id: z-a\n    purdue: 1", []string{`8:duplicate id "z-a"`}},
		{"overlapping networks", "10.0.2.0/24]\nconduits", "10.0.1.128/25]\nconduits", []string{"10:overlaps 10.0.1.0/24 of zone z-a"}},
		{"SL out of range", "    purdue: 2\n", "    purdue: 2\n    sl_target: 5\n", []string{"7:security level outside 0–4"}},
		{"unknown requirement", "satisfies: [SR 5.1]", "satisfies: [SR 9.9]", []string{`27:unknown requirement "SR 9.9"`}},
		{"unknown protocol", "protocol: modbus", "protocol: modbuz", []string{`16:unknown protocol "modbuz"`}},
		{"wrong type", "likelihood: 3", "likelihood: often", []string{"23:threats[0].likelihood: expected a whole number, found text"}},
		{"unknown field", "    purdue: 1\n", "    purdue: 1\n    colour: red\n", []string{`10:unknown field "colour"`}},
		{"bad purdue", "purdue: 1", "purdue: 7", []string{"9:Purdue level 7"}},
		{"unknown kind", "kind: plc", "kind: toaster", []string{`18:unknown kind "toaster"`}},
		{"asset outside flow zone", "to: plc", "to: z-c", []string{`16:to "z-c" is neither a zone nor an asset`}},
		{"several at once", "kind: plc, ips: [10.0.2.10]", "kind: plc, ips: [10.0.2.300]", []string{`18:"10.0.2.300" is not an IP address`}},
		{"no version", "version: 1\n", "", []string{"1:the model has no version"}},
		{"not applicable without why", "status: implemented}", "status: not-applicable}", []string{"27:not-applicable without a justification"}},
		{"operations on IT protocol", "protocol: modbus, operations: [read]", "protocol: https, operations: [read]", []string{"16:https has no OT operations"}},
		{"only the syntax error", "zones:\n", "zones:\n  - id: [\n", []string{"5:did not find expected node content"}},
		{"syntax error", "zones:\n", "zones:\n  - id: [\n", []string{"5:did not find expected node content"}},
	}
	opts := Options{Requirement: func(id string) (string, bool) { return id, strings.HasPrefix(id, "SR ") && id != "SR 9.9" }}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(minimal, tc.old) {
				t.Fatalf("test case does not apply: %q not in the minimal model", tc.old)
			}
			src := strings.Replace(minimal, tc.old, tc.new, 1)
			_, err := Parse("plant.yaml", []byte(src), opts)
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("want model errors, got %v", err)
			}
			if tc.name == "only the syntax error" && len(errs) != 1 {
				t.Errorf("a syntax error should be reported alone, got:\n%v", err)
			}
			for _, w := range tc.want {
				line, frag, _ := strings.Cut(w, ":")
				found := false
				for _, d := range errs {
					if strings.Contains(d.Message, frag) && strconv.Itoa(d.Pos.Line) == line && d.Pos.File == "plant.yaml" {
						found = true
					}
				}
				if !found {
					t.Errorf("no diagnostic at line %s containing %q; got:\n%v", line, frag, err)
				}
			}
		})
	}
}

func TestEveryErrorAtOnce(t *testing.T) {
	src := strings.NewReplacer("zones: [z-a, z-b]", "zones: [z-a, z-x]", "kind: plc", "kind: toaster", "likelihood: 3", "likelihood: 9").Replace(minimal)
	_, err := parse(t, src)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) < 3 {
		t.Fatalf("want at least 3 problems reported together, got %v", err)
	}
	for i := 1; i < len(errs); i++ {
		if errs[i].Pos.Line < errs[i-1].Pos.Line {
			t.Errorf("diagnostics not in line order: %v", err)
		}
	}
}

func TestIncludes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root := strings.Replace(minimal, "assets:\n  - {id: plc, zone: z-b, kind: plc, ips: [10.0.2.10]}\n", "include: [more/*.yaml]\n", 1)
	write("plant.yaml", root)
	os.Mkdir(filepath.Join(dir, "more"), 0o755)
	write("more/assets.yaml", "assets:\n  - {id: plc, zone: z-b, kind: plc, ips: [10.0.2.10]}\n")
	m, err := Load(filepath.Join(dir, "plant.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 2 || len(m.Assets) != 1 || m.Assets[0].Pos.File != filepath.Join(dir, "more/assets.yaml") {
		t.Fatalf("include not merged with its own file name: files %v, assets %+v", m.Files, m.Assets)
	}

	// A cycle is reported, not followed forever.
	write("more/assets.yaml", "include: [../plant.yaml]\n")
	_, err = Load(filepath.Join(dir, "plant.yaml"), Options{})
	if err == nil || !strings.Contains(err.Error(), "include cycle") {
		t.Fatalf("want include cycle error, got %v", err)
	}

	// An included file may not redefine the system.
	write("more/assets.yaml", "system: {name: other}\n")
	_, err = Load(filepath.Join(dir, "plant.yaml"), Options{})
	if err == nil || !strings.Contains(err.Error(), "root model file only") {
		t.Fatalf("want system-in-include error, got %v", err)
	}
}

func TestSLVectorForms(t *testing.T) {
	src := strings.Replace(minimal, "    purdue: 2\n", "    purdue: 2\n    sl_target: {level: {FR1: 3, RDF: 2, fr7: 1}, rationale: why}\n", 1)
	m, err := parse(t, src)
	if err != nil {
		t.Fatal(err)
	}
	want := SLVector{3, 0, 0, 0, 2, 0, 1}
	if got := m.Zones[0].SLTarget.Level; got != want || m.Zones[0].SLTarget.Rationale != "why" {
		t.Fatalf("sl_target = %v %q, want %v", got, m.Zones[0].SLTarget.Rationale, want)
	}
	src = strings.Replace(minimal, "    purdue: 2\n", "    purdue: 2\n    sl_target: 2\n", 1)
	if m, err = parse(t, src); err != nil || m.Zones[0].SLTarget.Level != Uniform(2) {
		t.Fatalf("short form: %v %v", err, m)
	}
}

func TestExamplesLoad(t *testing.T) {
	paths, _ := filepath.Glob("../../examples/*/plant.yaml")
	if len(paths) == 0 {
		t.Fatal("no examples found")
	}
	for _, p := range paths {
		if _, err := Load(p, Options{}); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestAliasBomb: a few lines of nested aliases must not expand into unbounded work.
func TestAliasBomb(t *testing.T) {
	src := "version: 1\nsystem: {name: x}\n" +
		"a: &a [{id: z, name: x}, {id: z, name: x}, {id: z, name: x}, {id: z, name: x}, {id: z, name: x}, {id: z, name: x}, {id: z, name: x}, {id: z, name: x}]\n" +
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n" +
		"zones: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	done := make(chan error, 1)
	go func() { _, err := parse(t, src); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("alias bomb accepted")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("alias bomb still running after 10 s")
	}
}
