package inventory

import "time"

// SchemaVersion is the version of the inventory's JSON form (docs/schemas/inventory.schema.json).
const SchemaVersion = 1

// Inventory is what discovery found: the captures read, the assets with their identity,
// role and Purdue level, and the conversations between them. Its JSON form is
// documented by docs/schemas/inventory.schema.json; field names never change meaning.
type Inventory struct {
	SchemaVersion int       `json:"schema_version"`
	Generator     string    `json:"generator"`
	Sources       []Source  `json:"sources"`
	Summary       Summary   `json:"summary"`
	Assets        []Asset   `json:"assets"`
	Flows         []Flow    `json:"flows"`
	Anomalies     []Anomaly `json:"anomalies"`
	// Warnings say what makes the inventory less than the captures' whole truth: a
	// capture read only in part, packet times that are not real dates. Absent when
	// there is nothing to say.
	Warnings []Warning `json:"warnings,omitempty"`
}

// Warning is a reason to doubt the inventory's completeness or its times, naming the
// capture and the packet concerned.
type Warning struct {
	// Kind: truncated (the file ends inside a packet), corrupt (a malformed record or
	// block), read_error, implausible_time (packets stamped before 1990 or in the
	// future).
	Kind   string `json:"kind"`
	File   string `json:"file"`
	Packet uint64 `json:"packet"` // the first packet not read; for implausible_time the first so stamped
	Detail string `json:"detail"`
}

// Source is one capture (or live interface) that was read.
type Source struct {
	File      string     `json:"file"`
	Packets   uint64     `json:"packets"`
	Bytes     uint64     `json:"bytes"`
	FirstSeen *time.Time `json:"first_seen,omitempty"`
	LastSeen  *time.Time `json:"last_seen,omitempty"`
	// Complete is false when the capture ended early (truncated or corrupt) or could
	// not be read at all; Error says why.
	Complete bool   `json:"complete"`
	Error    string `json:"error,omitempty"`
	// Truncated: the file ends in the middle of a packet's record or block.
	Truncated bool `json:"truncated,omitempty"`
	// StoppedAt is where a capture that ended early stopped being read.
	StoppedAt *FilePosition `json:"stopped_at,omitempty"`
	Anomalies []Count       `json:"anomalies"`
}

// FilePosition is a place in a capture file: the first packet that could not be read
// and the byte offset where its record or block begins (in the file after gzip
// decompression).
type FilePosition struct {
	Packet     uint64 `json:"packet"`
	ByteOffset int64  `json:"byte_offset"`
}

// Count is a number of things of a kind.
type Count struct {
	Kind  string `json:"kind"`
	Count uint64 `json:"count"`
}

// Summary counts the inventory.
type Summary struct {
	Assets    int     `json:"assets"`
	Flows     int     `json:"flows"`
	Packets   uint64  `json:"packets"`
	Bytes     uint64  `json:"bytes"`
	Roles     []Count `json:"roles"`
	Protocols []Count `json:"protocols"` // conversations per application protocol
}

// Asset is one device: a MAC address with the IP addresses it holds, or an IP address
// seen only through a router (or in a capture without link layer).
type Asset struct {
	// ID is stable for a device across runs: "mac-" and the MAC address, or "ip-" and
	// the IP address for devices known only by it.
	ID        string `json:"id"`
	Name      string `json:"name"` // the best name for people: device name, product, address
	MAC       string `json:"mac,omitempty"`
	MACVendor string `json:"mac_vendor,omitempty"` // organisation holding the MAC prefix (IEEE registry)
	IPs       []IP   `json:"ips"`
	VLANs     []int  `json:"vlans,omitempty"`
	// Behind is the asset (a router) through which this one was seen, when it is
	// known only by an IP address beyond a router.
	Behind string `json:"behind,omitempty"`
	// RoutedAddresses counts the addresses a router was seen forwarding for.
	RoutedAddresses int `json:"routed_addresses,omitempty"`
	// Identity holds the best value of each identity field (see Facts for all of them).
	Identity   map[string]string `json:"identity"`
	Facts      []Fact            `json:"facts"`
	Components []Component       `json:"components,omitempty"`
	Role       Role              `json:"role"`
	Purdue     Purdue            `json:"purdue"`
	Protocols  []AssetProtocol   `json:"protocols"`
	Peers      int               `json:"peers"` // assets it talked to
	FirstSeen  time.Time         `json:"first_seen"`
	LastSeen   time.Time         `json:"last_seen"`
	Sent       Traffic           `json:"sent"`
	Received   Traffic           `json:"received"`
}

