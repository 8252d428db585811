package model

import (
	"net/netip"

	yaml "go.yaml.in/yaml/v3"
)

// SchemaVersion is the model format version this build reads.
const SchemaVersion = 1

// Pos is where an element was written: file, 1-based line and column.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// Model is a whole plant: the root file and everything it includes.
type Model struct {
	Version         int              `yaml:"version" json:"version"`
	System          System           `yaml:"system" json:"system"`
	Include         []string         `yaml:"include" json:"-"`
	Zones           []Zone           `yaml:"zones" json:"zones"`
	Conduits        []Conduit        `yaml:"conduits" json:"conduits"`
	Assets          []Asset          `yaml:"assets" json:"assets"`
	Threats         []Threat         `yaml:"threats" json:"threats"`
	Countermeasures []Countermeasure `yaml:"countermeasures" json:"countermeasures"`
	// Components are products assessed against 62443-4-2, which assets name.
	Components []Component `yaml:"components" json:"components,omitempty"`

	// Files lists every file read, the root first.
	Files []string `yaml:"-" json:"-"`

	index *index
	// unreadable holds the ids of items that could not be decoded at all; validation
	// treats them as declared so that one typo is reported once.
	unreadable []string
}

// System describes the system under consideration and how its risk is judged.
type System struct {
	Name        string     `yaml:"name" json:"name"`
	Owner       string     `yaml:"owner" json:"owner,omitempty"`
	Description string     `yaml:"description" json:"description,omitempty"`
	Risk        RiskMethod `yaml:"risk" json:"risk"`
	// Boundary is the system under consideration's boundary and access points (ZCR 1).
	Boundary *Boundary `yaml:"boundary" json:"boundary,omitempty"`
	// Environment holds what the requirements specification records beside zones and
	// conduits (ZCR 6).
	Environment *Environment `yaml:"environment" json:"environment,omitempty"`
	// EvidenceMonths is how long dated evidence without an expiry counts as current
	// (DefaultEvidenceMonths when 0).
	EvidenceMonths int        `yaml:"evidence_months" json:"evidence_months,omitempty"`
	Pos            Pos        `yaml:"-" json:"-"`
	node           *yaml.Node // where the fields were written, for diagnostics
}

// RiskMethod is the organisation's risk method: the likelihood and consequence scales,
// the consequence categories, the risk matrix and the tolerable risk. Omitted parts take
// the defaults of DefaultRiskMethod.
type RiskMethod struct {
	Likelihood  []ScaleLevel `yaml:"likelihood" json:"likelihood"`
	Consequence []ScaleLevel `yaml:"consequence" json:"consequence"`
	Categories  []string     `yaml:"categories" json:"categories"`
	// Levels are the risk levels from lowest to highest ("low", "medium", ...).
	Levels []string `yaml:"levels" json:"levels"`
	// Matrix[l-1][c-1] is the risk level of likelihood l and consequence c.
	Matrix    [][]string `yaml:"matrix" json:"matrix"`
	Tolerable string     `yaml:"tolerable" json:"tolerable"`
}

// ScaleLevel is one step of a likelihood or consequence scale.
type ScaleLevel struct {
	Level       int    `yaml:"level" json:"level"`
	Label       string `yaml:"label" json:"label"`
	Description string `yaml:"description" json:"description,omitempty"`
}

// Zone is a group of assets with like security needs (62443-3-2 ZCR 3).
type Zone struct {
	ID          string   `yaml:"id" json:"id"`
	Name        string   `yaml:"name" json:"name"`
	Description string   `yaml:"description" json:"description,omitempty"`
	Purdue      *Purdue  `yaml:"purdue" json:"purdue,omitempty"`
	Networks    []string `yaml:"networks" json:"networks,omitempty"`
	VLANs       []int    `yaml:"vlans" json:"vlans,omitempty"`
	// Safety marks a zone holding safety-related assets (a safety instrumented system).
	Safety bool `yaml:"safety" json:"safety"`
	// Wireless, Temporary and External mark zones for wireless devices, temporarily
	// connected devices (laptops, USB) and devices connected through external networks.
	Wireless  bool      `yaml:"wireless" json:"wireless"`
	Temporary bool      `yaml:"temporary" json:"temporary"`
	External  bool      `yaml:"external" json:"external"`
	SLTarget  *SLTarget `yaml:"sl_target" json:"sl_target,omitempty"`
	Parent    string    `yaml:"parent" json:"parent,omitempty"`

	Prefixes []netip.Prefix `yaml:"-" json:"-"`
	Pos      Pos            `yaml:"-" json:"-"`
	node     *yaml.Node     // where the fields were written, for diagnostics
}

