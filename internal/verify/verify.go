package verify

import (
	"errors"
	"time"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/policy"
	"github.com/zonewarden/zonewarden/internal/risk"
)

// SchemaVersion is the version of the verification's JSON form
// (docs/schemas/verification.schema.json).
const SchemaVersion = 1

// Options tune Verify.
type Options struct {
	// Risk is the model's risk assessment, which gives the SL-T of every zone and conduit;
	// nil means risk.Assess(m).
	Risk *risk.Result
	// Ruleset, when set, is replayed against the conversations across zones: what it
	// would block, which rule passes each, and where it and the model disagree.
	Ruleset *Ruleset
}

// Result is the model held against the observed traffic: every observed device placed in
// a zone and matched to the model's assets, every conversation that crosses a zone
// boundary matched to the conduit rule that allows it or marked as a violation, the
// countermeasure claims the observations refute, and the findings.
type Result struct {
	SchemaVersion int       `json:"schema_version"`
	Generator     string    `json:"generator"`
	System        string    `json:"system"`
	Model         []string  `json:"model"`
	Captures      []Capture `json:"captures"`
	// Window is the time of the first and the last packet read.
	Window        Window         `json:"window"`
	Summary       Summary        `json:"summary"`
	Devices       []Device       `json:"devices"`
	NotSeen       []string       `json:"not_seen"`
	Conversations []Conversation `json:"conversations"`
	Refuted       []Refutation   `json:"refuted"`
	// Replay sums up the replay of a ruleset (verify --rules).
	Replay   *Replay   `json:"replay,omitempty"`
	Findings []Finding `json:"findings"`
}

// Capture is one capture that was read.
type Capture struct {
	File      string     `json:"file"`
	Packets   uint64     `json:"packets"`
	FirstSeen *time.Time `json:"first_seen,omitempty"`
	LastSeen  *time.Time `json:"last_seen,omitempty"`
	Complete  bool       `json:"complete"`
	Error     string     `json:"error,omitempty"`
}

// Window is a span of capture time; both are zero when no packet carried a time.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Summary counts what verification found.
type Summary struct {
	Devices       int `json:"devices"`        // devices observed
	InModel       int `json:"in_model"`       // of them, matched to an asset of the model
	Unknown       int `json:"unknown"`        // not in the model
	WrongZone     int `json:"wrong_zone"`     // seen in another zone than the model says
	IdentityDrift int `json:"identity_drift"` // identity differs from the model
	NotSeen       int `json:"not_seen"`       // model assets with an address never seen
	// Conversations counts every conversation discovery reported; IntraZone, CrossZone,
	// Local (broadcast, multicast, or an end without an address) and Unplaced (an end in
	// no zone) split them. Allowed and Violations split the cross-zone ones; violations
	// also count intra-zone conversations with an operation the sender may not carry out.
	Conversations int `json:"conversations"`
	IntraZone     int `json:"intra_zone"`
	CrossZone     int `json:"cross_zone"`
	Local         int `json:"local"`
	Unplaced      int `json:"unplaced"`
	Allowed       int `json:"allowed"`
	Violations    int `json:"violations"`
	Refuted       int `json:"refuted"`
	// Findings counts findings by severity name.
	Findings map[string]int `json:"findings"`
}

// Device is one observed device and what the model says of it.
type Device struct {
	Asset string   `json:"asset"` // the inventory's asset id
	Name  string   `json:"name"`
	MAC   string   `json:"mac,omitempty"`
	IPs   []string `json:"ips"`
	VLANs []int    `json:"vlans,omitempty"`
	// ModelAsset is the model's asset it was matched to; Match says how: mac, ip, name
	// (the device states the asset's id or name), vendor (an address-less device matched
	// to the one asset of its zone with its vendor), elimination (the one unaccounted
	// device and asset of a zone), or none.
	ModelAsset string `json:"model_asset,omitempty"`
	Match      string `json:"match"`
	// Zone is where the device was seen and ZoneBy how that was decided ("network
	// 10.20.2.0/24", "vlan 20", "model"); ModelZone is the zone the model gives it.
	Zone      string `json:"zone,omitempty"`
	ZoneBy    string `json:"zone_by,omitempty"`
	ModelZone string `json:"model_zone,omitempty"`
	// Issues lists what is wrong: unknown, wrong_zone, identity_drift.
	Issues []string `json:"issues"`
}

