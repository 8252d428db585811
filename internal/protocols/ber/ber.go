package ber

import "errors"

// ErrMalformed is the error for an element cut short, with an indefinite length, or
// with a tag number too large.
var ErrMalformed = errors.New("ber: malformed element")

// Tag classes, as the first octet of an element holds them.
const (
	ClassUniversal   = 0x00
	ClassApplication = 0x40
	ClassContext     = 0x80
)

// Element is one BER element; Content aliases the input.
type Element struct {
	Class       byte
	Constructed bool
	Number      uint32
	Content     []byte
}

// Is reports whether e has the given class, form and tag number.
func (e Element) Is(class byte, constructed bool, number uint32) bool {
	return e.Class == class && e.Constructed == constructed && e.Number == number
}

// Child returns the first element of a constructed element's content with the given
// class and tag number (either form).
func (e Element) Child(class byte, number uint32) (Element, bool) {
	if !e.Constructed {
		return Element{}, false
	}
	for c := e.Content; len(c) > 0; {
		x, rest, err := Next(c)
		if err != nil {
			return Element{}, false
		}
		if x.Class == class && x.Number == number {
			return x, true
		}
		c = rest
	}
	return Element{}, false
}

// maxTagOctets bounds a high tag number's octets: MMS's largest tags need two, and five
// already overflow 32 bits.
const maxTagOctets = 4

// Next reads the element at the start of b and returns it and what follows it.
func Next(b []byte) (Element, []byte, error) {
	if len(b) < 2 {
		return Element{}, nil, ErrMalformed
	}
	e := Element{Class: b[0] & 0xc0, Constructed: b[0]&0x20 != 0, Number: uint32(b[0] & 0x1f)}
	i := 1
	if e.Number == 0x1f { // high tag number: base 128, high bit set on all but the last octet
		e.Number = 0
		for n := 0; ; n++ {
			if i >= len(b) || n == maxTagOctets {
				return Element{}, nil, ErrMalformed
			}
			c := b[i]
			i++
			e.Number = e.Number<<7 | uint32(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	if i >= len(b) {
		return Element{}, nil, ErrMalformed
	}
	l := int(b[i])
	i++
	if l&0x80 != 0 {
		k := l & 0x7f
		if k == 0 || k > 3 || i+k > len(b) { // indefinite, or longer than any TPDU
			return Element{}, nil, ErrMalformed
		}
		l = 0
		for _, c := range b[i : i+k] {
			l = l<<8 | int(c)
		}
		i += k
	}
	if l > len(b)-i {
		return Element{}, nil, ErrMalformed
	}
	e.Content = b[i : i+l]
	return e, b[i+l:], nil
}

// Uint32 reads an INTEGER's content as an unsigned 32-bit value; false when it is empty,
// negative or too wide.
func Uint32(c []byte) (uint32, bool) {
	if len(c) == 0 || len(c) > 5 || c[0]&0x80 != 0 || len(c) == 5 && c[0] != 0 {
		return 0, false
	}
	var v uint32
	for _, x := range c {
		v = v<<8 | uint32(x)
	}
	return v, true
}
