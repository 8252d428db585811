package observe

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/mms"
)

// MMS requests from a client raise the rule of what they do to the IED; answers and the
// reads of a station's normal polling raise nothing.
func TestMatchMMS(t *testing.T) {
	for _, tc := range []struct {
		service    uint32
		fromClient bool
		want       *Rule
	}{
		{mms.ServiceWrite, true, ruleMMSWrite},
		{41, true, ruleMMSControl},    // Stop
		{43, true, ruleMMSControl},    // Reset
		{26, true, ruleMMSDownload},   // InitiateDownloadSequence
		{38, true, ruleMMSDownload},   // CreateProgramInvocation
		{29, true, ruleMMSUpload},     // InitiateUploadSequence
		{76, true, ruleMMSFileChange}, // FileDelete
		{mms.ServiceIdentify, true, ruleMMSIdentify},
		{mms.ServiceRead, true, nil},
		{mms.ServiceGetNameList, true, nil},
		{72, true, nil}, // FileOpen
		{mms.ServiceWrite, false, nil},
	} {
		op := &Operation{App: AppMMS, Code: tc.service, Class: mms.ServiceClass(tc.service), FromClient: tc.fromClient}
		if got := op.App.Match(op); got != tc.want {
			t.Errorf("%s (client %v): rule %v, want %v", mms.ServiceName(tc.service), tc.fromClient, got, tc.want)
		}
	}
}

func TestMatchGOOSE(t *testing.T) {
	if r := AppGOOSE.Match(&Operation{App: AppGOOSE, Code: gooseOpSimulated}); r != ruleGOOSESimulated {
		t.Errorf("simulated publication: %v", r)
	}
	if r := AppGOOSE.Match(&Operation{App: AppGOOSE, Code: gooseOpPublish}); r != nil {
		t.Errorf("publication: %v", r)
	}
	if AppGOOSE.OpName(gooseOpSimulated) != "publish_simulated" {
		t.Error("the simulated publication's name changed")
	}
}

// TestRulesDeclared: every rule a protocol's Match returns is among the rules it
// declares (which docs/detect.md lists), and rule ids are unique.
func TestRulesDeclared(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range Rules() {
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
	for app := App(1); int(app) < len(protocolsByApp); app++ {
		p := &protocolsByApp[app]
		for _, code := range codes {
			for cl := protocols.OpNone; cl <= protocols.OpDiagnostics; cl++ {
				for _, fc := range []bool{true, false} {
					op := Operation{App: app, Code: code, Class: cl, FromClient: fc}
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
