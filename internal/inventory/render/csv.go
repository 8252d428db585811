package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// csvHeader is the CSV's first line: one row per asset.
var csvHeader = []string{"asset_id", "name", "ips", "mac", "mac_vendor", "vendor", "product", "model", "firmware_version",
	"hardware_version", "serial_number", "role", "role_confidence", "purdue_level", "protocols", "peers", "first_seen",
	"last_seen", "packets_sent", "packets_received", "bytes_sent", "bytes_received"}

// CSV writes the assets, one row each, for spreadsheets and asset registers.
func CSV(w io.Writer, inv *inventory.Inventory) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("inventory csv: %w", err)
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
		// Text cells go through textsafe.CSV: identity strings come from the network, and
		// a device can name itself "=HYPERLINK(...)" or put escape sequences in its name.
		c := textsafe.CSV
		row := []string{c(a.ID), c(a.Name), c(strings.Join(ips, " ")), c(a.MAC), c(a.MACVendor), c(a.Identity["vendor"]), c(a.Identity["product_name"]),
			c(a.Identity["model"]), c(a.Identity["firmware_version"]), c(a.Identity["hardware_version"]), c(a.Identity["serial_number"]),
			c(a.Role.Name), c(a.Role.Confidence), level, c(protocolsText(a)), strconv.Itoa(a.Peers), timeText(a.FirstSeen),
			timeText(a.LastSeen), strconv.FormatUint(a.Sent.Packets, 10), strconv.FormatUint(a.Received.Packets, 10),
			strconv.FormatUint(a.Sent.Bytes, 10), strconv.FormatUint(a.Received.Bytes, 10)}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("inventory csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("inventory csv: %w", err)
	}
	return nil
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
