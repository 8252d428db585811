package protocols

import "strings"

// Spec is one protocol's row in the protocol table: the facts about it that the generic
// packages read (the model's vocabulary, placement and conduit matching, roles,
// firewall rules, proposals, the simulator), so that none keeps its own list.
type Spec struct {
	// Name is the protocol as the model and every output spell it ("iec61850-mms").
	Name string
	// Transport is tcp, udp, tcp+udp, l2 (Ethernet frames), icmp or any.
	Transport string
	// Ports are the well-known server ports (a conduit rule that lists none allows these).
	Ports []int
	// OT: an industrial protocol whose operations are classified (read, write, ...).
	OT bool
	// Cleartext: the protocol has no integrity or confidentiality protection of its own.
	Cleartext bool
	// Identity: devices describe themselves in it (vendor, model, firmware), so a device
	// that answers it is industrial equipment.
	Identity bool
	// ServerMayCommand: the server end of a connection may be the commanding one (a DNP3
	// master listening for its outstations; BACnet devices are peers).
	ServerMayCommand bool
	// Dissector is the name discovery reports the protocol's conversations under; empty
	// when zonewarden knows the protocol only by its port.
	Dissector string
	// OpPrefix tells apart protocols that share one dissector: a conversation carrying an
	// operation whose name starts with it is this protocol (S7comm-plus in the s7comm
	// dissector). The protocol without one is the dissector's default.
	OpPrefix string
	// SetupPrefix names the operations that only set up a session (COTP on port 102):
	// a conversation that carried nothing else may be any protocol of the same port.
	SetupPrefix string
	// EtherTypes are the EtherTypes of an l2 protocol's frames.
	EtherTypes []uint16
}

// Table lists every protocol the model can name, one row each; adding a protocol adds a
// row here (and, when zonewarden dissects it, a dissector that registers the same
// name in package observe).
var Table = []Spec{
	{Name: "modbus", OT: true, Ports: []int{502}, Cleartext: true, Identity: true, Transport: "tcp", Dissector: "modbus"},
	{Name: "modbus-tls", OT: true, Ports: []int{802}, Transport: "tcp"},
	{Name: "enip", OT: true, Ports: []int{44818, 2222}, Cleartext: true, Identity: true, Transport: "tcp+udp", Dissector: "enip"},
	{Name: "s7comm", OT: true, Ports: []int{102}, Cleartext: true, Identity: true, Transport: "tcp", Dissector: "s7comm", SetupPrefix: "cotp_"},
	{Name: "s7comm-plus", OT: true, Ports: []int{102}, Identity: true, Transport: "tcp", Dissector: "s7comm", OpPrefix: "s7comm_plus_", SetupPrefix: "cotp_"},
	{Name: "dnp3", OT: true, Ports: []int{20000}, Cleartext: true, ServerMayCommand: true, Transport: "tcp+udp", Dissector: "dnp3"},
	{Name: "iec104", OT: true, Ports: []int{2404}, Cleartext: true, Transport: "tcp", Dissector: "iec104"},
	{Name: "iec61850-mms", OT: true, Ports: []int{102}, Cleartext: true, Identity: true, Transport: "tcp", Dissector: "mms"},
	{Name: "goose", OT: true, Cleartext: true, Transport: "l2", EtherTypes: []uint16{0x88b8, 0x88b9}, Dissector: "goose"},
	{Name: "bacnet", OT: true, Ports: []int{47808}, Cleartext: true, Identity: true, ServerMayCommand: true, Transport: "udp", Dissector: "bacnet"},
	{Name: "opcua", OT: true, Ports: []int{4840}, Transport: "tcp", Dissector: "opcua"},
	{Name: "c37118", OT: true, Ports: []int{4712, 4713}, Cleartext: true, Identity: true, Transport: "tcp+udp", Dissector: "c37118"},
	{Name: "fins", OT: true, Ports: []int{9600}, Cleartext: true, Identity: true, Transport: "tcp+udp", Dissector: "fins"},
	{Name: "melsec", OT: true, Ports: []int{5006, 5007, 5560, 5562}, Cleartext: true, Identity: true, Transport: "tcp+udp", Dissector: "melsec"},
	{Name: "hart-ip", OT: true, Ports: []int{5094}, Cleartext: true, Identity: true, Transport: "tcp+udp", Dissector: "hartip"},
	{Name: "ads", OT: true, Ports: []int{48898, 48899}, Cleartext: true, Identity: true, Transport: "tcp+udp", Dissector: "ads"},
	{Name: "profinet", OT: true, Ports: []int{34964}, Cleartext: true, Identity: true, Transport: "udp", Dissector: "profinet"},
	{Name: "http", Ports: []int{80}, Cleartext: true, Transport: "tcp", Dissector: "http"},
	{Name: "https", Ports: []int{443}, Transport: "tcp"},
	{Name: "ssh", Ports: []int{22}, Transport: "tcp", Dissector: "ssh"},
	{Name: "telnet", Ports: []int{23}, Cleartext: true, Transport: "tcp"},
	{Name: "ftp", Ports: []int{21}, Cleartext: true, Transport: "tcp"},
	{Name: "rdp", Ports: []int{3389}, Transport: "tcp"},
	{Name: "vnc", Ports: []int{5900}, Cleartext: true, Transport: "tcp"},
	{Name: "smb", Ports: []int{445}, Transport: "tcp"},
	{Name: "dns", Ports: []int{53}, Cleartext: true, Transport: "tcp+udp", Dissector: "dns"},
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
	// Niagara Fox: building-automation supervisors, controllers and the Workbench tool. Its
	// operations are not classified yet, so it is not OT, and every Fox peer says hello
	// (Workbench and PC supervisors too), so describing itself in it makes no controller.
	{Name: "fox", Ports: []int{1911}, Cleartext: true, Transport: "tcp", Dissector: "fox"},
	{Name: "fox-tls", Ports: []int{4911}, Transport: "tcp"},
	{Name: "pi", Ports: []int{5450}, Transport: "tcp"},
	{Name: "sql", Ports: []int{1433}, Transport: "tcp"},
	{Name: "icmp", Transport: "icmp"},
	{Name: "any", Transport: "any"},
}

