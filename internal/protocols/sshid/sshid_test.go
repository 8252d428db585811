package sshid

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

func openSSHBanner(tb testing.TB) []byte {
	tb.Helper()
	if _, err := exec.LookPath("ssh"); err != nil {
		tb.Skip("no ssh client")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Skip(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	port := ln.Addr().(*net.TCPAddr).Port
	// An empty configuration and known-hosts file of our own keep the user's and the
	// system's settings out (and do not rely on /dev/null being the device it should be).
	dir := tb.TempDir()
	cfg, known := filepath.Join(dir, "config"), filepath.Join(dir, "known_hosts")
	for _, f := range []string{cfg, known} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	cmd := exec.CommandContext(ctx, "ssh", "-F", cfg, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile="+known, "-o", "ConnectTimeout=5", "-p", strings.TrimSpace(itoa(port)), "probe@127.0.0.1", "true")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Skip(err)
	}
	defer cmd.Wait()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	conn, err := ln.Accept()
	if err != nil {
		cancel()
		cmd.Wait()
		tb.Skipf("ssh did not connect: %v; ssh said %q", err, stderr.String())
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	conn.Write([]byte("SSH-2.0-OpenSSH_7.4\r\n"))
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		tb.Fatal(err)
	}
	return line
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func TestGoBanners(t *testing.T) {
	cs, ss := observetest.SSHStreams(t)
	var m Message
	for _, tc := range []struct {
		stream                     []byte
		line, proto, sw, prod, ver string
	}{
		{cs, "SSH-2.0-Go", "2.0", "Go", "Go", ""},
		{ss, "SSH-2.0-dropbear_2022.83", "2.0", "dropbear_2022.83", "dropbear", "2022.83"},
	} {
		n, err := PDULen(tc.stream)
		if err != nil || n != len(tc.line)+2 {
			t.Fatalf("PDULen = %d, %v", n, err)
		}
		if err := Parse(tc.stream[:n], &m); err != nil {
			t.Fatal(err)
		}
		p, v := m.Product()
		if !m.Banner || string(m.Line) != tc.line || string(m.ProtoVersion) != tc.proto || string(m.Software) != tc.sw ||
			string(p) != tc.prod || string(v) != tc.ver || m.Comments != nil {
			t.Errorf("%q: %+v", tc.line, m)
		}
		// What follows is a binary packet: PDULen refuses it rather than waiting for a line.
		if _, err := PDULen(tc.stream[n:]); err == nil {
			t.Errorf("PDULen accepted the binary packet after %q", tc.line)
		}
	}
}

func TestOpenSSHBanner(t *testing.T) {
	line := openSSHBanner(t)
	var m Message
	if err := Parse(line, &m); err != nil {
		t.Fatal(err)
	}
	p, v := m.Product()
	if !m.Banner || string(m.ProtoVersion) != "2.0" || string(p) != "OpenSSH" || len(v) == 0 {
		t.Errorf("%q: %+v", line, m)
	}
	t.Logf("OpenSSH client banner: %q, comments %q", m.Line, m.Comments)
}

func TestParse(t *testing.T) {
	tests := []struct {
		in                        string
		banner                    bool
		line, proto, sw, comments string
		wantErr                   error
	}{
		{"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", true, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "2.0", "OpenSSH_9.2p1", "Debian-2+deb12u3", nil},
		{"SSH-1.99-Cisco-1.25\r\n", true, "SSH-1.99-Cisco-1.25", "1.99", "Cisco-1.25", "", nil},
		{"SSH-2.0-ROSSSH\n", true, "SSH-2.0-ROSSSH", "2.0", "ROSSSH", "", nil},
		{"Welcome to RTU-07, authorised users only\r\n", false, "Welcome to RTU-07, authorised users only", "", "", "", nil},
		{"SSH-2.0\r\n", false, "", "", "", "", errMalformed},
		{"SSH-2.0-OpenSSH", false, "", "", "", "", errNoEOL},
		{"SSH-2.0-" + strings.Repeat("x", 300) + "\r\n", false, "", "", "", "", errTooLong},
		{"\x00\x00\x01\x2c\x0a\x14", false, "", "", "", "", errNotSSHLine},
	}
	for _, tc := range tests {
		var m Message
		err := Parse([]byte(tc.in), &m)
		if err != tc.wantErr {
			t.Errorf("%.30q: err %v, want %v", tc.in, err, tc.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if m.Banner != tc.banner || string(m.Line) != tc.line || string(m.ProtoVersion) != tc.proto || string(m.Software) != tc.sw ||
			string(m.Comments) != tc.comments {
			t.Errorf("%.30q: %+v", tc.in, m)
		}
	}
}

// TestMatchesTshark writes the Go handshake and the OpenSSH client's banner into captures
// on port 22 and holds the banners against tshark's ssh.protocol.
func TestMatchesTshark(t *testing.T) {
	if !testutil.HaveTshark() {
		t.Skip("tshark not installed")
	}
	cs, ss := observetest.SSHStreams(t)
	capPath := testutil.WriteTemp(t, "ssh.pcap", testutil.Pcap(t, layers.LinkTypeEthernet,
		testutil.TCPSession(t, 22, testutil.Segment{FromClient: true, Data: cs}, testutil.Segment{Data: ss})...))
	rows := testutil.Tshark(t, capPath, "ssh.protocol", []string{"ssh.protocol"})
	var want []string
	for _, s := range [][]byte{cs, ss} {
		n, err := PDULen(s)
		if err != nil {
			t.Fatal(err)
		}
		var m Message
		if err := Parse(s[:n], &m); err != nil {
			t.Fatal(err)
		}
		want = append(want, string(m.Line))
	}
	var got []string
	for _, r := range rows {
		got = append(got, r[0])
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tshark %q, ours %q", got, want)
	}
}

var fuzzSeeds = []string{"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", "SSH-1.99-Cisco-1.25\r\n", "Welcome\r\nSSH-2.0-x\r\n", "SSH-2.0-Go\r\n\x00\x00\x01\x2c"}

func TestParseAllocs(t *testing.T) {
	var m Message
	for _, s := range fuzzSeeds {
		b := []byte(s)
		if n := testing.AllocsPerRun(100, func() { _, _ = PDULen(b); _ = Parse(b, &m); m.Product() }); n != 0 {
			t.Errorf("%q: allocates %v times", s, n)
		}
	}
}

func BenchmarkParse(bm *testing.B) {
	b := []byte(fuzzSeeds[0])
	var m Message
	bm.ReportAllocs()
	for bm.Loop() {
		if _, err := PDULen(b); err != nil {
			bm.Fatal(err)
		}
		if err := Parse(b, &m); err != nil {
			bm.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := Parse(b, &m); err != nil {
			return
		}
		if len(m.Line) >= MaxLineLen || (m.Banner && len(m.ProtoVersion) == 0) {
			t.Fatalf("line %d bytes, banner %v proto %q", len(m.Line), m.Banner, m.ProtoVersion)
		}
		m.Product()
	})
}

func FuzzPDULen(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := PDULen(b)
		if err != nil {
			return
		}
		if n < 0 || n > MaxLineLen || n > len(b) || (n > 0 && b[n-1] != '\n') {
			t.Fatalf("PDULen = %d of %d", n, len(b))
		}
	})
}
