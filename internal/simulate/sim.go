package simulate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
	"github.com/zonewarden/zonewarden/internal/simulate/wire"
)

// Scenario selects what the simulator injects into the plant's normal traffic.
type Scenario uint8

const (
	// Normal is the plant's own traffic only: everything the conduits allow.
	Normal Scenario = iota
	// Attack adds the events a monitor must catch (see docs/simulate.md).
	Attack
)

// String returns the scenario's name as the command line spells it.
func (sc Scenario) String() string {
	if sc == Attack {
		return "attack"
	}
	return "normal"
}

// ParseScenario returns the scenario named s.
func ParseScenario(s string) (Scenario, error) {
	switch s {
	case "normal", "":
		return Normal, nil
	case "attack":
		return Attack, nil
	}
	return 0, fmt.Errorf("unknown scenario %q (want normal or attack)", s)
}

// DefaultStart is the virtual time a capture starts at unless Options.Start says
// otherwise; a fixed start keeps captures reproducible.
var DefaultStart = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// Options say what to simulate and for how long.
type Options struct {
	Seed     uint64
	Scenario Scenario
	// Duration is the simulated time to cover; Size the capture size in bytes to reach.
	// The run stops at whichever comes first; at least one must be set.
	Duration time.Duration
	Size     int64
	Start    time.Time
	Format   pcapw.Format
	// Progress, when set, is called now and then with the fraction done (0 to 1).
	Progress func(done float64)
}

// ErrNothing says the model gives the simulator nothing to do.
var ErrNothing = errors.New("nothing to simulate: no asset of the model has anything to send (add assets with addresses and the conduits between their zones)")

// Check reports whether m gives the simulator anything to simulate.
func Check(m *model.Model) error {
	if len(m.Assets) == 0 && len(m.Conduits) == 0 {
		return fmt.Errorf("the model has no assets and no conduits: %w", ErrNothing)
	}
	if len(m.Assets) == 0 {
		return fmt.Errorf("the model has conduits but no assets: nothing to simulate (add the assets that talk over them)")
	}
	return nil
}

// sim is one run of the simulator.
type sim struct {
	opts  Options
	p     *plant
	rng   *rand.Rand
	now   int64 // virtual time, ns since the start
	start int64 // Unix ns of virtual time 0
	w     *pcapw.Writer
	q     queue
	frame []byte // the frame being built
	aux   []byte // scratch for encodings nested inside others
	pkts  uint64
	err   error

	flows  []*flowStat
	flowIx map[flowKey]*flowStat
	events []*eventRec
	sc     *scenario
	pairs  []pair
	dcp    []*dcpActor
	goose  []*gooseActor
}

// Run simulates the plant m as opts say and writes the capture to w. It returns the
// ground truth of what it wrote. The context stops a run early with its error.
func Run(ctx context.Context, m *model.Model, opts Options, w io.Writer) (*Truth, error) {
	if err := Check(m); err != nil {
		return nil, err
	}
	if opts.Duration <= 0 && opts.Size <= 0 {
		return nil, errors.New("give a duration or a size (or both)")
	}
	if opts.Start.IsZero() {
		opts.Start = DefaultStart
	}
	if opts.Format == 0 {
		opts.Format = pcapw.PcapNG
	}
	pw, err := pcapw.NewWriter(w, opts.Format, pcapw.Options{
		Application: "zonewarden simulate",
		Interface:   "sim0",
		Description: "simulated SPAN of every zone's VLAN: " + m.System.Name,
	})
	if err != nil {
		return nil, err
	}
	s := &sim{
		opts:   opts,
		rng:    rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5a17_c0de_0bad_cafe)),
		start:  opts.Start.UnixNano(),
		w:      pw,
		frame:  make([]byte, 0, 2048),
		aux:    make([]byte, 0, 2048),
		flowIx: map[flowKey]*flowStat{},
	}
	s.p = newPlant(m)
	s.deriveIdentities()
	s.schedulePlant()
	if opts.Scenario == Attack {
		s.planAttack()
	}
	if s.q.len() == 0 {
		return nil, ErrNothing
	}
	if err := s.loop(ctx); err != nil {
		return nil, err
	}
	if err := pw.Flush(); err != nil {
		return nil, err
	}
	return s.truth(), nil
}