// Conduit is a controlled communication path between zones.
type Conduit struct {
	ID          string    `yaml:"id" json:"id"`
	Name        string    `yaml:"name" json:"name"`
	Description string    `yaml:"description" json:"description,omitempty"`
	Zones       []string  `yaml:"zones" json:"zones"`
	SLTarget    *SLTarget `yaml:"sl_target" json:"sl_target,omitempty"`
	// Boundary is the technology at the boundary: firewall, data-diode, vpn, router-acl, none.
	Boundary string     `yaml:"boundary" json:"boundary"`
	Allow    []Flow     `yaml:"allow" json:"allow"`
	Pos      Pos        `yaml:"-" json:"-"`
	node     *yaml.Node // where the fields were written, for diagnostics
}

// Flow is one allowed communication of a conduit.
type Flow struct {
	// From and To are zone or asset ids; From initiates.
	From     string `yaml:"from" json:"from"`
	To       string `yaml:"to" json:"to"`
	Protocol string `yaml:"protocol" json:"protocol"`
	// Ports are the responder's ports; empty means the protocol's default ports.
	Ports []int `yaml:"ports" json:"ports,omitempty"`
	// Direction is "one-way" (only From may initiate; the default) or "both".
	Direction string `yaml:"direction" json:"direction"`
	// Operations are the OT operation classes allowed (read, write, program, control,
	// diagnostics); empty means all for an OT protocol.
	Operations  []string   `yaml:"operations" json:"operations,omitempty"`
	Description string     `yaml:"description" json:"description,omitempty"`
	Pos         Pos        `yaml:"-" json:"-"`
	node        *yaml.Node // where the fields were written, for diagnostics
}

// Asset is a device or software component of the system.
type Asset struct {
	ID          string `yaml:"id" json:"id"`
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description,omitempty"`
	Zone        string `yaml:"zone" json:"zone"`
	// Kind: plc, rtu, ied, hmi, ews, historian, scada-server, switch, firewall, router,
	// server, workstation, ... (see Kinds).
	Kind        string    `yaml:"kind" json:"kind"`
	IPs         []string  `yaml:"ips" json:"ips,omitempty"`
	MACs        []string  `yaml:"macs" json:"macs,omitempty"`
	Vendor      string    `yaml:"vendor" json:"vendor,omitempty"`
	Model       string    `yaml:"model" json:"model,omitempty"`
	Firmware    string    `yaml:"firmware" json:"firmware,omitempty"`
	Serial      string    `yaml:"serial" json:"serial,omitempty"`
	Criticality string    `yaml:"criticality" json:"criticality,omitempty"`
	SLC         *SLVector `yaml:"sl_capability" json:"sl_capability,omitempty"`
	// Component names the 62443-4-2 component assessment of its product; the asset
	// inherits its SL-C unless sl_capability states one.
	Component string `yaml:"component" json:"component,omitempty"`

	Addrs []netip.Addr `yaml:"-" json:"-"`
	Pos   Pos          `yaml:"-" json:"-"`
	node  *yaml.Node   // where the fields were written, for diagnostics
}

