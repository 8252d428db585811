package detect_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/attack"
	"github.com/zonewarden/zonewarden/internal/finding"
)

// The public captures (cisagov ICSNPP and cert-lv traces) with, where the source had
// them, the logs Zeek writes for the same packets: the alerts must match what those
// logs say the traffic did.

func capturesDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ZONEWARDEN_CAPTURES")
	if dir == "" {
		t.Skip("ZONEWARDEN_CAPTURES is unset; public captures not checked")
	}
	return dir
}

// current is the id an alert carries for a technique (revoked ids are replaced).
func current(id string) string {
	if c, ok := attack.Current(id); ok {
		return c.ID
	}
	return id
}

// zeekLog reads a Zeek TSV log into rows keyed by the #fields names.
func zeekLog(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var fields []string
	var rows []map[string]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "#fields\t"); ok {
			fields = strings.Split(rest, "\t")
			continue
		}
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		vals := strings.Split(line, "\t")
		row := make(map[string]string, len(fields))
		for i, name := range fields {
			if i < len(vals) {
				row[name] = vals[i]
			}
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if fields == nil {
		t.Fatalf("%s: no #fields line", path)
	}
	return rows
}

func detail(a *alert.Alert, key string) string {
	for _, d := range a.Details {
		if d.Key == key {
			return d.Value
		}
	}
	return ""
}

// count is how many operations an aggregated alert stands for.
func count(a *alert.Alert) int {
	if v := detail(a, "count"); v != "" {
		n, _ := strconv.Atoi(v)
		return n
	}
	return 1
}

// opCounts sums the alerts' operation counts by rule and operation name.
func opCounts(alerts []*alert.Alert) map[string]int {
	m := map[string]int{}
	for _, a := range alerts {
		m[a.Rule+" "+a.Operation] += count(a)
	}
	return m
}

func checkTechniques(t *testing.T, alerts []*alert.Alert, rule string, want ...string) {
	t.Helper()
	for i, w := range want {
		want[i] = current(w)
	}
	for _, a := range alerts {
		if a.Rule == rule && !slices.Equal(a.Techniques, want) {
			t.Errorf("%s: techniques %v, want %v", rule, a.Techniques, want)
		}
	}
}

func logAlerts(t *testing.T, alerts []*alert.Alert) {
	t.Helper()
	for _, a := range alerts {
		t.Logf("%s %s %s %v count=%d %s -> %s", a.Severity, a.Rule, a.Operation, a.Techniques, count(a), a.Src.IP, a.Dst.IP)
	}
}

