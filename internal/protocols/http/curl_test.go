package http

import (
	"bufio"
	"context"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCurlRequest parses the request that the system's curl sends, read off a raw
// socket; it skips when curl is not installed.
func TestCurlRequest(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "curl", "-s", "-o", filepath.Join(t.TempDir(), "body"), "-u", "admin:admin", "http://"+ln.Addr().String()+"/Portal/Portal.mwsl")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	defer cmd.Wait()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	conn, err := ln.Accept()
	if err != nil {
		cancel()
		cmd.Wait()
		t.Skipf("curl did not connect: %v; curl said %q", err, stderr.String())
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(conn)
	var req []byte
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			t.Fatal(err)
		}
		req = append(req, line...)
		if n, _ := PDULen(req); n > 0 {
			break
		}
	}
	io.WriteString(conn, "HTTP/1.1 204 No Content\r\nServer: Siemens S7-1200 Web Server\r\n\r\n")
	var m Message
	if err := Parse(req, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Request || string(m.Method) != "GET" || string(m.Target) != "/Portal/Portal.mwsl" || m.Minor != 1 ||
		!strings.HasPrefix(string(m.UserAgent), "curl/") || string(m.Host) != ln.Addr().String() || m.HeaderLen != len(req) {
		t.Errorf("curl request %q: %+v", req, m)
	}
	if n, known := m.BodyLen(); n != 0 || !known {
		t.Errorf("body %d %v", n, known)
	}
}
