package catalog

import (
	"testing"
)

func TestNormalizeID(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means malformed
	}{
		{"SR 1.1", "SR 1.1"},
		{"sr1.1", "SR 1.1"},
		{"  Sr 1.1\t", "SR 1.1"},
		{"SR-1.1", "SR 1.1"},
		{"SR_7.8", "SR 7.8"},
		{"SR 1.1 RE 1", "SR 1.1 RE 1"},
		{"SR 1.1 RE1", "SR 1.1 RE 1"},
		{"sr1.1re1", "SR 1.1 RE 1"},
		{"SR 1.1 RE(1)", "SR 1.1 RE 1"},
		{"SR 1.1 RE (2)", "SR 1.1 RE 2"},
		{"SR 1.1(1)", "SR 1.1 RE 1"},
		{"SR 1.1 (3)", "SR 1.1 RE 3"},
		{"SR 1.13.RE1", "SR 1.13 RE 1"},
		{"CR 3.14", "CR 3.14"},
		{"cr-1.2-re(1)", "CR 1.2 RE 1"},
		{"CR 1.2-RE(1)", "CR 1.2 RE 1"},
		{"EDR 3.10 RE 1", "EDR 3.10 RE 1"},
		{"ndr5.2(3)", "NDR 5.2 RE 3"},
		{"SAR 2.4", "SAR 2.4"},
		{"hdr 3.2 re 1", "HDR 3.2 RE 1"},
		{"SR 01.01", "SR 1.1"},

		{"", ""},
		{"SR", ""},
		{"SR 1", ""},
		{"SR 1.", ""},
		{"SR .1", ""},
		{"SR 0.1", ""},
		{"SR 8.1", ""},
		{"SR 1.0", ""},
		{"SR 1.100", ""},
		{"SR 1.1.", ""},
		{"SR 1.1 RE", ""},
		{"SR 1.1 RE 0", ""},
		{"SR 1.1 RE 100", ""},
		{"SR 1.1 RE(1", ""},
		{"SR 1.1 (1", ""},
		{"SR 1.1 1", ""},
		{"SR 1.1 RE 1 x", ""},
		{"SR 1.1 RE 1 RE 2", ""},
		{"ZR 1.1", ""},
		{"SRR 1.1", ""},
		{"S R 1.1", ""},
		{"1.1", ""},
		{"FR 1", ""},
		{"SR 1.1\n", ""},
		{"SR 1.1 RE 1)", ""},
		{"SR １.1", ""}, // full-width digit
	}
	for _, tt := range tests {
		got, ok := NormalizeID(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("NormalizeID(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestLookupSpellings(t *testing.T) {
	c := Default()
	for _, id := range []string{"SR 1.1 RE 1", "sr1.1", "SR 1.1(1)", "sr 1.1 re(1)", "CR 3.14", "cr3.14", "edr 3.10 re1"} {
		if _, ok := c.Lookup(id); !ok {
			t.Errorf("Lookup(%q) found nothing", id)
		}
	}
	for _, id := range []string{"SR 1.14", "SR 1.1 RE 4", "CR 3.15", "SAR 3.10", "garbage", ""} {
		if r, ok := c.Lookup(id); ok {
			t.Errorf("Lookup(%q) = %s, want nothing", id, r.ID)
		}
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	c := Default()
	for _, id := range []string{"SR 1.1 RE 1", "EDR 3.14 RE 1", "sr7.8", "CR 1.2-RE(1)"} {
		if n := testing.AllocsPerRun(100, func() { c.Lookup(id) }); n != 0 {
			t.Errorf("Lookup(%q) allocates %v times", id, n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { NormalizeID("SR 1.1 RE 1") }); n != 0 {
		t.Errorf("NormalizeID of a canonical id allocates %v times", n)
	}
}

func BenchmarkLookup(b *testing.B) {
	c := Default()
	ids := []string{"SR 1.1", "SR 3.8 RE 3", "CR 3.14", "NDR 5.2 RE 1", "EDR 3.10 RE 1"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, ok := c.Lookup(ids[i%len(ids)]); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkLookupLoose(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Lookup("  cr-1.2-re(1) "); !ok {
			b.Fatal("not found")
		}
	}
}

// FuzzNormalizeID: never panics; what it accepts is canonical, stable, and looks up the
// same requirement as the original spelling.
func FuzzNormalizeID(f *testing.F) {
	for _, s := range []string{"SR 1.1", "sr1.1re1", "SR 1.1(1)", "cr-1.2-re(1)", "EDR 3.10 RE 1",
		"SR 1.1 RE", "SR 9.9", "", " ", "SR 1.1 RE(1", "ndr5.2(3)", "SR 99.99 RE 99", "hdr\t3.2_re.1"} {
		f.Add(s)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := NormalizeID(s)
		if !ok {
			if got != "" {
				t.Fatalf("NormalizeID(%q) = %q with ok false", s, got)
			}
			if _, found := c.Lookup(s); found {
				t.Fatalf("Lookup(%q) found a requirement for a malformed id", s)
			}
			return
		}
		again, ok2 := NormalizeID(got)
		if !ok2 || again != got {
			t.Fatalf("NormalizeID(%q) = %q, but NormalizeID(%q) = %q, %v", s, got, got, again, ok2)
		}
		r1, f1 := c.Lookup(s)
		r2, f2 := c.Lookup(got)
		if f1 != f2 || r1 != r2 {
			t.Fatalf("Lookup(%q) and Lookup(%q) disagree", s, got)
		}
		if f1 && r1.ID != got {
			t.Fatalf("Lookup(%q) returned %s, want %s", s, r1.ID, got)
		}
	})
}
