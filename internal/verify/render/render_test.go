package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/verify"
)

// hostile is a verification whose texts carry what a device can put on the wire: escape
// sequences, Markdown and HTML, table pipes and newlines.
func hostile() *verify.Result {
	allow := 2
	ev := &verify.Evidence{Flow: "10.0.0.1 -> 10.0.0.2 modbus/tcp 502", File: "c.pcap", Packet: 1234567, Packets: 3,
		FirstSeen: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 3, 2, 8, 0, 1, 0, time.UTC), Conversations: 2}
	return &verify.Result{SchemaVersion: 1, Generator: "zonewarden", System: "plant\x1b[2J", Model: []string{"p.yaml"},
		Devices: []verify.Device{{Asset: "mac-1", Name: "evil|<script>", IPs: []string{"10.0.0.1"}, Match: "none", Issues: []string{"unknown"}}},
		Conversations: []verify.Conversation{{Client: verify.End{Asset: "mac-1", IP: "10.0.0.1"}, Server: verify.End{Asset: "mac-2", ModelAsset: "plc", IP: "10.0.0.2"},
			Protocol: "modbus", Transport: "tcp", ServerPort: 502, Operations: []string{"write"}, Verdict: "allowed", Conduit: "c-1", Allow: &allow,
			Violations: []string{}, Detail: "a|b\nc", Evidence: *ev, Firewall: &verify.FirewallVerdict{Action: "accept", Line: 7}}},
		Replay: &verify.Replay{File: "fw.nft", Format: "nftables", Policy: "drop", Rules: 9, Replayed: 1, Accepted: 1},
		Findings: []verify.Finding{{Finding: finding.Finding{Rule: "device/unknown", Severity: finding.High, Subject: "z",
			Message: "name \x1b]0;owned\x07 [x](http://e) <b>|</b>", Fix: "fix it"}, Evidence: ev}},
		Summary: verify.Summary{Findings: map[string]int{"high": 1}}}
}

func TestEscaping(t *testing.T) {
	res := hostile()
	var table, md bytes.Buffer
	if err := Table(&table, res); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, res); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"table": table.String(), "md": md.String()} {
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("%s: a control character reaches the output", name)
		}
	}
	for _, want := range []string{"packet 1,234,567", "(3 packets, 2 conversations", "accept: line 7", "allowed: c-1 allow[2]", "1 accepted, 0 blocked"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	if strings.Contains(md.String(), "<script>") || strings.Contains(md.String(), "<b>") || !strings.Contains(md.String(), `evil\|&lt;script&gt;`) {
		t.Errorf("markdown does not escape what devices say:\n%s", md.String())
	}
	for _, line := range strings.Split(md.String(), "\n") {
		if strings.HasPrefix(line, "| mac-1") && strings.Count(line, " | ") != 6 {
			t.Errorf("a device's name splits its table row: %q", line)
		}
	}
	var js bytes.Buffer
	if err := Write(&js, res, "json"); err != nil {
		t.Fatal(err)
	}
	var back verify.Result
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Findings[0].Evidence.Packet != 1234567 || back.Findings[0].Severity != finding.High {
		t.Errorf("JSON does not read back: %v %+v", err, back.Findings)
	}
	if err := Write(&js, res, "pdf"); err == nil {
		t.Error("unknown format accepted")
	}
}
