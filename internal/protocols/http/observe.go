package http

import (
	"bytes"
	"errors"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is HTTP/1.x on TCP 80 and 8080, or wherever a request or response line starts
// a connection. Embedded web servers of PLCs, HMIs, gateways and switches name their
// software in the Server header and often the device in the login realm; clients name
// theirs in User-Agent.
var App = observe.Register(observe.Protocol{
	Name:      "http",
	TCPPorts:  []uint16{80, 8080},
	DetectTCP: detectHTTP,
	New:       func() observe.Handler { return new(httpHandler) },
	OpName:    httpOpName,
})

// AppSSDP is the simple service discovery protocol (UDP 1900), HTTP's format in
// datagrams: UPnP devices announce themselves with their Server string.
var AppSSDP = observe.Register(observe.Protocol{
	Name:     "ssdp",
	UDPPorts: []uint16{1900},
	New:      func() observe.Handler { return new(httpHandler) },
	OpName:   httpOpName,
})

// The handler is given each segment as it comes (no framing: bodies are not delimited
// by anything a framing function could see without following every message), and reads
// the header blocks that start a segment, which is where clients and servers begin each
// message. A block cut across segments (a long request, or a client that writes its
// request line and its headers apart) is kept per flow and direction until its empty
// line arrives, up to httpPendingMax bytes.
type httpHandler struct {
	m    Message
	pool observe.ExtPool[httpFlow]
}

// httpPendingMax bounds the start of a header block kept while the rest of it is awaited:
// room for the start line and the headers that name software, little to hold per flow.
const httpPendingMax = 4 << 10

// httpFlow holds, per direction, the start of a header block not yet ended.
type httpFlow struct{ pending [2][]byte }

func (h *httpHandler) FlowEnd(ext any) {
	h.pool.Put(ext, func(f *httpFlow) { f.pending[0], f.pending[1] = f.pending[0][:0], f.pending[1][:0] })
}

func (h *httpHandler) flow(c *observe.Conn) *httpFlow { return h.pool.Of(c) }

var httpMethods = [...]string{"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "NOTIFY", "M-SEARCH", "SUBSCRIBE"}

// httpStart reports whether b begins an HTTP/1.x message of a method this handler knows
// or a status line.
func httpStart(b []byte) bool {
	if bytes.HasPrefix(b, []byte("HTTP/1.")) {
		return true
	}
	return httpMethod(b) >= 0
}

// httpMethod returns the index of the method that b starts with (followed by a space), or -1.
func httpMethod(b []byte) int {
	for i, m := range httpMethods {
		if len(b) > len(m) && b[len(m)] == ' ' && string(b[:len(m)]) == m {
			return i
		}
	}
	return -1
}

func (h *httpHandler) Handle(c *observe.Conn, b []byte) {
	var f *httpFlow
	if c.IsTCP() {
		f, _ = c.Ext().(*httpFlow)
	}
	d := c.Dir & 1
	if !httpStart(b) {
		if f != nil && len(f.pending[d]) > 0 {
			h.resume(c, f, b)
		}
		return // otherwise a body, or the rest of a message
	}
	if f != nil {
		f.pending[d] = f.pending[d][:0] // a new message: a cut one before it never ended
	}
	err := Parse(b, &h.m)
	switch {
	case err == nil:
		h.report(c, b)
	case errors.Is(err, ErrIncomplete) && c.IsTCP() && len(b) < httpPendingMax:
		f = h.flow(c)
		f.pending[d] = append(f.pending[d][:0], b...)
	}
}

// resume adds segment b to the header block waiting in b's direction and reads the
// block once its empty line has come; a block still open at httpPendingMax is given up.
func (h *httpHandler) resume(c *observe.Conn, f *httpFlow, b []byte) {
	d := c.Dir & 1
	p := f.pending[d]
	p = append(p, b[:min(len(b), httpPendingMax-len(p))]...)
	err := Parse(p, &h.m)
	if errors.Is(err, ErrIncomplete) && len(p) < httpPendingMax {
		f.pending[d] = p
		return
	}
	f.pending[d] = p[:0]
	if err == nil {
		h.report(c, p)
	}
}

// report takes the identity facts and the operation of the header block just parsed
// into h.m; b is the block's bytes.
func (h *httpHandler) report(c *observe.Conn, b []byte) {
	m := &h.m
	if m.Request {
		c.Op(uint32(httpMethod(b)+1), protocols.OpNone)
		if len(m.UserAgent) > 0 {
			c.Identity(observe.Sender, observe.FieldUserAgent, observe.TrimText(m.UserAgent), observe.High)
		}
		// The name the client asked for: one of the server's names, as far as the
		// client knows (low confidence).
		if host := hostName(m.Host); len(host) > 0 {
			c.Identity(observe.Receiver, observe.FieldServerName, host, observe.Low)
		}
	}
	// SSDP announcements (NOTIFY) and answers name the sender's software in Server.
	if len(m.Server) > 0 {
		c.Identity(observe.Sender, observe.FieldHTTPServer, observe.TrimText(m.Server), observe.High)
	}
	if realm := authRealm(m.WWWAuthenticate); len(realm) > 0 {
		c.Identity(observe.Sender, observe.FieldHTTPRealm, realm, observe.High)
	}
}

// hostName returns the name of a Host header without its port; nil for an address
// literal, which names nothing the address does not.
func hostName(h []byte) []byte {
	h = observe.TrimText(h)
	if len(h) == 0 || h[0] == '[' {
		return nil
	}
	if i := bytes.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	literal := true
	for _, c := range h {
		if (c < '0' || c > '9') && c != '.' {
			literal = false
			break
		}
	}
	if literal || !observe.Printable(h) {
		return nil
	}
	return h
}

// authRealm returns the realm parameter of a WWW-Authenticate challenge.
func authRealm(v []byte) []byte {
	for i := 0; i+6 <= len(v); i++ {
		if (v[i] == 'r' || v[i] == 'R') && asciiEqualFold(v[i:i+6], "realm=") && (i == 0 || v[i-1] == ' ' || v[i-1] == ',') {
			r := v[i+6:]
			if len(r) > 0 && r[0] == '"' {
				r = r[1:]
				if j := bytes.IndexByte(r, '"'); j >= 0 {
					r = r[:j]
				}
			} else if j := bytes.IndexAny(r, ", "); j >= 0 {
				r = r[:j]
			}
			return observe.TrimText(r)
		}
	}
	return nil
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x := b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != s[i] {
			return false
		}
	}
	return true
}

func httpOpName(code uint32) string {
	if code >= 1 && code <= uint32(len(httpMethods)) {
		return httpMethodNames[code-1]
	}
	return ""
}

var httpMethodNames = [...]string{"get", "post", "head", "put", "delete", "options", "patch", "connect", "trace", "notify", "m_search", "subscribe"}

// detectHTTP recognises a connection that starts with a whole HTTP/1.x request header
// block of a known method.
func detectHTTP(b []byte) bool {
	if httpMethod(b) < 0 {
		return false
	}
	var m Message
	return Parse(b, &m) == nil && m.Request
}
