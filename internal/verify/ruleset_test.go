package verify

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/simulate"
)

// TestParseWrittenRulesets reads back every ruleset Write produces for the examples: the
// policy, the connection-tracking rules and one accepting rule per rule line written.
func TestParseWrittenRulesets(t *testing.T) {
	for _, ex := range []string{"water-treatment", "substation"} {
		m := example(t, ex)
		for _, format := range []string{"nftables", "iptables"} {
			var b bytes.Buffer
			if err := Write(&b, m, format); err != nil {
				t.Fatal(err)
			}
			rs, err := ParseRuleset(bytes.NewReader(b.Bytes()), ex+"."+format, "")
			if err != nil {
				t.Fatalf("%s %s: %v", ex, format, err)
			}
			if rs.Format != format || rs.Policy != "drop" {
				t.Errorf("%s: format %s policy %s", ex, rs.Format, rs.Policy)
			}
			want := strings.Count(b.String(), "accept comment")
			if format == "iptables" {
				want = strings.Count(b.String(), "-j ACCEPT\n") - 1 // less the established rule
			}
			accepts := 0
			for _, r := range rs.Rules {
				if r.Action == "accept" && r.Comment != "" {
					accepts++
					if len(r.States) != 1 || r.States[0] != "new" || len(r.Src) == 0 || len(r.Dst) == 0 {
						t.Errorf("%s %s line %d: %+v", ex, format, r.Line, r)
					}
				}
			}
			if accepts != want {
				t.Errorf("%s %s: %d accepting rules read, %d written", ex, format, accepts, want)
			}
			if r := rs.Rules[0]; r.Action != "accept" || strings.Join(r.States, ",") != "established,related" {
				t.Errorf("%s %s: first rule %+v", ex, format, r)
			}
		}
	}
}

// TestReplayAgreesWithModel replays the rulesets zonewarden writes for each simulated
// plant against its traffic: every conversation the model allows passes through the
// rule of its own conduit, every one a conduit does not list is dropped, and operations
// a layer-4 rule cannot see are reported as needing deep packet inspection.
func TestReplayAgreesWithModel(t *testing.T) {
	for name, path := range simulatedPlants {
		for _, sc := range []simulate.Scenario{simulate.Normal, simulate.Attack} {
			t.Run(name+"/"+sc.String(), func(t *testing.T) {
				m, inv, _, _ := simulatedInventory(t, path, sc)
				for _, format := range []string{"nftables", "iptables"} {
					var b bytes.Buffer
					if err := Write(&b, m, format); err != nil {
						t.Fatal(err)
					}
					rs, err := ParseRuleset(&b, "boundary."+format, format)
					if err != nil {
						t.Fatal(err)
					}
					got := Verify(m, inv, Options{Ruleset: rs})
					if got.Replay == nil || got.Replay.Replayed == 0 {
						t.Fatalf("%s: nothing replayed: %+v", format, got.Replay)
					}
					for _, c := range got.Conversations {
						if c.Firewall == nil {
							continue
						}
						switch {
						case c.Verdict == "allowed":
							if c.Firewall.Action != "accept" || !strings.HasPrefix(c.Firewall.Comment, c.Conduit+" ") {
								t.Errorf("%s: %s allowed by %s, firewall %+v", format, c.Evidence.Flow, c.Conduit, *c.Firewall)
							}
						case c.Verdict == "violation" && !strings.HasPrefix(c.Violations[0], "operation"):
							if c.Firewall.Action != "drop" {
								t.Errorf("%s: %s (%v) passes: %+v", format, c.Evidence.Flow, c.Violations, *c.Firewall)
							}
						}
					}
					for _, f := range got.Findings {
						if f.Rule == "rules/blocks-allowed" || f.Rule == "rules/passes-violation" {
							t.Errorf("%s: %s: %s", format, f.Rule, f.Message)
						}
					}
					if sc == simulate.Normal && got.Replay.Blocked != 0 {
						t.Errorf("%s: the normal traffic loses %d conversations", format, got.Replay.Blocked)
					}
					t.Logf("%s: %+v", format, *got.Replay)
				}
			})
		}
	}
}

