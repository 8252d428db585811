package encode

import "encoding/binary"

var (
	be = binary.BigEndian
	le = binary.LittleEndian
)

func u16be(b []byte, v uint16) []byte { return be.AppendUint16(b, v) }
func u32be(b []byte, v uint32) []byte { return be.AppendUint32(b, v) }
func u16le(b []byte, v uint16) []byte { return le.AppendUint16(b, v) }
func u32le(b []byte, v uint32) []byte { return le.AppendUint32(b, v) }
func u64le(b []byte, v uint64) []byte { return le.AppendUint64(b, v) }

// putU16be and friends patch a length field once what it counts has been appended.
func putU16be(b []byte, at, v int) { be.PutUint16(b[at:], uint16(v)) }
func putU16le(b []byte, at, v int) { le.PutUint16(b[at:], uint16(v)) }
func putU32le(b []byte, at, v int) { le.PutUint32(b[at:], uint32(v)) }

// zeros appends n zero bytes.
func zeros(b []byte, n int) []byte {
	for range n {
		b = append(b, 0)
	}
	return b
}

// fixed appends s cut or padded with pad to exactly n bytes.
func fixed(b []byte, s string, n int, pad byte) []byte {
	if len(s) > n {
		s = s[:n]
	}
	b = append(b, s...)
	for i := len(s); i < n; i++ {
		b = append(b, pad)
	}
	return b
}

// Filler produces deterministic bytes that look random (xorshift64*), for nonces,
// random fields and encrypted payloads. The zero value is a valid filler.
type Filler struct{ s uint64 }

// NewFiller returns a filler seeded with seed.
func NewFiller(seed uint64) Filler { return Filler{s: seed | 1} }

// Uint64 returns the next 64 bits.
func (f *Filler) Uint64() uint64 {
	if f.s == 0 {
		f.s = 0x9e3779b97f4a7c15
	}
	f.s ^= f.s >> 12
	f.s ^= f.s << 25
	f.s ^= f.s >> 27
	return f.s * 2685821657736338717
}

// Append appends n filler bytes to b.
func (f *Filler) Append(b []byte, n int) []byte {
	for n >= 8 {
		b = le.AppendUint64(b, f.Uint64())
		n -= 8
	}
	if n > 0 {
		v := f.Uint64()
		for ; n > 0; n-- {
			b = append(b, byte(v))
			v >>= 8
		}
	}
	return b
}
