package discover

import (
	"errors"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/observe"
)

// Kinds of anomaly counted per capture, as the inventory's JSON names them (Source.Anomalies).
const (
	countUnsupportedLink = iota
	countTruncatedHeader
	countMalformedHeader
	countFragment
	countSnapCut
	countTableFull
	countStreamGap
	countRetransmission
	countOversizedPDU
	countFramingError
	countMalformedPDU
	countUnexpectedPayload
	countImplausibleTime
	numSourceCounts
)

var sourceCountKinds = [numSourceCounts]string{"unsupported_link_type", "truncated_header", "malformed_header", "ip_fragment",
	"snap_length_cut", "flow_table_full", "stream_gap", "retransmission", "oversized_pdu", "framing_error", "malformed_pdu",
	"unexpected_payload", "implausible_time"}

// sourceCounts are the anomalies counted in one capture. The statistics of the lower
// layers (capture, decode, flow table, pipeline) are turned into them in one place,
// countsOf, so that those layers can count more or otherwise without the inventory's
// JSON changing.
type sourceCounts [numSourceCounts]uint64

func countsOf(s *observe.Source) sourceCounts {
	var c sourceCounts
	c[countUnsupportedLink] = s.Decode.UnsupportedLink
	c[countTruncatedHeader] = s.Decode.Truncated
	c[countMalformedHeader] = s.Decode.Malformed
	c[countFragment] = s.Decode.Fragments
	c[countSnapCut] = s.Decode.SnapCut
	c[countTableFull] = s.Table.TableFull
	c[countStreamGap] = s.Table.Gaps
	c[countRetransmission] = s.Table.Retransmitted
	c[countOversizedPDU] = s.Table.Overflows
	c[countFramingError] = s.Table.FramingErrors
	c[countMalformedPDU] = s.Pipeline.Malformed
	c[countUnexpectedPayload] = s.Pipeline.Unexpected
	c[countImplausibleTime] = s.Capture.OddTimes
	return c
}

// statsOf returns what a source counted, if it counts.
func statsOf(src capture.Source) capture.Stats {
	if s, ok := src.(interface{ Stats() capture.Stats }); ok {
		return s.Stats()
	}
	return capture.Stats{}
}

// sourceRec is what was read of one capture.
type sourceRec struct {
	name        string
	packets     uint64
	bytes       uint64
	first, last int64
	readErr     string
	truncated   bool
	stopped     *inventory.FilePosition
	counts      sourceCounts
	warnings    []inventory.Warning // from the reader of the file (one worker)
}

// Source implements observe.Sink.
func (b *Builder) Source(s *observe.Source) {
	r := b.sources[s.File]
	if r == nil {
		r = &sourceRec{name: s.Name, first: s.First, last: s.Last}
		b.sources[s.File] = r
	}
	r.add(s.Capture.Packets, s.Capture.Bytes, s.First, s.Last)
	if s.ReadErr != nil {
		r.setReadErr(s.ReadErr)
	}
	c := countsOf(s)
	for i := range c {
		r.counts[i] += c[i]
	}
	for _, w := range capture.Warnings(s.Name, s.Capture, s.ReadErr) {
		r.warnings = append(r.warnings, inventory.Warning{Kind: w.Kind, File: w.File, Packet: w.Packet, Detail: w.Detail})
	}
}

func (r *sourceRec) add(packets, bytes uint64, first, last int64) {
	r.packets += packets
	r.bytes += bytes
	if first != 0 && (r.first == 0 || first < r.first) {
		r.first = first
	}
	r.last = max(r.last, last)
}

// setReadErr records the error that ended the capture early or kept it from being
// read, and where in the file it happened.
func (r *sourceRec) setReadErr(err error) {
	r.readErr = err.Error()
	var ce *capture.Error
	if errors.As(err, &ce) && ce.Packet > 0 {
		r.stopped = &inventory.FilePosition{Packet: ce.Packet, ByteOffset: ce.Offset}
		r.truncated = errors.Is(ce.Kind, capture.ErrTruncated)
	}
}

func (r *sourceRec) merge(o *sourceRec) {
	r.add(o.packets, o.bytes, o.first, o.last)
	if o.readErr != "" {
		r.readErr, r.truncated, r.stopped = o.readErr, o.truncated, o.stopped
	}
	for i := range o.counts {
		r.counts[i] += o.counts[i]
	}
	r.warnings = append(r.warnings, o.warnings...)
}

// AddFileError records a capture that could not be read at all.
func (b *Builder) AddFileError(file int, name string, err error) {
	r := b.sources[file]
	if r == nil {
		r = &sourceRec{name: name}
		b.sources[file] = r
	}
	r.setReadErr(err)
}