func TestReplayDecisions(t *testing.T) {
	const nft = `# hand-written
table inet fw {
	chain fwd {
		type filter hook forward priority 0; policy accept;
		ct state established,related accept
		ip saddr 10.0.0.0/8 ip daddr 10.2.0.5 tcp dport 22 drop
		ip saddr { 10.1.0.0/16, 10.3.0.7 } tcp dport { 500-510, 8080 } counter accept comment "range"
		ip6 saddr 2001:db8::/32 meta l4proto ipv6-icmp accept
		udp dport 53 reject with icmp type port-unreachable
	}
	chain input {
		type filter hook input priority 0; policy drop;
	}
}
`
	const ipt = `*nat
:PREROUTING ACCEPT [0:0]
COMMIT
*filter
:FORWARD ACCEPT [0:0]
-A INPUT -j DROP
-A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -s 10.0.0.0/8 -d 10.2.0.5 -p tcp --dport 22 -j DROP
-A FORWARD -s 10.1.0.0/16,10.3.0.7 -p tcp -m multiport --dports 500:510,8080 -m comment --comment "range" -j ACCEPT
-A FORWARD -p udp --dport 53 -j LOG --log-prefix "dns "
-A FORWARD -p udp --dport 53 -j REJECT --reject-with icmp-port-unreachable
COMMIT
`
	cases := []struct {
		src, dst, proto string
		port            int
		action, comment string
	}{
		{"10.9.0.1", "10.2.0.5", "tcp", 22, "drop", ""},
		{"10.9.0.1", "10.2.0.6", "tcp", 22, "accept", ""}, // policy
		{"10.1.2.3", "10.2.0.5", "tcp", 505, "accept", "range"},
		{"10.3.0.7", "10.4.0.1", "tcp", 8080, "accept", "range"},
		{"10.3.0.8", "10.4.0.1", "tcp", 8080, "accept", ""},
		{"10.1.2.3", "10.2.0.5", "tcp", 511, "accept", ""},
		{"10.1.2.3", "10.2.0.5", "udp", 53, "drop", ""},
	}
	for _, src := range []struct{ name, text string }{{"nftables", nft}, {"iptables", ipt}} {
		rs, err := ParseRuleset(strings.NewReader(src.text), src.name, "")
		if err != nil {
			t.Fatalf("%s: %v", src.name, err)
		}
		if rs.Format != src.name || rs.Policy != "accept" {
			t.Errorf("%s: format %s policy %s", src.name, rs.Format, rs.Policy)
		}
		for _, tc := range cases {
			fv := rs.decide(netip.MustParseAddr(tc.src), netip.MustParseAddr(tc.dst), tc.proto, tc.port)
			if fv.Action != tc.action || fv.Comment != tc.comment {
				t.Errorf("%s: %s -> %s %s/%d: %+v, want %s %q", src.name, tc.src, tc.dst, tc.proto, tc.port, fv, tc.action, tc.comment)
			}
		}
	}
}

