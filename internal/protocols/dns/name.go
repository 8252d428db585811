package dns

import "errors"

// MaxNameLen is the longest name on the wire, length bytes included (RFC 1035 2.3.4).
const MaxNameLen = 255

var (
	errNameShort  = errors.New("dns: name runs past the end of the message")
	errNameLong   = errors.New("dns: name longer than 255 bytes")
	errNameBuffer = errors.New("dns: name does not fit the buffer")
	errPointer    = errors.New("dns: compression pointer does not point backwards")
	errLabelType  = errors.New("dns: unsupported label type")
	errNotNetBIOS = errors.New("dns: first label is not a NetBIOS first-level encoded name")
)

// ReadName decodes the name at offset off of the message msg into dst in dotted form
// ("plc-1.plant.example"; the root is empty) and returns it with the offset just past the
// name's bytes at off. Label bytes are copied as they are, without escaping. Compression
// pointers are followed only backwards, each to before the labels that led to it, which
// bounds the work by the message's length; the decoded name is bounded by MaxNameLen.
func ReadName(msg []byte, off int, dst []byte) (name []byte, next int, err error) {
	n, wire, next := 0, 0, -1
	limit := off // a pointer must go below this: the start of the current run of labels
	pos := off
	for {
		if pos < 0 || pos >= len(msg) {
			return nil, 0, errNameShort
		}
		l := int(msg[pos])
		switch l & 0xC0 {
		case 0x00:
			if l == 0 {
				if next < 0 {
					next = pos + 1
				}
				return dst[:n], next, nil
			}
			if pos+1+l > len(msg) {
				return nil, 0, errNameShort
			}
			wire += 1 + l
			if wire+1 > MaxNameLen {
				return nil, 0, errNameLong
			}
			sep := 0
			if n > 0 {
				sep = 1
			}
			if n+sep+l > len(dst) {
				return nil, 0, errNameBuffer
			}
			if sep == 1 {
				dst[n] = '.'
				n++
			}
			n += copy(dst[n:], msg[pos+1:pos+1+l])
			pos += 1 + l
		case 0xC0:
			if pos+1 >= len(msg) {
				return nil, 0, errNameShort
			}
			target := (l&0x3F)<<8 | int(msg[pos+1])
			if next < 0 {
				next = pos + 2
			}
			if target >= limit {
				return nil, 0, errPointer
			}
			limit, pos = target, target
		default:
			return nil, 0, errLabelType
		}
	}
}

// skipName returns the offset just past the name at off without decoding it.
func skipName(msg []byte, off int) (int, error) {
	for {
		if off >= len(msg) {
			return 0, errNameShort
		}
		l := int(msg[off])
		switch l & 0xC0 {
		case 0x00:
			if l == 0 {
				return off + 1, nil
			}
			off += 1 + l
		case 0xC0:
			if off+1 >= len(msg) {
				return 0, errNameShort
			}
			return off + 2, nil
		default:
			return 0, errLabelType
		}
	}
}

// NBName is a decoded NetBIOS name: up to 15 characters and the suffix byte that says
// what the name stands for (0x00 workstation, 0x20 file server, 0x1B domain master
// browser, 0x1C domain controllers, 0x1D master browser).
type NBName struct {
	Name   [15]byte
	Len    uint8 // characters in Name, trailing spaces (and NULs) removed
	Suffix byte
}

// Text returns the name's characters.
func (n *NBName) Text() []byte { return n.Name[:n.Len] }

// DecodeNetBIOSName decodes the first label of a dotted name in NetBIOS first-level
// encoding (RFC 1001 14.1: 32 letters 'A'..'P', each carrying four bits).
func DecodeNetBIOSName(name []byte) (NBName, error) {
	var nb NBName
	if len(name) < 32 || (len(name) > 32 && name[32] != '.') {
		return nb, errNotNetBIOS
	}
	var raw [16]byte
	for i := range raw {
		hi, lo := name[2*i]-'A', name[2*i+1]-'A'
		if hi > 15 || lo > 15 {
			return nb, errNotNetBIOS
		}
		raw[i] = hi<<4 | lo
	}
	nb.Suffix = raw[15]
	n := 15
	for n > 0 && (raw[n-1] == ' ' || raw[n-1] == 0) { // "*" is padded with NULs
		n--
	}
	copy(nb.Name[:], raw[:n])
	nb.Len = uint8(n)
	return nb, nil
}
