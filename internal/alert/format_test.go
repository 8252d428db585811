package alert

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/zonewarden/zonewarden/internal/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var (
	syslogOpts = SyslogOptions{Hostname: "sensor-1.plant.example", ProcID: "4242"}
	cefOpts    = CEFOptions{Version: "0.9.0"}
)

// renderers are the four formats, each turned into one line per alert.
var renderers = []struct {
	name, file string
	render     func(dst []byte, a *Alert) []byte
}{
	{"json", "alerts.jsonl", AppendJSON},
	{"table", "alerts.txt", AppendTable},
	{"syslog", "alerts.syslog", func(dst []byte, a *Alert) []byte { return AppendSyslog(dst, a, syslogOpts) }},
	{"cef", "alerts.cef", func(dst []byte, a *Alert) []byte { return AppendCEF(dst, a, cefOpts) }},
}

func TestGolden(t *testing.T) {
	for _, r := range renderers {
		t.Run(r.name, func(t *testing.T) {
			var got []byte
			if r.name == "table" {
				got = AppendTableHeader(got)
				got = append(got, '\n')
			}
			for _, a := range samples() {
				got = r.render(got, a)
				got = append(got, '\n')
			}
			path := filepath.Join("testdata", "golden", r.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/alert -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file (go test ./internal/alert -update rewrites it):\n%s", r.file, got)
			}
			if !utf8.Valid(got) {
				t.Errorf("%s: invalid UTF-8", r.file)
			}
		})
	}
}

