package bacnet

import "errors"

var errTag = errors.New("bacnet: tag runs past the data")

// tag is the header of one encoded BACnet value.
type tag struct {
	num     uint8
	context bool
	open    bool // context opening tag
	close   bool // context closing tag
	lvt     uint8
}

// nextTag splits b into the tag at its start, the tag's content octets and the rest.
// Application booleans carry their value in lvt and have no content.
func nextTag(b []byte) (t tag, val, rest []byte, err error) {
	if len(b) == 0 {
		return t, nil, nil, errTag
	}
	h := b[0]
	t.num, t.context, t.lvt = h>>4, h&0x08 != 0, h&0x07
	off := 1
	if t.num == 15 {
		if len(b) < 2 {
			return t, nil, nil, errTag
		}
		t.num, off = b[1], 2
	}
	if t.context && t.lvt == 6 {
		t.open = true
		return t, nil, b[off:], nil
	}
	if t.context && t.lvt == 7 {
		t.close = true
		return t, nil, b[off:], nil
	}
	n := int(t.lvt)
	if !t.context && t.num == TagBoolean {
		n = 0
	} else if t.lvt == 5 {
		if len(b) < off+1 {
			return t, nil, nil, errTag
		}
		n, off = int(b[off]), off+1
		switch n {
		case 254:
			if len(b) < off+2 {
				return t, nil, nil, errTag
			}
			n, off = int(b[off])<<8|int(b[off+1]), off+2
		case 255:
			if len(b) < off+4 {
				return t, nil, nil, errTag
			}
			v := uint32(b[off])<<24 | uint32(b[off+1])<<16 | uint32(b[off+2])<<8 | uint32(b[off+3])
			if v > uint32(len(b)) {
				return t, nil, nil, errTag
			}
			n, off = int(v), off+4
		}
	}
	if n > len(b)-off {
		return t, nil, nil, errTag
	}
	return t, b[off : off+n], b[off+n:], nil
}

// skipConstructed skips past the closing tag that matches an opening tag already read.
func skipConstructed(b []byte, num uint8) ([]byte, error) {
	depth := 1
	for len(b) > 0 {
		t, _, rest, err := nextTag(b)
		if err != nil {
			return nil, err
		}
		b = rest
		if t.open {
			depth++
		} else if t.close {
			depth--
			if depth == 0 {
				if t.num != num {
					return nil, errTag
				}
				return b, nil
			}
		}
	}
	return nil, errTag
}

// unsigned decodes the big-endian content of an unsigned or enumerated value.
func unsigned(v []byte) (uint32, bool) {
	if len(v) == 0 || len(v) > 4 {
		return 0, false
	}
	var n uint32
	for _, c := range v {
		n = n<<8 | uint32(c)
	}
	return n, true
}

// ObjectID is a BACnet object identifier: a 10-bit type and a 22-bit instance.
type ObjectID uint32

// Type returns the object type (8 is a device).
func (o ObjectID) Type() uint16 { return uint16(o >> 22) }

// Instance returns the instance number.
func (o ObjectID) Instance() uint32 { return uint32(o) & 0x3FFFFF }

// Value is one application-tagged value.
type Value struct {
	Tag uint8  // application tag number
	Raw []byte // content octets (aliases the input)
	// Bool holds a boolean's value, which is carried in its tag.
	Bool bool
}

// Unsigned returns an unsigned or enumerated value.
func (v *Value) Unsigned() (uint32, bool) {
	if v.Tag != TagUnsigned && v.Tag != TagEnumerated {
		return 0, false
	}
	return unsigned(v.Raw)
}

// Text returns the octets of a character string and its character set (CharsetUTF8 for
// UTF-8 and ASCII). The octets alias the input; other sets need converting by the caller.
func (v *Value) Text() (text []byte, charset uint8, ok bool) {
	if v.Tag != TagCharacterString || len(v.Raw) == 0 {
		return nil, 0, false
	}
	return v.Raw[1:], v.Raw[0], true
}

// ObjectID returns an object identifier value.
func (v *Value) ObjectID() (ObjectID, bool) {
	if v.Tag != TagObjectID || len(v.Raw) != 4 {
		return 0, false
	}
	u, _ := unsigned(v.Raw)
	return ObjectID(u), true
}
