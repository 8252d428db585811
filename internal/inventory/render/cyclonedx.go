package render

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/zonewarden/zonewarden/internal/inventory"
)

// CycloneDX writes the inventory as a CycloneDX 1.6 BOM (JSON): each asset a device
// component, with its firmware as a nested firmware component and its modules as nested
// devices; addresses, role, Purdue level and the identity facts that CycloneDX has no
// field for go into properties in the zonewarden namespace. The BOM carries no random
// serial number and its timestamp is the last packet's, so the same captures give the
// same BOM.
func CycloneDX(w io.Writer, inv *inventory.Inventory) error {
	bom := cdx.NewBOM()
	bom.SerialNumber = ""
	bom.Metadata = &cdx.Metadata{
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: "zonewarden",
			Description: "passive OT asset discovery"}}},
	}
	var last time.Time
	var props []cdx.Property
	for _, s := range inv.Sources {
		if s.LastSeen != nil && s.LastSeen.After(last) {
			last = *s.LastSeen
		}
		props = append(props, cdx.Property{Name: "zonewarden:source", Value: s.File})
	}
	if !last.IsZero() {
		bom.Metadata.Timestamp = last.UTC().Format(time.RFC3339)
	}
	if len(props) > 0 {
		bom.Metadata.Properties = &props
	}
	comps := make([]cdx.Component, 0, len(inv.Assets))
	for i := range inv.Assets {
		comps = append(comps, assetComponent(&inv.Assets[i]))
	}
	bom.Components = &comps
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("cyclonedx: %w", err)
	}
	return nil
}

func assetComponent(a *inventory.Asset) cdx.Component {
	c := deviceComponent(a.ID, a.Name, a.Identity)
	if c.Manufacturer == nil && a.MACVendor != "" {
		c.Manufacturer = &cdx.OrganizationalEntity{Name: a.MACVendor}
	}
	c.Description = a.Role.Name
	if a.Purdue.Level != nil {
		c.Description += ", Purdue level " + strconv.Itoa(*a.Purdue.Level)
	}
	props := []cdx.Property{}
	add := func(name, value string) {
		if value != "" {
			props = append(props, cdx.Property{Name: "zonewarden:" + name, Value: value})
		}
	}
	add("mac", a.MAC)
	add("mac_vendor", a.MACVendor)
	for _, ip := range a.IPs {
		add("ip", ip.Address)
	}
	add("role", a.Role.Name)
	add("role_confidence", a.Role.Confidence)
	if a.Purdue.Level != nil {
		add("purdue_level", strconv.Itoa(*a.Purdue.Level))
	}
	add("behind", a.Behind)
	props = append(props, identityProperties(a.Identity)...)
	if len(props) > 0 {
		c.Properties = &props
	}
	for _, m := range a.Components {
		sub := deviceComponent(a.ID+"/"+m.Name, m.Name, m.Identity)
		if p := identityProperties(m.Identity); len(p) > 0 {
			sub.Properties = &p
		}
		if c.Components == nil {
			c.Components = &[]cdx.Component{}
		}
		*c.Components = append(*c.Components, sub)
	}
	return c
}

// deviceComponent makes the device component of an identity, with its firmware nested.
func deviceComponent(ref, name string, id map[string]string) cdx.Component {
	c := cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeDevice, Name: name, Version: id["hardware_version"]}
	if v := id["vendor"]; v != "" {
		c.Manufacturer = &cdx.OrganizationalEntity{Name: v}
	}
	if fw := id["firmware_version"]; fw != "" {
		product := id["product_name"]
		if product == "" {
			product = id["model"]
		}
		if product == "" {
			product = name
		}
		f := cdx.Component{BOMRef: ref + "#firmware", Type: cdx.ComponentTypeFirmware, Name: product + " firmware", Version: fw}
		if c.Manufacturer != nil {
			f.Manufacturer = &cdx.OrganizationalEntity{Name: c.Manufacturer.Name}
		}
		c.Components = &[]cdx.Component{f}
	}
	return c
}

// identityProperties carries the identity fields CycloneDX has no place for.
func identityProperties(id map[string]string) []cdx.Property {
	var out []cdx.Property
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range id {
			if !yield(k) {
				return
			}
		}
	}) {
		switch k {
		case "vendor", "firmware_version", "hardware_version":
			continue // in the component's fields
		}
		out = append(out, cdx.Property{Name: "zonewarden:identity:" + k, Value: id[k]})
	}
	return out
}
