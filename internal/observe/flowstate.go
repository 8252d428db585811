package observe

import (
	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// maxOps is how many kinds of operation a flow counts by name; conversations use few
// (a Modbus poller two or three function codes), and the rest are counted in OpsOver.
const maxOps = 24

// maxFramingBeforeGivingUp is how many framing errors a flow may give before any PDU was
// cut from it, after which its port is taken to lie about its protocol.
const maxFramingBeforeGivingUp = 3

// orientPDUs is how many of a flow's first PDUs are offered to its protocol's Role
// when neither a handshake nor a server port oriented the flow.
const orientPDUs = 8

// probePackets is how many payload-carrying packets of an unrecognised flow are offered
// to the protocols' Detect functions.
const probePackets = 4

// flowState is the pipeline's state of one flow (decode.Flow.User), pooled so that new
// flows do not allocate once the pool is warm.
type flowState struct {
	app     App
	claimed App   // the protocol the port named, kept when the payload turned out otherwise
	probes  uint8 // payload packets still to offer to Detect functions
	// orientLeft is how many more PDUs may be offered to the protocol's Role.
	orientLeft uint8
	raw        bool // TCP protocol without framing: handler gets segments
	bound      [2]bool
	mac        [2][6]byte // source MAC by decode.Dir
	dstMAC     [2][6]byte // destination MAC by decode.Dir (a broadcast, a router, or the peer)
	hasVLAN    bool
	vlan       uint16
	pdus       uint64

	nops    uint8
	ops     [maxOps]OpCount // Count indexed by decode.Dir until the flow ends
	opsOver uint32

	naddrs   uint8
	addrs    [MaxAddresses]uint16
	addrOver bool

	anomalies [numFlowAnomalies]uint32
	at        Provenance
	ext       any    // the handler's per-flow state
	extOwner  App    // the protocol whose handler set ext
	once      uint32 // Conn.Once bits
}

func (s *flowState) reset() {
	*s = flowState{}
}

func (s *flowState) op(code uint32, class protocols.OpClass, dir decode.Dir) {
	for i := range s.ops[:s.nops] {
		if o := &s.ops[i]; o.Code == code {
			o.Count[dir]++
			if o.Class == protocols.OpNone {
				o.Class = class
			}
			return
		}
	}
	if int(s.nops) == maxOps {
		s.opsOver++
		return
	}
	s.ops[s.nops] = OpCount{Code: code, Class: class}
	s.ops[s.nops].Count[dir] = 1
	s.nops++
}

func (s *flowState) address(a uint16) {
	for _, x := range s.addrs[:s.naddrs] {
		if x == a {
			return
		}
	}
	if int(s.naddrs) == MaxAddresses {
		s.addrOver = true
		return
	}
	s.addrs[s.naddrs] = a
	s.naddrs++
}

// statePool hands out flow states, growing in blocks so that *flowState stays valid.
type statePool struct {
	free []*flowState
}

const stateBlock = 256

func (p *statePool) get() *flowState {
	if len(p.free) == 0 {
		block := make([]flowState, stateBlock)
		for i := range block {
			p.free = append(p.free, &block[i])
		}
	}
	s := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	return s
}

func (p *statePool) put(s *flowState) {
	s.reset()
	p.free = append(p.free, s)
}
