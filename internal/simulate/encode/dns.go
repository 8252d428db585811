package encode

import (
	"strings"
	"time"
)

// DNS record types.
const (
	DNSTypeA   = 1
	DNSTypeSRV = 33
)

func dnsName(b []byte, name string) []byte {
	for name != "" {
		label := name
		if i := strings.IndexByte(name, '.'); i >= 0 {
			label, name = name[:i], name[i+1:]
		} else {
			name = ""
		}
		label = clipN(label, 63)
		if label == "" {
			continue
		}
		b = append(append(b, byte(len(label))), label...)
	}
	return append(b, 0)
}

// DNSQuery appends a recursive query for name of type qtype.
func DNSQuery(b []byte, id uint16, name string, qtype uint16) []byte {
	b = u16be(b, id)
	b = append(b, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0)
	b = dnsName(b, name)
	return append(u16be(b, qtype), 0, 1)
}

// DNSAnswerA appends the answer to an A query for name: ip, or NXDOMAIN when ip is zero.
func DNSAnswerA(b []byte, id uint16, name string, ip [4]byte, ttl uint32) []byte {
	b = u16be(b, id)
	if ip == [4]byte{} {
		b = append(b, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0)
	} else {
		b = append(b, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0)
	}
	b = dnsName(b, name)
	b = append(u16be(b, DNSTypeA), 0, 1)
	if ip == [4]byte{} {
		return b
	}
	b = append(b, 0xc0, 12) // the name in the question
	b = append(u16be(b, DNSTypeA), 0, 1)
	b = u32be(b, ttl)
	b = u16be(b, 4)
	return append(b, ip[:]...)
}

// NTP modes.
const (
	NTPClient = 3
	NTPServer = 4
)

// ntpEpoch is the NTP era 0 origin (1900-01-01) in Unix seconds.
const ntpEpoch = 2208988800

// NTPTime converts t to a 64-bit NTP timestamp.
func NTPTime(t time.Time) uint64 {
	secs := uint64(t.Unix() + ntpEpoch)
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return secs<<32 | frac
}

// NTP appends an NTPv4 packet. A client sets only xmit; a server answers with stratum,
// its reference id and the four timestamps.
func NTP(b []byte, mode, stratum uint8, refID [4]byte, ref, orig, recv, xmit uint64) []byte {
	b = append(b, 4<<3|mode, stratum, 6, 0xe9) // poll 2^6 s, precision 2^-23 s
	if mode == NTPClient {
		b = zeros(b, 8)
		b = zeros(b, 4)
	} else {
		b = u32be(b, 0x00000010) // root delay
		b = u32be(b, 0x00000020) // root dispersion
		b = append(b, refID[:]...)
	}
	b = be.AppendUint64(b, ref)
	b = be.AppendUint64(b, orig)
	b = be.AppendUint64(b, recv)
	return be.AppendUint64(b, xmit)
}

var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func twoDigits(b []byte, n int, pad byte) []byte {
	if n < 10 {
		return append(b, pad, byte('0'+n))
	}
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// Syslog appends a BSD syslog message (RFC 3164): priority facility*8+severity, the
// time, the host, the tag and the text.
func Syslog(b []byte, facility, severity int, t time.Time, host, tag, text string) []byte {
	pri := facility*8 + severity
	b = append(b, '<')
	if pri >= 100 {
		b = append(b, byte('0'+pri/100))
	}
	if pri >= 10 {
		b = append(b, byte('0'+pri/10%10))
	}
	b = append(b, byte('0'+pri%10), '>')
	b = append(b, months[t.Month()-1]...)
	b = append(b, ' ')
	b = twoDigits(b, t.Day(), ' ')
	b = append(b, ' ')
	b = twoDigits(b, t.Hour(), '0')
	b = append(b, ':')
	b = twoDigits(b, t.Minute(), '0')
	b = append(b, ':')
	b = twoDigits(b, t.Second(), '0')
	b = append(b, ' ')
	b = append(b, clipN(host, 64)...)
	b = append(b, ' ')
	b = append(b, clipN(tag, 32)...)
	b = append(b, ": "...)
	return append(b, clipN(text, 900)...)
}
