package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/inventory"
)

// hostile is an inventory whose device names itself with markup and a formula, as a
// device on the network can.
func hostile() *inventory.Inventory {
	level := 1
	a := inventory.Asset{ID: "mac-00:0e:8c:00:00:01", Name: `<script>alert(1)</script>`, MAC: "00:0e:8c:00:00:01",
		IPs:      []inventory.IP{{Address: "10.0.0.1"}},
		Identity: map[string]string{"name": `<script>alert(1)</script>`, "vendor": "=HYPERLINK(\"http://x\")"},
		Role:     inventory.Role{Name: inventory.RoleController, Confidence: "high", Evidence: []string{"<b>served</b>"}},
		Purdue:   inventory.Purdue{Level: &level, Confidence: "medium"}}
	b := a
	b.ID, b.Name, b.IPs = "mac-00:0e:8c:00:00:02", "peer", []inventory.IP{{Address: "10.0.0.2"}}
	return &inventory.Inventory{SchemaVersion: inventory.SchemaVersion, Generator: "zonewarden", Assets: []inventory.Asset{a, b},
		Flows: []inventory.Flow{{Protocol: "modbus", Transport: "tcp", Client: inventory.FlowEnd{Asset: b.ID, IP: "10.0.0.2"},
			Server: inventory.FlowEnd{Asset: a.ID, IP: "10.0.0.1"}, ServerPort: 502, ToServer: inventory.Traffic{Packets: 10}}}}
}

func TestHTMLEscapesWhatDevicesSay(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, hostile()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<script>") || strings.Contains(out, "<b>served") {
		t.Errorf("markup from the network reached the page unescaped")
	}
	if !strings.Contains(out, "&lt;script&gt;") {
		t.Errorf("the device's name is missing from the page")
	}
	if strings.Count(out, "<svg") != 1 || !strings.Contains(out, `class="edge ot"`) {
		t.Errorf("communication map missing or without its modbus edge")
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, hostile()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), ",=HYPERLINK") || !strings.Contains(buf.String(), `'=HYPERLINK`) {
		t.Errorf("a formula from the network is not defused:\n%s", buf.String())
	}
}

func TestWriteFormats(t *testing.T) {
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, hostile(), f); err != nil || buf.Len() == 0 {
			t.Errorf("%s: %v, %d bytes", f, err, buf.Len())
		}
	}
	if err := Write(&bytes.Buffer{}, hostile(), "xml"); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("xml: %v", err)
	}
}

func TestThousandsAndOperations(t *testing.T) {
	for n, want := range map[uint64]string{0: "0", 999: "999", 1200: "1,200", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q", n, got)
		}
	}
	f := &inventory.Flow{Operations: []inventory.Operation{{Name: "read_holding_registers", FromClient: 1200},
		{Name: "write_multiple_registers", FromClient: 4}}}
	if got := operationsText(f, 4); got != "read_holding_registers ×1,200, write_multiple_registers ×4" {
		t.Errorf("operations %q", got)
	}
}

func TestTableKeepsEscapesFromTheTerminal(t *testing.T) {
	inv := hostile()
	inv.Assets[0].Identity["name"] = "plc\x1b]0;owned\x07"
	var buf bytes.Buffer
	if err := Table(&buf, inv); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(buf.String(), "\x1b\x07") {
		t.Errorf("control characters reached the table")
	}
}
