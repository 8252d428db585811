package sink

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
)

func TestWriterStdout(t *testing.T) {
	var out bytes.Buffer
	s := New(NewWriter(&out, Table, alert.AppendTableHeader(nil)), Options{Name: "stdout"})
	s.Send(testAlert(1, finding.High))
	s.Send(testAlert(2, finding.Low))
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "TIME") || !strings.Contains(lines[1], "PLC STOP #1") || !strings.Contains(lines[2], "LOW") {
		t.Errorf("table output:\n%s", out.String())
	}
}

func TestWriterFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.jsonl")
	for round := range 2 { // the second run appends
		w, err := OpenFile(path, JSONLines)
		if err != nil {
			t.Fatal(err)
		}
		s := New(w, Options{Name: "file"})
		s.Send(testAlert(round, finding.High))
		if err := s.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := string(alert.AppendJSON(nil, testAlert(0, finding.High))) + "\n" + string(alert.AppendJSON(nil, testAlert(1, finding.High))) + "\n"
	if string(b) != want {
		t.Errorf("file holds\n%s\nwant\n%s", b, want)
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "missing", "dir", "x"), JSONLines); err == nil {
		t.Error("opening a file in a missing directory worked")
	}
}

func TestWriterFormats(t *testing.T) {
	a := testAlert(3, finding.Medium)
	for name, tt := range map[string]struct {
		f    Format
		want []byte
	}{
		"cef":    {CEF(alert.CEFOptions{Version: "1"}), alert.AppendCEF(nil, a, alert.CEFOptions{Version: "1"})},
		"syslog": {Syslog(alert.SyslogOptions{Hostname: "h"}), alert.AppendSyslog(nil, a, alert.SyslogOptions{Hostname: "h"})},
	} {
		var out bytes.Buffer
		w := NewWriter(&out, tt.f, nil)
		if err := w.Deliver(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		if out.String() != string(tt.want)+"\n" {
			t.Errorf("%s: %q", name, out.String())
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriterError(t *testing.T) {
	s := New(NewWriter(failingWriter{}, JSONLines, nil), Options{Name: "broken", Retry: fastRetry})
	s.Send(testAlert(1, finding.High))
	if err := s.Close(context.Background()); err == nil || !strings.Contains(err.Error(), "1 failed") {
		t.Errorf("Close: %v", err)
	}
}

// countingWriter fails every write after the first ok ones, as a disk that fills up.
type countingWriter struct {
	ok     int
	writes atomic.Int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if int(w.writes.Add(1)) > w.ok {
		return len(p) / 2, syscall.ENOSPC
	}
	return len(p), nil
}

// TestWriterFullDisk: a file that stops taking writes loses the alerts from then on;
// each is written once (no retry that would append a second, whole copy after a half
// line), counted as failed, and Close says how many of how many.
func TestWriterFullDisk(t *testing.T) {
	w := &countingWriter{ok: 2}
	s := New(NewWriter(w, JSONLines, nil), Options{Name: "alerts.jsonl"}) // default retry policy
	start := time.Now()
	for i := range 5 {
		s.Send(testAlert(i, finding.High))
	}
	err := s.Close(context.Background())
	st := s.Stats()
	if st.Delivered != 2 || st.Failed != 3 || st.Lost() != 3 {
		t.Errorf("stats %+v, want 2 delivered and 3 failed", st)
	}
	if w.writes.Load() != 5 {
		t.Errorf("%d writes for 5 alerts: a failed line was retried", w.writes.Load())
	}
	if err == nil || !strings.Contains(err.Error(), "0 dropped, 3 failed of 5 alerts") || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a full disk held the sink for %v (retried?)", d)
	}
	checkBalance(t, st)
}

// TestWriterDevFull: the same against the kernel's full device, as --cef /dev/full.
func TestWriterDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	w, err := OpenFile("/dev/full", CEF(alert.CEFOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	s := New(w, Options{Name: "cef /dev/full"})
	s.Send(testAlert(1, finding.High))
	s.Send(testAlert(2, finding.Low))
	if err := s.Close(context.Background()); err == nil || s.Stats().Failed != 2 {
		t.Errorf("Close: %v, stats %+v", err, s.Stats())
	}
}
