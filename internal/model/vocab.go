package model

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

// Protocol is an application protocol a conduit can allow.
type Protocol struct {
	Name  string
	OT    bool // an industrial protocol whose operations can be classified
	Ports []int
	// Cleartext: the protocol carries no integrity or confidentiality protection of its own.
	Cleartext bool
	Transport string // tcp, udp, tcp+udp, l2
}

// Protocols are the protocols the model knows by name.
var Protocols = []Protocol{
	{Name: "modbus", OT: true, Ports: []int{502}, Cleartext: true, Transport: "tcp"},
	{Name: "modbus-tls", OT: true, Ports: []int{802}, Transport: "tcp"},
	{Name: "enip", OT: true, Ports: []int{44818, 2222}, Cleartext: true, Transport: "tcp+udp"},
	{Name: "s7comm", OT: true, Ports: []int{102}, Cleartext: true, Transport: "tcp"},
	{Name: "s7comm-plus", OT: true, Ports: []int{102}, Transport: "tcp"},
	{Name: "dnp3", OT: true, Ports: []int{20000}, Cleartext: true, Transport: "tcp+udp"},
	{Name: "iec104", OT: true, Ports: []int{2404}, Cleartext: true, Transport: "tcp"},
	{Name: "iec61850-mms", OT: true, Ports: []int{102}, Cleartext: true, Transport: "tcp"},
	{Name: "goose", OT: true, Cleartext: true, Transport: "l2"},
	{Name: "bacnet", OT: true, Ports: []int{47808}, Cleartext: true, Transport: "udp"},
	{Name: "opcua", OT: true, Ports: []int{4840}, Transport: "tcp"},
	{Name: "profinet", OT: true, Ports: []int{34964}, Cleartext: true, Transport: "udp"},
	{Name: "http", Ports: []int{80}, Cleartext: true, Transport: "tcp"},
	{Name: "https", Ports: []int{443}, Transport: "tcp"},
	{Name: "ssh", Ports: []int{22}, Transport: "tcp"},
	{Name: "telnet", Ports: []int{23}, Cleartext: true, Transport: "tcp"},
	{Name: "ftp", Ports: []int{21}, Cleartext: true, Transport: "tcp"},
	{Name: "rdp", Ports: []int{3389}, Transport: "tcp"},
	{Name: "vnc", Ports: []int{5900}, Cleartext: true, Transport: "tcp"},
	{Name: "smb", Ports: []int{445}, Transport: "tcp"},
	{Name: "dns", Ports: []int{53}, Cleartext: true, Transport: "tcp+udp"},
	{Name: "ntp", Ports: []int{123}, Cleartext: true, Transport: "udp"},
	{Name: "syslog", Ports: []int{514}, Cleartext: true, Transport: "udp"},
	{Name: "syslog-tls", Ports: []int{6514}, Transport: "tcp"},
	{Name: "snmp", Ports: []int{161}, Cleartext: true, Transport: "udp"},
	{Name: "snmp-trap", Ports: []int{162}, Cleartext: true, Transport: "udp"},
	{Name: "ldap", Ports: []int{389}, Cleartext: true, Transport: "tcp"},
	{Name: "ldaps", Ports: []int{636}, Transport: "tcp"},
	{Name: "kerberos", Ports: []int{88}, Transport: "tcp+udp"},
	{Name: "ipsec", Ports: []int{500, 4500}, Transport: "udp"},
	{Name: "openvpn", Ports: []int{1194}, Transport: "udp"},
	{Name: "wireguard", Ports: []int{51820}, Transport: "udp"},
	{Name: "mqtt", Ports: []int{1883}, Cleartext: true, Transport: "tcp"},
	{Name: "mqtts", Ports: []int{8883}, Transport: "tcp"},
	{Name: "pi", Ports: []int{5450}, Transport: "tcp"},
	{Name: "sql", Ports: []int{1433}, Transport: "tcp"},
	{Name: "icmp", Transport: "icmp"},
	{Name: "any", Transport: "any"},
}

// LookupProtocol returns the protocol named name.
func LookupProtocol(name string) (Protocol, bool) {
	for _, p := range Protocols {
		if p.Name == name {
			return p, true
		}
	}
	return Protocol{}, false
}

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
