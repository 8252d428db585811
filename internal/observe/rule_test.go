package observe_test

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// TestRulesDeclared: every rule a protocol's Match returns is among the rules it
// declares (which docs/detect.md lists), and rule ids are unique.
func TestRulesDeclared(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range observe.Rules() {
		if ids[r.ID] {
			t.Errorf("rule %s declared twice", r.ID)
		}
		ids[r.ID] = true
	}
	var codes []uint32
	for base := uint32(0); base <= 0x30000; base += 0x100 {
		for low := uint32(0); low < 0x100; low += 1 {
			if base < 0x1000 || low < 0x40 || base&0xffff == 0 {
				codes = append(codes, base|low)
			}
		}
	}
	for app := observe.App(1); int(app) < observe.NumApps(); app++ {
		p := observe.ProtocolOf(app)
		for _, code := range codes {
			for cl := protocols.OpNone; cl <= protocols.OpDiagnostics; cl++ {
				for _, fc := range []bool{true, false} {
					op := observe.Operation{App: app, Code: code, Class: cl, FromClient: fc}
					op.Detail.SubFunction = uint16(code & 7)
					op.Detail.HasCIPPath, op.Detail.CIPClass = true, code&0xff
					if r := app.Match(&op); r != nil && !slices.Contains(p.Rules, r) {
						t.Fatalf("%s code %#x: rule %s is not among the protocol's Rules", p.Name, code, r.ID)
					}
				}
			}
		}
	}
}
