package decode

// stream is one direction of a TCP conversation being cut into PDUs.
//
// Delivery is in order by sequence number. Bytes already delivered (retransmissions,
// overlaps) are dropped. A jump forward (lost or reordered segments, or a capture that
// missed packets) drops any partial PDU and starts again at the new segment, which is
// where OT peers usually begin a PDU; the framing function rejects the segment if not.
// Out-of-order segments are not held back for later: OT request/response traffic
// rarely has more than one segment in flight, and holding them would cost memory on
// every flow.
type stream struct {
	buf   []byte // start of a PDU not yet complete; never holds a complete PDU
	next  uint32 // sequence number of the next byte expected
	skip  int    // bytes of an oversized PDU still to discard
	state uint8
}

const (
	streamNew    uint8 = iota // no segment seen yet
	streamSynced              // next is valid
)

// headerProbe is how many bytes are added at a time to a buffered PDU whose header is
// still incomplete (the framing function returned 0): more than any OT header needs.
const headerProbe = 64

func (s *stream) drop() {
	s.buf = s.buf[:0]
	s.skip = 0
}

// Reassemble feeds the TCP segment in p, travelling in direction dir of flow f, to the
// flow's stream and hands every PDU it completes to sink. It does nothing unless p is
// a TCP packet and f.Framer is set. In steady state it allocates nothing; a stream
// buffer grows (to at most MaxStreamBuffer) only when PDUs span segments.
func (t *Table) Reassemble(f *Flow, dir Dir, p *Packet, sink PDUSink) {
	if f.Framer == nil || p.Layers&LayerTCP == 0 {
		return
	}
	s := &f.streams[dir]
	seq := p.Seq
	if p.TCPFlags&SYN != 0 {
		s.drop()
		seq++ // the SYN occupies one sequence number; data on a SYN follows it
		s.next = seq
		s.state = streamSynced
	}
	n := p.PayloadLen
	if n <= 0 || p.TCPFlags&RST != 0 {
		return
	}
	if s.state == streamNew {
		s.next = seq
		s.state = streamSynced
		t.stats.MidStream++
	}
	data := p.Payload
	switch d := int32(seq - s.next); {
	case d > 0:
		t.stats.Gaps++
		s.drop()
	case d < 0:
		t.stats.Retransmitted++
		over := -int(d)
		if over >= n {
			return
		}
		n -= over
		data = data[min(over, len(data)):]
		seq = s.next
	}
	s.next = seq + uint32(n)
	if len(data) < n {
		// The capture holds only part of this segment: PDUs cannot be cut across the
		// missing bytes, so the stream starts again with the next segment.
		t.stats.SnapCut++
		s.drop()
		return
	}
	t.push(f, dir, s, data, sink)
}

// push cuts the PDUs out of data, the next in-order bytes of stream s.
func (t *Table) push(f *Flow, dir Dir, s *stream, data []byte, sink PDUSink) {
	limit := t.cfg.MaxStreamBuffer
	for len(data) > 0 {
		if s.skip > 0 {
			k := min(s.skip, len(data))
			s.skip -= k
			data = data[k:]
			continue
		}
		if len(s.buf) > 0 {
			n, err := f.Framer(s.buf)
			if err != nil {
				t.framingError(s)
				return
			}
			var take int
			switch {
			case n == 0:
				take = min(len(data), headerProbe)
			case n > limit:
				t.overflow(s, n-len(s.buf))
				continue
			default:
				take = min(len(data), n-len(s.buf))
			}
			if len(s.buf)+take > limit {
				// A header that stays incomplete past the bound: not a PDU we can cut.
				t.stats.Overflows++
				s.drop()
				return
			}
			s.buf = appendBounded(s.buf, data[:take], limit)
			data = data[take:]
			if !t.drain(f, dir, s, sink) {
				return
			}
			continue
		}
		// Nothing buffered: cut PDUs straight out of the segment, without copying.
		n, err := f.Framer(data)
		if err != nil {
			t.framingError(s)
			return
		}
		if n > 0 && n <= len(data) {
			t.stats.PDUs++
			sink.PDU(f, dir, data[:n])
			data = data[n:]
			continue
		}
		if n > limit {
			t.overflow(s, n-len(data))
			return
		}
		if len(data) > limit {
			t.stats.Overflows++
			return
		}
		s.buf = appendBounded(s.buf[:0], data, limit)
		return
	}
}

// drain delivers the complete PDUs at the front of the buffer. It reports false when
// the buffer did not frame (the stream was reset).
func (t *Table) drain(f *Flow, dir Dir, s *stream, sink PDUSink) bool {
	for len(s.buf) > 0 {
		n, err := f.Framer(s.buf)
		if err != nil {
			t.framingError(s)
			return false
		}
		if n == 0 || n > len(s.buf) {
			return true
		}
		t.stats.PDUs++
		sink.PDU(f, dir, s.buf[:n])
		rest := copy(s.buf, s.buf[n:])
		s.buf = s.buf[:rest]
	}
	return true
}

func (t *Table) framingError(s *stream) {
	t.stats.FramingErrors++
	s.drop()
}

// overflow skips a PDU too large for the buffer: remaining is how many of its bytes
// are still to come.
func (t *Table) overflow(s *stream, remaining int) {
	t.stats.Overflows++
	s.buf = s.buf[:0]
	s.skip = remaining
}

// appendBounded appends b to buf, growing buf's capacity to at most limit (append's
// own growth could overshoot the bound).
func appendBounded(buf, b []byte, limit int) []byte {
	need := len(buf) + len(b)
	if need > cap(buf) {
		c := max(2*cap(buf), need, 512)
		c = min(c, limit)
		nb := make([]byte, len(buf), c)
		copy(nb, buf)
		buf = nb
	}
	return append(buf, b...)
}
