package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
)

// attackCapture writes a short simulated attack on the water-treatment example (fixed
// seed, so the same bytes every time) as attack.pcapng in a temporary directory, makes
// that directory the working one (so that alerts name the capture by a stable relative
// name) and returns the model's absolute path.
func attackCapture(t *testing.T) string {
	t.Helper()
	plant := filepath.Join(packageDir, examples["water-treatment"])
	m, err := model.Load(plant, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "attack.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = simulate.Run(context.Background(), m, simulate.Options{Seed: 1, Duration: 20 * time.Second,
		Scenario: simulate.Attack, Format: pcapw.PcapNG}, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return plant
}

// TestDetectGolden: the alerts of the simulated attack, as a table and as JSON lines
// (checked against docs/schemas/alert.schema.json too). One worker: the packet numbers
// an aggregated alert lists come in the order its operations were judged.
func TestDetectGolden(t *testing.T) {
	plant := attackCapture(t)
	schema := compileSchema(t, filepath.Join(packageDir, "..", "..", "docs", "schemas", "alert.schema.json"))
	for _, format := range []string{"table", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := run(t, "detect", plant, "attack.pcapng", "-f", format, "--workers", "1")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if errOut != "" {
				t.Errorf("stderr: %s", errOut)
			}
			t.Chdir(packageDir) // back to testdata/ for the golden file
			golden(t, "detect/water-attack."+format, out)
			if format == "jsonl" {
				for line := range strings.Lines(out) {
					validateJSON(t, schema, line)
				}
			}
		})
	}
	// Workers share the detector: more of them give the same alerts.
	_, one, _ := run(t, "detect", plant, "attack.pcapng", "-f", "jsonl", "--workers", "1")
	_, four, _ := run(t, "detect", plant, "attack.pcapng", "-f", "jsonl", "--workers", "4")
	if rules(one) != rules(four) {
		t.Errorf("4 workers give other alerts than 1:\n%s\n---\n%s", rules(one), rules(four))
	}
	// -o writes what standard output would have held, and replaces an older file.
	os.WriteFile("alerts.jsonl", []byte("stale line that must go\n"), 0o644)
	if code, out, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "jsonl", "--workers", "1", "-o", "alerts.jsonl"); code != 0 || out != "" {
		t.Fatalf("-o: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if got, _ := os.ReadFile("alerts.jsonl"); rules(string(got)) != rules(one) {
		t.Errorf("-o file holds other alerts than standard output:\n%s\n---\n%s", got, one)
	}
	if code, _, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "none", "-o", "x.jsonl"); code != 2 || !strings.Contains(errOut, "-f none") {
		t.Errorf("-o with -f none: exit %d, stderr %s", code, errOut)
	}
}

// rules lists each JSON line's rule, count and ends, sorted, and the time of alerts on
// operations (the earliest of their group whichever worker saw it). A scan or an
// unknown device is dated by the flow or packet that revealed it to whichever worker
// came first: with several workers that time varies by a few milliseconds.
func rules(jsonl string) string {
	var lines []string
	for line := range strings.Lines(jsonl) {
		var a struct {
			Time     string            `json:"time"`
			Rule     string            `json:"rule"`
			Details  map[string]string `json:"details"`
			Src, Dst struct{ IP string }
		}
		json.Unmarshal([]byte(line), &a)
		if strings.HasPrefix(a.Rule, "scan/") || a.Rule == "model/unknown-device" {
			a.Time = ""
		}
		lines = append(lines, fmt.Sprintln(a.Time, a.Rule, a.Details["count"], a.Src.IP, a.Dst.IP))
	}
	slices.Sort(lines)
	return strings.Join(lines, "")
}

func TestDetectFailOn(t *testing.T) {
	plant := attackCapture(t)
	if code, _, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "none", "--fail-on", "critical"); code != 1 {
		t.Errorf("--fail-on critical with a critical alert: exit %d, want 1 (%s)", code, errOut)
	}
	if code, out, errOut := run(t, "detect", plant, "attack.pcapng", "--min-severity", "critical", "-f", "jsonl"); code != 0 ||
		strings.Count(out, "\n") == 0 || strings.Contains(out, `"severity":"high"`) {
		t.Errorf("--min-severity critical: exit %d, output:\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"detect"},
		{"detect", "attack.pcapng", "-f", "xml"},
		{"detect", "attack.pcapng", "--syslog", "ftp://x"},
		{"detect", "attack.pcapng", "--baseline", "missing.json"},
		{"detect", "attack.pcapng", "--iface", "lo"},
	} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// syslogReceiver accepts TCP connections on loopback and collects the RFC 6587
// octet-counted messages it reads.
type syslogReceiver struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
}

