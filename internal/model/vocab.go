package model

import "github.com/zonewarden/zonewarden/internal/protocols"

// The vocabularies the model's string fields draw from. Unknown values are errors, so a
// typo is caught by validate instead of silently matching nothing.

// Kinds are the asset kinds.
var Kinds = []string{
	"plc", "rtu", "ied", "dcs-controller", "safety-controller", "drive", "sensor", "actuator",
	"hmi", "ews", "historian", "scada-server", "opc-server", "engineering-laptop",
	"domain-controller", "jump-host", "server", "workstation", "patch-server", "av-server",
	"switch", "router", "firewall", "data-diode", "gateway", "wireless-ap", "vpn-gateway",
	"printer", "camera", "other",
}

// ControlKinds are the kinds that run the process (controllers and field devices).
var ControlKinds = []string{"plc", "rtu", "ied", "dcs-controller", "safety-controller", "drive", "sensor", "actuator"}

// BusinessKinds are the kinds that belong to business (IT) systems rather than control.
var BusinessKinds = []string{"workstation", "domain-controller", "printer"}

// WriterKinds are the kinds that write and control in a plant run as its model says:
// operators' and engineers' machines and the controllers that exchange data with each
// other. ProgrammerKinds are the only kinds that download programs. verify flags an
// operation by any other kind; propose guesses kinds from what devices did with them.
var (
	WriterKinds = []string{"hmi", "scada-server", "ews", "engineering-laptop", "opc-server", "gateway",
		"plc", "rtu", "ied", "dcs-controller", "safety-controller"}
	ProgrammerKinds = []string{"ews", "engineering-laptop"}
)

// Capabilities are the threat source capabilities in rising order; the position+1 is the
// security level that resists them (see docs/risk.md).
var Capabilities = []string{"casual", "simple", "moderate", "extended"}

// Boundaries are the conduit boundary technologies.
var Boundaries = []string{"firewall", "data-diode", "vpn", "router-acl", "unidirectional-gateway", "proxy", "none"}

// Criticalities are asset criticalities in rising order.
var Criticalities = []string{"low", "medium", "high", "critical"}

// Directions of an allowed flow.
var Directions = []string{"one-way", "both"}

// Statuses are the countermeasure statuses.
var Statuses = []string{StatusImplemented, StatusPartial, StatusPlanned, StatusNotApplicable}

// Protocol is an application protocol a conduit can allow: a row of the protocol table.
type Protocol = protocols.Spec

// Protocols are the protocols the model knows by name (package protocols' table).
var Protocols = protocols.Table

// LookupProtocol returns the protocol named name.
func LookupProtocol(name string) (Protocol, bool) { return protocols.Lookup(name) }

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// CapabilityLevel returns the security level that resists a threat source of capability
// c (casual → 1 … extended → 4), or 0 when c is unknown.
func CapabilityLevel(c string) int { return indexOf(Capabilities, c) + 1 }

// CriticalityRank returns 1 (low) … 4 (critical), or 0 when unset or unknown.
func CriticalityRank(c string) int { return indexOf(Criticalities, c) + 1 }

// IsControlKind reports whether kind runs the process.
func IsControlKind(kind string) bool { return indexOf(ControlKinds, kind) >= 0 }

// IsBusinessKind reports whether kind is a business (IT) system.
func IsBusinessKind(kind string) bool { return indexOf(BusinessKinds, kind) >= 0 }
