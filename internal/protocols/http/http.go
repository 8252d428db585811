package http

import (
	"bytes"
	"errors"
)

// MaxHeaderBytes bounds a header block; a longer one is rejected rather than buffered.
const MaxHeaderBytes = 16 << 10

// MaxMethodLen bounds the method token of a request line.
const MaxMethodLen = 24

// ErrIncomplete is Parse's error for a header block that has not ended yet: its start
// may be all a segment carried, the rest to follow.
var ErrIncomplete = errors.New("http: header block does not end with an empty line")

var (
	errNotHTTP       = errors.New("http: not an HTTP/1.x request or response")
	errTooLong       = errors.New("http: header block longer than MaxHeaderBytes")
	errRequestLine   = errors.New("http: malformed request line")
	errStatusLine    = errors.New("http: malformed status line")
	errHeaderLine    = errors.New("http: header line without a colon")
	errContentLength = errors.New("http: malformed Content-Length")
)

// Message is one HTTP/1.x header block.
type Message struct {
	Request bool

	// Request line
	Method []byte
	Target []byte
	// Status line
	StatusCode int
	Reason     []byte

	Major, Minor uint8 // protocol version: 1.0, 1.1 (0.9 has no header block and is not decoded)

	Host            []byte
	UserAgent       []byte
	Server          []byte
	PoweredBy       []byte // X-Powered-By
	WWWAuthenticate []byte // the first challenge; realm="..." often names the device
	ContentType     []byte
	ContentLength   int64 // -1 when absent
	Chunked         bool  // Transfer-Encoding ends with chunked: the body runs to a zero chunk
	Headers         int   // header lines in the block
	HeaderLen       int   // bytes of the block, empty line included
}

// BodyLen returns how many body bytes follow the header block when the headers say so:
// Content-Length, or 0 for requests without one and for responses that never carry a body
// (1xx, 204, 304). known is false for chunked bodies and for responses delimited by the
// connection's close; the answer to a HEAD request also has no body, which only the caller
// can know.
func (m *Message) BodyLen() (n int64, known bool) {
	switch {
	case !m.Request && (m.StatusCode < 200 || m.StatusCode == 204 || m.StatusCode == 304):
		return 0, true
	case m.Chunked:
		return 0, false
	case m.ContentLength >= 0:
		return m.ContentLength, true
	case m.Request:
		return 0, true
	}
	return 0, false
}

// PDULen returns the length of the header block at the start of b, the empty line that
// ends it included. It returns 0 and no error while the block is incomplete, and an error
// when b does not start like an HTTP/1.x message or no block ends within MaxHeaderBytes.
func PDULen(b []byte) (int, error) {
	if !plausibleStart(b) {
		return 0, errNotHTTP
	}
	lim := b
	if len(lim) > MaxHeaderBytes {
		lim = lim[:MaxHeaderBytes]
	}
	if n := headerEnd(lim); n > 0 {
		return n, nil
	}
	if len(b) >= MaxHeaderBytes {
		return 0, errTooLong
	}
	return 0, nil
}

// plausibleStart reports whether b may begin an HTTP/1.x message: "HTTP/" or a method
// token (upper-case letters, '-' or '_') followed by a space. A prefix too short to tell
// passes.
func plausibleStart(b []byte) bool {
	const resp = "HTTP/"
	if len(b) < len(resp) && string(b) == resp[:len(b)] {
		return true
	}
	return bytes.HasPrefix(b, []byte(resp)) || isMethodPrefix(b)
}

func isMethodPrefix(b []byte) bool {
	for i, c := range b {
		switch {
		case c == ' ':
			return i > 0
		case i >= MaxMethodLen:
			return false
		case (c < 'A' || c > 'Z') && c != '-' && c != '_':
			return false
		}
	}
	return true
}

// headerEnd returns the length up to and including the first empty line (CRLF CRLF, or
// bare LF LF which servers and clients tolerate), or 0.
func headerEnd(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		switch {
		case i+1 < len(b) && b[i+1] == '\n':
			return i + 2
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			return i + 3
		}
	}
	return 0
}

