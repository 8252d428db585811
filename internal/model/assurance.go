package model

import (
	"fmt"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// The parts of the model that say how well a claim is supported, and what the assessment
// of 62443-3-2 asks beyond zones and conduits: evidence records, compensating
// countermeasures, countermeasure effects, vulnerabilities, the boundary of the system
// under consideration, its environment, and component assessments (62443-4-2).

// Evidence kinds: what an auditor is shown.
const (
	EvidenceDocument      = "document"      // a design document, procedure or report
	EvidenceConfiguration = "configuration" // a configuration export of a device or system
	EvidenceTest          = "test"          // a test or audit result
	EvidenceAudit         = "audit"         // an audit or assessment report
	EvidenceTraffic       = "traffic"       // zonewarden's verification of observed traffic
	EvidenceCertificate   = "certificate"   // a certificate issued by a certification body
)

// EvidenceKinds are the kinds of evidence.
var EvidenceKinds = []string{EvidenceDocument, EvidenceConfiguration, EvidenceTest, EvidenceAudit, EvidenceTraffic, EvidenceCertificate}

// DefaultEvidenceMonths is how long evidence with a date and no expiry counts as current:
// a year, the review cycle an IACS security programme usually keeps (system.evidence_months
// sets another).
const DefaultEvidenceMonths = 12

// Evidence is one record an auditor can check: what it is, where it is (a file, with its
// SHA-256, or a URL), when it was produced, who reviewed it and until when it holds. A
// plain string in the model (the older form) is a reference with nothing else known, which
// is not enough to credit a requirement.
type Evidence struct {
	Kind string `yaml:"kind" json:"kind"`
	// Ref is a file path (relative to the model file) or a URL.
	Ref string `yaml:"ref" json:"ref"`
	// SHA256 is the file's digest, hex, when Ref is a file.
	SHA256     string `yaml:"sha256" json:"sha256,omitempty"`
	Date       string `yaml:"date" json:"date,omitempty"` // YYYY-MM-DD
	ReviewedBy string `yaml:"reviewed_by" json:"reviewed_by,omitempty"`
	Expires    string `yaml:"expires" json:"expires,omitempty"` // YYYY-MM-DD
	Pos        Pos    `yaml:"-" json:"-"`
	// Legacy: written as a plain string.
	Legacy bool `yaml:"-" json:"legacy,omitempty"`
}

// evidenceFields is Evidence without its methods, for decoding.
type evidenceFields Evidence

// UnmarshalYAML reads a record, or a plain string as a reference alone.
func (e *Evidence) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*e = Evidence{Kind: EvidenceDocument, Ref: n.Value, Legacy: true, Pos: Pos{Line: n.Line, Col: n.Column}}
		return nil
	}
	var f evidenceFields
	if err := n.Decode(&f); err != nil {
		return err
	}
	*e = Evidence(f)
	e.Pos = Pos{Line: n.Line, Col: n.Column}
	return nil
}

// Currency says whether evidence counts on a day.
type Currency uint8

const (
	// EvidenceCurrent: dated, reviewed, and neither expired nor older than its validity.
	EvidenceCurrent Currency = iota
	// EvidenceIncomplete: no date or no reviewer (or a plain string): a claim, not evidence.
	EvidenceIncomplete
	// EvidenceExpired: past its expiry, or older than the validity when it has none.
	EvidenceExpired
	// EvidenceFuture: dated after the day of the assessment.
	EvidenceFuture
)

func (c Currency) String() string {
	return [...]string{"current", "incomplete", "expired", "future"}[c]
}

// Currency says whether the evidence counts on day asOf; months is how long evidence
// without an expiry holds after its date. The reason is for people.
func (e *Evidence) Currency(asOf time.Time, months int) (Currency, string) {
	if e.Legacy || e.Date == "" || e.ReviewedBy == "" {
		return EvidenceIncomplete, "it names no date or no reviewer"
	}
	d, err := time.Parse(time.DateOnly, e.Date)
	if err != nil {
		return EvidenceIncomplete, "its date is not a date"
	}
	day := asOf.Truncate(24 * time.Hour)
	if d.After(day) {
		return EvidenceFuture, "it is dated after the assessment day"
	}
	until := d.AddDate(0, months, 0)
	if e.Expires != "" {
		x, err := time.Parse(time.DateOnly, e.Expires)
		if err != nil {
			return EvidenceIncomplete, "its expiry is not a date"
		}
		until = x
	}
	if !until.After(day) {
		if e.Expires != "" {
			return EvidenceExpired, "it expired on " + e.Expires
		}
		return EvidenceExpired, fmt.Sprintf("it is older than %d months (dated %s, no expiry given)", months, e.Date)
	}
	return EvidenceCurrent, ""
}

