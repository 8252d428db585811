package sink

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
)

// Syslog transports.
const (
	SyslogUDP = "udp" // RFC 5426: one message per datagram
	SyslogTCP = "tcp" // RFC 6587 octet counting: "LEN SP MSG"
	SyslogTLS = "tls" // RFC 5425: the same framing inside TLS
)

// Default syslog ports: 514 for UDP and TCP, 6514 for TLS (RFC 5425).
const (
	DefaultSyslogPort    = "514"
	DefaultSyslogTLSPort = "6514"
)

// DefaultMaxDatagram is the largest UDP message sent: rsyslog's and syslog-ng's default
// maximum message size. RFC 5426 only promises 480 bytes (IPv4) or 1180 (IPv6), so
// receivers with a smaller limit need SyslogConfig.MaxDatagram.
const DefaultMaxDatagram = 8192

// SyslogConfig describes a syslog receiver.
type SyslogConfig struct {
	// Network is SyslogUDP, SyslogTCP or SyslogTLS.
	Network string
	// Addr is host:port.
	Addr string
	// TLS configures SyslogTLS: RootCAs for a private CA, Certificates for mutual
	// authentication. ServerName defaults to Addr's host; nil means system roots.
	TLS *tls.Config
	// Options fill the RFC 5424 header; Hostname defaults to os.Hostname.
	Options alert.SyslogOptions
	// DialTimeout and WriteTimeout bound connecting and sending one message; 5 s each
	// when 0.
	DialTimeout, WriteTimeout time.Duration
	// MaxDatagram bounds a UDP message; DefaultMaxDatagram when 0. A longer alert is
	// sent without its details, and fails if it is still too long.
	MaxDatagram int
}

// ParseSyslogURL reads a receiver given as udp://host[:port], tcp://host[:port] or
// tls://host[:port] (the form of the --syslog flag) and returns the network and
// host:port, with the default port for the scheme when none is given.
func ParseSyslogURL(s string) (network, addr string, err error) {
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, credentials and all
		}
		return "", "", fmt.Errorf("syslog receiver: %w", err)
	}
	s = redactURL(u) // a receiver URL carries no credentials; never echo any given
	port := DefaultSyslogPort
	switch u.Scheme {
	case SyslogUDP, SyslogTCP:
	case SyslogTLS:
		port = DefaultSyslogTLSPort
	default:
		return "", "", fmt.Errorf("syslog receiver %q: scheme must be udp://, tcp:// or tls://", s)
	}
	if u.Host == "" || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return "", "", fmt.Errorf("syslog receiver %q: want %s://host:port and nothing else", s, u.Scheme)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.ParseUint(p, 10, 16); err != nil || n == 0 {
			return "", "", fmt.Errorf("syslog receiver %q: bad port %q", s, p)
		}
		port = p
	}
	return u.Scheme, net.JoinHostPort(u.Hostname(), port), nil
}

// SyslogSender sends alerts to a syslog receiver, connecting on first use and again
// after any error.
type SyslogSender struct {
	cfg       SyslogConfig
	conn      net.Conn
	lastWrite time.Time
	buf       []byte
	one       [1]byte
}

// idleCheck is how long a stream must have been idle before Deliver checks that the
// receiver has not hung up; the check costs a millisecond, which a burst of alerts
// should not pay for every message.
const idleCheck = 50 * time.Millisecond

// NewSyslog checks cfg and returns a sender; it does not connect yet, so that a
// receiver that is down at start does not stop the program.
func NewSyslog(cfg SyslogConfig) (*SyslogSender, error) {
	switch cfg.Network {
	case SyslogUDP, SyslogTCP, SyslogTLS:
	default:
		return nil, fmt.Errorf("syslog: unknown transport %q (want udp, tcp or tls)", cfg.Network)
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("syslog: receiver address: %w", err)
	}
	if cfg.Network == SyslogTLS {
		if cfg.TLS == nil {
			cfg.TLS = &tls.Config{}
		} else {
			cfg.TLS = cfg.TLS.Clone()
		}
		if cfg.TLS.ServerName == "" {
			cfg.TLS.ServerName = host
		}
		if cfg.TLS.MinVersion == 0 {
			cfg.TLS.MinVersion = tls.VersionTLS12
		}
	}
	if cfg.Options.Hostname == "" {
		cfg.Options.Hostname, _ = os.Hostname()
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 5 * time.Second
	}
	if cfg.MaxDatagram <= 0 {
		cfg.MaxDatagram = DefaultMaxDatagram
	}
	return &SyslogSender{cfg: cfg, buf: make([]byte, 0, 2048)}, nil
}