func newSyslogReceiver(t *testing.T) *syslogReceiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &syslogReceiver{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					lenText, err := br.ReadString(' ')
					if err != nil {
						return
					}
					n, err := strconv.Atoi(strings.TrimSpace(lenText))
					if err != nil || n <= 0 || n > 1<<16 {
						r.add("BAD FRAME " + lenText)
						return
					}
					msg := make([]byte, n)
					if _, err := io.ReadFull(br, msg); err != nil {
						return
					}
					r.add(string(msg))
				}
			}()
		}
	}()
	return r
}

func (r *syslogReceiver) add(m string) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
}

func (r *syslogReceiver) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

// await returns the messages once n have been read, or what has arrived after 10 s.
// The sender is done when its bytes are in the kernel's socket buffer; the receiving
// goroutine may read them a moment later on a loaded machine.
func (r *syslogReceiver) await(n int) []string {
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := r.got()
		if len(msgs) >= n || time.Now().After(deadline) {
			return msgs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDetectSyslogAndWebhook: the same alerts reach standard output, a syslog receiver
// over TCP and a webhook, each filtered by its own least severity.
func TestDetectSyslogAndWebhook(t *testing.T) {
	plant := attackCapture(t)
	syslog := newSyslogReceiver(t)
	var mu sync.Mutex
	var posted []map[string]any
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a map[string]any
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "want a JSON POST", http.StatusBadRequest)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&a); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		posted = append(posted, a)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()

	code, out, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "jsonl",
		"--syslog", "tcp://"+syslog.ln.Addr().String(), "--syslog-min", "info",
		"--webhook", hook.URL, "--webhook-min", "high")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("stderr: %s", errOut)
	}
	var all, high []string
	for line := range strings.Lines(out) {
		var a struct{ Rule, Severity, Title string }
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		all = append(all, a.Title)
		if a.Severity == "high" || a.Severity == "critical" {
			high = append(high, a.Title)
		}
	}
	if len(all) == 0 || len(high) == 0 {
		t.Fatalf("the attack raised %d alerts, %d high or critical", len(all), len(high))
	}
	// Close waits until the sink has written everything; the receiver reads it soon after.
	msgs := syslog.await(len(all))
	if len(msgs) != len(all) {
		t.Errorf("syslog received %d messages, stdout has %d alerts", len(msgs), len(all))
	}
	for i, m := range msgs {
		if !strings.HasPrefix(m, "<") || !strings.Contains(m, " zonewarden ") {
			t.Errorf("syslog message %d is not RFC 5424 from zonewarden: %.120s", i, m)
		}
		if i < len(all) && !strings.Contains(m, all[i]) {
			t.Errorf("syslog message %d does not carry the title %q: %.200s", i, all[i], m)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posted) != len(high) {
		t.Errorf("webhook received %d alerts, want the %d high or critical ones", len(posted), len(high))
	}
	for i, a := range posted {
		if i < len(high) && a["title"] != high[i] {
			t.Errorf("webhook alert %d: %v, want %q", i, a["title"], high[i])
		}
		if _, ok := a["techniques"].([]any); !ok {
			t.Errorf("webhook alert %d has no techniques: %v", i, a)
		}
	}
}

// TestDetectDeadReceivers: a syslog receiver that refuses connections and a webhook
// that never answers do not hold up detection: standard output gets every alert, what
// the dead sinks could not deliver is counted on stderr, and the exit status is 3.
func TestDetectDeadReceivers(t *testing.T) {
	plant := attackCapture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()
	release := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // hang until the test ends
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hook.Close()
	defer close(release)

	start := time.Now()
	code, out, errOut := run(t, "detect", plant, "attack.pcapng", "-f", "jsonl",
		"--syslog", "tcp://"+refused, "--syslog-min", "info", "--webhook", hook.URL, "--webhook-min", "info")
	took := time.Since(start)
	if code != ExitOutput {
		t.Fatalf("exit %d, want %d: %s", code, ExitOutput, errOut)
	}
	n := strings.Count(out, "\n")
	if n == 0 {
		t.Fatal("no alert on standard output")
	}
	// The command gives its sinks 10 s to drain when it ends, no more.
	if took > 15*time.Second {
		t.Errorf("detect took %v with dead receivers", took)
	}
	for _, name := range []string{"syslog tcp://" + refused, "webhook " + hook.URL} {
		if lost, of := lostCount(t, errOut, name); lost != n || of != n {
			t.Errorf("%s: %d of %d alerts lost, want all %d; stderr:\n%s", name, lost, of, n, errOut)
		}
	}
	t.Logf("%d alerts, detect returned after %v; stderr:\n%s", n, took, errOut)
}
