package alert

import (
	"strconv"
	"time"

	"github.com/zonewarden/zonewarden/internal/attack"
)

// AppendJSON appends a as one JSON object (no trailing newline) in the shape
// docs/schemas/alert.schema.json describes: snake_case names, times in UTC RFC 3339
// with nanoseconds, empty optional fields left out, technique ids with their ATT&CK
// names. A detail whose key repeats an earlier one is left out.
func AppendJSON(dst []byte, a *Alert) []byte {
	dst = append(dst, `{"time":"`...)
	dst = a.Time.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","severity":`...)
	dst = appendJSONString(dst, a.Severity.String())
	dst = append(dst, `,"rule":`...)
	dst = appendJSONString(dst, a.Rule)
	dst = append(dst, `,"title":`...)
	dst = appendJSONString(dst, a.Title)
	dst = append(dst, `,"src":`...)
	dst = appendJSONEndpoint(dst, &a.Src)
	dst = append(dst, `,"dst":`...)
	dst = appendJSONEndpoint(dst, &a.Dst)
	dst = append(dst, `,"protocol":`...)
	dst = appendJSONString(dst, a.Protocol)
	dst = append(dst, `,"operation":`...)
	dst = appendJSONString(dst, a.Operation)
	if len(a.Details) > 0 {
		dst = append(dst, `,"details":{`...)
		n := 0
		for i, d := range a.Details {
			if !firstKey(a.Details, i) {
				continue
			}
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = appendJSONString(dst, d.Key)
			dst = append(dst, ':')
			dst = appendJSONString(dst, d.Value)
		}
		dst = append(dst, '}')
	}
	if len(a.Packets) > 0 {
		dst = append(dst, `,"packets":[`...)
		for i, p := range a.Packets {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendUint(dst, p, 10)
		}
		dst = append(dst, ']')
	}
	if a.File != "" {
		dst = append(dst, `,"file":`...)
		dst = appendJSONString(dst, a.File)
	}
	if len(a.Techniques) > 0 {
		dst = append(dst, `,"techniques":[`...)
		for i, id := range a.Techniques {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"id":`...)
			dst = appendJSONString(dst, id)
			if name, ok := attack.Name(id); ok {
				dst = append(dst, `,"name":`...)
				dst = appendJSONString(dst, name)
			}
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	if a.Conduit != "" {
		dst = append(dst, `,"conduit":`...)
		dst = appendJSONString(dst, a.Conduit)
	}
	switch a.Allowed {
	case VerdictAllowed:
		dst = append(dst, `,"allowed":true`...)
	case VerdictForbidden:
		dst = append(dst, `,"allowed":false`...)
	}
	return append(dst, '}')
}

func appendJSONEndpoint(dst []byte, e *Endpoint) []byte {
	dst = append(dst, '{')
	sep := false
	field := func(name string) {
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		dst = append(dst, '"')
		dst = append(dst, name...)
		dst = append(dst, `":`...)
	}
	if e.IP.IsValid() {
		field("ip")
		dst = append(dst, '"')
		dst = e.IP.AppendTo(dst)
		dst = append(dst, '"')
	}
	if e.MAC != ([6]byte{}) {
		field("mac")
		dst = append(dst, '"')
		dst = appendMAC(dst, e.MAC)
		dst = append(dst, '"')
	}
	if e.Port != 0 {
		field("port")
		dst = strconv.AppendUint(dst, uint64(e.Port), 10)
	}
	if e.Asset != "" {
		field("asset")
		dst = appendJSONString(dst, e.Asset)
	}
	if e.Zone != "" {
		field("zone")
		dst = appendJSONString(dst, e.Zone)
	}
	return append(dst, '}')
}

// MarshalJSON renders the alert with AppendJSON, so encoding/json users get the
// documented shape.
func (a Alert) MarshalJSON() ([]byte, error) { return AppendJSON(nil, &a), nil }
