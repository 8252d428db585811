package sshid

import (
	"bytes"

	"github.com/zonewarden/zonewarden/internal/observe"
)

// App is SSH (TCP 22, or wherever a connection starts with an identification
// string). Both ends send their identification string in clear before anything else;
// it names the software and often the operating system or the vendor's stack.
var App = observe.Register(observe.Protocol{
	Name:      "ssh",
	TCPPorts:  []uint16{22},
	DetectTCP: detectSSH,
	New:       func() observe.Handler { return new(sshHandler) },
})

// The handler is given each segment as it comes (the binary packets after the banners
// have no framing a line reader could follow) and reads lines at the start of each
// side's stream until the banner; a side is done with once its banner, or anything that
// is not a line, was seen.
type sshHandler struct{ m Message }

// maxSSHLines bounds the lines read from one segment: a server may send a few lines
// before its banner.
const maxSSHLines = 8

func (h *sshHandler) Handle(c *observe.Conn, b []byte) {
	done := uint8(c.Dir) // Once bit of this side
	if c.OnceDone(done) {
		return
	}
	m := &h.m
	for range maxSSHLines {
		if len(b) == 0 {
			return // the next segment goes on
		}
		if err := Parse(b, m); err != nil {
			// Binary data or an overlong line: a capture that started after the banners.
			c.Once(done)
			return
		}
		if m.Banner {
			c.Once(done)
			c.Identity(observe.Sender, observe.FieldSSHBanner, m.Line, observe.High)
			return
		}
		b = b[len(m.Line):]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	c.Once(done)
}

// detectSSH recognises a connection that starts with an SSH identification string,
// after the few lines of text a server may send before it.
func detectSSH(b []byte) bool {
	for range maxSSHLines {
		n, err := PDULen(b)
		if err != nil || n == 0 {
			return false
		}
		if bytes.HasPrefix(b, []byte("SSH-2.0-")) || bytes.HasPrefix(b, []byte("SSH-1.99-")) || bytes.HasPrefix(b, []byte("SSH-1.5-")) {
			return true
		}
		b = b[n:]
	}
	return false
}