// IP is an address an asset holds, with how and when it was seen.
type IP struct {
	Address   string    `json:"address"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Seen lists how: ip_source, ip_destination, arp, announced.
	Seen []string `json:"seen"`
}

// Traffic counts packets and bytes (IP lengths, or frame payloads for non-IP traffic).
type Traffic struct {
	Packets uint64 `json:"packets"`
	Bytes   uint64 `json:"bytes"`
}

// Fact is one identity fact and where it came from.
type Fact struct {
	Field      string    `json:"field"`
	Value      string    `json:"value"`
	Protocol   string    `json:"protocol"`
	Confidence string    `json:"confidence"` // high, medium, low
	File       string    `json:"file"`       // the capture of the first packet that showed it
	Packet     uint64    `json:"packet"`     // that packet's number (frame.number in Wireshark)
	FirstSeen  time.Time `json:"first_seen"`
	Count      uint64    `json:"count"` // how many times it was seen
}

// Component is a part of an asset with an identity of its own: a module in a chassis
// slot, a device on a field network behind it.
type Component struct {
	Name     string            `json:"name"`
	Identity map[string]string `json:"identity"`
	Facts    []Fact            `json:"facts"`
}

// Role is what an asset does in the plant, inferred from its behaviour.
type Role struct {
	// Name: controller, engineering_workstation, hmi_scada, historian, network_device,
	// it_host or unknown.
	Name       string   `json:"name"`
	Confidence string   `json:"confidence"` // high, medium, low (none for unknown)
	Evidence   []string `json:"evidence"`
}

// Role names (Role.Name), in the order that breaks ties between equal scores.
const (
	RoleController    = "controller"              // PLC, RTU, IED, I/O device: serves industrial protocols
	RoleEngineering   = "engineering_workstation" // programs controllers
	RoleHMISCADA      = "hmi_scada"               // polls and commands controllers
	RoleHistorian     = "historian"               // collects process data
	RoleNetworkDevice = "network_device"          // routes or bridges
	RoleITHost        = "it_host"                 // no industrial protocol
	RoleUnknown       = "unknown"
)

// Purdue is a guess of the asset's Purdue level.
type Purdue struct {
	Level      *int     `json:"level"` // nil when no guess is made
	Confidence string   `json:"confidence"`
	Evidence   []string `json:"evidence"`
}

// AssetProtocol is a protocol an asset serves or uses.
type AssetProtocol struct {
	Protocol  string `json:"protocol"`
	As        string `json:"as"`                 // server or client (sender, for non-IP protocols)
	Transport string `json:"transport"`          // tcp, udp, ethernet
	Port      int    `json:"port,omitempty"`     // the server port
	Peers     int    `json:"peers"`              // assets on the other side
	Packets   uint64 `json:"packets"`            // packets sent in this capacity
	Writes    uint64 `json:"writes,omitempty"`   // write operations sent
	Programs  uint64 `json:"programs,omitempty"` // program operations sent
	Controls  uint64 `json:"controls,omitempty"` // control operations sent
	Reads     uint64 `json:"reads,omitempty"`    // read operations sent
}

// Flow is a conversation of one application protocol between a client and a server
// (all connections from the client to that server port), or between two MAC addresses
// for a non-IP protocol.
type Flow struct {
	Protocol    string      `json:"protocol"`  // application protocol, "unknown" when not recognised
	Transport   string      `json:"transport"` // tcp, udp, icmp, ethernet, ...
	Client      FlowEnd     `json:"client"`
	Server      FlowEnd     `json:"server"`
	ServerPort  int         `json:"server_port,omitempty"`
	EtherType   string      `json:"ether_type,omitempty"`
	VLAN        *int        `json:"vlan,omitempty"`
	Connections uint64      `json:"connections"`
	ToServer    Traffic     `json:"to_server"`
	ToClient    Traffic     `json:"to_client"`
	FirstSeen   time.Time   `json:"first_seen"`
	LastSeen    time.Time   `json:"last_seen"`
	Operations  []Operation `json:"operations"`
	// OtherOperations counts operations of kinds beyond what a connection names.
	OtherOperations  uint64  `json:"other_operations,omitempty"`
	StationAddresses []int   `json:"station_addresses,omitempty"` // Modbus unit ids, DNP3 and IEC 104 addresses
	Anomalies        []Count `json:"anomalies"`
	File             string  `json:"file"`   // capture of the conversation's first packet
	Packet           uint64  `json:"packet"` // its number
}

// FlowEnd is one side of a conversation.
type FlowEnd struct {
	Asset string `json:"asset"` // asset id ("" for broadcast and multicast addresses)
	IP    string `json:"ip,omitempty"`
	MAC   string `json:"mac,omitempty"`
}

// Operation counts one kind of protocol operation in a conversation.
type Operation struct {
	Name       string `json:"name"`
	Class      string `json:"class"` // read, write, program, control, diagnostics, none
	FromClient uint64 `json:"from_client"`
	FromServer uint64 `json:"from_server"`
}

// Anomaly is something about the network as a whole worth a look: an address claimed by
// two devices, or limits reached.
type Anomaly struct {
	Kind     string   `json:"kind"` // ip_conflict, ip_moved, limit_reached
	Detail   string   `json:"detail"`
	Assets   []string `json:"assets,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}
