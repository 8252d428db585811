package protocols

// OpClass is the class of an OT operation, the unit in which a conduit says what it
// allows ("SCADA may read the PLCs but not write them").
type OpClass uint8

const (
	// OpNone: no operation (keep-alives, acknowledgements, session set-up).
	OpNone OpClass = iota
	// OpRead: reads of process values, identity or configuration (Modbus FC 1-4 and 43,
	// CIP Get_Attribute_*, S7 read var and SZL reads, DNP3 read, IEC 104 interrogation,
	// BACnet ReadProperty, OPC UA Read/Browse).
	OpRead
	// OpWrite: changes of process values: register and coil writes, setpoints, DNP3
	// select/operate and direct operate, IEC 104 commands, BACnet WriteProperty.
	OpWrite
	// OpProgram: transfer or removal of logic or firmware: block upload, download and
	// delete, CIP program download, firmware update, DNP3 file transfers.
	OpProgram
	// OpControl: changes of a device's own state: run/stop, restart and reset, enabling or
	// disabling communication, clock synchronisation.
	OpControl
	// OpDiagnostics: diagnostic and maintenance functions that neither read process data
	// nor change the process (Modbus FC 8 echo and counters, BACnet diagnostics).
	OpDiagnostics
	numOpClasses
)

var opClassNames = [numOpClasses]string{"none", "read", "write", "program", "control", "diagnostics"}

// String returns the class's name as the model and JSON outputs spell it.
func (c OpClass) String() string {
	if c < numOpClasses {
		return opClassNames[c]
	}
	return "unknown"
}

// ParseOpClass returns the class named s ("read", "write", ...).
func ParseOpClass(s string) (OpClass, bool) {
	for i, n := range opClassNames {
		if n == s {
			return OpClass(i), true
		}
	}
	return OpNone, false
}

// OpClassNames lists the names of the classes a conduit can allow, in order.
func OpClassNames() []string { return append([]string(nil), opClassNames[1:]...) }

// OpSet is a set of operation classes.
type OpSet uint8

// Add returns the set with class c in it.
func (s OpSet) Add(c OpClass) OpSet { return s | 1<<c }

// Has reports whether class c is in the set.
func (s OpSet) Has(c OpClass) bool { return c < numOpClasses && s&(1<<c) != 0 }

// Names lists the set's classes by name, in class order, leaving out the class none.
func (s OpSet) Names() []string {
	out := []string{}
	for c := OpRead; c < numOpClasses; c++ {
		if s.Has(c) {
			out = append(out, c.String())
		}
	}
	return out
}

// ParseOpSet returns the set of the named classes; unknown names are left out.
func ParseOpSet(names []string) OpSet {
	var s OpSet
	for _, n := range names {
		if c, ok := ParseOpClass(n); ok {
			s = s.Add(c)
		}
	}
	return s
}
