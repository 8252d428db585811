package detect

import (
	"net/netip"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

func TestBaselineJudges(t *testing.T) {
	flow := func(client, server string, proto uint8, answered uint64) *observe.Flow {
		return &observe.Flow{Client: netip.MustParseAddrPort(client), Server: netip.MustParseAddrPort(server), Proto: proto,
			PayloadBytes: [2]uint64{10, answered}}
	}
	for _, c := range []struct {
		name     string
		f        *observe.Flow
		scanning bool
		talker   bool
	}{
		{"answered TCP", flow("10.0.0.1:40000", "10.0.0.2:502", 6, 12), false, true},
		{"unanswered TCP probe", flow("10.0.0.1:40000", "10.0.0.2:502", 6, 0), false, false},
		{"unanswered UDP, not scanning", flow("10.0.0.1:40000", "10.0.0.2:47808", 17, 0), false, true},
		{"unanswered UDP of a scanner", flow("10.0.0.1:40000", "10.0.0.2:47808", 17, 0), true, false},
		{"answered UDP of a scanner", flow("10.0.0.1:40000", "10.0.0.2:44818", 17, 30), true, true},
		{"DHCP discover", flow("0.0.0.0:68", "255.255.255.255:67", 17, 0), false, false},
		{"IPv6 from ::", flow("[::]:546", "[ff02::1:2]:547", 17, 0), false, false},
		{"broadcast from a device", flow("10.0.0.1:47808", "255.255.255.255:47808", 17, 0), false, true},
	} {
		if got := baselineTalker(c.f, c.scanning); got != c.talker {
			t.Errorf("%s: talker %v, want %v", c.name, got, c.talker)
		}
	}
	for _, c := range []struct {
		name  string
		f     *observe.Flow
		class protocols.OpClass
		want  bool
	}{
		{"write", flow("10.0.0.1:40000", "10.0.0.2:502", 6, 12), protocols.OpWrite, true},
		{"read", flow("10.0.0.1:40000", "10.0.0.2:502", 6, 12), protocols.OpRead, true},
		{"DHCP discover", flow("0.0.0.0:68", "255.255.255.255:67", 17, 0), protocols.OpNone, false},
		{"Who-Is broadcast", flow("10.0.0.1:47808", "255.255.255.255:47808", 17, 0), protocols.OpRead, false},
		{"SSDP search", flow("10.0.0.1:50000", "239.255.255.250:1900", 17, 0), protocols.OpNone, false},
		{"broadcast write", flow("10.0.0.1:47808", "255.255.255.255:47808", 17, 0), protocols.OpWrite, true},
	} {
		if got := baselineOp(c.f, c.class); got != c.want {
			t.Errorf("%s: new operation %v, want %v", c.name, got, c.want)
		}
	}
}
