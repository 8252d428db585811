package snmp

import "errors"

var (
	errBERShort  = errors.New("snmp: BER element truncated")
	errBERTag    = errors.New("snmp: unexpected BER tag")
	errBERLength = errors.New("snmp: unsupported BER length (indefinite or over 4 bytes)")
	errBERInt    = errors.New("snmp: INTEGER empty or longer than 4 bytes")
	errOID       = errors.New("snmp: malformed object identifier")
)

// ber reads BER elements from the front of a byte slice. SNMP uses only low tag numbers
// (one tag byte) and definite lengths.
type ber []byte

// next splits off one element and returns its tag and contents.
func (b *ber) next() (tag byte, val []byte, err error) {
	p := *b
	if len(p) < 2 {
		return 0, nil, errBERShort
	}
	tag = p[0]
	if tag&0x1F == 0x1F {
		return 0, nil, errBERTag // high tag numbers: not used by SNMP
	}
	n := int(p[1])
	p = p[2:]
	if n&0x80 != 0 {
		k := n & 0x7F
		if k == 0 || k > 4 {
			return 0, nil, errBERLength
		}
		if len(p) < k {
			return 0, nil, errBERShort
		}
		n = 0
		for _, c := range p[:k] {
			n = n<<8 | int(c)
		}
		p = p[k:]
		if n < 0 {
			return 0, nil, errBERLength
		}
	}
	if len(p) < n {
		return 0, nil, errBERShort
	}
	*b = p[n:]
	return tag, p[:n], nil
}

// expect splits off one element that must have the given tag.
func (b *ber) expect(tag byte) ([]byte, error) {
	t, v, err := b.next()
	if err != nil {
		return nil, err
	}
	if t != tag {
		return nil, errBERTag
	}
	return v, nil
}

// integer splits off an INTEGER of up to 4 bytes, sign-extended.
func (b *ber) integer() (int32, error) {
	v, err := b.expect(tagInteger)
	if err != nil {
		return 0, err
	}
	return beInt(v)
}

func beInt(v []byte) (int32, error) {
	if len(v) == 0 || len(v) > 4 {
		return 0, errBERInt
	}
	n := int32(int8(v[0]))
	for _, c := range v[1:] {
		n = n<<8 | int32(c)
	}
	return n, nil
}

// beUint reads an unsigned application value (Counter32, Gauge32, TimeTicks) of up to 5
// bytes (a leading zero keeps the top bit from meaning a sign).
func beUint(v []byte) (uint32, bool) {
	if len(v) == 5 && v[0] == 0 {
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 4 {
		return 0, false
	}
	var n uint32
	for _, c := range v {
		n = n<<8 | uint32(c)
	}
	return n, true
}

// AppendOID appends the dotted form of an object identifier's BER contents
// ("1.3.6.1.2.1.1.1.0") to dst. It allocates only when dst lacks capacity.
func AppendOID(dst, oid []byte) ([]byte, error) {
	if len(oid) == 0 {
		return dst, errOID
	}
	first := true
	for len(oid) > 0 {
		var v uint64
		i := 0
		for {
			if i == len(oid) || i == 5 {
				return dst, errOID // cut short, or over 32 bits
			}
			c := oid[i]
			if i == 0 && c == 0x80 {
				return dst, errOID // non-minimal encoding
			}
			v = v<<7 | uint64(c&0x7F)
			i++
			if c&0x80 == 0 {
				break
			}
		}
		if v > 0xFFFFFFFF && !first {
			return dst, errOID
		}
		oid = oid[i:]
		if first {
			// The first subidentifier carries the first two arcs: 40*X + Y.
			x := min(v/40, 2)
			dst = appendUint(dst, x)
			dst = append(dst, '.')
			dst = appendUint(dst, v-40*x)
			first = false
			continue
		}
		dst = append(dst, '.')
		dst = appendUint(dst, v)
	}
	return dst, nil
}

func appendUint(dst []byte, v uint64) []byte {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}

// enterprisesPrefix is 1.3.6.1.4.1 (iso.org.dod.internet.private.enterprise) encoded.
var enterprisesPrefix = []byte{0x2B, 6, 1, 4, 1}

// EnterpriseOf returns the IANA private enterprise number that an object identifier
// below 1.3.6.1.4.1 names — the vendor of a sysObjectID or of a v1 trap's enterprise
// (4329 for 1.3.6.1.4.1.4329.20.1...).
func EnterpriseOf(oid []byte) (uint32, bool) {
	if len(oid) <= len(enterprisesPrefix) || string(oid[:len(enterprisesPrefix)]) != string(enterprisesPrefix) {
		return 0, false
	}
	p := oid[len(enterprisesPrefix):]
	var v uint64
	for i, c := range p {
		if i == 5 || (i == 0 && c == 0x80) {
			return 0, false
		}
		v = v<<7 | uint64(c&0x7F)
		if c&0x80 == 0 {
			if v > 0xFFFFFFFF {
				return 0, false
			}
			return uint32(v), true
		}
	}
	return 0, false
}
