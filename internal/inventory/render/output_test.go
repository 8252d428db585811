package render

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// TestWriteReturnsWriteErrors renders every format into a writer that fails after n
// bytes, for n from the start to the last byte: each must return the error, so that
// discover never leaves a truncated inventory as if it were whole.
func TestWriteReturnsWriteErrors(t *testing.T) {
	inv := hostile()
	for _, f := range Formats {
		var full bytes.Buffer
		if err := Write(&full, inv, f); err != nil {
			t.Fatal(err)
		}
		for _, n := range testutil.Cuts(full.Len()) {
			if err := Write(&testutil.FailAfter{N: n}, inv, f); !errors.Is(err, testutil.ErrFull) {
				t.Errorf("%s cut at byte %d of %d: returned %v", f, n, full.Len(), err)
			}
		}
	}
}

// hostileNamed puts name where devices put names on the wire: the industrial protocol
// name, the LLDP system name, the DHCP host name, vendor, model and firmware strings,
// and the capture's file name.
func hostileNamed(name string) *inventory.Inventory {
	inv := hostile()
	a := &inv.Assets[0]
	a.Name = name
	a.MACVendor = name
	a.Identity = map[string]string{"name": name, "system_name": name, "hostname": name, "vendor": name, "product_name": name,
		"model": name, "firmware_version": name, "serial_number": name}
	a.Facts = []inventory.Fact{{Field: "system_name", Value: name, Protocol: "lldp"}}
	a.Role.Evidence = []string{name}
	inv.Sources = []inventory.Source{{File: name, Error: name}}
	inv.Anomalies = []inventory.Anomaly{{Kind: "truncated", Detail: name}}
	return inv
}

// TestHostileNames renders names with terminal escapes, controls, bidirectional
// overrides, markup and formulas in every format of discover.
func TestHostileNames(t *testing.T) {
	for i, name := range testutil.Hostile {
		inv := hostileNamed(name)
		out := map[string]string{}
		for _, f := range Formats {
			var b bytes.Buffer
			if err := Write(&b, inv, f); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[f] = b.String()
		}
		if err := textsafe.CheckLines(out["table"]); err != nil {
			t.Errorf("name %d, table: %v", i, err)
		}
		if err := textsafe.CheckMarkup(out["html"]); err != nil {
			t.Errorf("name %d, html: %v", i, err)
		}
		if strings.Contains(out["html"], "<script>") {
			t.Errorf("name %d, html: markup from the network", i)
		}
		rows, err := csv.NewReader(strings.NewReader(out["csv"])).ReadAll()
		if err != nil {
			t.Fatalf("name %d, csv: %v", i, err)
		}
		for _, row := range rows {
			for _, c := range row {
				if err := textsafe.CheckTerminal(c); err != nil {
					t.Errorf("name %d, csv: %v", i, err)
				}
				if len(c) > 1 && strings.ContainsRune("=+@", rune(c[0])) || strings.HasPrefix(c, "-2+3") {
					t.Errorf("name %d, csv: formula cell %q", i, c)
				}
			}
		}
		for _, f := range []string{"json", "cyclonedx"} {
			if strings.ContainsAny(out[f], "\x1b\x07\x00\r") {
				t.Errorf("name %d, %s: raw controls", i, f)
			}
		}
	}
}
