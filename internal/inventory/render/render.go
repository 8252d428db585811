package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/zonewarden/zonewarden/internal/inventory"
)

// Formats lists the output formats Write knows, the default first.
var Formats = []string{"table", "json", "csv", "cyclonedx", "html"}

// Write writes inv to w in format (one of Formats).
func Write(w io.Writer, inv *inventory.Inventory, format string) error {
	switch format {
	case "table", "":
		return Table(w, inv)
	case "json":
		return JSON(w, inv)
	case "csv":
		return CSV(w, inv)
	case "cyclonedx":
		return CycloneDX(w, inv)
	case "html":
		return HTML(w, inv)
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// JSON writes the inventory as indented JSON.
func JSON(w io.Writer, inv *inventory.Inventory) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	e.SetEscapeHTML(false)
	if err := e.Encode(inv); err != nil {
		return fmt.Errorf("inventory json: %w", err)
	}
	return nil
}

// identityLine sums up an identity for one line: vendor, product, firmware, serial.
func identityLine(id map[string]string) string {
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	add(id["vendor"])
	product := id["product_name"]
	if product == "" {
		product = id["model"]
	}
	if product == "" {
		product = id["platform"] // what CDP calls the model
	}
	add(product)
	if v := id["product_code"]; v != "" && product == "" {
		add(v)
	}
	if v := id["order_number"]; v != "" && v != product {
		add(v)
	}
	if v := id["firmware_version"]; v != "" {
		add("fw " + v)
	}
	if v := id["serial_number"]; v != "" {
		add("sn " + v)
	}
	if v := id["device_instance"]; v != "" {
		add("device " + v)
	}
	if v := id["application_name"]; v != "" && v != product {
		add(v)
	}
	return strings.Join(parts, ", ")
}

func purdueText(p inventory.Purdue) string {
	if p.Level == nil {
		return "-"
	}
	return strconv.Itoa(*p.Level)
}

func addresses(a *inventory.Asset) string {
	var ips []string
	for _, ip := range a.IPs {
		ips = append(ips, ip.Address)
	}
	if len(ips) == 0 {
		return a.MAC
	}
	if len(ips) > 3 {
		return strings.Join(ips[:3], " ") + fmt.Sprintf(" +%d", len(ips)-3)
	}
	return strings.Join(ips, " ")
}

func protocolsText(a *inventory.Asset) string {
	var ps []string
	for _, p := range a.Protocols {
		s := p.Protocol + "/" + p.As
		if p.As == "server" && p.Port != 0 {
			s = p.Protocol + ":" + strconv.Itoa(p.Port)
		}
		ps = append(ps, s)
	}
	if len(ps) == 0 {
		return "-"
	}
	return strings.Join(compact(ps), " ")
}

func compact(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// thousands writes n with thin separators: 1,234,567.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// operationsText sums up a flow's operations: "read_holding_registers ×1,200, write_multiple_registers ×4".
func operationsText(f *inventory.Flow, max int) string {
	var parts []string
	for _, o := range f.Operations {
		n := o.FromClient + o.FromServer
		parts = append(parts, o.Name+" ×"+thousands(n))
	}
	if len(parts) > max {
		parts = append(parts[:max], fmt.Sprintf("+%d more", len(parts)-max))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func endText(e inventory.FlowEnd) string {
	if e.IP != "" {
		return e.IP
	}
	return e.MAC
}
