package alert

import (
	"strconv"
	"unicode/utf8"
)

// Defaults of SyslogOptions.
const (
	// DefaultSyslogFacility is local0: alerts are an application's, never the kernel's.
	DefaultSyslogFacility = 16
	// DefaultEnterpriseID is 32473, the private enterprise number RFC 5612 sets aside
	// for documentation and examples; sites with their own IANA number use it instead.
	DefaultEnterpriseID = 32473
	// DefaultAppName is the APP-NAME of the syslog header.
	DefaultAppName = "zonewarden"
)

// The SD-IDs of the two structured data elements, followed by "@" and the enterprise
// number: "zonewarden@32473" holds the alert's fields, "zonewarden-details@32473" the
// operation's details.
const (
	SDIDAlert   = "zonewarden"
	SDIDDetails = "zonewarden-details"
)

// SyslogOptions are the parts of an RFC 5424 message that do not come from the alert.
type SyslogOptions struct {
	// Facility is the syslog facility code, 1-23; 0 (and anything out of range) stands
	// for DefaultSyslogFacility, since alerts never come from the kernel (facility 0).
	Facility int
	// Hostname, AppName and ProcID fill the header fields; Hostname and ProcID are "-"
	// when empty, AppName is DefaultAppName.
	Hostname string
	AppName  string
	ProcID   string
	// EnterpriseID is the IANA private enterprise number of the SD-IDs; 0 stands for
	// DefaultEnterpriseID.
	EnterpriseID uint32
}

// syslogTimeLayout is RFC 5424's TIMESTAMP with the six fraction digits it allows.
const syslogTimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// AppendSyslog appends a as an RFC 5424 syslog message, without transport framing.
// PRI combines the facility with SyslogSeverity; MSGID is the rule; the structured data
// carry every field (element SDIDAlert) and the details (element SDIDDetails); MSG is the
// title, preceded by a UTF-8 byte order mark when it is not plain ASCII, as section
// 6.4 asks. Header fields are cut to their RFC lengths and limited to printable
// US-ASCII; PARAM-VALUEs escape '"', '\' and ']'; control characters become spaces, so
// one alert is always one line.
func AppendSyslog(dst []byte, a *Alert, o SyslogOptions) []byte {
	fac := o.Facility
	if fac < 1 || fac > 23 {
		fac = DefaultSyslogFacility
	}
	pen := o.EnterpriseID
	if pen == 0 {
		pen = DefaultEnterpriseID
	}
	app := o.AppName
	if app == "" {
		app = DefaultAppName
	}
	dst = append(dst, '<')
	dst = strconv.AppendInt(dst, int64(fac*8+SyslogSeverity(a.Severity)), 10)
	dst = append(dst, ">1 "...)
	if a.Time.IsZero() {
		dst = append(dst, '-')
	} else {
		dst = a.Time.UTC().AppendFormat(dst, syslogTimeLayout)
	}
	dst = append(dst, ' ')
	dst = appendToken(dst, o.Hostname, 255, "", '-')
	dst = append(dst, ' ')
	dst = appendToken(dst, app, 48, "", '-')
	dst = append(dst, ' ')
	dst = appendToken(dst, o.ProcID, 128, "", '-')
	dst = append(dst, ' ')
	dst = appendToken(dst, a.Rule, 32, "", '-')
	dst = append(dst, ' ')

	dst = append(dst, '[')
	dst = append(dst, SDIDAlert...)
	dst = append(dst, '@')
	dst = strconv.AppendUint(dst, uint64(pen), 10)
	dst = appendSDParam(dst, "severity", a.Severity.String())
	dst = appendSDParam(dst, "rule", a.Rule)
	dst = appendSDParam(dst, "protocol", a.Protocol)
	dst = appendSDParam(dst, "operation", a.Operation)
	dst = appendSDEndpoint(dst, "src_", &a.Src)
	dst = appendSDEndpoint(dst, "dst_", &a.Dst)
	dst = appendSDParam(dst, "conduit", a.Conduit)
	switch a.Allowed {
	case VerdictAllowed:
		dst = append(dst, ` allowed="true"`...)
	case VerdictForbidden:
		dst = append(dst, ` allowed="false"`...)
	}
	dst = appendSDParam(dst, "file", a.File)
	if len(a.Packets) > 0 {
		dst = append(dst, ` packets="`...)
		dst = appendPacketList(dst, a.Packets)
		dst = append(dst, ` packet_count="`...)
		dst = strconv.AppendInt(dst, int64(len(a.Packets)), 10)
		dst = append(dst, '"')
	}
	if len(a.Techniques) > 0 {
		dst = append(dst, ` techniques="`...)
		for i, t := range a.Techniques {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendEscaped(dst, t, escSDValue)
		}
		dst = append(dst, '"')
	}
	dst = append(dst, ']')
	if len(a.Details) > 0 {
		dst = append(dst, '[')
		dst = append(dst, SDIDDetails...)
		dst = append(dst, '@')
		dst = strconv.AppendUint(dst, uint64(pen), 10)
		for i, d := range a.Details {
			if !firstKey(a.Details, i) {
				continue
			}
			dst = append(dst, ' ')
			dst = appendToken(dst, d.Key, 32, `="]`, '_')
			dst = append(dst, `="`...)
			dst = appendEscaped(dst, d.Value, escSDValue)
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	}
	if a.Title != "" {
		dst = append(dst, ' ')
		if !isASCII(a.Title) {
			dst = append(dst, 0xEF, 0xBB, 0xBF)
		}
		dst = appendEscaped(dst, a.Title, escLine)
	}
	return dst
}

func appendSDParam(dst []byte, name, value string) []byte {
	if value == "" {
		return dst
	}
	dst = append(dst, ' ')
	dst = append(dst, name...)
	dst = append(dst, `="`...)
	dst = appendEscaped(dst, value, escSDValue)
	return append(dst, '"')
}

func appendSDEndpoint(dst []byte, prefix string, e *Endpoint) []byte {
	if e.IP.IsValid() {
		dst = append(dst, ' ')
		dst = append(dst, prefix...)
		dst = append(dst, `ip="`...)
		dst = e.IP.AppendTo(dst)
		dst = append(dst, '"')
	}
	if e.MAC != ([6]byte{}) {
		dst = append(dst, ' ')
		dst = append(dst, prefix...)
		dst = append(dst, `mac="`...)
		dst = appendMAC(dst, e.MAC)
		dst = append(dst, '"')
	}
	if e.Port != 0 {
		dst = append(dst, ' ')
		dst = append(dst, prefix...)
		dst = append(dst, `port="`...)
		dst = strconv.AppendUint(dst, uint64(e.Port), 10)
		dst = append(dst, '"')
	}
	if e.Asset != "" {
		dst = append(dst, ' ')
		dst = append(dst, prefix...)
		dst = append(dst, `asset="`...)
		dst = appendEscaped(dst, e.Asset, escSDValue)
		dst = append(dst, '"')
	}
	if e.Zone != "" {
		dst = append(dst, ' ')
		dst = append(dst, prefix...)
		dst = append(dst, `zone="`...)
		dst = appendEscaped(dst, e.Zone, escSDValue)
		dst = append(dst, '"')
	}
	return dst
}

// appendPacketList writes up to MaxListedPackets packet numbers, comma-separated, and
// closes the quoted value.
func appendPacketList(dst []byte, packets []uint64) []byte {
	for i, p := range packets {
		if i == MaxListedPackets {
			break
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendUint(dst, p, 10)
	}
	return append(dst, '"')
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