// Parse decodes the header block at the start of b (as PDULen delimits it) into m, which
// it resets first. Slices in m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{ContentLength: -1}
	if len(b) > MaxHeaderBytes {
		b = b[:MaxHeaderBytes]
	}
	end := headerEnd(b)
	if end == 0 {
		if len(b) == MaxHeaderBytes {
			return errTooLong
		}
		return ErrIncomplete
	}
	m.HeaderLen = end
	line, rest := nextLine(b[:end])
	if err := m.startLine(line); err != nil {
		return err
	}
	for {
		line, rest = nextLine(rest)
		if len(line) == 0 {
			return nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue // obsolete line folding: a continuation of the previous value
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return errHeaderLine
		}
		m.Headers++
		if err := m.header(line[:colon], trim(line[colon+1:])); err != nil {
			return err
		}
	}
}

func (m *Message) startLine(line []byte) error {
	if bytes.HasPrefix(line, []byte("HTTP/")) {
		// HTTP/1.1 200 OK
		if len(line) < 12 || line[6] != '.' || line[8] != ' ' || !digit(line[5]) || !digit(line[7]) {
			return errStatusLine
		}
		m.Major, m.Minor = line[5]-'0', line[7]-'0'
		c := line[9:12]
		if !digit(c[0]) || !digit(c[1]) || !digit(c[2]) || (len(line) > 12 && line[12] != ' ') {
			return errStatusLine
		}
		m.StatusCode = int(c[0]-'0')*100 + int(c[1]-'0')*10 + int(c[2]-'0')
		if len(line) > 13 {
			m.Reason = line[13:]
		}
		return nil
	}
	// GET /index.html HTTP/1.1
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 || sp1 > MaxMethodLen || !isMethodPrefix(line[:sp1+1]) {
		return errRequestLine
	}
	sp2 := bytes.LastIndexByte(line, ' ')
	v := line[sp2+1:]
	if sp2 <= sp1+1 || len(v) != 8 || string(v[:5]) != "HTTP/" || v[6] != '.' || !digit(v[5]) || !digit(v[7]) {
		return errRequestLine
	}
	m.Request = true
	m.Method, m.Target = line[:sp1], line[sp1+1:sp2]
	m.Major, m.Minor = v[5]-'0', v[7]-'0'
	return nil
}

// header records the headers an inventory reads. Names are matched without regard to
// case and without a map: by length first, then byte by byte.
func (m *Message) header(name, value []byte) error {
	switch len(name) {
	case 4:
		if equalFold(name, "host") {
			m.Host = value
		}
	case 6:
		if equalFold(name, "server") {
			m.Server = value
		}
	case 10:
		if equalFold(name, "user-agent") {
			m.UserAgent = value
		}
	case 12:
		switch {
		case equalFold(name, "content-type"):
			m.ContentType = value
		case equalFold(name, "x-powered-by"):
			m.PoweredBy = value
		}
	case 14:
		if equalFold(name, "content-length") {
			n, ok := parseLength(value)
			if !ok {
				return errContentLength
			}
			m.ContentLength = n
		}
	case 16:
		if equalFold(name, "www-authenticate") && m.WWWAuthenticate == nil {
			m.WWWAuthenticate = value
		}
	case 17:
		if equalFold(name, "transfer-encoding") {
			// The last coding decides: "gzip, chunked" is chunked.
			v := value
			if i := bytes.LastIndexByte(v, ','); i >= 0 {
				v = trim(v[i+1:])
			}
			m.Chunked = len(v) == 7 && equalFold(v, "chunked")
		}
	}
	return nil
}

// parseLength parses a Content-Length value: decimal digits, at most 18 of them.
func parseLength(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !digit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// nextLine splits off the first line without its CRLF or LF.
func nextLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil
	}
	line, rest = b[:i], b[i+1:]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, rest
}

func trim(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// equalFold compares b with the lower-case ASCII string s, ignoring the case of b.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func digit(c byte) bool { return '0' <= c && c <= '9' }
