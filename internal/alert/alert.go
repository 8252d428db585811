package alert

import (
	"net/netip"
	"slices"
	"time"

	"github.com/zonewarden/zonewarden/internal/finding"
)

// Alert is one risky operation seen on the network.
type Alert struct {
	Time     time.Time
	Severity finding.Severity
	// Rule names the detection rule that raised the alert, such as "s7comm/plc-stop".
	Rule string
	// Title is one line a person reads: "PLC STOP sent to plc-1 from an unknown host".
	Title    string
	Src, Dst Endpoint
	// Protocol and Operation name what was done, such as "s7comm" and "plc-stop".
	Protocol  string
	Operation string
	// Details are the operation's parameters in the order the rule gives them, such as
	// {"function_code", "16"}, {"address", "40001"}.
	Details []Detail
	// Packets are the numbers (1-based, in capture order) of the packets that carried
	// the operation; File names the capture they are in, empty for a live interface.
	Packets []uint64
	File    string
	// Techniques are MITRE ATT&CK for ICS technique ids, such as "T0858".
	Techniques []string
	// Conduit is the id of the model's conduit the traffic crossed, and Allowed whether
	// that conduit allows the operation; both are empty without a model.
	Conduit string
	Allowed Verdict
}

// Endpoint is one side of the operation. Asset and Zone are set when the address
// matched an asset or zone of the plant model.
type Endpoint struct {
	IP    netip.Addr // invalid when the protocol runs below IP (PROFINET DCP)
	MAC   [6]byte    // zero when unknown
	Port  uint16     // 0 when the protocol has no ports
	Asset string
	Zone  string
}

// Detail is one named parameter of the operation.
type Detail struct {
	Key, Value string
}

// Verdict says whether the model allows an operation.
type Verdict uint8

// Verdicts.
const (
	// VerdictUnknown: no model was given, or the traffic crossed no modelled conduit.
	VerdictUnknown Verdict = iota
	VerdictAllowed
	VerdictForbidden
)

func (v Verdict) String() string {
	switch v {
	case VerdictAllowed:
		return "allowed"
	case VerdictForbidden:
		return "forbidden"
	}
	return "unknown"
}

// Clone returns a deep copy of a, so the copy survives the caller reusing a's slices.
func (a *Alert) Clone() *Alert {
	c := *a
	c.Details = slices.Clone(a.Details)
	c.Packets = slices.Clone(a.Packets)
	c.Techniques = slices.Clone(a.Techniques)
	return &c
}

// MaxListedPackets bounds how many packet numbers the syslog and CEF renderings list;
// they give the total count as well. JSON lists them all.
const MaxListedPackets = 32
