package svg

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var itemRe = regexp.MustCompile(`<text class="item[^"]*" x="([^"]*)" y="([^"]*)"[^>]*>(?:<title>[^<]*</title>)?([^<]*)</text>`)

func TestHeatmap(t *testing.T) {
	h := &Heatmap{Title: "risk", Caption: "before", RowAxis: "Likelihood", ColAxis: "Consequence",
		Rows: []string{"Rare", "Possible", "Likely"}, Cols: []string{"Minor", "Major"},
		Class:    [][]string{{"risk-1", "risk-2"}, {"risk-2", "risk-4"}, {"risk-4", "risk-5"}},
		Emphasis: [][]bool{{false, false}, {false, true}, {true, true}},
		Items:    make([][][]Mark, 3),
	}
	for i := range h.Items {
		h.Items[i] = make([][]Mark, 2)
	}
	h.Items[0][1] = []Mark{{"T-a", "threat a"}}                                // rare, major
	h.Items[2][0] = []Mark{{"T-b", ""}, {"T-c", ""}, {"T-d", ""}, {"T-e", ""}} // likely, minor: crowded
	out := h.SVG()
	wellFormed(t, out)

	if n := strings.Count(out, `class="cell `); n != 6 {
		t.Errorf("%d cells, want 6", n)
	}
	if n := strings.Count(out, "cell-over"); n != 3 {
		t.Errorf("%d emphasised cells, want 3", n)
	}
	type place struct{ row, col int }
	got := map[string]place{}
	for _, m := range itemRe.FindAllStringSubmatch(out, -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		col := int((x - hmLeft) / hmCellW)
		row := len(h.Rows) - 1 - int((y-hmTop)/hmCellH) // rows are drawn lowest at the bottom
		got[m[3]] = place{row, col}
	}
	want := map[string]place{"T-a": {0, 1}, "T-b": {2, 0}, "T-c": {2, 0}, "+2 more": {2, 0}}
	if len(got) != len(want) {
		t.Errorf("items drawn: %v, want %v", got, want)
	}
	for id, p := range want {
		if got[id] != p {
			t.Errorf("%s in cell %v, want %v", id, got[id], p)
		}
	}
}
