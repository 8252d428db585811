package encode

// BER (ASN.1 basic encoding rules) with minimal lengths, as LDAP and Kerberos use them.
// berOpen appends a tag and a one-byte length placeholder; berClose fills the length,
// moving the contents when the length needs the long form.

func berOpen(b []byte, tag byte) ([]byte, int) {
	return append(b, tag, 0), len(b) + 2
}

func berClose(b []byte, at int) []byte {
	n := len(b) - at
	if n < 0x80 {
		b[at-1] = byte(n)
		return b
	}
	extra := 1
	if n > 0xff {
		extra = 2
	}
	for range extra {
		b = append(b, 0)
	}
	copy(b[at+extra:], b[at:len(b)-extra])
	if extra == 1 {
		b[at-1], b[at] = 0x81, byte(n)
	} else {
		b[at-1], b[at], b[at+1] = 0x82, byte(n>>8), byte(n)
	}
	return b
}

func berString(b []byte, tag byte, s string) []byte {
	b, at := berOpen(b, tag)
	return berClose(append(b, s...), at)
}

func berInt(b []byte, tag byte, v int) []byte {
	switch {
	case v >= -128 && v < 128:
		return append(b, tag, 1, byte(v))
	case v >= -32768 && v < 32768:
		return append(b, tag, 2, byte(v>>8), byte(v))
	}
	return append(b, tag, 4, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// LDAPSearchRootDSE appends a search of the root DSE for attrs, as directory clients
// send before they bind.
func LDAPSearchRootDSE(b []byte, id int, attrs []string) []byte {
	b, msg := berOpen(b, 0x30)
	b = berInt(b, 0x02, id)
	b, req := berOpen(b, 0x63)
	b = berString(b, 0x04, "")
	b = append(b, 0x0a, 1, 0, 0x0a, 1, 0, 0x02, 1, 0, 0x02, 1, 0, 0x01, 1, 0)
	b = berString(b, 0x87, "objectClass")
	b, list := berOpen(b, 0x30)
	for _, a := range attrs {
		b = berString(b, 0x04, a)
	}
	b = berClose(b, list)
	return berClose(berClose(b, req), msg)
}

// LDAPSearchEntry appends the root DSE entry with attrs[i] = values[i], then the
// searchResDone.
func LDAPSearchEntry(b []byte, id int, attrs, values []string) []byte {
	b, msg := berOpen(b, 0x30)
	b = berInt(b, 0x02, id)
	b, ent := berOpen(b, 0x64)
	b = berString(b, 0x04, "")
	b, list := berOpen(b, 0x30)
	for i, a := range attrs {
		var pa, set int
		b, pa = berOpen(b, 0x30)
		b = berString(b, 0x04, a)
		b, set = berOpen(b, 0x31)
		b = berString(b, 0x04, values[i])
		b = berClose(b, set)
		b = berClose(b, pa)
	}
	b = berClose(b, list)
	b = berClose(berClose(b, ent), msg)
	b, msg = berOpen(b, 0x30)
	b = berInt(b, 0x02, id)
	b = append(b, 0x65, 7, 0x0a, 1, 0, 0x04, 0, 0x04, 0)
	return berClose(b, msg)
}

// LDAPUnbind appends an unbindRequest.
func LDAPUnbind(b []byte, id int) []byte {
	b, msg := berOpen(b, 0x30)
	b = berInt(b, 0x02, id)
	return berClose(append(b, 0x42, 0), msg)
}
