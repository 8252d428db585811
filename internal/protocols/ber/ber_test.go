package ber

import (
	"encoding/hex"
	"testing"
)

func TestNext(t *testing.T) {
	for _, tc := range []struct {
		in          string
		class       byte
		constructed bool
		number      uint32
		content     string
		rest        string
	}{
		{"020105ff", ClassUniversal, false, 2, "05", "ff"},
		{"bf480580031a0161", ClassContext, true, 72, "80031a0161", ""}, // high tag number (MMS fileOpen)
		{"61820003aabbcc", ClassApplication, true, 1, "aabbcc", ""},    // long-form length
		{"8000", ClassContext, false, 0, "", ""},
	} {
		b, _ := hex.DecodeString(tc.in)
		e, rest, err := Next(b)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if e.Class != tc.class || e.Constructed != tc.constructed || e.Number != tc.number ||
			hex.EncodeToString(e.Content) != tc.content || hex.EncodeToString(rest) != tc.rest {
			t.Errorf("%s: %+v rest %x", tc.in, e, rest)
		}
	}
	for _, bad := range []string{"", "02", "0205aa", "30800201000000", "1f", "1f808080800100", "02840000000100"} {
		b, _ := hex.DecodeString(bad)
		if _, _, err := Next(b); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestChildAndUint32(t *testing.T) {
	b, _ := hex.DecodeString("a20c80034142428103524546820000")
	e, _, err := Next(b)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := e.Child(ClassContext, 1); !ok || string(c.Content) != "REF" {
		t.Errorf("child 1: %+v %v", c, ok)
	}
	if _, ok := e.Child(ClassContext, 5); ok {
		t.Error("child 5 found")
	}
	for in, want := range map[string]uint32{"05": 5, "00ff": 255, "00ffffffff": 0xffffffff, "7fffffff": 0x7fffffff} {
		c, _ := hex.DecodeString(in)
		if v, ok := Uint32(c); !ok || v != want {
			t.Errorf("Uint32(%s) = %d %v", in, v, ok)
		}
	}
	for _, in := range []string{"", "80", "0100000000", "ff"} {
		c, _ := hex.DecodeString(in)
		if _, ok := Uint32(c); ok {
			t.Errorf("Uint32(%s) accepted", in)
		}
	}
}