// Lookup returns the row of the protocol the model calls name.
func Lookup(name string) (Spec, bool) {
	for i := range Table {
		if Table[i].Name == name {
			return Table[i], true
		}
	}
	return Spec{}, false
}

// Names lists the protocols' names in table order.
func Names() []string {
	out := make([]string, len(Table))
	for i := range Table {
		out[i] = Table[i].Name
	}
	return out
}

// Dissected reports whether discovery has a dissector of that name behind a row of the
// table, and the first such row.
func Dissected(dissector string) (Spec, bool) {
	if dissector == "" {
		return Spec{}, false
	}
	for i := range Table {
		if Table[i].Dissector == dissector {
			return Table[i], true
		}
	}
	return Spec{}, false
}

// Industrial reports whether a protocol discovery names (a dissector's name) is an
// industrial one.
func Industrial(dissector string) bool { s, ok := Dissected(dissector); return ok && s.OT }

// RevealsIdentity reports whether devices describe themselves in the protocol discovery
// names dissector.
func RevealsIdentity(dissector string) bool {
	for i := range Table {
		if Table[i].Dissector == dissector && Table[i].Identity {
			return true
		}
	}
	return false
}

// ServerMayCommand reports whether the server end of the dissector's conversations may be
// the commanding one.
func ServerMayCommand(dissector string) bool {
	s, ok := Dissected(dissector)
	return ok && s.ServerMayCommand
}

// ModelNames lists the model protocols a conversation can be that discovery named
// dissector and that carried operations of the given names: the one row of a dissector,
// or among the rows sharing it, the one whose operation prefix the operations carry (the
// default row otherwise); when the conversation carried only session set-up, every
// protocol of the same port. It returns nil when no row has the dissector: the
// conversation is then known only by its port (see ByPort).
func ModelNames(dissector string, ops []string) []string {
	first, ok := Dissected(dissector)
	if !ok {
		return nil
	}
	var rows []*Spec
	for i := range Table {
		if Table[i].Dissector == dissector {
			rows = append(rows, &Table[i])
		}
	}
	if len(rows) == 1 {
		return []string{first.Name}
	}
	setupOnly := first.SetupPrefix != ""
	var out []string
	for _, op := range ops {
		if first.SetupPrefix != "" && strings.HasPrefix(op, first.SetupPrefix) {
			continue
		}
		setupOnly = false
		name := ""
		for _, r := range rows {
			if r.OpPrefix != "" && strings.HasPrefix(op, r.OpPrefix) {
				name = r.Name
				break
			}
		}
		if name == "" {
			for _, r := range rows {
				if r.OpPrefix == "" {
					name = r.Name
					break
				}
			}
		}
		if name != "" && !contains(out, name) {
			out = append(out, name)
		}
	}
	if setupOnly {
		for i := range Table {
			if Table[i].Transport == first.Transport && sharesPort(&Table[i], &first) && !contains(out, Table[i].Name) {
				out = append(out, Table[i].Name)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, first.Name)
	}
	return out
}

// ModelName is ModelNames for one operation: the model protocol an operation of that
// name, seen by the dissector, belongs to ("" when no row has the dissector).
func ModelName(dissector, op string) string {
	first, ok := Dissected(dissector)
	if !ok {
		return ""
	}
	for i := range Table {
		if r := &Table[i]; r.Dissector == dissector && r.OpPrefix != "" && strings.HasPrefix(op, r.OpPrefix) {
			return r.Name
		}
	}
	for i := range Table {
		if r := &Table[i]; r.Dissector == dissector && r.OpPrefix == "" {
			return r.Name
		}
	}
	return first.Name
}

// ByPort names the model protocol whose well-known port a conversation used on transport
// observed ("tcp", "udp", ...), or "".
func ByPort(observed string, port int) string {
	if port == 0 {
		return ""
	}
	for i := range Table {
		if contains(Table[i].Ports, port) && TransportFits(Table[i].Transport, observed) {
			return Table[i].Name
		}
	}
	return ""
}

// TransportFits reports whether a protocol of transport model (tcp, udp, tcp+udp, l2,
// icmp, any) carries a conversation discovery saw on transport observed (tcp, udp,
// ethernet, icmp, icmpv6).
func TransportFits(model, observed string) bool {
	switch model {
	case "any":
		return true
	case "tcp+udp":
		return observed == "tcp" || observed == "udp"
	case "l2":
		return observed == "ethernet"
	case "icmp":
		return strings.HasPrefix(observed, "icmp")
	}
	return model == observed
}

func sharesPort(a, b *Spec) bool {
	for _, p := range a.Ports {
		if contains(b.Ports, p) {
			return true
		}
	}
	return false
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ByEtherType returns the row of the l2 protocol whose frames carry EtherType et.
func ByEtherType(et uint16) (Spec, bool) {
	for i := range Table {
		if contains(Table[i].EtherTypes, et) {
			return Table[i], true
		}
	}
	return Spec{}, false
}
