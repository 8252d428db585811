// Command gen-attack writes the MITRE ATT&CK for ICS technique table of package attack
// (internal/attack/techniques_gen.go) from MITRE's STIX data.
//
// Input is either one STIX 2.x bundle (ics-attack/ics-attack.json of github.com/mitre/cti,
// or ics-attack/ics-attack-<version>.json of github.com/mitre-attack/attack-stix-data) or a
// directory laid out like mitre/cti's ics-attack/ folder, with one bundle per object
// under attack-pattern/, x-mitre-tactic/ and relationship/. The table keeps facts only:
// technique and tactic identifiers, their names, which tactics a technique belongs to,
// whether it is revoked or deprecated, and what replaced a revoked one. MITRE's
// descriptions are never copied. The generated header names the source given with
// -source and carries the attribution the ATT&CK Terms of Use ask for.
//
// Usage (from the repository root):
//
//	go run ./scripts/gen-attack -in ~/src/cti/ics-attack -source 'mitre/cti commit <sha>, ics-attack/'
//	go run ./scripts/gen-attack -in scripts/gen-attack/testdata/ics-attack-transcript.json \
//	    -source "$(cat scripts/gen-attack/testdata/SOURCE)"
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	var (
		in     = flag.String("in", "", "STIX bundle (.json) or mitre/cti-style ics-attack directory")
		out    = flag.String("o", "internal/attack/techniques_gen.go", "output file")
		source = flag.String("source", "", "where the input came from, written into the generated header")
	)
	flag.Parse()
	if err := run(*in, *out, *source); err != nil {
		slog.Error("gen-attack failed", "err", err)
		os.Exit(1)
	}
}

func run(in, out, source string) error {
	if in == "" || source == "" {
		return errors.New("both -in and -source are required")
	}
	objs, err := load(in)
	if err != nil {
		return err
	}
	tab, err := build(objs)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	src, err := render(tab, source)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// object holds the few STIX fields the table is made from.
type object struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	Name       string `json:"name"`
	Revoked    bool   `json:"revoked"`
	Deprecated bool   `json:"x_mitre_deprecated"`
	ShortName  string `json:"x_mitre_shortname"`
	ExtRefs    []struct {
		SourceName string `json:"source_name"`
		ExternalID string `json:"external_id"`
	} `json:"external_references"`
	Phases []struct {
		KillChain string `json:"kill_chain_name"`
		Phase     string `json:"phase_name"`
	} `json:"kill_chain_phases"`
	RelType string `json:"relationship_type"`
	Source  string `json:"source_ref"`
	Target  string `json:"target_ref"`
}

func (o *object) externalID() string {
	for _, r := range o.ExtRefs {
		// Older releases name the source "mitre-ics-attack", newer ones "mitre-attack".
		if (r.SourceName == "mitre-attack" || r.SourceName == "mitre-ics-attack") && r.ExternalID != "" {
			return r.ExternalID
		}
	}
	return ""
}

type bundle struct {
	Type    string   `json:"type"`
	Objects []object `json:"objects"`
}

// load reads one bundle file, or every *.json bundle under a directory.
func load(path string) ([]object, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return loadFile(path)
	}
	var objs []object
	for _, sub := range []string{"attack-pattern", "x-mitre-tactic", "relationship"} {
		dir := filepath.Join(path, sub)
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			o, err := loadFile(p)
			objs = append(objs, o...)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w (is this mitre/cti's ics-attack folder?)", dir, err)
		}
	}
	return objs, nil
}

func loadFile(path string) ([]object, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var bd bundle
	if err := json.Unmarshal(b, &bd); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if bd.Type != "bundle" {
		return nil, fmt.Errorf("%s: not a STIX bundle (type %q)", path, bd.Type)
	}
	return bd.Objects, nil
}

type tactic struct{ id, name, short string }

type technique struct {
	id, name   string
	tactics    []string
	revoked    bool
	deprecated bool
	replacedBy string
}

type table struct {
	tactics    []tactic
	techniques []technique
}

var (
	techniqueID = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	tacticID    = regexp.MustCompile(`^TA\d{4}$`)
)