// Deliver sends one message. On TCP and TLS a successful write means the kernel took
// the bytes; a receiver that dies afterwards loses them, as with any syslog over TCP.
// Before writing on a stream idle for a while, Deliver checks that the receiver has not
// closed it, and reconnects if it has.
func (s *SyslogSender) Deliver(ctx context.Context, a *alert.Alert) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	msg := s.render(a)
	if s.cfg.Network == SyslogUDP && len(msg) > s.cfg.MaxDatagram {
		b := *a
		b.Details = nil
		msg = s.render(&b)
		if len(msg) > s.cfg.MaxDatagram {
			return Permanent(fmt.Errorf("syslog: alert is %d bytes, more than the %d a datagram may carry", len(msg), s.cfg.MaxDatagram))
		}
	}
	deadline := time.Now().Add(s.cfg.WriteTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn := s.conn // the AfterFunc may still run after Deliver has replaced s.conn
	conn.SetWriteDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetWriteDeadline(time.Unix(1, 0)) })
	_, err := conn.Write(msg)
	stop()
	if err != nil {
		s.drop()
		return fmt.Errorf("syslog %s %s: %w", s.cfg.Network, s.cfg.Addr, err)
	}
	s.lastWrite = time.Now()
	return nil
}

// render formats a into s.buf with the transport's framing.
func (s *SyslogSender) render(a *alert.Alert) []byte {
	s.buf = s.buf[:0]
	if s.cfg.Network == SyslogUDP {
		s.buf = alert.AppendSyslog(s.buf, a, s.cfg.Options)
		return s.buf
	}
	// Octet counting needs the length first: render after room for the longest prefix,
	// then move the prefix in front.
	const room = 11 // up to 10 digits and a space
	var gap [room]byte
	s.buf = append(s.buf, gap[:]...)
	s.buf = alert.AppendSyslog(s.buf, a, s.cfg.Options)
	var prefix [room]byte
	p := strconv.AppendInt(prefix[:0], int64(len(s.buf)-room), 10)
	p = append(p, ' ')
	start := room - len(p)
	copy(s.buf[start:], p)
	return s.buf[start:]
}

func (s *SyslogSender) connect(ctx context.Context) error {
	if s.conn != nil && s.cfg.Network != SyslogUDP && time.Since(s.lastWrite) > idleCheck && s.peerClosed() {
		s.drop()
	}
	if s.conn != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.DialTimeout)
	defer cancel()
	var conn net.Conn
	var err error
	switch s.cfg.Network {
	case SyslogTLS:
		d := tls.Dialer{Config: s.cfg.TLS}
		conn, err = d.DialContext(ctx, "tcp", s.cfg.Addr)
	default:
		var d net.Dialer
		conn, err = d.DialContext(ctx, s.cfg.Network, s.cfg.Addr)
	}
	if err != nil {
		var cert *tls.CertificateVerificationError
		if errors.As(err, &cert) {
			err = fmt.Errorf("%w (is the receiver's CA given?)", err)
		}
		return fmt.Errorf("syslog %s %s: %w", s.cfg.Network, s.cfg.Addr, err)
	}
	s.conn = conn
	return nil
}

// peerClosed reports whether the receiver closed the stream, so that the next message
// goes over a new connection instead of into a socket nobody reads. Receivers never
// send on a syslog stream, so any read result other than a timeout means it is gone.
func (s *SyslogSender) peerClosed() bool {
	s.conn.SetReadDeadline(time.Now().Add(time.Millisecond))
	_, err := s.conn.Read(s.one[:])
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func (s *SyslogSender) drop() {
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// Close closes the connection.
func (s *SyslogSender) Close() error {
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}
