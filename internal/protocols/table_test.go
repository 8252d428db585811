package protocols

import (
	"slices"
	"testing"
)

func TestTableRows(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Table {
		if seen[r.Name] {
			t.Errorf("protocol %s listed twice", r.Name)
		}
		seen[r.Name] = true
		if !slices.Contains([]string{"tcp", "udp", "tcp+udp", "l2", "icmp", "any"}, r.Transport) {
			t.Errorf("%s: transport %q", r.Name, r.Transport)
		}
		if r.Transport == "l2" && len(r.EtherTypes) == 0 || r.Transport != "l2" && len(r.EtherTypes) > 0 {
			t.Errorf("%s: EtherTypes belong to l2 protocols", r.Name)
		}
		if r.OT && r.Dissector == "" && r.Name != "modbus-tls" {
			t.Errorf("%s: an OT protocol zonewarden cannot dissect", r.Name)
		}
	}
}

func TestModelNames(t *testing.T) {
	for _, tc := range []struct {
		dissector string
		ops       []string
		want      []string
	}{
		{"modbus", []string{"read_holding_registers"}, []string{"modbus"}},
		{"mms", nil, []string{"iec61850-mms"}},
		{"s7comm", []string{"cotp_connect_1", "read_var"}, []string{"s7comm"}},
		{"s7comm", []string{"cotp_connect_1", "s7comm_plus_explore"}, []string{"s7comm-plus"}},
		{"s7comm", []string{"read_var", "s7comm_plus_explore"}, []string{"s7comm", "s7comm-plus"}},
		// Only the ISO-on-TCP connection was seen: S7, S7comm-plus or MMS.
		{"s7comm", []string{"cotp_connect_2"}, []string{"s7comm", "s7comm-plus", "iec61850-mms"}},
		{"s7comm", nil, []string{"s7comm", "s7comm-plus", "iec61850-mms"}},
		{"http", []string{"get"}, []string{"http"}},
		{"tls", nil, nil}, // TLS carries many protocols: its port decides
		{"snmp", nil, nil},
		{"", nil, nil},
	} {
		if got := ModelNames(tc.dissector, tc.ops); !slices.Equal(got, tc.want) {
			t.Errorf("ModelNames(%q, %q) = %q, want %q", tc.dissector, tc.ops, got, tc.want)
		}
	}
	if n := ModelName("s7comm", "s7comm_plus_set_variable"); n != "s7comm-plus" {
		t.Errorf("ModelName of an S7comm-plus operation: %q", n)
	}
	if n := ModelName("s7comm", "write_var"); n != "s7comm" {
		t.Errorf("ModelName of an S7 operation: %q", n)
	}
	if n := ByPort("tcp", 3389); n != "rdp" {
		t.Errorf("ByPort rdp: %q", n)
	}
	if n := ByPort("udp", 3389); n != "" {
		t.Errorf("ByPort udp 3389: %q", n)
	}
	if s, ok := ByEtherType(0x88b8); !ok || s.Name != "goose" {
		t.Errorf("ByEtherType goose: %v", s.Name)
	}
}

func TestTransportFits(t *testing.T) {
	for _, tc := range []struct {
		model, observed string
		want            bool
	}{
		{"tcp+udp", "udp", true}, {"tcp", "udp", false}, {"l2", "ethernet", true}, {"icmp", "icmpv6", true}, {"any", "ethernet", true}, {"udp", "ethernet", false},
	} {
		if got := TransportFits(tc.model, tc.observed); got != tc.want {
			t.Errorf("TransportFits(%s, %s) = %v", tc.model, tc.observed, got)
		}
	}
}