// loop runs the actors in time order until the duration or size is reached.
func (s *sim) loop(ctx context.Context) error {
	end := int64(-1)
	if s.opts.Duration > 0 {
		end = int64(s.opts.Duration)
	}
	size := s.opts.Size
	var progressAt float64
	for n := 0; s.q.len() > 0; n++ {
		if n&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if s.opts.Progress != nil {
				if p := s.progress(); p >= progressAt {
					s.opts.Progress(p)
					progressAt = p + 0.005
				}
			}
		}
		if end >= 0 && s.q.peek() >= end {
			s.now = end // the capture covers the whole duration
			break
		}
		if size > 0 && s.w.Written() >= size {
			break
		}
		t := s.q.pop()
		s.now = t.at
		if s.sc != nil {
			s.sc.poll(s)
		}
		if d := t.a.step(s); d >= 0 {
			s.q.push(s.now+d, t.a)
		}
		if s.err != nil {
			return s.err
		}
	}
	if s.opts.Progress != nil {
		s.opts.Progress(1)
	}
	return nil
}

// progress is how far the run is, as the larger of the time and size fractions.
func (s *sim) progress() float64 {
	var p float64
	if s.opts.Duration > 0 {
		p = float64(s.now) / float64(s.opts.Duration)
	}
	if s.opts.Size > 0 {
		if q := float64(s.w.Written()) / float64(s.opts.Size); q > p {
			p = q
		}
	}
	if p > 1 {
		p = 1
	}
	return p
}

// at schedules actor a to run after delay.
func (s *sim) at(delay int64, a actor) { s.q.push(s.now+delay, a) }

// origin says whom a packet counts for: its flow, and the injected event it belongs to.
type origin struct {
	fl *flowStat
	ev *eventRec
}

// emit writes s.frame as the next packet, at the current time.
func (s *sim) emit(o *origin, op protocols.OpClass, key bool) {
	s.pkts++
	var err error
	if o.ev != nil && key {
		err = s.w.WritePacketComment(s.start+s.now, s.frame, o.ev.comment)
	} else {
		err = s.w.WritePacket(s.start+s.now, s.frame)
	}
	if err != nil && s.err == nil {
		s.err = err
	}
	fl := o.fl
	fl.packets++
	fl.bytes += uint64(len(s.frame))
	if fl.first == 0 {
		fl.first = s.pkts
	}
	fl.last = s.pkts
	if op != protocols.OpNone {
		fl.ops |= 1 << op
	}
	if o.ev != nil {
		o.ev.add(s, key)
	}
}

// arpStale is how long a host keeps a neighbour in its ARP cache.
const arpStale = int64(20 * time.Minute)

// needARP reports whether a must resolve b's address first, and records that it has.
func (s *sim) needARP(a, b *host) bool {
	last, ok := a.arpSeen[b.idx]
	if ok && s.now-last < arpStale {
		return false
	}
	a.arpSeen[b.idx] = s.now
	b.arpSeen[a.idx] = s.now // b learns a from the request
	return true
}

// sendARP sends an ARP request from a for b's address, or a's reply to b.
func (s *sim) sendARP(o *origin, a, b *host, op uint16) {
	e := wire.Eth{Dst: b.mac, Src: a.mac, VLAN: a.zone.vlan}
	tha := b.mac
	if op == wire.ARPRequest {
		e.Dst, tha = wire.Broadcast, wire.MAC{}
	}
	s.frame = wire.AppendARP(s.frame[:0], &e, op, a.mac, a.ip, tha, b.ip)
	s.emit(o, protocols.OpNone, false)
}
