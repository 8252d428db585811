package sshid

import (
	"bytes"
	"errors"
)

// MaxLineLen bounds a line, CR LF included (RFC 4253 4.2 allows 255 bytes for the
// banner; the lines a server may send before it are bounded the same way here).
const MaxLineLen = 255

var (
	errTooLong    = errors.New("sshid: line longer than 255 bytes")
	errNoEOL      = errors.New("sshid: line does not end with LF")
	errMalformed  = errors.New("sshid: identification string lacks its protocol version")
	errNotSSHLine = errors.New("sshid: binary data where a line was expected")
)

// Message is one line of the identification phase.
type Message struct {
	// Banner: the line is an identification string ("SSH-..."); otherwise it is one of
	// the lines a server may send first, kept in Line.
	Banner       bool
	Line         []byte // without the line ending
	ProtoVersion []byte // "2.0"; "1.99" for a server that also speaks SSH 1
	Software     []byte // "OpenSSH_9.2p1"
	Comments     []byte // what follows the first space, "Debian-2+deb12u3"
}

// Product splits Software at its first '_' (or, failing that, '-') into product and
// version: "OpenSSH" and "9.2p1", "Cisco" and "1.25". version is empty when there is no
// separator.
func (m *Message) Product() (product, version []byte) {
	s := m.Software
	if i := bytes.IndexByte(s, '_'); i > 0 {
		return s[:i], s[i+1:]
	}
	if i := bytes.IndexByte(s, '-'); i > 0 {
		return s[:i], s[i+1:]
	}
	return s, nil
}

// PDULen returns the length of the line at the start of b, its line ending included. It
// returns 0 while the line is incomplete and an error when no line ends within
// MaxLineLen bytes or the bytes cannot be an SSH identification-phase line.
func PDULen(b []byte) (int, error) {
	lim := b
	if len(lim) > MaxLineLen {
		lim = lim[:MaxLineLen]
	}
	i := bytes.IndexByte(lim, '\n')
	if i >= 0 {
		lim = lim[:i]
	}
	if bytes.IndexByte(lim, 0) >= 0 {
		return 0, errNotSSHLine // RFC 4253: no NUL in these lines; a binary packet has them
	}
	if i >= 0 {
		return i + 1, nil
	}
	if len(b) >= MaxLineLen {
		return 0, errTooLong
	}
	return 0, nil
}

// Parse decodes one line (as PDULen delimits it) into m, which it resets first. Slices in
// m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	n, err := PDULen(b)
	if err != nil {
		return err
	}
	if n == 0 {
		return errNoEOL
	}
	line := b[:n-1]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	m.Line = line
	if !bytes.HasPrefix(line, []byte("SSH-")) {
		return nil
	}
	m.Banner = true
	rest := line[4:]
	dash := bytes.IndexByte(rest, '-')
	if dash <= 0 {
		return errMalformed
	}
	m.ProtoVersion, rest = rest[:dash], rest[dash+1:]
	if sp := bytes.IndexByte(rest, ' '); sp >= 0 {
		m.Software, m.Comments = rest[:sp], rest[sp+1:]
	} else {
		m.Software = rest
	}
	return nil
}
