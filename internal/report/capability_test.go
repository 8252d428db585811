package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/risk"
)

// TestCapabilitySources checks that every renderer says where each asset's SL-C comes
// from, and lists sources and compensations before the zone lines.
func TestCapabilitySources(t *testing.T) {
	two := 2
	res := &assess.Result{
		System: assess.SystemInfo{Name: "plant"},
		Date:   "2026-12-08",
		Risk:   &risk.Result{Method: model.DefaultRiskMethod()},
		Capabilities: []assess.AssetCapability{
			{Asset: "plc-a", Zone: "z1", Level: model.SLVector{2, 2, 2, 1, 4, 1, 2}, Source: assess.SourceComponentAnswers, Component: "cmp-a"},
			{Asset: "plc-b", Zone: "z1", Level: model.Uniform(1), Source: assess.SourceAsset},
			{Asset: "rtu-c", Zone: "z1", Level: model.Uniform(3), Source: assess.SourceCertificate, Component: "cmp-c"},
			{Asset: "hmi-d", Zone: "z1", Level: model.Uniform(2), Source: assess.SourceStatedLevel, Component: "cmp-d"},
		},
		Zones: []assess.Subject{{ID: "z1", Kind: "zone", FRs: []assess.FRStatus{
			{FR: 1, Target: 3, Capability: &assess.FRCapability{State: assess.CapDemonstrated, Level: &two, CappedBy: []string{"plc-b"}}},
			{FR: 6, Target: 2, Capability: &assess.FRCapability{State: assess.CapDemonstrated,
				Compensated: []assess.Compensated{{Asset: "plc-a", Countermeasure: "CM-x", Rationale: "polled and alarmed"}}}},
		}}},
	}
	want := []string{
		"plc-a (zone z1): SL-C 2 2 2 1 4 1 2 (FR1-7), computed from component cmp-a's 62443-4-2 answers (meets)",
		"plc-b (zone z1): SL-C 1 1 1 1 1 1 1 (FR1-7), stated on the asset (sl_capability)",
		"rtu-c (zone z1): SL-C 3 3 3 3 3 3 3 (FR1-7), attested by the current certificate of component cmp-c",
		"hmi-d (zone z1): SL-C 2 2 2 2 2 2 2 (FR1-7), the level stated for component cmp-d, without a certificate",
		"zone z1 FR6: plc-a's SL-C does not cap it: compensated by CM-x (polled and alarmed)",
		"zone z1 FR1: SL-C 2 of plc-b is below SL-T 3: the zone cannot reach its target on this FR with them",
	}
	got := capabilityLines(res)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("capabilityLines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range []Format{Table, Markdown, HTML} {
		var b bytes.Buffer
		if err := Assessment(&b, res, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out := b.String()
		for _, w := range []string{"computed from component cmp-a", "stated on the asset (sl_capability)", "compensated by CM-x"} {
			switch f {
			case HTML:
				w = strings.ReplaceAll(w, "'", "&#39;")
			case Markdown:
				w = mdEscape(w)
			}
			if !strings.Contains(out, w) {
				t.Errorf("%s output lacks %q", f, w)
			}
		}
	}
}

// TestCapVec: an FR whose cap is compensated or unknown shows "—", not 0.
func TestCapVec(t *testing.T) {
	one, two := 1, 2
	frs := func(caps ...*assess.FRCapability) assess.Subject {
		var z assess.Subject
		for i, c := range caps {
			z.FRs = append(z.FRs, assess.FRStatus{FR: i + 1, Capability: c})
		}
		return z
	}
	comp := &assess.FRCapability{State: assess.CapDemonstrated, Compensated: []assess.Compensated{{Asset: "plc", Countermeasure: "CM"}}}
	tests := []struct {
		z    assess.Subject
		want string
	}{
		{frs(&assess.FRCapability{Level: &two}, comp, &assess.FRCapability{Level: &one}), "2 — 1"},
		{frs(comp, &assess.FRCapability{State: assess.CapNotDemonstrated}), "—"},
		{frs(nil, nil), "—"},
	}
	for _, tt := range tests {
		if got := capVec(tt.z); got != tt.want {
			t.Errorf("capVec = %q, want %q", got, tt.want)
		}
	}
}

// TestCapabilityJSON: the streamed JSON carries asset_capabilities as the struct has them.
func TestCapabilityJSON(t *testing.T) {
	res := &assess.Result{Risk: &risk.Result{Method: model.DefaultRiskMethod()},
		Capabilities: []assess.AssetCapability{{Asset: "plc-a", Zone: "z1", Level: model.Uniform(2), Source: assess.SourceComponentAnswers, Component: "cmp-a"}}}
	var b bytes.Buffer
	if err := Assessment(&b, res, JSON); err != nil {
		t.Fatal(err)
	}
	var back assess.Result
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if len(back.Capabilities) != 1 || back.Capabilities[0] != res.Capabilities[0] {
		t.Errorf("asset_capabilities read back %+v, want %+v", back.Capabilities, res.Capabilities)
	}
}
