package render

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/zonewarden/zonewarden/internal/inventory"
)

// csvHeader is the CSV's first line: one row per asset.
var csvHeader = []string{"asset_id", "name", "ips", "mac", "mac_vendor", "vendor", "product", "model", "firmware_version",
	"hardware_version", "serial_number", "role", "role_confidence", "purdue_level", "protocols", "peers", "first_seen",
	"last_seen", "packets_sent", "packets_received", "bytes_sent", "bytes_received"}

// CSV writes the assets, one row each, for spreadsheets and asset registers.
func CSV(w io.Writer, inv *inventory.Inventory) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for i := range inv.Assets {
		a := &inv.Assets[i]
		var ips []string
		for _, ip := range a.IPs {
			ips = append(ips, ip.Address)
		}
		level := ""
		if a.Purdue.Level != nil {
			level = strconv.Itoa(*a.Purdue.Level)
		}
		row := []string{a.ID, a.Name, strings.Join(ips, " "), a.MAC, a.MACVendor, a.Identity["vendor"], a.Identity["product_name"],
			a.Identity["model"], a.Identity["firmware_version"], a.Identity["hardware_version"], a.Identity["serial_number"],
			a.Role.Name, a.Role.Confidence, level, protocolsText(a), strconv.Itoa(a.Peers), timeText(a.FirstSeen),
			timeText(a.LastSeen), strconv.FormatUint(a.Sent.Packets, 10), strconv.FormatUint(a.Received.Packets, 10),
			strconv.FormatUint(a.Sent.Bytes, 10), strconv.FormatUint(a.Received.Bytes, 10)}
		for i := range row {
			row[i] = cellSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// cellSafe keeps a spreadsheet from taking a value for a formula: identity strings come
// from the network, and a device can name itself "=HYPERLINK(...)".
func cellSafe(s string) string {
	if len(s) > 1 && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
