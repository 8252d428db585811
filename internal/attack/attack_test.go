package attack

import (
	"regexp"
	"slices"
	"testing"
)

// The techniques the detection rules and the issue name must be in the table under
// exactly these names. MITRE revoked some of them in ATT&CK v19 (ICS sub-techniques);
// they stay in the table, marked, so alerts that carry them can still be rendered.
func TestTechniquesTheProjectUses(t *testing.T) {
	tests := []struct {
		id, name string
		revoked  bool
	}{
		{"T0858", "Change Operating Mode", false},
		{"T0843", "Program Download", false},
		{"T0816", "Device Restart/Shutdown", false},
		{"T0836", "Modify Parameter", false},
		{"T0855", "Unauthorized Command Message", true},
		{"T0846", "Remote System Discovery", false},
		{"T0888", "Remote System Information Discovery", false},
		{"T0864", "Transient Cyber Asset", false},
		{"T0801", "Monitor Process State", false},
		{"T0831", "Manipulation of Control", false},
		{"T0814", "Denial of Service", false},
		{"T0806", "Brute Force I/O", false},
		{"T0845", "Program Upload", false},
		{"T0809", "Data Destruction", false},
		{"T0812", "Default Credentials", true},
		{"T0869", "Standard Application Layer Protocol", false},
		{"T0885", "Commonly Used Port", false},
		{"T0840", "Network Connection Enumeration", false},
		{"T0842", "Network Sniffing", false},
		{"T0849", "Masquerading", false},
		{"T0800", "Activate Firmware Update Mode", false},
		{"T0857", "System Firmware", true},
		{"T0878", "Alarm Suppression", false},
		{"T0815", "Denial of View", false},
		{"T0826", "Loss of Availability", false},
		{"T0827", "Loss of Control", false},
		{"T0829", "Loss of View", false},
		{"T0832", "Manipulation of View", false},
		{"T0881", "Service Stop", false},
		{"T0895", "Autorun Image", false},
		{"T0873", "Project File Infection", false},
		{"T0890", "Exploitation for Privilege Escalation", false},
		{"T0866", "Exploitation of Remote Services", false},
		{"T0822", "External Remote Services", false},
		{"T0883", "Internet Accessible Device", false},
		{"T0886", "Remote Services", false},
		{"T0859", "Valid Accounts", false},
		{"T0877", "I/O Image", false},
		{"T0861", "Point & Tag Identification", false},
		{"T0868", "Detect Operating Mode", false},
		{"T0887", "Wireless Sniffing", false},
		{"T0889", "Modify Program", false},
		{"T0821", "Modify Controller Tasking", false},
		{"T0835", "Manipulate I/O Image", false},
		{"T0838", "Modify Alarm Settings", false},
		{"T0851", "Rootkit", false},
		{"T0856", "Spoof Reporting Message", true},
		{"T0830", "Adversary-in-the-Middle", false},
		// The v19 replacements the detection rules should prefer.
		{"T1692.001", "Command Message", false},
		{"T1692.002", "Reporting Message", false},
		{"T1694.001", "Default Credentials", false},
		{"T1693.001", "System Firmware", false},
		{"T0846.001", "Port Scan", false},
		{"T0846.002", "Broadcast Discovery", false},
		{"T0846.003", "Multicast Discovery", false},
		{"T0843.001", "Download All", false},
		{"T0843.002", "Online Edit", false},
		{"T0843.003", "Program Append", false},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.id)
		if !ok {
			t.Errorf("Lookup(%s): missing", tt.id)
			continue
		}
		if got.Name != tt.name {
			t.Errorf("Lookup(%s).Name = %q, want %q", tt.id, got.Name, tt.name)
		}
		if got.Revoked != tt.revoked {
			t.Errorf("Lookup(%s).Revoked = %v, want %v", tt.id, got.Revoked, tt.revoked)
		}
		if !got.Revoked && len(got.Tactics) == 0 {
			t.Errorf("Lookup(%s): no tactics", tt.id)
		}
	}
}

