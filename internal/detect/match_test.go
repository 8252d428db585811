package detect

import (
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
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
		op := &observe.Operation{App: observe.AppMMS, Code: tc.service, Class: mms.ServiceClass(tc.service), FromClient: tc.fromClient}
		if got := match(op); got != tc.want {
			t.Errorf("%s (client %v): rule %v, want %v", mms.ServiceName(tc.service), tc.fromClient, got, tc.want)
		}
	}
}

func TestMatchGOOSE(t *testing.T) {
	if r := match(&observe.Operation{App: observe.AppGOOSE, Code: goosePublishSimulated}); r != ruleGOOSESimulated {
		t.Errorf("simulated publication: %v", r)
	}
	if r := match(&observe.Operation{App: observe.AppGOOSE, Code: 0}); r != nil {
		t.Errorf("publication: %v", r)
	}
	if observe.AppGOOSE.OpName(goosePublishSimulated) != "publish_simulated" {
		t.Error("the operation code differs from observe's")
	}
}