// Threat is one threat scenario of the risk assessment (62443-3-2 ZCR 5).
type Threat struct {
	ID          string       `yaml:"id" json:"id"`
	Name        string       `yaml:"name" json:"name"`
	Description string       `yaml:"description" json:"description,omitempty"`
	Source      ThreatSource `yaml:"source" json:"source"`
	// Targets are zone, conduit or asset ids.
	Targets []string `yaml:"targets" json:"targets"`
	// FRs limits the foundational requirements the threat bears on (empty: all seven).
	FRs []int `yaml:"frs" json:"frs,omitempty"`
	// Likelihood is the level on the likelihood scale before countermeasures.
	Likelihood int `yaml:"likelihood" json:"likelihood"`
	// Consequences maps a consequence category to its level on the consequence scale.
	Consequences    map[string]int `yaml:"consequences" json:"consequences"`
	Countermeasures []string       `yaml:"countermeasures" json:"countermeasures,omitempty"`
	// Vulnerabilities are the weaknesses the threat exploits (ZCR 5.2).
	Vulnerabilities []Vulnerability `yaml:"vulnerabilities" json:"vulnerabilities,omitempty"`
	Pos             Pos             `yaml:"-" json:"-"`
	node            *yaml.Node      // where the fields were written, for diagnostics
}

// ThreatSource is who or what could carry a threat out and how capable it is.
type ThreatSource struct {
	Name string `yaml:"name" json:"name"`
	// Capability: casual, simple, moderate or extended (see Capabilities).
	Capability string `yaml:"capability" json:"capability"`
}

// Countermeasure is a security measure that satisfies requirements in a scope.
type Countermeasure struct {
	ID          string `yaml:"id" json:"id"`
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description,omitempty"`
	// Satisfies lists requirement ids: "SR 1.1", "SR 1.1 RE 1", "CR 3.14", ...
	Satisfies []string `yaml:"satisfies" json:"satisfies"`
	// Scope lists zone, conduit or asset ids, or "*" for the whole system.
	Scope []string `yaml:"scope" json:"scope"`
	// Status: implemented, partial, planned or not-applicable.
	Status        string     `yaml:"status" json:"status"`
	Justification string     `yaml:"justification" json:"justification,omitempty"`
	Evidence      []Evidence `yaml:"evidence" json:"evidence,omitempty"`
	Owner         string     `yaml:"owner" json:"owner,omitempty"`
	Due           string     `yaml:"due" json:"due,omitempty"`
	// Kind is what sort of measure it is (CountermeasureKinds), which bounds the
	// requirements it can plausibly satisfy.
	Kind string `yaml:"kind" json:"kind,omitempty"`
	// Effect is what it does against the threats it addresses: prevent, detect, respond
	// or recover.
	Effect string `yaml:"effect" json:"effect,omitempty"`
	// Addresses lists the threats it acts on, besides those that name it.
	Addresses []string `yaml:"addresses" json:"addresses,omitempty"`
	// Compensates declares it a compensating countermeasure for an FR on some assets.
	Compensates []Compensation `yaml:"compensates" json:"compensates,omitempty"`
	// ReducesLikelihood is how many likelihood levels the measure takes off the threats
	// it addresses, once implemented, when its effect is prevent or detect. Unset means
	// nothing: there is no default reduction (package risk reports a measure that
	// addresses a threat without stating its effect and amount).
	ReducesLikelihood *int `yaml:"reduces_likelihood" json:"reduces_likelihood,omitempty"`
	// ReducesConsequence is how many consequence levels it takes off, when its effect is
	// respond or recover; unset means nothing.
	ReducesConsequence *int       `yaml:"reduces_consequence" json:"reduces_consequence,omitempty"`
	Pos                Pos        `yaml:"-" json:"-"`
	node               *yaml.Node // where the fields were written, for diagnostics
}

// Countermeasure statuses.
const (
	StatusImplemented   = "implemented"
	StatusPartial       = "partial"
	StatusPlanned       = "planned"
	StatusNotApplicable = "not-applicable"
)

// LikelihoodReduction returns the likelihood levels the measure states it removes; 0
// when it states none (there is no default).
func (c *Countermeasure) LikelihoodReduction() int {
	if c.ReducesLikelihood == nil {
		return 0
	}
	return *c.ReducesLikelihood
}

// ConsequenceReduction returns the consequence levels the measure states it removes; 0
// when it states none.
func (c *Countermeasure) ConsequenceReduction() int {
	if c.ReducesConsequence == nil {
		return 0
	}
	return *c.ReducesConsequence
}
