package assess

import (
	"strings"

	"github.com/zonewarden/zonewarden/internal/model"
)

// Two questions the analysis asks of the catalog: which system requirements apply to a
// conduit (a conduit is a communication path, so only the requirements about what
// crosses it), and which kinds of countermeasure can plausibly satisfy a requirement.
// The catalog is gaining both tables; until it exports them, the analysis reads the
// provisional tables below through these two functions, which Options can replace.

// Applies reports whether system requirement id applies to a subject of kind "zone" or
// "conduit".
type Applies func(kind, id string) bool

// Plausible reports whether a countermeasure of kind (model.CountermeasureKinds) can
// satisfy system requirement id, and when not, why, in a sentence an auditor reads.
type Plausible func(kind, id string) (ok bool, why string)

// conduitReqs are the 62443-3-3 requirements that apply to a conduit, each with the
// reason; every other requirement applies to zones only. Zones are assessed against the
// whole of 62443-3-3: a zone is where the components that provide the capabilities are.
var conduitReqs = map[string]string{
	"SR 1.2":       "the devices at the ends of the path identify and authenticate each other",
	"SR 1.2 RE 1":  "each end of the path is uniquely identified",
	"SR 1.8":       "certificates used to authenticate the path's ends",
	"SR 1.9":       "public-key authentication of the path's ends",
	"SR 1.9 RE 1":  "hardware-protected keys of the path's ends",
	"SR 1.13":      "access into the system over an untrusted network arrives over a conduit",
	"SR 1.13 RE 1": "approval of each access over an untrusted network",
	"SR 2.6":       "remote sessions that cross the conduit can be ended",
	"SR 3.1":       "integrity of what crosses the path",
	"SR 3.1 RE 1":  "cryptographic integrity of what crosses the path",
	"SR 3.8":       "integrity of the sessions that cross the path",
	"SR 3.8 RE 1":  "sessions across the path end cleanly",
	"SR 3.8 RE 2":  "session identifiers on the path are unique",
	"SR 3.8 RE 3":  "session identifiers on the path are random",
	"SR 4.1":       "confidentiality of what crosses the path",
	"SR 4.1 RE 1":  "confidentiality across untrusted networks",
	"SR 4.1 RE 2":  "confidentiality across zone boundaries",
	"SR 4.3":       "the cryptography that protects the path",
	"SR 5.1":       "the conduit is the segmentation between the zones it joins",
	"SR 5.1 RE 1":  "physically separate networks on either side",
	"SR 5.1 RE 2":  "independence from networks outside the control system",
	"SR 5.1 RE 3":  "isolation of critical networks",
	"SR 5.2":       "the boundary device of the conduit protects the zone boundary",
	"SR 5.2 RE 1":  "the boundary lets through only what is listed",
	"SR 5.2 RE 2":  "the boundary can cut the path (island mode)",
	"SR 5.2 RE 3":  "the boundary fails closed",
	"SR 5.3":       "person-to-person messaging does not cross the path",
	"SR 5.3 RE 1":  "no person-to-person messaging across the path at all",
	"SR 6.2":       "what crosses the path is monitored",
	"SR 7.1":       "the path resists and limits denial of service",
	"SR 7.1 RE 1":  "communication load on the path is managed",
	"SR 7.1 RE 2":  "a flood on one side does not reach the other",
	"SR 7.6":       "the boundary device's network and security settings",
	"SR 7.6 RE 1":  "the boundary device reports its settings in machine-readable form",
}

// ConduitRationale returns why a requirement applies to conduits, or "" when it applies
// to zones only.
func ConduitRationale(id string) string { return conduitReqs[id] }

// defaultApplies is the provisional applicability table.
func defaultApplies(kind, id string) bool {
	if kind == "conduit" {
		_, ok := conduitReqs[id]
		return ok
	}
	return true
}

// plausibleByKind lists, for the kinds of countermeasure that are not technical, the
// system requirements they can satisfy, and why not the others. A technical control can
// satisfy any system requirement: 62443-3-3 states capabilities of the control system.
var plausibleByKind = map[string]struct {
	reqs []string // base SRs; their REs follow
	why  string
}{
	model.KindProcedure: {
		reqs: []string{"SR 1.3", "SR 1.4", "SR 1.5", "SR 1.13 RE 1", "SR 2.3", "SR 3.3", "SR 5.3", "SR 7.3", "SR 7.4", "SR 7.6", "SR 7.8"},
		why:  "a procedure can manage accounts, approvals, tests, backups, recovery, settings and the inventory, but cannot give the control system a technical capability",
	},
	model.KindPhysical: {
		reqs: []string{"SR 2.3", "SR 5.1", "SR 7.5"},
		why:  "a physical measure can separate networks, block ports and supply power, but does not authenticate, validate input, encrypt or configure",
	},
	model.KindDocumentation: {
		reqs: []string{"SR 7.6", "SR 7.8"},
		why:  "a document can record the inventory and the settings, but does not make the system do anything",
	},
	model.KindManagementCertificate: {
		why: "a management-system certificate (ISO/IEC 27001, 62443-2-1) attests how an organisation runs security, not what the control system can do",
	},
	model.KindProductCertificate: {
		why: "a product certificate attests a component's capability (SL-C): name it as a component, not as a system requirement",
	},
}

// defaultPlausible is the provisional plausibility table.
func defaultPlausible(kind, id string) (bool, string) {
	p, ok := plausibleByKind[kind]
	if !ok {
		return true, "" // technical, or unstated (reported apart)
	}
	base := id
	if i := strings.Index(id, " RE "); i >= 0 {
		base = id[:i]
	}
	for _, r := range p.reqs {
		if r == id || (r == base && !strings.Contains(r, " RE ")) {
			return true, ""
		}
	}
	return false, p.why
}