func build(objs []object) (*table, error) {
	tacticByShort := map[string]tactic{}
	idByRef := map[string]string{}
	revokedBy := map[string]string{}
	var tab table
	for i := range objs {
		o := &objs[i]
		switch o.Type {
		case "x-mitre-tactic":
			id := o.externalID()
			if !tacticID.MatchString(id) || o.Name == "" || o.ShortName == "" {
				return nil, fmt.Errorf("tactic %s: id %q, name %q, short name %q", o.ID, id, o.Name, o.ShortName)
			}
			t := tactic{id: id, name: o.Name, short: o.ShortName}
			tacticByShort[t.short] = t
			tab.tactics = append(tab.tactics, t)
		case "attack-pattern":
			id := o.externalID()
			if !techniqueID.MatchString(id) || o.Name == "" {
				return nil, fmt.Errorf("technique %s: id %q, name %q", o.ID, id, o.Name)
			}
			idByRef[o.ID] = id
		case "relationship":
			if o.RelType == "revoked-by" {
				revokedBy[o.Source] = o.Target
			}
		}
	}
	for i := range objs {
		o := &objs[i]
		if o.Type != "attack-pattern" {
			continue
		}
		t := technique{id: idByRef[o.ID], name: o.Name, revoked: o.Revoked, deprecated: o.Deprecated}
		for _, p := range o.Phases {
			if p.KillChain != "mitre-ics-attack" {
				continue
			}
			ta, ok := tacticByShort[p.Phase]
			if !ok {
				return nil, fmt.Errorf("technique %s: unknown tactic %q", t.id, p.Phase)
			}
			if !slices.Contains(t.tactics, ta.name) {
				t.tactics = append(t.tactics, ta.name)
			}
		}
		if ref, ok := revokedBy[o.ID]; ok {
			t.replacedBy = idByRef[ref]
			if t.replacedBy == "" {
				return nil, fmt.Errorf("technique %s: revoked by %s, which is not in the input", t.id, ref)
			}
		}
		if len(t.tactics) == 0 && !t.revoked && !t.deprecated {
			return nil, fmt.Errorf("technique %s: no ICS tactic", t.id)
		}
		tab.techniques = append(tab.techniques, t)
	}
	if len(tab.techniques) == 0 || len(tab.tactics) == 0 {
		return nil, errors.New("no ICS techniques or tactics found")
	}
	slices.SortFunc(tab.tactics, func(a, b tactic) int { return strings.Compare(a.id, b.id) })
	slices.SortFunc(tab.techniques, func(a, b technique) int { return strings.Compare(a.id, b.id) })
	for i := 1; i < len(tab.techniques); i++ {
		if tab.techniques[i].id == tab.techniques[i-1].id {
			return nil, fmt.Errorf("technique %s appears twice", tab.techniques[i].id)
		}
	}
	return &tab, nil
}

func render(tab *table, source string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by scripts/gen-attack; DO NOT EDIT.\n\n")
	for _, line := range strings.Split(strings.TrimSpace(source), "\n") {
		fmt.Fprintf(&b, "// Source: %s\n", strings.TrimSpace(line))
	}
	b.WriteString(`//
// ATT&CK® is a registered trademark of The MITRE Corporation. © The MITRE Corporation,
// reproduced under the ATT&CK Terms of Use
// (https://attack.mitre.org/resources/legal-and-branding/terms-of-use/). Only
// identifiers, names, tactic membership and revocation facts are kept here; MITRE's
// descriptions are not.

package attack

`)
	fmt.Fprintf(&b, "// Source names the MITRE data this table was generated from.\nconst Source = %s\n\n", strconv.Quote(strings.Join(strings.Fields(source), " ")))
	b.WriteString("// tactics are the ICS tactics, by ID.\nvar tactics = [...]Tactic{\n")
	for _, t := range tab.tactics {
		fmt.Fprintf(&b, "\t{ID: %q, Name: %q, ShortName: %q},\n", t.id, t.name, t.short)
	}
	b.WriteString("}\n\n// techniques are the ICS techniques and sub-techniques, by ID.\nvar techniques = [...]Technique{\n")
	for _, t := range tab.techniques {
		fmt.Fprintf(&b, "\t{ID: %q, Name: %q", t.id, t.name)
		if len(t.tactics) > 0 {
			b.WriteString(", Tactics: []string{")
			for i, n := range t.tactics {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%q", n)
			}
			b.WriteString("}")
		}
		if t.revoked {
			b.WriteString(", Revoked: true")
		}
		if t.deprecated {
			b.WriteString(", Deprecated: true")
		}
		if t.replacedBy != "" {
			fmt.Fprintf(&b, ", ReplacedBy: %q", t.replacedBy)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
