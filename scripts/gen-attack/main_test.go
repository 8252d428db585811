package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The committed table must be exactly what the generator makes of the committed
// transcript, so nobody edits the table by hand and the two cannot drift apart.
func TestCommittedTableIsGenerated(t *testing.T) {
	source, err := os.ReadFile("testdata/SOURCE")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "techniques_gen.go")
	if err := run("testdata/ics-attack-transcript.json", out, string(source)); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, err := os.ReadFile("../../internal/attack/techniques_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(want, []byte("ics-attack-transcript.json")) {
		t.Skip("the committed table was generated from other input than the transcript")
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/attack/techniques_gen.go differs from the generator's output; run go generate ./internal/attack")
	}
}

// mitre/cti keeps one bundle per object in a folder per type; the generator reads that
// layout as well as a single bundle.
func TestDirectoryLayout(t *testing.T) {
	dir := t.TempDir()
	write := func(sub, name, body string) {
		t.Helper()
		p := filepath.Join(dir, sub)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("x-mitre-tactic", "x-mitre-tactic--1.json", `{"type":"bundle","objects":[{"type":"x-mitre-tactic","id":"x-mitre-tactic--1","name":"Lateral Movement","x_mitre_shortname":"lateral-movement","external_references":[{"source_name":"mitre-attack","external_id":"TA0109"}]}]}`)
	write("attack-pattern", "attack-pattern--a.json", `{"type":"bundle","objects":[{"type":"attack-pattern","id":"attack-pattern--a","name":"Program Download","kill_chain_phases":[{"kill_chain_name":"mitre-ics-attack","phase_name":"lateral-movement"}],"external_references":[{"source_name":"mitre-attack","external_id":"T0843"},{"source_name":"Some paper","description":"not copied"}],"description":"MITRE's words, which must not be copied"}]}`)
	write("attack-pattern", "attack-pattern--b.json", `{"type":"bundle","objects":[{"type":"attack-pattern","id":"attack-pattern--b","name":"Old Name","revoked":true,"external_references":[{"source_name":"mitre-ics-attack","external_id":"T0833"}]}]}`)
	write("relationship", "relationship--r.json", `{"type":"bundle","objects":[{"type":"relationship","id":"relationship--r","relationship_type":"revoked-by","source_ref":"attack-pattern--b","target_ref":"attack-pattern--a"}]}`)
	out := filepath.Join(dir, "out.go")
	if err := run(dir, out, "a test directory"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	for _, want := range []string{
		`{ID: "T0833", Name: "Old Name", Revoked: true, ReplacedBy: "T0843"}`,
		`{ID: "T0843", Name: "Program Download", Tactics: []string{"Lateral Movement"}}`,
		`{ID: "TA0109", Name: "Lateral Movement", ShortName: "lateral-movement"}`,
		"// Source: a test directory",
		"ATT&CK® is a registered trademark of The MITRE Corporation",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(string(got), "must not be copied") || strings.Contains(string(got), "Some paper") {
		t.Error("a description or reference leaked into the table")
	}
}

func TestBadInput(t *testing.T) {
	tests := map[string]string{
		"not a bundle":    `{"type":"attack-pattern"}`,
		"not json":        `{`,
		"bad id":          `{"type":"bundle","objects":[{"type":"attack-pattern","id":"x","name":"n","external_references":[{"source_name":"mitre-attack","external_id":"T08"}]}]}`,
		"unknown tactic":  `{"type":"bundle","objects":[{"type":"attack-pattern","id":"x","name":"n","kill_chain_phases":[{"kill_chain_name":"mitre-ics-attack","phase_name":"nowhere"}],"external_references":[{"source_name":"mitre-attack","external_id":"T0800"}]}]}`,
		"empty":           `{"type":"bundle","objects":[]}`,
		"dangling revoke": `{"type":"bundle","objects":[{"type":"x-mitre-tactic","id":"t","name":"Impact","x_mitre_shortname":"impact","external_references":[{"source_name":"mitre-attack","external_id":"TA0105"}]},{"type":"attack-pattern","id":"x","name":"n","revoked":true,"external_references":[{"source_name":"mitre-attack","external_id":"T0800"}]},{"type":"relationship","relationship_type":"revoked-by","source_ref":"x","target_ref":"gone"}]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "in.json")
			if err := os.WriteFile(in, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out.go")
			if err := run(in, out, "src"); err == nil {
				t.Fatal("no error")
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("wrote output despite the error")
			}
		})
	}
	if err := run("", "x", "src"); err == nil {
		t.Error("missing -in accepted")
	}
}