// TestCaptureS7Snap7: snap7's client reads SZLs, uploads blocks, writes variables, stops
// the PLC, runs the _MODU and _GARB services and starts it again. Each request Zeek's
// s7comm.log lists from the client must be in an alert with the same count.
func TestCaptureS7Snap7(t *testing.T) {
	dir := capturesDir(t)
	path := filepath.Join(dir, "s7comm", "snap7.pcap")
	alerts := detectFile(t, nil, path)
	defer func() {
		if t.Failed() {
			logAlerts(t, alerts)
		}
	}()
	zeek := map[string]int{}
	for _, r := range zeekLog(t, filepath.Join(dir, "s7comm", "zeek-baseline", "snap7.s7comm.log")) {
		if r["is_orig"] == "T" {
			zeek[r["function_name"]+"|"+r["subfunction_name"]]++
		}
	}
	got := opCounts(alerts)
	for _, c := range []struct {
		zeek, alert string
	}{
		{"Request: CPU Functions|Read SZL", "s7comm/szl-read read_szl"},
		{"Start Upload|-", "s7comm/block-upload start_upload"},
		{"Upload|-", "s7comm/block-upload upload"},
		{"End Upload|-", "s7comm/block-upload end_upload"},
		{"Write Variable|-", "s7comm/write-var write_var"},
		{"PLC Stop|-", "s7comm/plc-stop plc_stop"},
		{"PLC Control|PLC Copy Ram to Rom", "s7comm/pi-service plc_control_copy_ram_to_rom"},
		{"PLC Control|Compress PLC memory", "s7comm/pi-service plc_control_compress_memory"},
		{"PLC Control|PLC Start / Stop", "s7comm/plc-start plc_control_cold_start"},
	} {
		if zeek[c.zeek] == 0 {
			t.Errorf("Zeek's log has no %q request: the log's columns changed?", c.zeek)
		}
		if got[c.alert] != zeek[c.zeek] {
			t.Errorf("%s: %d operations in alerts, Zeek logs %d %q requests", c.alert, got[c.alert], zeek[c.zeek], c.zeek)
		}
	}
	checkTechniques(t, alerts, "s7comm/plc-stop", "T0858", "T0816")
	checkTechniques(t, alerts, "s7comm/plc-start", "T0858", "T0816")
	checkTechniques(t, alerts, "s7comm/block-upload", "T0845")
	checkTechniques(t, alerts, "s7comm/szl-read", "T0888")
	checkTechniques(t, alerts, "s7comm/write-var", "T0836")
	checkTechniques(t, alerts, "s7comm/pi-service", "T0855")
	for _, a := range alerts {
		if a.Src.IP.String() != "134.217.61.131" || a.Dst.IP.String() != "134.217.61.211" || a.Dst.Port != 102 {
			t.Errorf("%s: %s -> %s:%d, want the client 134.217.61.131 to the PLC 134.217.61.211:102", a.Rule, a.Src.IP, a.Dst.IP, a.Dst.Port)
		}
		if a.Rule == "s7comm/plc-stop" && a.Severity != finding.High {
			t.Errorf("PLC STOP without a model: %s, want high", a.Severity)
		}
	}
	// The upload's block is the system data block 0 (Zeek: _0B00000A, System Data Block).
	for _, a := range alerts {
		if a.Operation == "start_upload" && (detail(a, "block_type") != "11" || detail(a, "block_number") != "0") {
			t.Errorf("start_upload block %s %s, want type 11 (SDB) number 0", detail(a, "block_type"), detail(a, "block_number"))
		}
	}
}

// TestCaptureS7Ident: an identification scanner reads five SZLs and tries four uploads
// the PLC never answers (Zeek logs the requests only).
func TestCaptureS7Ident(t *testing.T) {
	dir := capturesDir(t)
	alerts := detectFile(t, nil, filepath.Join(dir, "s7comm", "s7ident.pcap"))
	zeek := map[string]int{}
	for _, r := range zeekLog(t, filepath.Join(dir, "s7comm", "zeek-baseline", "s7ident.s7comm.log")) {
		if r["is_orig"] == "T" {
			zeek[r["function_name"]]++
			zeek[r["subfunction_name"]]++
		}
	}
	got := opCounts(alerts)
	if got["s7comm/szl-read read_szl"] != zeek["Read SZL"] || zeek["Read SZL"] != 5 {
		t.Errorf("SZL reads: alerts %d, Zeek %d (want 5)", got["s7comm/szl-read read_szl"], zeek["Read SZL"])
	}
	if got["s7comm/block-upload start_upload"] != zeek["Start Upload"] || zeek["Start Upload"] != 4 {
		t.Errorf("start upload: alerts %d, Zeek %d (want 4)", got["s7comm/block-upload start_upload"], zeek["Start Upload"])
	}
	if len(alerts) != 2 {
		t.Errorf("%d alerts, want 2 (SZL reads, upload attempts)", len(alerts))
	}
	checkTechniques(t, alerts, "s7comm/szl-read", "T0888")
	checkTechniques(t, alerts, "s7comm/block-upload", "T0845")
	if t.Failed() {
		logAlerts(t, alerts)
	}
}