func TestLookupFacts(t *testing.T) {
	tests := []struct {
		id      string
		tactics []string
		parent  string
		url     string
	}{
		{"T0858", []string{"Execution", "Evasion"}, "", "https://attack.mitre.org/techniques/T0858/"},
		{"T0843.001", []string{"Lateral Movement"}, "T0843", "https://attack.mitre.org/techniques/T0843/001/"},
		{"T0887", []string{"Discovery", "Collection"}, "", "https://attack.mitre.org/techniques/T0887/"},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.id)
		if !ok {
			t.Fatalf("Lookup(%s): missing", tt.id)
		}
		if !slices.Equal(got.Tactics, tt.tactics) || got.Parent() != tt.parent || got.URL() != tt.url {
			t.Errorf("Lookup(%s) = %+v parent %q url %q", tt.id, got, got.Parent(), got.URL())
		}
	}
	for _, id := range []string{"", "T", "T08", "T9999", "t0858", "T0858 ", "T0843.999", "TA0108"} {
		if _, ok := Lookup(id); ok {
			t.Errorf("Lookup(%q) found something", id)
		}
	}
}

func TestLookupReturnsACopy(t *testing.T) {
	a, _ := Lookup("T0858")
	a.Tactics[0] = "changed"
	b, _ := Lookup("T0858")
	if b.Tactics[0] != "Execution" {
		t.Fatal("modifying a looked-up technique changed the table")
	}
	all := All()
	all[0].Tactics = append(all[0].Tactics[:0], "changed")
	if again := All(); again[0].Tactics[0] == "changed" {
		t.Fatal("modifying All's result changed the table")
	}
}

func TestCurrent(t *testing.T) {
	tests := []struct {
		id, want string
		ok       bool
	}{
		{"T0858", "T0858", true},     // active: itself
		{"T0839", "T1693.002", true}, // revoked, replacement known
		{"T0804", "T1691.002", true}, // revoked, replacement known
		{"T0855", "T1692.001", true}, // revoked, successor inferred (inferredReplacements)
		{"T0841", "", false},         // deprecated
		{"T0000", "", false},         // unknown
	}
	for _, tt := range tests {
		got, ok := Current(tt.id)
		if ok != tt.ok || got.ID != tt.want {
			t.Errorf("Current(%s) = %s, %v; want %s, %v", tt.id, got.ID, ok, tt.want, tt.ok)
		}
	}
}

var idPattern = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)

// The table's invariants, so a regenerated table that breaks them fails here.
func TestTableInvariants(t *testing.T) {
	known := map[string]bool{}
	for _, ta := range Tactics() {
		known[ta.Name] = true
	}
	if len(known) != 12 {
		t.Errorf("%d tactics, want the 12 of ATT&CK for ICS", len(known))
	}
	all := All()
	active := 0
	for i, tq := range all {
		if !idPattern.MatchString(tq.ID) || tq.Name == "" {
			t.Errorf("bad entry %+v", tq)
		}
		if i > 0 && all[i-1].ID >= tq.ID {
			t.Errorf("not sorted or duplicate: %s then %s", all[i-1].ID, tq.ID)
		}
		for _, n := range tq.Tactics {
			if !known[n] {
				t.Errorf("%s: unknown tactic %q", tq.ID, n)
			}
		}
		if p := tq.Parent(); p != "" {
			if parent, ok := Lookup(p); !ok || !parent.Active() {
				t.Errorf("%s: parent %s missing or inactive", tq.ID, p)
			}
		}
		if tq.ReplacedBy != "" {
			if r, ok := Lookup(tq.ReplacedBy); !ok || !r.Active() || !tq.Revoked {
				t.Errorf("%s: replaced by %s, which is missing or inactive, or %s is not revoked", tq.ID, tq.ReplacedBy, tq.ID)
			}
		}
		if tq.Active() {
			active++
		}
	}
	// ATT&CK for ICS has had 79-83 techniques since v8; v19 adds sub-techniques.
	if active < 90 {
		t.Errorf("only %d active techniques", active)
	}
}

func TestName(t *testing.T) {
	if n, ok := Name("T0843"); !ok || n != "Program Download" {
		t.Errorf("Name(T0843) = %q, %v", n, ok)
	}
	if n, ok := Name("T0001"); ok || n != "" {
		t.Errorf("Name(T0001) = %q, %v", n, ok)
	}
	if a := testing.AllocsPerRun(100, func() { Name("T0858") }); a != 0 {
		t.Errorf("Name allocates %v times", a)
	}
}

func TestCurrentFollowsInferredReplacements(t *testing.T) {
	for old, want := range map[string]string{"T0855": "T1692.001", "T0856": "T1692.002", "T0812": "T1694.001", "T0857": "T1693.001", "T0858": "T0858"} {
		if c, ok := Current(old); !ok || c.ID != want {
			t.Errorf("Current(%s) = %q, %v; want %s", old, c.ID, ok, want)
		}
	}
}
