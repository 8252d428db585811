package opcua

// reader walks OPC UA binary encoded data. A read past the end sets bad and returns
// zero values, so a decoder checks once at the end.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) take(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() uint8 {
	v := r.take(1)
	if v == nil {
		return 0
	}
	return v[0]
}

func (r *reader) u16() uint16 {
	v := r.take(2)
	if v == nil {
		return 0
	}
	return uint16(v[0]) | uint16(v[1])<<8
}

func (r *reader) u32() uint32 {
	v := r.take(4)
	if v == nil {
		return 0
	}
	return le32(v)
}

func (r *reader) skip(n int) { r.take(n) }

// str reads a String or ByteString: an Int32 length, -1 for null, then the octets.
func (r *reader) str() []byte {
	n := int32(r.u32())
	if n == -1 || r.bad {
		return nil
	}
	if n < 0 {
		r.bad = true
		return nil
	}
	return r.take(int(n))
}

// nodeID reads a NodeId (or the NodeId part of an ExpandedNodeId when expanded) and
// returns its namespace and numeric identifier; numeric is false for string, GUID and
// opaque identifiers.
func (r *reader) nodeID(expanded bool) (ns uint16, id uint32, numeric bool) {
	mask := r.u8()
	switch mask & 0x3F {
	case 0x00:
		id, numeric = uint32(r.u8()), true
	case 0x01:
		ns, id, numeric = uint16(r.u8()), uint32(r.u16()), true
	case 0x02:
		ns, id, numeric = r.u16(), r.u32(), true
	case 0x03, 0x05:
		ns = r.u16()
		r.str()
	case 0x04:
		ns = r.u16()
		r.skip(16)
	default:
		r.bad = true
	}
	if mask&0xC0 != 0 && !expanded {
		r.bad = true
	}
	if mask&0x80 != 0 {
		r.str() // namespace URI
	}
	if mask&0x40 != 0 {
		r.u32() // server index
	}
	return ns, id, numeric
}

// localizedText reads a LocalizedText and returns its text.
func (r *reader) localizedText() []byte {
	mask := r.u8()
	if mask&0x01 != 0 {
		r.str() // locale
	}
	if mask&0x02 != 0 {
		return r.str()
	}
	return nil
}

// extensionObject skips an ExtensionObject.
func (r *reader) extensionObject() {
	r.nodeID(false)
	switch r.u8() {
	case 0x00:
	case 0x01, 0x02:
		r.str()
	default:
		r.bad = true
	}
}

// diagnosticInfo skips a DiagnosticInfo, nested at most a few levels.
func (r *reader) diagnosticInfo(depth int) {
	if depth > 4 {
		r.bad = true
		return
	}
	mask := r.u8()
	for _, bit := range [...]uint8{0x01, 0x02, 0x04, 0x08} {
		if mask&bit != 0 {
			r.u32()
		}
	}
	if mask&0x10 != 0 {
		r.str()
	}
	if mask&0x20 != 0 {
		r.u32()
	}
	if mask&0x40 != 0 {
		r.diagnosticInfo(depth + 1)
	}
}

// stringArray skips an array of Strings.
func (r *reader) stringArray() {
	n := int32(r.u32())
	if n < -1 || int64(n)*4 > int64(len(r.b)) {
		r.bad = true
		return
	}
	for i := int32(0); i < n && !r.bad; i++ {
		r.str()
	}
}

// requestHeader skips a RequestHeader.
func (r *reader) requestHeader() {
	r.nodeID(false) // authentication token
	r.skip(8)       // timestamp
	r.u32()         // request handle
	r.u32()         // return diagnostics
	r.str()         // audit entry id
	r.u32()         // timeout hint
	r.extensionObject()
}

// responseHeader reads a ResponseHeader and returns its service result.
func (r *reader) responseHeader() uint32 {
	r.skip(8) // timestamp
	r.u32()   // request handle
	result := r.u32()
	r.diagnosticInfo(0)
	r.stringArray()
	r.extensionObject()
	return result
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
