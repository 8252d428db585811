package simulate

import (
	"fmt"
	"time"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// OPC UA exchanges.
const (
	uaHello = iota
	uaOpen
	uaCreate
	uaActivate
	uaRead
	uaCloseSession
	uaCloseChannel
)

// Nodes a historian reads from a SCADA server's OPC UA address space.
var uaNodes = []string{"Intake.Flow", "Intake.Level", "Filter1.Level", "Filter2.Level", "Cl2.Residual", "Distribution.Pressure"}

// opcuaProto is an OPC UA client (a historian) and server: Hello, OpenSecureChannel
// with security None, CreateSession and ActivateSession, cyclic Reads, then
// CloseSession and CloseSecureChannel.
type opcuaProto struct {
	fresh   bool
	closing bool
	cycles  int
	h       encode.UAHeader
	url     string
	session uint32
	values  [3]float64
	fill    encode.Filler
	client  encode.UAApplication
	server  encode.UAApplication
}

func newOPCUA(s *sim, c, srvH *host, port uint16) *opcuaProto {
	p := &opcuaProto{fresh: true, fill: encode.NewFiller(s.rng.Uint64()),
		url: fmt.Sprintf("opc.tcp://%s:%d", srvH.ipString(), port)}
	p.client = encode.UAApplication{URI: c.ident.appURI, ProductURI: "urn:" + normVendorDash(c), Name: c.ident.appName, Type: 1}
	p.server = encode.UAApplication{URI: srvH.ident.appURI, ProductURI: "urn:" + normVendorDash(srvH), Name: srvH.ident.appName, Type: 0}
	for i := range p.values {
		p.values[i] = float64(s.rng.IntN(100000)) / 100
	}
	return p
}

func normVendorDash(h *host) string {
	v := "zonewarden-sim"
	if h.asset != nil && h.asset.Vendor != "" {
		v = normVendor(h.asset.Vendor)
	}
	out := []byte(v)
	for i := range out {
		if out[i] == ' ' {
			out[i] = '-'
		}
	}
	return string(out)
}

func (p *opcuaProto) refill(s *sim, q *stepQueue) bool {
	if p.closing {
		p.closing, p.fresh = false, true
		return false
	}
	if p.fresh {
		p.fresh = false
		p.cycles = 300 + s.rng.IntN(1200)
		p.h = encode.UAHeader{}
		q.req(uaHello, protocols.OpNone)
		q.req(uaOpen, protocols.OpNone)
		q.req(uaCreate, protocols.OpNone)
		q.req(uaActivate, protocols.OpNone)
	} else if p.cycles--; p.cycles <= 0 {
		q.req(uaCloseSession, protocols.OpNone)
		q.add(step{kind: uaCloseChannel, from: cli})
		p.closing = true
		return true
	}
	q.add(step{kind: uaRead, from: cli, op: protocols.OpRead, pause: true})
	q.add(step{kind: uaRead, from: srv, op: protocols.OpRead})
	return true
}

func (p *opcuaProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	p.h.Time = time.Unix(0, s.start+s.now).UTC()
	if st.from == cli {
		p.h.Seq++
		p.h.RequestID++
		p.h.Handle++
	} else {
		p.h.Seq++
	}
	switch st.kind {
	case uaHello:
		if st.from == cli {
			return encode.UAHello(b, p.url)
		}
		return encode.UAAcknowledge(b)
	case uaOpen:
		if st.from == cli {
			return encode.UAOpenRequest(b, &p.h)
		}
		p.h.Channel, p.h.Token = s.rng.Uint32()|1, 1
		return encode.UAOpenResponse(b, &p.h)
	case uaCreate:
		if st.from == cli {
			return encode.UACreateSessionRequest(b, &p.h, &p.client, p.url, c.ends[cli].id, &p.fill)
		}
		p.session = s.rng.Uint32()
		p.h.AuthToken = s.rng.Uint32() | 0x100
		c.ends[srv].reveal(revOPCUA)
		return encode.UACreateSessionResponse(b, &p.h, &p.server, p.url, p.session, &p.fill)
	case uaActivate:
		if st.from == cli {
			return encode.UAActivateSessionRequest(b, &p.h)
		}
		return encode.UAActivateSessionResponse(b, &p.h, &p.fill)
	case uaRead:
		if st.from == cli {
			i := s.rng.IntN(len(uaNodes) - 2)
			return encode.UAReadRequest(b, &p.h, 2, uaNodes[i:i+3])
		}
		for i := range p.values {
			p.values[i] += float64(s.rng.IntN(201)-100) / 100
		}
		return encode.UAReadResponse(b, &p.h, p.values[:])
	case uaCloseSession:
		if st.from == cli {
			return encode.UACloseSessionRequest(b, &p.h)
		}
		return encode.UACloseSessionResponse(b, &p.h)
	}
	return encode.UACloseChannel(b, &p.h)
}