// Conversation is one conversation that crosses a zone boundary, has an end in no zone,
// or carries an operation its sender may not carry out, with its verdict.
type Conversation struct {
	Client     End      `json:"client"`
	Server     End      `json:"server"`
	Protocol   string   `json:"protocol"` // as discovery names it ("unknown" when not recognised)
	Transport  string   `json:"transport"`
	ServerPort int      `json:"server_port,omitempty"`
	Operations []string `json:"operations"` // operation classes carried
	// As is the model protocol the conversation was taken for: the rule's protocol when
	// a rule allows it, otherwise the protocol its name or server port suggests.
	As string `json:"as,omitempty"`
	// Verdict: allowed, violation or unplaced.
	Verdict string `json:"verdict"`
	// Conduit and Allow name the conduit and the index in its allow list of the rule that
	// allows the conversation, or of the rule that came closest to allowing it.
	Conduit string `json:"conduit,omitempty"`
	Allow   *int   `json:"allow,omitempty"`
	// Violations: no_conduit, not_listed, protocol_not_allowed, port_not_allowed,
	// direction_not_allowed, operation_not_allowed, operation_not_for_kind.
	Violations []string `json:"violations"`
	// SkipsPurdue: the zones' Purdue levels are not adjacent (see docs/verify.md).
	SkipsPurdue bool     `json:"skips_purdue"`
	Detail      string   `json:"detail,omitempty"`
	Evidence    Evidence `json:"evidence"`
	// Firewall is what a replayed ruleset does to the conversation (verify --rules).
	Firewall *FirewallVerdict `json:"firewall,omitempty"`
}

// End is one side of a conversation.
type End struct {
	Asset      string `json:"asset"` // the inventory's asset id
	ModelAsset string `json:"model_asset,omitempty"`
	Kind       string `json:"kind,omitempty"` // the model asset's kind
	IP         string `json:"ip,omitempty"`
	MAC        string `json:"mac,omitempty"`
	Zone       string `json:"zone,omitempty"`
}

// Evidence is where in the captures a finding or conversation can be checked.
type Evidence struct {
	// Flow names the conversation: "10.1.4.20 -> 10.20.11.10 modbus/tcp 502".
	Flow string `json:"flow,omitempty"`
	// File and Packet locate the first packet (packet numbers count from 1, as
	// Wireshark's frame.number does).
	File      string    `json:"file,omitempty"`
	Packet    uint64    `json:"packet,omitempty"`
	Packets   uint64    `json:"packets"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Conversations counts the conversations a finding sums up, when more than one.
	Conversations int `json:"conversations,omitempty"`
}

// Refutation is a requirement that an implemented countermeasure claims for a zone or
// conduit and that the observed traffic shows is not met there.
type Refutation struct {
	Subject         string   `json:"subject"`
	Requirement     string   `json:"requirement"`
	Countermeasures []string `json:"countermeasures"`
	Reason          string   `json:"reason"`
	Evidence        Evidence `json:"evidence"`
}

// Finding is a finding with the evidence in the captures.
type Finding struct {
	finding.Finding
	Evidence *Evidence `json:"evidence,omitempty"`
}

// PlainFindings returns the findings without their evidence, for --fail-on and for
// callers that do not need it.
func (r *Result) PlainFindings() []finding.Finding {
	out := make([]finding.Finding, len(r.Findings))
	for i := range r.Findings {
		out[i] = r.Findings[i].Finding
	}
	return out
}

// Verify holds the model m against the inventory inv discovered from captures.
func Verify(m *model.Model, inv *inventory.Inventory, opts Options) *Result {
	if opts.Risk == nil {
		opts.Risk = risk.Assess(m)
	}
	v := newVerifier(m, inv, opts.Risk)
	v.captures()
	v.matchDevices()
	v.deviceFindings()
	v.conversations()
	v.unplacedRanges()
	v.trafficFindings()
	v.protection()
	v.refutations()
	if opts.Ruleset != nil {
		v.replay(opts.Ruleset)
	}
	return v.result()
}

// ErrNoNetworks says the model gives verification nothing to place devices with.
var ErrNoNetworks = errors.New("no zone of the model lists networks or VLANs, so no observed device can be placed in a zone: add networks: (and vlans:) to the zones")

// Check reports whether the model can be verified against traffic at all.
func Check(m *model.Model) error {
	if !policy.Compile(m).HasNetworks() {
		return ErrNoNetworks
	}
	return nil
}
