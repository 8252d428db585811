package fox

import (
	"bytes"
	"errors"
)

// Port is Niagara Fox's TCP port (4911 is Fox over TLS, which the tls dissector sees).
const Port = 1911

// Bounds on what one message may hold, so that a hostile stream cannot make the framer
// or the parser wait or work without end.
const (
	// MaxMessage bounds a whole message, header and body.
	MaxMessage = 64 << 10
	// MaxLine bounds one line of the header or the body (a length-prefixed value may be
	// longer, up to MaxMessage).
	MaxLine = 4096
	// MaxFields bounds the fields kept from one body; the rest are counted in Dropped.
	MaxFields = 48
)

var (
	errNotFox    = errors.New("fox: not a Fox message header")
	errTooLong   = errors.New("fox: message longer than 64 KiB")
	errLine      = errors.New("fox: line longer than 4 KiB")
	errBody      = errors.New("fox: malformed message body")
	errTruncated = errors.New("fox: message ends before its body does")
)

// Field is one "key=type:value" line of a message body. Value aliases the parsed bytes;
// a length-prefixed value ("b:44[...]", "o:bog 61[...]") is the bytes inside the brackets.
type Field struct {
	Key   []byte
	Type  byte // 's' string, 'i' integer, 'b' blob, 'o' object, 'z' boolean, ...
	Value []byte
}

// Message is one Fox message: its header line ("fox a 1 -1 fox hello") and the fields of
// its body.
type Message struct {
	// Kind is the header's second token ('a' in the messages seen; kept as written), ID
	// its sequence number and ReplyTo the number it answers (-1 for none).
	Kind    byte
	ID      int
	ReplyTo int
	Channel []byte // "fox"
	Command []byte // "hello", "challenge", ...
	Fields  []Field
	// Dropped counts body fields beyond MaxFields.
	Dropped int
	fields  [MaxFields]Field
}

// Get returns the value of the first field called key.
func (m *Message) Get(key string) ([]byte, bool) {
	for i := range m.Fields {
		if string(m.Fields[i].Key) == key {
			return m.Fields[i].Value, true
		}
	}
	return nil, false
}

// PDULen returns the length of the message at the start of b: its header line, and when
// a body follows ("{" on the next line) everything up to and including the line "};;".
// It returns 0 while the message is incomplete and an error when b cannot be a Fox
// message or it exceeds MaxMessage.
func PDULen(b []byte) (int, error) {
	n, err := scan(b, nil, false)
	if errors.Is(err, errTruncated) {
		if len(b) >= MaxMessage {
			return 0, errTooLong
		}
		return 0, nil
	}
	return n, err
}

// Parse parses the message that b holds whole (as PDULen framed it) into m. Slices in m
// alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{ReplyTo: -1}
	_, err := scan(b, m, true)
	return err
}

// scan walks one message, filling m when it is not nil, and returns its length. whole
// says b ends where the message does (a framed message): a header with nothing after it
// is then a message without a body, where a stream would wait for the body to come.
func scan(b []byte, m *Message, whole bool) (int, error) {
	line, rest, ok := cutLine(b)
	if !ok {
		if len(b) > MaxLine || bytes.IndexByte(b, '\n') >= 0 {
			return 0, errLine
		}
		if !headerPrefix(b) {
			return 0, errNotFox
		}
		return 0, errTruncated
	}
	if err := header(line, m); err != nil {
		return 0, err
	}
	n := len(b) - len(rest)
	if len(rest) == 0 {
		if whole {
			return n, nil
		}
		return 0, errTruncated // the body may follow
	}
	if rest[0] != '{' {
		return n, nil // a message without a body
	}
	open, rest, ok := cutLine(rest)
	if !ok {
		return 0, errTruncated
	}
	if string(trimCR(open)) != "{" {
		return 0, errBody
	}
	n += len(open) + 1
	for {
		if n > MaxMessage {
			return 0, errTooLong
		}
		if len(rest) == 0 {
			return 0, errTruncated
		}
		if rest[0] == '}' {
			end, after, ok := cutLine(rest)
			if !ok {
				return 0, errTruncated
			}
			if string(trimCR(end)) != "};;" {
				return 0, errBody
			}
			_ = after
			return n + len(end) + 1, nil
		}
		used, err := field(rest, m)
		if err != nil {
			return 0, err
		}
		n += used
		rest = rest[used:]
	}
}