// TestCaptureDNP3Controls: the master selects and operates CROBs on outstation
// 10.10.20.8 over ten connections. Zeek's dnp3_control.log has one row per control
// request: the select and operate alerts must count as many, on the same target.
func TestCaptureDNP3Controls(t *testing.T) {
	dir := capturesDir(t)
	alerts := detectFile(t, nil, filepath.Join(dir, "dnp3", "dnp3_example.pcap"))
	zeek := map[string]int{}
	targets := map[string]bool{}
	for _, r := range zeekLog(t, filepath.Join(dir, "dnp3", "zeek-baseline", "dnp3_control.log")) {
		if r["is_orig"] == "T" {
			zeek[strings.ToLower(r["function_code"])]++
			targets[r["id.resp_h"]] = true
		}
	}
	if len(zeek) == 0 {
		t.Fatal("no control requests in Zeek's log")
	}
	got := map[string]int{}
	for _, a := range alerts {
		if a.Rule != "dnp3/control" {
			t.Errorf("unexpected %s %s alert", a.Rule, a.Operation)
			continue
		}
		got[a.Operation] += count(a)
		if !targets[a.Dst.IP.String()] || a.Dst.Port != 20000 {
			t.Errorf("control to %s:%d, Zeek's targets are %v port 20000", a.Dst.IP, a.Dst.Port, targets)
		}
		if a.Src.IP.String() != "10.10.20.5" {
			t.Errorf("control from %s, want the master 10.10.20.5", a.Src.IP)
		}
		if detail(a, "station") != "5" {
			t.Errorf("%s: station %q, want the outstation's link address 5", a.Operation, detail(a, "station"))
		}
	}
	for fc, n := range zeek {
		if got[fc] != n {
			t.Errorf("%s: %d in alerts, %d in Zeek's dnp3_control.log", fc, got[fc], n)
		}
	}
	if len(got) != len(zeek) {
		t.Errorf("alert operations %v, Zeek's %v", got, zeek)
	}
	checkTechniques(t, alerts, "dnp3/control", "T0855")
	if t.Failed() {
		logAlerts(t, alerts)
	}
}

// TestCaptureIEC104Commands: iec104.pcap's controlling station sends two activations of
// each of single, double, regulating-step and bitstring commands and of the three
// set-point commands, and a general interrogation (counted with tshark:
// iec60870_asdu.typeid with cause 6 towards port 2404).
func TestCaptureIEC104Commands(t *testing.T) {
	dir := capturesDir(t)
	alerts := detectFile(t, nil, filepath.Join(dir, "iec104", "iec104.pcap"))
	want := map[string]int{
		"iec104/command C_SC_NA_1": 2, "iec104/command C_DC_NA_1": 2, "iec104/command C_RC_NA_1": 2,
		"iec104/command C_BO_NA_1": 2, "iec104/set-point C_SE_NA_1": 2, "iec104/set-point C_SE_NB_1": 2,
		"iec104/set-point C_SE_NC_1": 2, "iec104/interrogation C_IC_NA_1": 2,
	}
	got := opCounts(alerts)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d", k, got[k], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("alerts %v, want %v", got, want)
	}
	for _, a := range alerts {
		if a.Src.IP.String() != "10.20.102.1" || a.Dst.IP.String() != "10.20.100.108" || detail(a, "station") != "10" {
			t.Errorf("%s: %s -> %s station %s, want 10.20.102.1 -> 10.20.100.108 station 10", a.Rule, a.Src.IP, a.Dst.IP, detail(a, "station"))
		}
	}
	checkTechniques(t, alerts, "iec104/command", "T0855")
	checkTechniques(t, alerts, "iec104/set-point", "T0836", "T0855")
	checkTechniques(t, alerts, "iec104/interrogation", "T0801")
	if t.Failed() {
		logAlerts(t, alerts)
	}
}

