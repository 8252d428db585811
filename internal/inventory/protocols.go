package inventory

import (
	"strconv"
	"strings"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// ModelNames lists the model protocols the conversation can be, by the protocol table:
// what discovery recognised (with the operations that tell apart protocols sharing a
// dissector), an l2 protocol by its EtherType, ICMP by its transport. It is empty when
// discovery did not recognise the conversation: its server port then decides.
func (f *Flow) ModelNames() []string {
	ops := make([]string, len(f.Operations))
	for i := range f.Operations {
		ops[i] = f.Operations[i].Name
	}
	if names := protocols.ModelNames(f.Protocol, ops); names != nil {
		return names
	}
	switch {
	case f.Transport == "ethernet":
		if et, err := strconv.ParseUint(strings.TrimPrefix(f.EtherType, "0x"), 16, 16); err == nil {
			if s, ok := protocols.ByEtherType(uint16(et)); ok {
				return []string{s.Name}
			}
		}
	case strings.HasPrefix(f.Transport, "icmp"):
		return []string{"icmp"}
	}
	return nil
}

// Industrial reports whether a protocol discovery names is an industrial one (the
// protocol table's OT rows): serving one makes a controller, using one a client of
// controllers.
func Industrial(protocol string) bool { return protocols.Industrial(protocol) }
