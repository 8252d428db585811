package alert

import (
	"strconv"

	"github.com/zonewarden/zonewarden/internal/buildinfo"
)

// Defaults of CEFOptions.
const (
	DefaultCEFVendor  = "ZoneWarden"
	DefaultCEFProduct = "zonewarden"
)

// DefaultCEFVersion is the device version by default: this build's version
// (internal/buildinfo; buildinfo.DevVersion, "dev", in builds that carry none and in tests).
var DefaultCEFVersion = buildinfo.Version()

// CEFOptions fill the device fields of the CEF header.
type CEFOptions struct {
	Vendor, Product, Version string // defaults DefaultCEFVendor, DefaultCEFProduct, DefaultCEFVersion
}

// AppendCEF appends a as one ArcSight Common Event Format (version 0) line, without a
// syslog header or newline:
//
//	CEF:0|Vendor|Product|Version|<rule>|<title>|<CEFSeverity>|<extension>
//
// The extension uses CEF's own keys where one fits — rt (milliseconds since the epoch),
// src/dst or c6a2/c6a3 (IPv6), spt/dpt, smac/dmac, shost/dhost (asset names), app
// (protocol), act (operation), fname (capture file) — and labelled custom fields for the
// rest: cs1 sourceZone, cs2 destinationZone, cs3 conduit, cs4 mitreTechniques (comma
// separated), cs5 details ("key=value; key=value"), cs6 packets (at most
// MaxListedPackets), cn1 packetCount, flexString1 conduitVerdict (allowed or forbidden).
// Header fields escape '\' and '|'; extension values escape '\' and '=' and write line
// breaks as \n and \r; other control characters become spaces.
func AppendCEF(dst []byte, a *Alert, o CEFOptions) []byte {
	vendor, product, version := o.Vendor, o.Product, o.Version
	if vendor == "" {
		vendor = DefaultCEFVendor
	}
	if product == "" {
		product = DefaultCEFProduct
	}
	if version == "" {
		version = DefaultCEFVersion
	}
	dst = append(dst, "CEF:0|"...)
	dst = appendEscaped(dst, vendor, escCEFHeader)
	dst = append(dst, '|')
	dst = appendEscaped(dst, product, escCEFHeader)
	dst = append(dst, '|')
	dst = appendEscaped(dst, version, escCEFHeader)
	dst = append(dst, '|')
	dst = appendEscaped(dst, a.Rule, escCEFHeader)
	dst = append(dst, '|')
	dst = appendEscaped(dst, a.Title, escCEFHeader)
	dst = append(dst, '|')
	dst = strconv.AppendInt(dst, int64(CEFSeverity(a.Severity)), 10)
	dst = append(dst, '|')

	sep := false
	key := func(k string) {
		if sep {
			dst = append(dst, ' ')
		}
		sep = true
		dst = append(dst, k...)
		dst = append(dst, '=')
	}
	str := func(k, v string) {
		if v != "" {
			key(k)
			dst = appendEscaped(dst, v, escCEFValue)
		}
	}
	if !a.Time.IsZero() {
		key("rt")
		dst = strconv.AppendInt(dst, a.Time.UnixMilli(), 10)
	}
	for _, side := range [2]struct {
		e                         *Endpoint
		ip, ip6, ip6Key, ip6Label string
		port, mac, host           string
		zone, zoneKey, zoneLabel  string
	}{
		{&a.Src, "src", "c6a2", "c6a2Label", "Source IPv6 Address", "spt", "smac", "shost", "cs1", "cs1Label", "sourceZone"},
		{&a.Dst, "dst", "c6a3", "c6a3Label", "Destination IPv6 Address", "dpt", "dmac", "dhost", "cs2", "cs2Label", "destinationZone"},
	} {
		e := side.e
		if e.IP.IsValid() {
			ip := e.IP.Unmap()
			if ip.Is4() {
				key(side.ip)
			} else {
				key(side.ip6Key)
				dst = append(dst, side.ip6Label...)
				key(side.ip6)
			}
			dst = ip.AppendTo(dst)
		}
		if e.Port != 0 {
			key(side.port)
			dst = strconv.AppendUint(dst, uint64(e.Port), 10)
		}
		if e.MAC != ([6]byte{}) {
			key(side.mac)
			dst = appendMAC(dst, e.MAC)
		}
		str(side.host, e.Asset)
		if e.Zone != "" {
			key(side.zoneKey)
			dst = append(dst, side.zoneLabel...)
			str(side.zone, e.Zone)
		}
	}
	str("app", a.Protocol)
	str("act", a.Operation)
	str("fname", a.File)
	if a.Conduit != "" {
		key("cs3Label")
		dst = append(dst, "conduit"...)
		str("cs3", a.Conduit)
	}
	if len(a.Techniques) > 0 {
		key("cs4Label")
		dst = append(dst, "mitreTechniques"...)
		key("cs4")
		for i, t := range a.Techniques {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendEscaped(dst, t, escCEFValue)
		}
	}
	if len(a.Details) > 0 {
		key("cs5Label")
		dst = append(dst, "details"...)
		key("cs5")
		n := 0
		for i, d := range a.Details {
			if !firstKey(a.Details, i) {
				continue
			}
			if n > 0 {
				dst = append(dst, ';', ' ')
			}
			n++
			dst = appendEscaped(dst, d.Key, escCEFValue)
			dst = append(dst, '\\', '=')
			dst = appendEscaped(dst, d.Value, escCEFValue)
		}
	}
	if len(a.Packets) > 0 {
		key("cs6Label")
		dst = append(dst, "packets"...)
		key("cs6")
		for i, p := range a.Packets {
			if i == MaxListedPackets {
				break
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendUint(dst, p, 10)
		}
		key("cn1Label")
		dst = append(dst, "packetCount"...)
		key("cn1")
		dst = strconv.AppendInt(dst, int64(len(a.Packets)), 10)
	}
	if a.Allowed != VerdictUnknown {
		key("flexString1Label")
		dst = append(dst, "conduitVerdict"...)
		key("flexString1")
		dst = append(dst, a.Allowed.String()...)
	}
	return dst
}