// TestCaptureIEC104Write: write.pcapng is a controlling station writing a file to the
// outstation (F_FR_NA_1, F_SR_NA_1, F_SG_NA_1, F_LS_NA_1 with cause 13, file transfer)
// after a clock synchronization and interrogations. It carries no process command.
func TestCaptureIEC104Write(t *testing.T) {
	dir := capturesDir(t)
	alerts := detectFile(t, nil, filepath.Join(dir, "iec104", "write.pcapng"))
	got := opCounts(alerts)
	want := map[string]int{"iec104/clock-sync C_CS_NA_1": 1, "iec104/interrogation C_IC_NA_1": 1,
		"iec104/interrogation C_CI_NA_1": 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d", k, got[k], n)
		}
	}
	for _, a := range alerts {
		if a.Severity > finding.Info && !strings.HasPrefix(a.Rule, "iec104/file") {
			t.Errorf("%s %s: %s, want informational (no command in this capture)", a.Severity, a.Rule, a.Title)
		}
	}
	checkTechniques(t, alerts, "iec104/clock-sync", "T0855")
	if t.Failed() {
		logAlerts(t, alerts)
	}
	// The file transfer itself: one alert for the station and outstation, counting the
	// ASDUs the controlling station sent.
	var files []*alert.Alert
	for _, a := range alerts {
		if a.Rule == "iec104/file-write" {
			files = append(files, a)
		}
	}
	if len(files) != 1 || count(files[0]) != 130 {
		t.Errorf("want one iec104/file-write alert counting 130 ASDUs (tshark: 3 F_FR_NA_1, 7 F_SR_NA_1, 110 F_SG_NA_1, 10 F_LS_NA_1 from the station), got %d", len(files))
	}
	checkTechniques(t, alerts, "iec104/file-write", "T0843")
}

// TestCaptureIEC104Read: read.pcapng is the same station reading a file from the
// outstation: it calls the file (F_SC_NA_1) and acknowledges what it received
// (F_AF_NA_1) while the outstation sends the segments. Nothing is written.
func TestCaptureIEC104Read(t *testing.T) {
	dir := capturesDir(t)
	alerts := detectFile(t, nil, filepath.Join(dir, "iec104", "read.pcapng"))
	for _, a := range alerts {
		if a.Rule == "iec104/file-write" {
			t.Errorf("%s: %s; a file read is not a write", a.Rule, a.Title)
		}
	}
	if len(alerts) == 0 {
		t.Error("no alerts; want the clock synchronization and interrogations")
	}
}

// TestCaptureS7ClockAndPlus: snap7.pcap sets the PLC clock once (Zeek's log: "Set Clock"),
// and s7comm_plus.pcap is one engineering station's S7comm-plus session with a PLC, which
// is reported once for that pair whatever functions it runs.
func TestCaptureS7ClockAndPlus(t *testing.T) {
	dir := capturesDir(t)
	alerts := detectFile(t, nil, filepath.Join(dir, "s7comm", "snap7.pcap"))
	zeek := 0
	for _, r := range zeekLog(t, filepath.Join(dir, "s7comm", "zeek-baseline", "snap7.s7comm.log")) {
		if r["is_orig"] == "T" && r["subfunction_name"] == "Set Clock" {
			zeek++
		}
	}
	clock := 0
	for _, a := range alerts {
		if a.Rule == "s7comm/set-clock" {
			clock += count(a)
		}
	}
	if zeek == 0 || clock != zeek {
		t.Errorf("set clock: %d alerted, Zeek logs %d", clock, zeek)
	}
	checkTechniques(t, alerts, "s7comm/set-clock", "T0836")

	alerts = detectFile(t, nil, filepath.Join(dir, "s7comm", "s7comm_plus.pcap"))
	var plus []*alert.Alert
	for _, a := range alerts {
		if a.Rule == "s7comm-plus/session" {
			plus = append(plus, a)
		}
	}
	if len(plus) != 1 || plus[0].Src.IP.String() != "192.168.0.3" || plus[0].Dst.IP.String() != "192.168.0.1" {
		t.Errorf("want one S7comm-plus session alert 192.168.0.3 -> 192.168.0.1, got %d", len(plus))
		logAlerts(t, alerts)
	}
}
