package oui

import (
	"strings"
	"testing"
)

func TestVendor(t *testing.T) {
	cases := []struct {
		mac  [6]byte
		want string
		ok   bool
	}{
		{[6]byte{0x00, 0x0e, 0x8c, 0xd0, 0xf9, 0xcb}, "Siemens AG", true}, // the S7 PLC of the snap7 capture
		{[6]byte{0x00, 0x30, 0xa7, 0x1c, 0x08, 0xa3}, "SCHWEITZER ENGINEERING", true},
		{[6]byte{0x00, 0x00, 0x00, 0x00, 0x00, 0x01}, "XEROX CORPORATION", true},
		{[6]byte{0x02, 0x42, 0xac, 0x11, 0x00, 0x02}, "", false}, // locally administered (Docker)
		{[6]byte{0x01, 0x80, 0xc2, 0x00, 0x00, 0x00}, "", false}, // group address
	}
	for _, c := range cases {
		got, ok := Vendor(c.mac)
		if got != c.want || ok != c.ok {
			t.Errorf("Vendor(% x) = %q, %v; want %q, %v", c.mac, got, ok, c.want, c.ok)
		}
	}
}

func TestTable(t *testing.T) {
	if n := Len(); n < 30000 {
		t.Errorf("only %d prefixes", n)
	}
	if !strings.Contains(Source(), "IEEE") {
		t.Errorf("source %q does not name the registry", Source())
	}
	for i := 1; i < len(prefixes); i++ {
		if prefixes[i] <= prefixes[i-1] {
			t.Fatalf("table not sorted at %06x", prefixes[i])
		}
	}
}

func BenchmarkVendor(b *testing.B) {
	mac := [6]byte{0x00, 0x0e, 0x8c, 0xd0, 0xf9, 0xcb}
	Vendor(mac)
	b.ReportAllocs()
	for b.Loop() {
		Vendor(mac)
	}
}
