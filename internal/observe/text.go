package observe

// Helpers that turn what protocols carry into identity values, without allocating; the
// protocols' handlers share them.

// TrimText drops the NUL and white-space bytes that devices leave around strings (C
// strings sent with their terminator, padded fields, CR LF line ends).
func TrimText(b []byte) []byte {
	for len(b) > 0 && isPad(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && isPad(b[0]) {
		b = b[1:]
	}
	return b
}

func isPad(c byte) bool { return c == 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// Printable reports whether b is text a person can read (no control characters), so
// that identifiers which may be text or binary are shown the right way.
func Printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return len(b) > 0
}

// AppendMAC appends a MAC address in the colon-separated form.
func AppendMAC(dst []byte, mac []byte) []byte {
	return AppendHexBytes(dst, mac, ':')
}

// HexDigits are the lower-case hex digits by value.
const HexDigits = "0123456789abcdef"

// AppendHexBytes appends b as two hex digits a byte, with sep between bytes (0: none).
func AppendHexBytes(dst, b []byte, sep byte) []byte {
	for i, x := range b {
		if i > 0 && sep != 0 {
			dst = append(dst, sep)
		}
		dst = append(dst, HexDigits[x>>4], HexDigits[x&0xf])
	}
	return dst
}

// AppendFlagNames appends the names of the bits set in v, comma-separated, as name
// gives them (bits without a name are left out).
func AppendFlagNames(dst []byte, v uint32, name func(int) string) []byte {
	first := true
	for i := 0; i < 32; i++ {
		if v&(1<<i) == 0 {
			continue
		}
		n := name(i)
		if n == "" {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, n...)
	}
	return dst
}

// TrimDot drops the root's trailing dot from a DNS name.
func TrimDot(name []byte) []byte {
	if n := len(name); n > 1 && name[n-1] == '.' {
		return name[:n-1]
	}
	return name
}