func TestParseRulesetErrors(t *testing.T) {
	nft := func(rule string) string {
		return "table inet t {\n\tchain f {\n\t\ttype filter hook forward priority 0; policy drop;\n\t\t" + rule + "\n\t}\n}\n"
	}
	ipt := func(rule string) string { return "*filter\n:FORWARD DROP [0:0]\n" + rule + "\nCOMMIT\n" }
	cases := []struct{ name, text, want string }{
		{"interface match", nft(`iifname "eth0" accept`), `line 4: nftables syntax zonewarden does not understand: "iifname \"eth0\" accept"`},
		{"source port", nft(`tcp sport 22 accept`), "line 4: tcp sport: zonewarden replays destination ports"},
		{"host name", nft(`ip saddr plc.example accept`), `line 4: "plc.example" is neither an address nor a network`},
		{"open set", nft(`ip saddr { 10.0.0.1, 10.0.0.2 accept`), "line 4: a set without its closing }"},
		{"missing brace", "table inet t {\n\tchain f {\n\t\ttype filter hook forward priority 0;\n", "end of file inside chain f"},
		{"no forward chain", "table inet t {\n\tchain i {\n\t\ttype filter hook input priority 0;\n\t}\n}\n", "no base chain with hook forward"},
		{"two verdicts", nft(`accept drop`), "line 4: two verdicts in one rule"},
		{"netdev table", "table netdev t {\n}\n", "line 1: table netdev t: zonewarden replays inet, ip and ip6 tables"},
		{"negation", ipt(`-A FORWARD ! -s 10.0.0.0/8 -j ACCEPT`), "line 3: negated matches (!) are not replayed"},
		{"user chain", ipt(`-A FORWARD -j ZONES`), "line 3: -j ZONES: zonewarden replays ACCEPT, DROP, REJECT and LOG"},
		{"service name", ipt(`-A FORWARD -p tcp --dport ssh -j ACCEPT`), `line 3: "ssh" is not a port`},
		{"interface", ipt(`-A FORWARD -i eth0 -j ACCEPT`), "line 3: iptables option -i is not replayed"},
		{"match module", ipt(`-A FORWARD -m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT`), "line 3: match module iprange is not replayed"},
		{"no commit", "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -j ACCEPT\n", "line 3: table filter has no COMMIT"},
		{"no filter table", "*nat\nCOMMIT\n", "no *filter table"},
		{"rule outside a table", "-A FORWARD -j ACCEPT\n", `line 1: "-A FORWARD -j ACCEPT" outside a table`},
		{"neither", "hello\n", "cannot tell the ruleset's format"},
		{"unterminated quote", ipt(`-A FORWARD -m comment --comment "x -j ACCEPT`), "line 3: unterminated quoted string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRuleset(strings.NewReader(tc.text), "bad.rules", "")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "bad.rules: ") {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// FuzzParseRuleset: a ruleset of any bytes gives a ruleset or an error, never a panic,
// and every rule read names a line of the input.
func FuzzParseRuleset(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.nftables"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*.iptables"))
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("table inet t {\n chain f {\n type filter hook forward priority 0; policy drop;\n ip saddr { 10.0.0.0/8, 1.2.3.4 } tcp dport { 1-2, 3 } ct state new accept comment \"x\"\n }\n}\n"))
	f.Add([]byte("*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 1.2.3.4,5.6.7.8/24 -p udp -m multiport --dports 1:9,80 -j ACCEPT\nCOMMIT\n"))
	f.Add([]byte("table inet t { chain f { type filter hook forward priority 0; ip saddr {"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := ParseRuleset(bytes.NewReader(b), "fuzz", "")
		if err != nil {
			return
		}
		lines := bytes.Count(b, []byte("\n")) + 1
		for _, r := range rs.Rules {
			if r.Line < 1 || r.Line > lines {
				t.Fatalf("rule at line %d of %d", r.Line, lines)
			}
		}
		if rs.Policy != "accept" && rs.Policy != "drop" {
			t.Fatalf("policy %q", rs.Policy)
		}
	})
}

// TestReplayFindings checks the three ways a ruleset and the model disagree.
func TestReplayFindings(t *testing.T) {
	m := loadPlant(t)
	inv := capture(everyone,
		fl{"hmi", "plc", "modbus", "tcp", 502, "read", ""},        // allowed by c-ctl-cell allow[0]
		fl{"office", "plc", "modbus", "tcp", 502, "read", ""},     // no conduit
		fl{"ws", "plc", "modbus", "tcp", 502, "read,program", ""}, // operation not allowed
		fl{"plc", "intrude", "profinet", "ethernet", 0, "", ""},   // inside a zone: not replayed
	)
	const ruleset = `*filter
:FORWARD DROP [0:0]
-A FORWARD -s 10.1.0.0/16 -j ACCEPT
-A FORWARD -s 10.2.0.40 -p tcp --dport 502 -j ACCEPT
COMMIT
`
	rs, err := ParseRuleset(strings.NewReader(ruleset), "fw.rules", "")
	if err != nil {
		t.Fatal(err)
	}
	res := Verify(m, inv, Options{Ruleset: rs})
	if rp := res.Replay; rp == nil || rp.Replayed != 3 || rp.Accepted != 2 || rp.Blocked != 1 || rp.BlockedPackets != 18 {
		t.Errorf("replay %+v", res.Replay)
	}
	for _, tc := range []struct{ rule, subject, text string }{
		{"rules/blocks-allowed", "c-ctl-cell", "fw.rules (the forward chain's policy, drop) decides"},
		{"rules/passes-violation", "z-cell", "fw.rules line 3"},
		{"rules/needs-dpi", "c-ctl-cell", "fw.rules line 4"},
	} {
		fs := findingsOf(res, tc.rule)
		if len(fs) != 1 || fs[0].Subject != tc.subject || !strings.Contains(fs[0].Message, tc.text) {
			t.Errorf("%s: %+v", tc.rule, fs)
		}
	}
}
