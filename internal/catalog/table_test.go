package catalog

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

const (
	testHeader     = "id,standard,fr,kind,parent,title,lowest_sl,description,evidence\n"
	testCompHeader = "id,standard,fr,kind,parent,title,lowest_sl,description,evidence,level_source\n"
)

func TestParseTableErrors(t *testing.T) {
	const sr11 = `"SR 1.1","62443-3-3",1,"SR","","Human user identification and authentication",1,"d","e"` + "\n"
	tests := []struct {
		name, std, body, wantErr string
	}{
		{"empty", StandardSystem, "", "empty table"},
		{"header only", StandardSystem, testHeader, "no requirements"},
		{"wrong header", StandardSystem, "id,fr\n", "wrong number of fields"},
		{"renamed column", StandardSystem, strings.Replace(testHeader, "title", "name", 1), "header is"},
		{"short row", StandardSystem, testHeader + `"SR 1.1","62443-3-3",1` + "\n", "wrong number of fields"},
		{"bad quote", StandardSystem, testHeader + `"SR 1.1,"62443-3-3",1,"SR","","t",1,"d","e"` + "\n", "line 2"},
		{"not canonical", StandardSystem, testHeader + strings.Replace(sr11, `"SR 1.1"`, `"sr1.1"`, 1), `write it as "SR 1.1"`},
		{"malformed id", StandardSystem, testHeader + strings.Replace(sr11, `"SR 1.1"`, `"SR x"`, 1), "not a requirement identifier"},
		{"duplicate", StandardSystem, testHeader + sr11 + sr11, "listed twice"},
		{"wrong standard column", StandardSystem, testHeader + strings.Replace(sr11, `"62443-3-3"`, `"62443-4-2"`, 1), "standard"},
		{"CR in 3-3", StandardSystem, testHeader + `"CR 1.1","62443-3-3",1,"CR","","t",1,"d","e"` + "\n", "does not belong"},
		{"SR in 4-2", StandardComponent, testCompHeader + `"SR 1.1","62443-4-2",1,"SR","","t",1,"d","e","standard: s"` + "\n", "does not belong"},
		{"wrong kind", StandardSystem, testHeader + strings.Replace(sr11, `"SR",""`, `"RE",""`, 1), `kind "RE", want "SR"`},
		{"wrong fr", StandardSystem, testHeader + strings.Replace(sr11, `",1,"SR"`, `",2,"SR"`, 1), "fr"},
		{"level zero in 3-3", StandardSystem, testHeader + strings.Replace(sr11, `",1,"d"`, `",0,"d"`, 1), "lowest_sl"},
		{"level five", StandardComponent, testCompHeader + `"CR 1.1","62443-4-2",1,"CR","","t",5,"d","e","standard: s"` + "\n", "lowest_sl"},
		{"4-2 without level_source", StandardComponent, testHeader + `"CR 1.1","62443-4-2",1,"CR","","t",1,"d","e"` + "\n", "wrong number of fields"},
		{"level without source", StandardComponent, testCompHeader + `"CR 1.1","62443-4-2",1,"CR","","t",1,"d","e",""` + "\n", "level_source is empty"},
		{"source of unknown kind", StandardComponent, testCompHeader + `"CR 1.1","62443-4-2",1,"CR","","t",1,"d","e","my memory"` + "\n", "start it with standard:"},
		{"unsourced with a level", StandardComponent, testCompHeader + `"CR 1.1","62443-4-2",1,"CR","","t",2,"d","e","unsourced: x"` + "\n", "level 0"},
		{"sourced level zero", StandardComponent, testCompHeader + `"CR 1.1","62443-4-2",1,"CR","","t",0,"d","e","vendor: x"` + "\n", "mark the row placeholder: or unsourced:"},
		{"placeholder enhancement", StandardComponent, testCompHeader + `"CR 1.1","62443-4-2",1,"CR","","t",1,"d","e","standard: s"` + "\n" + `"CR 1.1 RE 1","62443-4-2",1,"CR-RE","CR 1.1","t",0,"d","e","placeholder: x"` + "\n", "only a CR"},
		{"source on 3-3", StandardSystem, testCompHeader + strings.Replace(sr11, `"e"`, `"e","standard: s"`, 1), "leave it empty"},
		{"parent missing", StandardSystem, testHeader + `"SR 1.1 RE 1","62443-3-3",1,"RE","SR 1.1","t",2,"d","e"` + "\n", "must come earlier"},
		{"wrong parent", StandardSystem, testHeader + sr11 + `"SR 1.1 RE 1","62443-3-3",1,"RE","SR 1.2","t",2,"d","e"` + "\n", `want "SR 1.1"`},
		{"parent on base", StandardSystem, testHeader + strings.Replace(sr11, `"SR",""`, `"SR","SR 1.2"`, 1), "want none"},
		{"enhancement below parent", StandardSystem, testHeader + strings.Replace(sr11, `",1,"d"`, `",3,"d"`, 1) + `"SR 1.1 RE 1","62443-3-3",1,"RE","SR 1.1","t",2,"d","e"` + "\n", "below its parent"},
		{"type-specific without CR", StandardComponent, testCompHeader + `"EDR 3.10","62443-4-2",3,"EDR","","t",1,"d","e","standard: s"` + "\n", `want "CR 3.10"`},
		{"empty description", StandardSystem, testHeader + strings.Replace(sr11, `"d"`, `""`, 1), "description is empty"},
		{"padded title", StandardSystem, testHeader + strings.Replace(sr11, `"Human`, `" Human`, 1), "surrounding space"},
		{"multi-line evidence", StandardSystem, testHeader + strings.Replace(sr11, `"e"`, "\"e\nf\"", 1), "spans lines"},
		{"long title", StandardSystem, testHeader + strings.Replace(sr11, `"Human`, `"`+strings.Repeat("x", 201), 1), "longer than"},
		{"invalid utf-8", StandardSystem, testHeader + strings.Replace(sr11, `"d"`, "\"\xff\"", 1), "UTF-8"},
		{"too big", StandardSystem, testHeader + strings.Repeat("#"+strings.Repeat(" ", 1000)+"\n", 1100), "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTable("t.csv", tt.std, []byte(tt.body))
			if err == nil {
				t.Fatalf("no error, want one containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "t.csv") {
				t.Fatalf("error %q, want it to start with the file name and contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseTableLineNumbers(t *testing.T) {
	body := "# comment\n" + testHeader +
		`"SR 1.1","62443-3-3",1,"SR","","t",1,"d","e"` + "\n" +
		`"SR 1.2","62443-3-3",1,"SR","","t",9,"d","e"` + "\n"
	_, err := parseTable("x.csv", StandardSystem, []byte(body))
	if err == nil || !strings.HasPrefix(err.Error(), "x.csv line 4: SR 1.2: lowest_sl") {
		t.Fatalf("error %v, want it to point at line 4", err)
	}
}

func TestDuplicateAcrossTables(t *testing.T) {
	r := Requirement{ID: "SR 1.1"}
	if _, err := newCatalog([]Requirement{r, r}); err == nil {
		t.Fatal("a requirement listed twice was accepted")
	}
}

// TestWriteCSVRoundTrip: what WriteCSV writes, parseTable reads back unchanged, for
// each embedded standard.
func TestWriteCSVRoundTrip(t *testing.T) {
	c := Default()
	for _, std := range Standards() {
		want := c.Standard(std)
		var buf bytes.Buffer
		if err := WriteCSV(&buf, want); err != nil {
			t.Fatal(err)
		}
		got, err := parseTable("round-trip", std, buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", std, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: round trip changed the requirements", std)
		}
	}
}

// FuzzParseTable: never panics; a table it accepts is consistent and survives a round
// trip through WriteCSV.
func FuzzParseTable(f *testing.F) {
	for _, file := range dataFiles {
		data, err := dataFS.ReadFile(file.path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(file.standard == StandardSystem, data)
	}
	f.Add(true, []byte(testHeader+`"SR 1.1","62443-3-3",1,"SR","","t",1,"d","e"`+"\n"))
	f.Add(false, []byte(testCompHeader+`"CR 3.10","62443-4-2",3,"CR","","t",0,"d","e","placeholder: p"`+"\n"+
		`"EDR 3.10","62443-4-2",3,"EDR","CR 3.10","t",1,"d","e","standard: s"`+"\n"+
		`"EDR 3.10 RE 1","62443-4-2",3,"EDR-RE","EDR 3.10","t",2,"d","e","vendor: v"`+"\n"+
		`"HDR 3.10","62443-4-2",3,"HDR","CR 3.10","t",0,"d","e","unsourced: u"`+"\n"))
	f.Add(true, []byte(testHeader+`"SR 1.1 RE 1","62443-3-3",1,"RE","SR 1.1","t",2,"d","e"`+"\n"))
	f.Add(true, []byte("id,standard\n\"unterminated"))
	f.Fuzz(func(t *testing.T, system bool, data []byte) {
		std := StandardComponent
		if system {
			std = StandardSystem
		}
		reqs, err := parseTable("fuzz", std, data)
		if err != nil {
			return
		}
		if _, err := newCatalog(reqs); err != nil {
			t.Fatalf("accepted table does not index: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, reqs); err != nil {
			t.Fatal(err)
		}
		again, err := parseTable("fuzz-again", std, buf.Bytes())
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if !slices.Equal(again, reqs) {
			t.Fatal("round trip changed the requirements")
		}
	})
}