// Countermeasure kinds: what sort of measure it is, which bounds the requirements it can
// plausibly satisfy (the catalog's plausibility table).
const (
	KindTechnical             = "technical"
	KindProcedure             = "procedure"
	KindPhysical              = "physical"
	KindDocumentation         = "documentation"
	KindManagementCertificate = "management-certificate"
	KindProductCertificate    = "product-certificate"
)

// CountermeasureKinds are the kinds of countermeasure.
var CountermeasureKinds = []string{KindTechnical, KindProcedure, KindPhysical, KindDocumentation, KindManagementCertificate, KindProductCertificate}

// Effects are what a countermeasure does against a threat.
var Effects = []string{"prevent", "detect", "respond", "recover"}

// Compensation is a compensating countermeasure (62443-3-3 clause 4): it stands in, for one
// foundational requirement and the named assets, for a capability the components lack, so
// that their SL-C does not cap the zone's SL-A on that FR.
type Compensation struct {
	FR        int      `yaml:"fr" json:"fr"`
	Assets    []string `yaml:"assets" json:"assets"`
	Rationale string   `yaml:"rationale" json:"rationale"`
}

// Vulnerability is a weakness a threat exploits (62443-3-2 ZCR 5.2): declared in the
// model, found by verify, or (later) taken from an advisory.
type Vulnerability struct {
	ID          string   `yaml:"id" json:"id"` // a CVE, an advisory id, or the plant's own
	Description string   `yaml:"description" json:"description,omitempty"`
	Assets      []string `yaml:"assets" json:"assets,omitempty"`
	Source      string   `yaml:"source" json:"source,omitempty"` // declared (default), verify, advisory
	// MitigatedBy names the countermeasures that remove or block the weakness; it stays
	// open (and holds the threat's likelihood, docs/risk.md) until one is implemented.
	MitigatedBy []string `yaml:"mitigated_by" json:"mitigated_by,omitempty"`
}

// VulnerabilitySources are where a vulnerability is known from.
var VulnerabilitySources = []string{"declared", "verify", "advisory"}

// Boundary is the system under consideration's boundary (62443-3-2 ZCR 1): what it holds
// and where it meets the outside.
type Boundary struct {
	Description  string        `yaml:"description" json:"description,omitempty"`
	AccessPoints []AccessPoint `yaml:"access_points" json:"access_points"`
}

// AccessPoint is where the system under consideration is reached from outside it: a remote
// access service, a link to the business network or the internet, removable media, a
// wireless network, a supplier's connection.
type AccessPoint struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	Kind string `yaml:"kind" json:"kind"`
	// Zone is the zone it enters; Conduit the conduit that carries it, when modelled.
	Zone        string `yaml:"zone" json:"zone"`
	Conduit     string `yaml:"conduit" json:"conduit,omitempty"`
	Description string `yaml:"description" json:"description,omitempty"`
}

// AccessPointKinds are the kinds of access point.
var AccessPointKinds = []string{"remote-access", "business-network", "internet", "removable-media", "wireless", "supplier", "cloud", "other"}

// Environment is what the cybersecurity requirements specification (62443-3-2 ZCR 6)
// records beside the zones and conduits: assumptions about the operating environment, the
// threat environment, the organisation's policies and the regulations that apply.
type Environment struct {
	Assumptions       []string `yaml:"assumptions" json:"assumptions,omitempty"`
	ThreatEnvironment string   `yaml:"threat_environment" json:"threat_environment,omitempty"`
	Policies          []string `yaml:"policies" json:"policies,omitempty"`
	Regulations       []string `yaml:"regulations" json:"regulations,omitempty"`
}

// ComponentTypes are 62443-4-2's component types.
var ComponentTypes = []string{"embedded-device", "host-device", "network-device", "software-application"}

// Component is a product assessed against 62443-4-2: the component requirements (CR/RE, and
// the type's EDR/HDR/NDR/SAR) it meets, or a certificate with the levels it attests. Its
// SL-C vector follows from them; assets that name it inherit it.
type Component struct {
	ID      string `yaml:"id" json:"id"`
	Vendor  string `yaml:"vendor" json:"vendor,omitempty"`
	Product string `yaml:"product" json:"product,omitempty"`
	Version string `yaml:"version" json:"version,omitempty"`
	Type    string `yaml:"type" json:"type"`
	// Meets lists the requirement ids the component meets (its answers to 62443-4-2).
	Meets []string `yaml:"meets" json:"meets,omitempty"`
	// Certificate, when given, attests Level (its SL-C vector) on its own.
	Certificate *Evidence `yaml:"certificate" json:"certificate,omitempty"`
	Level       *SLVector `yaml:"level" json:"level,omitempty"`
	Pos         Pos       `yaml:"-" json:"-"`
	node        *yaml.Node
}
