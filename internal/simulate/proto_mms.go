package simulate

import (
	"strings"

	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
)

// MMS exchanges.
const (
	mmConnect = iota
	mmAssociate
	mmIdentify
	mmDomains
	mmRead
)

// Measurements a station HMI or gateway reads from an IED's MMXU logical node.
var mmsItems = []string{"MMXU1$MX$TotW$mag$f", "MMXU1$MX$TotVAr$mag$f", "MMXU1$MX$Hz$mag$f", "MMXU1$MX$PhV$phsA$cVal$mag$f", "MMXU1$MX$A$phsA$cVal$mag$f"}

// mmsProto is an IEC 61850 client (station HMI, gateway, engineering station) and an
// IED: ISO transport and session connection, MMS initiate through presentation and
// ACSE, Identify and the list of logical devices on connect, then measurement reads.
type mmsProto struct {
	fresh  bool
	cycles int
	invoke uint32
	ied    string
	values [3]float32
	items  []string
}

func newMMS(s *sim, server *host) *mmsProto {
	p := &mmsProto{fresh: true, ied: strings.ToUpper(strings.ReplaceAll(server.id, "-", ""))}
	for i := range p.values {
		p.values[i] = float32(s.rng.IntN(10000)) / 10
	}
	return p
}

func (p *mmsProto) refill(s *sim, q *stepQueue) bool {
	if p.fresh {
		p.fresh = false
		p.cycles = 300 + s.rng.IntN(1200)
		q.req(mmConnect, protocols.OpNone)
		q.req(mmAssociate, protocols.OpNone)
		q.req(mmIdentify, protocols.OpRead)
		q.req(mmDomains, protocols.OpRead)
	} else if p.cycles--; p.cycles <= 0 {
		p.fresh = true
		return false
	}
	q.add(step{kind: mmRead, from: cli, op: protocols.OpRead, pause: true})
	q.add(step{kind: mmRead, from: srv, op: protocols.OpRead})
	return true
}

func (p *mmsProto) build(s *sim, c *conv, st *step, b []byte) []byte {
	if st.from == cli && st.kind >= mmIdentify {
		p.invoke++
	}
	switch st.kind {
	case mmConnect:
		if st.from == cli {
			return encode.COTPConnect(b, false, 0, 0x0001, 0x0001, 0x0001)
		}
		return encode.COTPConnect(b, true, 0x0001, uint16(s.rng.Uint32())|1, 0x0001, 0x0001)
	case mmAssociate:
		if st.from == cli {
			return encode.MMSConnectRequest(b)
		}
		return encode.MMSConnectResponse(b)
	case mmIdentify:
		if st.from == cli {
			return encode.MMSIdentifyRequest(b, p.invoke)
		}
		srvHost := c.ends[srv]
		srvHost.reveal(revMMS)
		id := srvHost.ident.mms
		return encode.MMSIdentifyResponse(b, p.invoke, id.Vendor, id.ModelName, id.Revision)
	case mmDomains:
		if st.from == cli {
			return encode.MMSGetDomainsRequest(b, p.invoke)
		}
		var names [3]string
		names[0], names[1], names[2] = p.ied+"PROT", p.ied+"CTRL", p.ied+"MEAS"
		return encode.MMSGetNameListResponse(b, p.invoke, names[:])
	}
	if st.from == cli {
		i := s.rng.IntN(len(mmsItems) - 2)
		return encode.MMSReadRequest(b, p.invoke, p.ied+"MEAS", mmsItems[i:i+3])
	}
	for i := range p.values {
		p.values[i] += float32(s.rng.IntN(21)-10) / 10
	}
	return encode.MMSReadResponse(b, p.invoke, p.values[:])
}
