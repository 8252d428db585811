package observe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/decode"
)

// Progress counts what a run has read so far; it may be read while the run goes on.
type Progress struct {
	Bytes   atomic.Uint64 // bytes of the capture files read (compressed bytes for gzip)
	Packets atomic.Uint64
}

// Options configures a run.
type Options struct {
	// Workers is how many goroutines process packets (default: GOMAXPROCS). With at
	// least as many files as workers, each worker reads whole files; with fewer, each
	// file is read by one goroutine and its packets are spread over the workers by flow.
	Workers  int
	Config   Config
	Progress *Progress // may be nil
	// Stdin is what a capture path of Stdin ("-") reads (default os.Stdin).
	Stdin io.Reader
	// FileEnd, if set, is called once for every capture file that could be opened,
	// when it has been read: what its reader counted and the error that ended it
	// early. RunFiles makes the calls one at a time.
	FileEnd func(FileEnd)
}

// FileEnd is what reading one capture file came to.
type FileEnd struct {
	File  int // the index of the file in the run
	Name  string
	Stats capture.Stats
	// ReadErr ended the read early (a *capture.Error for a truncated or corrupt file,
	// ctx's error); nil at the file's proper end.
	ReadErr error
}

func (o *Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// FileError is a capture that could not be read at all: it could not be opened, is
// not a capture, or is damaged before its first packet.
type FileError struct {
	File int
	Err  error
}

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// RunFiles reads the capture files and reports their observations to sinks made by
// newSink, one per worker, which it returns. A file that cannot be opened as a capture,
// or of which not one packet could be read, gives a *FileError and the other files are
// still read. A capture that ends early after some packets (truncated, corrupt) is not
// an error: its Source and its FileEnd report it. When ctx is cancelled, RunFiles
// stops reading, reports what it has, and returns ctx's error among errs.
func RunFiles(ctx context.Context, paths []string, newSink func() Sink, opt Options) (sinks []Sink, errs []error) {
	if fe := opt.FileEnd; fe != nil {
		var mu sync.Mutex
		opt.FileEnd = func(e FileEnd) {
			mu.Lock()
			defer mu.Unlock()
			fe(e)
		}
	}
	w := opt.workers()
	if w > 1 && len(paths) < w {
		return runSharded(ctx, paths, newSink, opt, w)
	}
	w = min(w, max(len(paths), 1))
	sinks = make([]Sink, w)
	var mu sync.Mutex
	var wg sync.WaitGroup
	jobs := make(chan int)
	for i := range w {
		sinks[i] = newSink()
		p := NewPipeline(sinks[i], opt.Config)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for file := range jobs {
				if err := runFile(ctx, p, file, paths[file], &opt); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range paths {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return sinks, errs
}

// countingReader counts the bytes read from a file for the progress display.
type countingReader struct {
	r io.Reader
	n *atomic.Uint64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if c.n != nil {
		c.n.Add(uint64(n))
	}
	return n, err
}

// Stdin is the capture path that reads standard input (tcpdump -w - | zonewarden ...).
const Stdin = "-"

func openCapture(path string, opt *Options) (*capture.File, io.Closer, error) {
	prog := opt.Progress
	var in io.Reader = os.Stdin
	if opt.Stdin != nil {
		in = opt.Stdin
	}
	var f io.ReadCloser = io.NopCloser(in) // standard input stays open
	if path != Stdin {
		var err error
		if f, err = capture.OpenFile(path); err != nil {
			var ce *capture.Error
			if errors.As(err, &ce) {
				return nil, nil, err // it names the file
			}
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	cr := countingReader{r: f}
	if prog != nil {
		cr.n = &prog.Bytes
	}
	c, err := capture.NewReader(path, cr)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return c, f, nil
}

// progressEvery is how many packets are counted locally before the shared progress
// counter is updated.
const progressEvery = 4096

func runFile(ctx context.Context, p *Pipeline, file int, path string, opt *Options) error {
	c, f, err := openCapture(path, opt)
	if err != nil {
		return &FileError{File: file, Err: err}
	}
	defer f.Close()
	defer c.Close()
	p.Begin(file, path)
	readErr := RunSource(ctx, p, c, opt.Progress)
	p.End(c.Stats(), readErr)
	return fileEnd(file, path, c.Stats(), readErr, opt)
}

// fileEnd reports the end of a file to opt.FileEnd, and returns a *FileError when the
// file was damaged before its first packet: a capture of which nothing could be read
// was not read, whatever its header said.
func fileEnd(file int, path string, st capture.Stats, readErr error, opt *Options) error {
	if opt.FileEnd != nil {
		opt.FileEnd(FileEnd{File: file, Name: path, Stats: st, ReadErr: readErr})
	}
	var ce *capture.Error
	if st.Packets == 0 && errors.As(readErr, &ce) {
		return &FileError{File: file, Err: readErr}
	}
	return nil
}

// RunSource feeds every packet of src to p until src ends, fails or ctx is cancelled.
// It returns the error that ended the source early (a *capture.Error for a damaged file,
// ctx's error), nil at a proper end. The caller calls p.Begin before and p.End after.
func RunSource(ctx context.Context, p *Pipeline, src capture.Source, prog *Progress) error {
	var n uint64
	defer func() {
		if prog != nil {
			prog.Packets.Add(n % progressEvery)
		}
	}()
	for {
		data, ci, err := src.ReadPacket()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		p.Packet(data, &ci)
		n++
		if n%progressEvery == 0 {
			if prog != nil {
				prog.Packets.Add(progressEvery)
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
}

// A batch carries packets from the reader of a file to one shard worker.
type batch struct {
	data []byte
	recs []batchRec
}

// batchRec is one packet of a batch: its bytes in data, and its capture information
// packed (a CaptureInfo holds a time.Time, twice the size).
type batchRec struct {
	off, n int32
	length int32
	iface  int32
	ts     int64
	number uint64
	lt     layers.LinkType
}

const (
	batchBytes   = 256 << 10
	batchPackets = 2048
)

// runSharded reads each file with one goroutine and spreads its packets over w
// workers by a hash of their flow, so both directions of a flow meet in one worker.
func runSharded(ctx context.Context, paths []string, newSink func() Sink, opt Options, w int) ([]Sink, []error) {
	sinks := make([]Sink, w)
	pipes := make([]*Pipeline, w)
	for i := range w {
		sinks[i] = newSink()
		pipes[i] = NewPipeline(sinks[i], opt.Config)
	}
	var errs []error
	for file, path := range paths {
		if ctx.Err() != nil {
			break
		}
		if err := runFileSharded(ctx, pipes, file, path, &opt); err != nil {
			errs = append(errs, err)
		}
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return sinks, errs
}

func runFileSharded(ctx context.Context, pipes []*Pipeline, file int, path string, opt *Options) error {
	c, f, err := openCapture(path, opt)
	if err != nil {
		return &FileError{File: file, Err: err}
	}
	defer f.Close()
	defer c.Close()
	w := len(pipes)
	free := make(chan *batch, 4*w)
	for range 4 * w {
		free <- &batch{data: make([]byte, 0, batchBytes), recs: make([]batchRec, 0, batchPackets)}
	}
	work := make([]chan *batch, w)
	var wg sync.WaitGroup
	for i, p := range pipes {
		p.Begin(file, path)
		work[i] = make(chan *batch, 4)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ci capture.CaptureInfo
			for b := range work[i] {
				for j := range b.recs {
					r := &b.recs[j]
					ci = capture.CaptureInfo{Number: r.number, Timestamp: time.Unix(0, r.ts), CaptureLength: int(r.n),
						Length: int(r.length), InterfaceIndex: int(r.iface), LinkType: r.lt}
					p.Packet(b.data[r.off:r.off+r.n], &ci)
				}
				b.data, b.recs = b.data[:0], b.recs[:0]
				free <- b
			}
		}()
	}
	readErr := readSharded(ctx, c, work, free, opt.Progress)
	for _, ch := range work {
		close(ch)
	}
	wg.Wait()
	for i, p := range pipes {
		if i == 0 {
			p.End(c.Stats(), readErr)
		} else {
			p.End(capture.Stats{}, nil)
		}
	}
	return fileEnd(file, path, c.Stats(), readErr, opt)
}

// readSharded is the reader's loop: decode just enough to find the flow, copy the packet
// into its worker's batch.
func readSharded(ctx context.Context, src capture.Source, work []chan *batch, free chan *batch, prog *Progress) error {
	var dec decode.Decoder
	var pk decode.Packet
	cur := make([]*batch, len(work))
	for i := range cur {
		cur[i] = <-free
	}
	var n uint64
	flush := func() {
		for i, b := range cur {
			if len(b.recs) > 0 {
				work[i] <- b
				cur[i] = <-free
			}
		}
		if prog != nil {
			prog.Packets.Add(n % progressEvery)
		}
	}
	for {
		data, ci, err := src.ReadPacket()
		if err != nil {
			flush()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		shard, ok := quickShard(ci.LinkType, data, len(work))
		if !ok && dec.Decode(ci.LinkType, data, &pk) == nil {
			shard = shardOf(&pk, len(work))
		}
		b := cur[shard]
		if len(b.recs) == cap(b.recs) || len(b.data)+len(data) > cap(b.data) {
			work[shard] <- b
			b = <-free
			cur[shard] = b
		}
		if len(data) > cap(b.data) {
			continue // larger than a batch: no link layer carries such a frame
		}
		off := len(b.data)
		b.data = append(b.data, data...)
		b.recs = append(b.recs, batchRec{off: int32(off), n: int32(len(data)), length: int32(ci.Length), iface: int32(ci.InterfaceIndex),
			ts: ci.Timestamp.UnixNano(), number: ci.Number, lt: ci.LinkType})
		n++
		if n%progressEvery == 0 {
			if prog != nil {
				prog.Packets.Add(progressEvery)
			}
			if ctx.Err() != nil {
				flush()
				return ctx.Err()
			}
		}
	}
}

// shardOf picks the worker of a packet's flow: a hash of its two endpoints that is the
// same in both directions (IPv6 by addresses alone, as quickShard). Packets without IP go
// to worker 0.
func shardOf(p *decode.Packet, n int) int {
	if p.Layers&(decode.LayerIPv4|decode.LayerIPv6) == 0 {
		return 0
	}
	sp, dp := p.SrcPort, p.DstPort
	if p.Layers&decode.LayerIPv6 != 0 {
		sp, dp = 0, 0
	}
	return int((endpointHash(p.SrcIP.As16(), sp) ^ endpointHash(p.DstIP.As16(), dp)) % uint64(n))
}

// quickShard is shardOf without decoding the whole packet: it finds the IP addresses
// (and, for IPv4 TCP and UDP, the ports) of Ethernet, Linux cooked and raw IP frames.
// It must send every packet of a flow where shardOf does: the ports are only used where
// package decode takes them for the flow key too (IPv6 is hashed by addresses alone, as
// extension headers could hide the ports). ok is false when it cannot tell.
func quickShard(lt layers.LinkType, b []byte, n int) (shard int, ok bool) {
	var et uint16
	off := 0
	switch lt {
	case layers.LinkTypeEthernet:
		if len(b) < 14 {
			return 0, false
		}
		et, off = binary.BigEndian.Uint16(b[12:]), 14
		for et == decode.EtherTypeVLAN || et == decode.EtherTypeQinQ || et == decode.EtherTypeQinQ1 {
			if len(b) < off+4 {
				return 0, false
			}
			et, off = binary.BigEndian.Uint16(b[off+2:]), off+4
		}
	case layers.LinkTypeLinuxSLL:
		if len(b) < 16 {
			return 0, false
		}
		et, off = binary.BigEndian.Uint16(b[14:]), 16
	case layers.LinkTypeRaw:
		if len(b) < 1 {
			return 0, false
		}
		switch b[0] >> 4 {
		case 4:
			et = decode.EtherTypeIPv4
		case 6:
			et = decode.EtherTypeIPv6
		}
	default:
		return 0, false
	}
	ip := b[off:]
	switch et {
	case decode.EtherTypeIPv4:
		if len(ip) < 20 || ip[0]>>4 != 4 {
			return 0, false
		}
		ihl := int(ip[0]&0x0f) * 4
		var ap, zp uint16
		frag := binary.BigEndian.Uint16(ip[6:]) & 0x1fff
		if (ip[9] == decode.ProtoTCP || ip[9] == decode.ProtoUDP) && frag == 0 {
			if ihl < 20 || len(ip) < ihl+4 {
				return 0, false
			}
			ap, zp = binary.BigEndian.Uint16(ip[ihl:]), binary.BigEndian.Uint16(ip[ihl+2:])
		}
		return int((endpointHash4(ip[12:16], ap) ^ endpointHash4(ip[16:20], zp)) % uint64(n)), true
	case decode.EtherTypeIPv6:
		if len(ip) < 40 {
			return 0, false
		}
		return int((endpointHash([16]byte(ip[8:24]), 0) ^ endpointHash([16]byte(ip[24:40]), 0)) % uint64(n)), true
	}
	return 0, true // not IP: worker 0, as shardOf
}

// endpointHash4 is endpointHash of an IPv4 address as netip.Addr.As16 spreads it
// (::ffff:a.b.c.d), without building the 16 bytes.
func endpointHash4(v4 []byte, port uint16) uint64 {
	return mixEndpoint(uint64(binary.LittleEndian.Uint32(v4))<<32|0xffff0000, port)
}

func endpointHash(a [16]byte, port uint16) uint64 {
	return mixEndpoint(binary.LittleEndian.Uint64(a[:8])*0x9e3779b97f4a7c15^binary.LittleEndian.Uint64(a[8:]), port)
}

func mixEndpoint(h uint64, port uint16) uint64 {
	h ^= uint64(port) << 17
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	return h
}
