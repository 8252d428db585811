package mms

// BER (X.690) elements, definite lengths only: the OSI upper layers and MMS as devices
// send them never use the indefinite form, and refusing it keeps every element's end
// known before its content is read.

const (
	classUniversal   = 0x00
	classApplication = 0x40
	classContext     = 0x80
)

// element is one BER element; content aliases the input.
type element struct {
	class       byte
	constructed bool
	number      uint32
	content     []byte
}

func (e element) is(class byte, constructed bool, number uint32) bool {
	return e.class == class && e.constructed == constructed && e.number == number
}

// child returns the first element of a constructed element's content with the given
// class and tag number (either form).
func (e element) child(class byte, number uint32) (element, bool) {
	if !e.constructed {
		return element{}, false
	}
	for c := e.content; len(c) > 0; {
		x, rest, err := next(c)
		if err != nil {
			return element{}, false
		}
		if x.class == class && x.number == number {
			return x, true
		}
		c = rest
	}
	return element{}, false
}

// maxTagOctets bounds a high tag number's octets: MMS's largest tags need two, and five
// already overflow 32 bits.
const maxTagOctets = 4

// next reads the element at the start of b and returns it and what follows it.
func next(b []byte) (element, []byte, error) {
	if len(b) < 2 {
		return element{}, nil, errBER
	}
	e := element{class: b[0] & 0xc0, constructed: b[0]&0x20 != 0, number: uint32(b[0] & 0x1f)}
	i := 1
	if e.number == 0x1f { // high tag number: base 128, high bit set on all but the last octet
		e.number = 0
		for n := 0; ; n++ {
			if i >= len(b) || n == maxTagOctets {
				return element{}, nil, errBER
			}
			c := b[i]
			i++
			e.number = e.number<<7 | uint32(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	if i >= len(b) {
		return element{}, nil, errBER
	}
	l := int(b[i])
	i++
	if l&0x80 != 0 {
		k := l & 0x7f
		if k == 0 || k > 3 || i+k > len(b) { // indefinite, or longer than any TPDU
			return element{}, nil, errBER
		}
		l = 0
		for _, c := range b[i : i+k] {
			l = l<<8 | int(c)
		}
		i += k
	}
	if l > len(b)-i {
		return element{}, nil, errBER
	}
	e.content = b[i : i+l]
	return e, b[i+l:], nil
}