// field reads one "key=type:value" line (or a length-prefixed value that may span lines)
// at the start of b and returns how many bytes it took, its line ending included.
func field(b []byte, m *Message) (int, error) {
	eq := bytes.IndexByte(b[:min(len(b), MaxLine)], '=')
	if eq <= 0 {
		if bytes.IndexByte(b[:min(len(b), MaxLine)], '\n') >= 0 || len(b) > MaxLine {
			return 0, errBody
		}
		return 0, errTruncated
	}
	key := b[:eq]
	if bytes.IndexByte(key, '\n') >= 0 {
		return 0, errBody
	}
	v := b[eq+1:]
	if len(v) < 2 {
		return 0, errTruncated
	}
	if v[1] != ':' {
		return 0, errBody
	}
	typ := v[0]
	v = v[2:]
	var value []byte
	var used int
	// A value "LEN[...]" after an optional word ("o:bog 61[...]") holds LEN bytes.
	if lb, ln, ok := lengthPrefix(v); ok {
		start := lb + 1
		if len(v) < start+ln+2 {
			if start+ln+2 > MaxMessage {
				return 0, errTooLong
			}
			return 0, errTruncated
		}
		if v[start+ln] != ']' {
			return 0, errBody
		}
		value = v[start : start+ln]
		tail := v[start+ln+1:]
		nl := bytes.IndexByte(tail[:min(len(tail), MaxLine)], '\n')
		if nl < 0 {
			if len(tail) > MaxLine {
				return 0, errLine
			}
			return 0, errTruncated
		}
		used = eq + 1 + 2 + start + ln + 1 + nl + 1
	} else {
		nl := bytes.IndexByte(v[:min(len(v), MaxLine)], '\n')
		if nl < 0 {
			if len(v) > MaxLine {
				return 0, errLine
			}
			return 0, errTruncated
		}
		value = trimCR(v[:nl])
		used = eq + 1 + 2 + nl + 1
	}
	if m != nil {
		if len(m.Fields) < MaxFields {
			m.Fields = m.fields[:len(m.Fields)+1]
			m.Fields[len(m.Fields)-1] = Field{Key: key, Type: typ, Value: value}
		} else {
			m.Dropped++
		}
	}
	return used, nil
}

// lengthPrefix finds "LEN[" at the start of v, or after one word and a space ("bog
// 61["), before the line ends: the index of '[' and LEN.
func lengthPrefix(v []byte) (bracket, n int, ok bool) {
	limit := min(len(v), 64)
	line := v[:limit]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	br := bytes.IndexByte(line, '[')
	if br <= 0 {
		return 0, 0, false
	}
	digits := line[:br]
	if sp := bytes.LastIndexByte(digits, ' '); sp >= 0 {
		digits = digits[sp+1:]
	}
	if len(digits) == 0 || len(digits) > 6 {
		return 0, 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
	}
	n, _ = atoi(digits)
	return br, n, true
}

// header parses "fox KIND ID REPLYTO CHANNEL COMMAND".
func header(line []byte, m *Message) error {
	line = trimCR(line)
	if !bytes.HasPrefix(line, []byte("fox ")) {
		return errNotFox
	}
	var tok [6][]byte
	n := 0
	for rest := line; len(rest) > 0; {
		rest = bytes.TrimLeft(rest, " ")
		if len(rest) == 0 {
			break
		}
		if n == len(tok) {
			return errNotFox
		}
		end := bytes.IndexByte(rest, ' ')
		if end < 0 {
			end = len(rest)
		}
		tok[n], rest = rest[:end], rest[end:]
		n++
	}
	if n != 6 || len(tok[1]) != 1 {
		return errNotFox
	}
	id, ok1 := atoi(tok[2])
	reply, ok2 := atoi(tok[3])
	if !ok1 || !ok2 {
		return errNotFox
	}
	if m != nil {
		m.Kind, m.ID, m.ReplyTo, m.Channel, m.Command = tok[1][0], id, reply, tok[4], tok[5]
	}
	return nil
}

// atoi reads a decimal integer of at most 9 digits, with an optional minus sign.
func atoi(b []byte) (int, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// headerPrefix reports whether b could be the start of a Fox header line.
func headerPrefix(b []byte) bool {
	p := []byte("fox ")
	if len(b) < len(p) {
		return bytes.HasPrefix(p, b)
	}
	return bytes.HasPrefix(b, p)
}

// cutLine splits b at its first LF (within MaxLine bytes).
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b[:min(len(b), MaxLine+1)], '\n')
	if i < 0 {
		return nil, b, false
	}
	return b[:i], b[i+1:], true
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}
