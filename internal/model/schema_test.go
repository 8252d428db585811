package model

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
)

// The JSON Schema in docs/schemas is what editors check models with; these tests keep it
// and the loader in agreement on the examples, the starter model and some bad models.

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("../../docs/schemas/model.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("model.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("model.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func yamlToInstance(t *testing.T, src []byte) any {
	t.Helper()
	var doc any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(datesAsText(doc))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSchemaAcceptsExamples(t *testing.T) {
	s := compileSchema(t)
	files, _ := filepath.Glob("../../examples/*/*.yaml")
	files = append(files, "../cli/starter/plant.yaml")
	if len(files) < 4 {
		t.Fatalf("expected example files, found %v", files)
	}
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(yamlToInstance(t, src)); err != nil {
			t.Errorf("%s: schema rejects it: %v", p, err)
		}
		if !bytes.Contains(src, []byte("yaml-language-server: $schema=")) {
			t.Errorf("%s: no yaml-language-server $schema modeline", p)
		}
	}
}

func TestSchemaAndLoaderRejectTheSame(t *testing.T) {
	s := compileSchema(t)
	for _, bad := range []struct{ old, new string }{
		{"purdue: 1", "purdue: 7"},
		{"protocol: modbus", "protocol: modbuz"},
		{"kind: plc", "kind: toaster"},
		{"    purdue: 2\n", "    purdue: 2\n    sl_target: 5\n"},
		{"    purdue: 1\n", "    purdue: 1\n    colour: red\n"},
		{"capability: simple", "capability: godlike"},
		{"status: implemented", "status: done"},
	} {
		src := strings.Replace(minimal, bad.old, bad.new, 1)
		if err := s.Validate(yamlToInstance(t, []byte(src))); err == nil {
			t.Errorf("schema accepts %q", bad.new)
		}
		if _, err := parse(t, src); err == nil {
			t.Errorf("loader accepts %q", bad.new)
		}
	}
	if err := s.Validate(yamlToInstance(t, []byte(minimal))); err != nil {
		t.Errorf("schema rejects the minimal model: %v", err)
	}
}

// TestSchemaVocabularies keeps the schema's enums equal to the loader's vocabularies.
func TestSchemaVocabularies(t *testing.T) {
	raw, err := os.ReadFile("../../docs/schemas/model.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum []any `json:"enum"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	enum := func(def, prop string) []string {
		var out []string
		for _, v := range doc.Defs[def].Properties[prop].Enum {
			out = append(out, v.(string))
		}
		return out
	}
	var protos []string
	for _, p := range Protocols {
		protos = append(protos, p.Name)
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"asset kinds", enum("asset", "kind"), Kinds},
		{"protocols", enum("flow", "protocol"), protos},
		{"boundaries", enum("conduit", "boundary"), Boundaries},
		{"criticalities", enum("asset", "criticality"), Criticalities},
		{"statuses", enum("countermeasure", "status"), Statuses},
	} {
		if strings.Join(c.got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s differ:\nschema: %v\nloader: %v", c.name, c.got, c.want)
		}
	}
}

// datesAsText turns the timestamps YAML decodes (due: 2027-03-31) back into the text a
// JSON editor sees.
func datesAsText(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = datesAsText(e)
		}
	case []any:
		for i, e := range x {
			x[i] = datesAsText(e)
		}
	case time.Time:
		return x.Format(time.DateOnly)
	}
	return v
}