func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("../../docs/schemas/alert.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("alert.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("alert.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wireAlert is the JSON shape read back with encoding/json.
type wireAlert struct {
	Time       time.Time         `json:"time"`
	Severity   string            `json:"severity"`
	Rule       string            `json:"rule"`
	Title      string            `json:"title"`
	Src        wireEndpoint      `json:"src"`
	Dst        wireEndpoint      `json:"dst"`
	Protocol   string            `json:"protocol"`
	Operation  string            `json:"operation"`
	Details    map[string]string `json:"details"`
	Packets    []uint64          `json:"packets"`
	File       string            `json:"file"`
	Techniques []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"techniques"`
	Conduit string `json:"conduit"`
	Allowed *bool  `json:"allowed"`
}

type wireEndpoint struct {
	IP    string `json:"ip"`
	MAC   string `json:"mac"`
	Port  uint16 `json:"port"`
	Asset string `json:"asset"`
	Zone  string `json:"zone"`
}

func TestJSONSchemaAndRoundTrip(t *testing.T) {
	schema := compileSchema(t)
	for i, a := range samples() {
		line := AppendJSON(nil, a)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
		if err != nil {
			t.Fatalf("sample %d: %v\n%s", i, err, line)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("sample %d does not match the schema: %v\n%s", i, err, line)
		}
		var w wireAlert
		if err := json.Unmarshal(line, &w); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if !w.Time.Equal(a.Time) || w.Severity != a.Severity.String() || w.Rule != valid(a.Rule) ||
			w.Title != valid(a.Title) || w.Protocol != a.Protocol || w.File != valid(a.File) ||
			!slices.Equal(w.Packets, a.Packets) || w.Src.Asset != valid(a.Src.Asset) || w.Src.Zone != valid(a.Src.Zone) {
			t.Errorf("sample %d read back as %+v", i, w)
		}
		if a.Src.IP.IsValid() && w.Src.IP != a.Src.IP.String() || a.Dst.Port != w.Dst.Port {
			t.Errorf("sample %d endpoints read back as %+v %+v", i, w.Src, w.Dst)
		}
		for _, d := range a.Details {
			if w.Details[valid(d.Key)] == "" {
				t.Errorf("sample %d: detail %q lost", i, d.Key)
			}
		}
		if got := (w.Allowed != nil); got != (a.Allowed != VerdictUnknown) || got && *w.Allowed != (a.Allowed == VerdictAllowed) {
			t.Errorf("sample %d: allowed read back as %v", i, w.Allowed)
		}
		viaMarshal, err := json.Marshal(*a)
		if err != nil || !bytes.Equal(viaMarshal, line) {
			t.Errorf("sample %d: json.Marshal differs from AppendJSON: %s", i, viaMarshal)
		}
	}
	// The first detail with a key wins, so the object has unique keys.
	var w wireAlert
	if err := json.Unmarshal(AppendJSON(nil, samples()[1]), &w); err != nil || w.Details["unit_id"] != "1" {
		t.Errorf("repeated detail key: %v %v", w.Details, err)
	}
}

// valid is what a renderer makes of a string that may hold invalid UTF-8: every bad
// byte becomes U+FFFD.
func valid(s string) string { return mapRunes(s, func(r rune) string { return string(r) }) }

func mapRunes(s string, f func(r rune) string) string {
	var b strings.Builder
	for _, r := range s { // ranging yields U+FFFD for each invalid byte
		b.WriteString(f(r))
	}
	return b.String()
}

func TestSyslogFields(t *testing.T) {
	a := samples()[0]
	m, err := parseSyslog(string(AppendSyslog(nil, a, syslogOpts)))
	if err != nil {
		t.Fatal(err)
	}
	// local0 (16) * 8 + crit (2)
	if m.pri != "130" || m.version != "1" || m.timestamp != "2026-05-04T10:15:30.123456Z" ||
		m.host != "sensor-1.plant.example" || m.app != "zonewarden" || m.procID != "4242" || m.msgID != "s7comm/plc-stop" {
		t.Errorf("header %+v", m)
	}
	if len(m.sd) != 2 || m.sd[0].id != "zonewarden@32473" || m.sd[1].id != "zonewarden-details@32473" {
		t.Fatalf("structured data %+v", m.sd)
	}
	for name, want := range map[string]string{
		"severity": "critical", "rule": "s7comm/plc-stop", "src_ip": "10.10.2.20", "src_mac": "00:1b:1b:11:22:33",
		"dst_port": "102", "dst_asset": "plc-1", "dst_zone": "cell-1", "allowed": "false",
		"techniques": "T0858,T0816", "packets": "4811,4812", "packet_count": "2",
		"conduit": "control-room_to_cell-1", "file": "s7comm/s7comm_plc_stop.pcap",
	} {
		if got, _ := m.sd[0].param(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got, _ := m.sd[1].param("pi_service"); got != "P_PROGRAM" {
		t.Errorf("details %+v", m.sd[1])
	}
	if m.msg != a.Title {
		t.Errorf("msg %q", m.msg)
	}

	tests := []struct {
		opts SyslogOptions
		sev  finding.Severity
		pri  string
		sdid string
	}{
		{SyslogOptions{}, finding.Info, "134", "zonewarden@32473"},                                // local0, informational
		{SyslogOptions{Facility: 4, EnterpriseID: 99999}, finding.High, "35", "zonewarden@99999"}, // auth, err
		{SyslogOptions{Facility: 23}, finding.Low, "189", "zonewarden@32473"},                     // local7, notice
		{SyslogOptions{Facility: 24}, finding.Medium, "132", "zonewarden@32473"},                  // out of range: local0, warning
	}
	for _, tt := range tests {
		b := *a
		b.Severity = tt.sev
		m, err := parseSyslog(string(AppendSyslog(nil, &b, tt.opts)))
		if err != nil || m.pri != tt.pri || m.sd[0].id != tt.sdid || m.host != "-" || m.procID != "-" {
			t.Errorf("%+v: pri %s sd %s host %s procid %s err %v", tt.opts, m.pri, m.sd[0].id, m.host, m.procID, err)
		}
	}
	// A non-ASCII title gets the byte order mark RFC 5424 asks for.
	if s := AppendSyslog(nil, samples()[4], syslogOpts); !bytes.Contains(s, []byte("\xEF\xBB\xBFGerät")) {
		t.Errorf("no BOM before a UTF-8 MSG: %q", s)
	}
}

func TestCEFFields(t *testing.T) {
	ev, err := parseCEF(string(AppendCEF(nil, samples()[0], cefOpts)))
	if err != nil {
		t.Fatal(err)
	}
	want := [7]string{"0", "ZoneWarden", "zonewarden", "0.9.0", "s7comm/plc-stop", "PLC STOP sent to plc-1 by hmi-2", "10"}
	if ev.header != want {
		t.Errorf("header %q", ev.header)
	}
	for k, v := range map[string]string{
		"rt": strconv.FormatInt(samples()[0].Time.UnixMilli(), 10), "src": "10.10.2.20", "spt": "49321",
		"smac": "00:1b:1b:11:22:33", "shost": "hmi-2", "cs1Label": "sourceZone", "cs1": "control-room",
		"dst": "10.10.3.10", "dpt": "102", "dhost": "plc-1", "cs2": "cell-1", "app": "s7comm", "act": "plc-stop",
		"cs3": "control-room_to_cell-1", "cs4": "T0858,T0816", "cs5": "function=0x29; pi_service=P_PROGRAM",
		"cs6": "4811,4812", "cn1": "2", "fname": "s7comm/s7comm_plc_stop.pcap", "flexString1": "forbidden",
	} {
		if ev.ext[k] != v {
			t.Errorf("%s = %q, want %q", k, ev.ext[k], v)
		}
	}
	ev, err = parseCEF(string(AppendCEF(nil, samples()[2], CEFOptions{})))
	if err != nil {
		t.Fatal(err)
	}
	if ev.header[1] != DefaultCEFVendor || ev.header[3] != DefaultCEFVersion || ev.header[6] != "8" ||
		ev.ext["c6a2"] != "2001:db8::10" || ev.ext["c6a2Label"] != "Source IPv6 Address" || ev.ext["c6a3"] != "2001:db8:0:7::2" {
		t.Errorf("IPv6 sample: %q %v", ev.header, ev.ext)
	}
	// An IPv4-mapped IPv6 address is written as IPv4.
	ev, _ = parseCEF(string(AppendCEF(nil, samples()[4], CEFOptions{})))
	if ev.ext["dst"] != "192.0.2.2" || ev.ext["cn1"] != "40" || len(strings.Split(ev.ext["cs6"], ",")) != MaxListedPackets {
		t.Errorf("hostile sample: %v", ev.ext)
	}
}

func TestSeverityMaps(t *testing.T) {
	want := map[finding.Severity][2]int{
		finding.Info: {6, 1}, finding.Low: {5, 3}, finding.Medium: {4, 5}, finding.High: {3, 8}, finding.Critical: {2, 10},
	}
	for s, w := range want {
		if SyslogSeverity(s) != w[0] || CEFSeverity(s) != w[1] {
			t.Errorf("%s: syslog %d cef %d, want %v", s, SyslogSeverity(s), CEFSeverity(s), w)
		}
	}
}

func TestTable(t *testing.T) {
	line := string(AppendTable(nil, samples()[4]))
	for _, bad := range []string{"\x1b", "\n", "\r", "\x00", "\x7f", "\u0085", "\u202e", "\u2028"} {
		if strings.Contains(line, bad) {
			t.Errorf("table line holds %q: %s", bad, line)
		}
	}
	for _, want := range []string{`\x1b[31mhi`, `\xff`, `\u{202e}evil`, `\x00nul\x7fdel\u{0085}nel`, "LOW", "conduit c|1: forbidden", "[T0846.002 T0888]"} {
		if !strings.Contains(line, want) {
			t.Errorf("table line lacks %q: %s", want, line)
		}
	}
	header := string(AppendTableHeader(nil))
	first := string(AppendTable(nil, samples()[0]))
	if strings.Index(header, "SEVERITY") != strings.Index(first, "CRITICAL") || strings.Index(header, "RULE") != strings.Index(first, "s7comm/") {
		t.Errorf("columns do not line up:\n%s\n%s", header, first)
	}
}

func TestEscapers(t *testing.T) {
	tests := []struct {
		name string
		esc  escaper
		in   string
		want string
	}{
		{"cef header", escCEFHeader, `a|b\c` + "\nd\xffe", `a\|b\\c d` + "\uFFFD" + "e"},
		{"cef value", escCEFValue, "k=v\\w\r\n\tx|y", `k\=v\\w\r\n x|y`},
		{"sd value", escSDValue, `"q" \ ]` + "\n\x00", `\"q\" \\ \]  `},
		{"line", escLine, "a\nb\x1bc\u2028d", "a b c d"},
		{"terminal", escTerminal, "\x1b[2J\xfe\u202eok\u00e9", `\x1b[2J\xfe\u{202e}ok` + "\u00e9"},
	}
	for _, tt := range tests {
		if got := string(appendEscaped(nil, tt.in, tt.esc)); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
	for in, want := range map[string]string{
		"plain":            `"plain"`,
		"q\"b\\n\nt\t\x01": `"q\"b\\n\nt\t\u0001"`,
		"\xff\u2028é":      `"\ufffd\u2028é"`,
	} {
		if got := string(appendJSONString(nil, in)); got != want {
			t.Errorf("json(%q) = %s, want %s", in, got, want)
		}
	}
	for _, tt := range []struct {
		in, forbidden string
		max           int
		empty         byte
		want          string
	}{
		{"", "", 10, '-', "-"},
		{"host name\x00é", "", 48, '-', "host_name___"},
		{"a=b]c\"d", `="]`, 32, '_', "a_b_c_d"},
		{strings.Repeat("x", 40), "", 32, '-', strings.Repeat("x", 32)},
	} {
		if got := string(appendToken(nil, tt.in, tt.max, tt.forbidden, tt.empty)); got != tt.want {
			t.Errorf("token(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClone(t *testing.T) {
	a := samples()[0]
	c := a.Clone()
	a.Details[0].Value = "changed"
	a.Packets[0] = 0
	a.Techniques[0] = "T0000"
	if c.Details[0].Value != "0x29" || c.Packets[0] != 4811 || c.Techniques[0] != "T0858" {
		t.Errorf("clone shares memory with the original: %+v", c)
	}
}

// Formatting allocates nothing when the buffer has room: the renderers run once per
// alert per sink, and a burst of alerts must not load the collector.
func TestFormattingAllocations(t *testing.T) {
	for _, r := range renderers {
		for i, a := range samples() {
			buf := make([]byte, 0, 8192)
			if n := testing.AllocsPerRun(50, func() { buf = r.render(buf[:0], a) }); n > 1 {
				t.Errorf("%s sample %d: %v allocations, want at most 1", r.name, i, n)
			}
		}
	}
}

func BenchmarkFormat(b *testing.B) {
	a := samples()[0]
	for _, r := range renderers {
		b.Run(r.name, func(b *testing.B) {
			buf := make([]byte, 0, 4096)
			b.ReportAllocs()
			for b.Loop() {
				buf = r.render(buf[:0], a)
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}
