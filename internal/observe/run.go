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
}

func (o *Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// FileError is a capture that could not be read at all.
type FileError struct {
	File int
	Err  error
}

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// RunFiles reads the capture files and reports their observations to sinks made by
// newSink, one per worker, which it returns. A file that cannot be opened as a capture
// gives a *FileError and the other files are still read. A capture that ends early
// (truncated, corrupt) is not an error: its Source reports it. When ctx is cancelled,
// RunFiles stops reading, reports what it has, and returns ctx's error among errs.
func RunFiles(ctx context.Context, paths []string, newSink func() Sink, opt Options) (sinks []Sink, errs []error) {
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
				if err := runFile(ctx, p, file, paths[file], opt.Progress); err != nil {
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

func openCapture(path string, prog *Progress) (*capture.File, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
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

func runFile(ctx context.Context, p *Pipeline, file int, path string, prog *Progress) error {
	c, f, err := openCapture(path, prog)
	if err != nil {
		return &FileError{File: file, Err: err}
	}
	defer f.Close()
	defer c.Close()
	p.Begin(file, path)
	readErr := RunSource(ctx, p, c, prog)
	p.End(c.Stats(), readErr)
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

type batchRec struct {
	off, n int32
	ci     capture.CaptureInfo
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
		if err := runFileSharded(ctx, pipes, file, path, opt.Progress); err != nil {
			errs = append(errs, err)
		}
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return sinks, errs
}

func runFileSharded(ctx context.Context, pipes []*Pipeline, file int, path string, prog *Progress) error {
	c, f, err := openCapture(path, prog)
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
			for b := range work[i] {
				for j := range b.recs {
					r := &b.recs[j]
					p.Packet(b.data[r.off:r.off+r.n], &r.ci)
				}
				b.data, b.recs = b.data[:0], b.recs[:0]
				free <- b
			}
		}()
	}
	readErr := readSharded(ctx, c, work, free, prog)
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
	return nil
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
		shard := 0
		if dec.Decode(ci.LinkType, data, &pk) == nil {
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
		b.recs = append(b.recs, batchRec{off: int32(off), n: int32(len(data)), ci: ci})
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
// same in both directions. Packets without IP go to worker 0.
func shardOf(p *decode.Packet, n int) int {
	if p.Layers&(decode.LayerIPv4|decode.LayerIPv6) == 0 {
		return 0
	}
	return int((endpointHash(p.SrcIP.As16(), p.SrcPort) ^ endpointHash(p.DstIP.As16(), p.DstPort)) % uint64(n))
}

func endpointHash(a [16]byte, port uint16) uint64 {
	h := binary.LittleEndian.Uint64(a[:8])*0x9e3779b97f4a7c15 ^ binary.LittleEndian.Uint64(a[8:])
	h ^= uint64(port) << 17
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	return h
}
