package testutil

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// HaveTshark reports whether tshark is on PATH, for tests that compare with tshark only
// when they can and check something else otherwise.
func HaveTshark() bool {
	_, err := exec.LookPath("tshark")
	return err == nil
}

// tshark returns the tshark binary, or skips the test when tshark is not installed.
func tshark(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("tshark")
	if err != nil {
		tb.Skip("tshark is not installed; skipping comparison with tshark")
	}
	return p
}

// Tshark runs tshark -n -r path -Y filter -T fields -e f1 -e f2 ... and returns one row
// per displayed frame, one column per field; tshark joins a field's repeated values with
// ','. filter may be empty; name "frame.number" among the fields to know the frames.
// Extra arguments (such as -o or -d options) go before -r. It skips the test when tshark
// is not installed and fails it when tshark fails.
func Tshark(tb testing.TB, path, filter string, fields []string, extra ...string) [][]string {
	tb.Helper()
	bin := tshark(tb)
	args := append([]string{"-n"}, extra...)
	args = append(args, "-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,")
	if filter != "" {
		args = append(args, "-Y", filter)
	}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out := run(tb, bin, args)
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

// TsharkVerbose runs tshark -n -r path -Y filter -V and returns its text output per
// frame number. It skips the test when tshark is not installed.
func TsharkVerbose(tb testing.TB, path, filter string) map[int]string {
	tb.Helper()
	out := run(tb, tshark(tb), []string{"-n", "-r", path, "-Y", filter, "-V"})
	frames := map[int]string{}
	cur := 0
	var sb strings.Builder
	flush := func() {
		if cur != 0 {
			frames[cur] = sb.String()
		}
		sb.Reset()
	}
	for _, line := range strings.Split(out, "\n") {
		var n int
		if _, err := fmt.Sscanf(line, "Frame %d:", &n); err == nil && strings.HasPrefix(line, "Frame ") {
			flush()
			cur = n
		}
		sb.WriteString(line)
		sb.WriteByte('\n')
	}
	flush()
	return frames
}

func run(tb testing.TB, bin string, args []string) string {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// ZeekLog reads the data rows of a Zeek TSV log (such as the CISA ICSNPP logs beside the
// public captures) as maps from field name to value.
func ZeekLog(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read zeek log: %v", err)
	}
	var fields []string
	var rows []map[string]string
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "#fields\t") {
			fields = strings.Split(line, "\t")[1:]
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		vals := strings.Split(line, "\t")
		row := make(map[string]string, len(fields))
		for i, f := range fields {
			if i < len(vals) {
				row[f] = vals[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}
