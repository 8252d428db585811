package testutil

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/zonewarden/zonewarden/internal/capture"
)

// EnvCaptures names the environment variable that holds the public captures directory
// (../shared/testdata/captures; .ci/run sets it).
const EnvCaptures = "ZONEWARDEN_CAPTURES"

// Dir returns the public captures directory, or skips the test when EnvCaptures is unset.
func Dir(tb testing.TB) string {
	tb.Helper()
	d := os.Getenv(EnvCaptures)
	if d == "" {
		tb.Skipf("%s is not set; skipping test on public captures", EnvCaptures)
	}
	return d
}

// Path returns the path of a capture given relative to the captures directory. It skips
// the test as Dir does, and fails it when the capture is missing.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(Dir(tb), rel)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("capture %s: %v (is %s the public captures directory?)", rel, err, EnvCaptures)
	}
	return p
}

// EnvRealWorld names the environment variable that holds the real-world captures
// directory (../shared/testdata/realworld: real controllers, attacks among them; .ci/run
// sets it). It is a root of its own, beside the public captures, so that tests walking
// EnvCaptures do not pick its files up.
const EnvRealWorld = "ZONEWARDEN_REALWORLD"

// RealWorld returns the path of a real-world capture, skipping the test when
// EnvRealWorld is unset and failing it when the capture is missing.
func RealWorld(tb testing.TB, name string) string {
	tb.Helper()
	d := os.Getenv(EnvRealWorld)
	if d == "" {
		tb.Skipf("%s is not set; skipping test on real-world captures", EnvRealWorld)
	}
	p := filepath.Join(d, name)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("real-world capture %s: %v (is %s the realworld directory?)", name, err, EnvRealWorld)
	}
	return p
}

// Packet is one packet held in memory, as internal/capture read it.
type Packet struct {
	Data []byte
	Info capture.CaptureInfo
}

// Load reads a whole capture (pcap, pcapng, gzip) into memory with internal/capture,
// copying each packet since sources reuse their buffer. A capture that cannot be read
// to its end fails the test.
func Load(tb testing.TB, path string) []Packet {
	tb.Helper()
	f, err := capture.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var pkts []Packet
	for {
		data, ci, err := f.ReadPacket()
		if errors.Is(err, io.EOF) {
			return pkts
		}
		if err != nil {
			tb.Fatal(err)
		}
		pkts = append(pkts, Packet{Data: bytes.Clone(data), Info: ci})
	}
}
