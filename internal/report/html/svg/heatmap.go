package svg

import (
	"strconv"
)

// Heatmap is a risk matrix: likelihood rows by consequence columns, each cell coloured
// by its risk level, with the items that fall in it written inside.
type Heatmap struct {
	// Title is the chart's accessible name; Caption is written above the grid.
	Title, Caption string
	// RowAxis and ColAxis name the axes ("Likelihood", "Consequence").
	RowAxis, ColAxis string
	// Rows label the rows from the lowest level (drawn at the bottom) up; Cols the
	// columns from the lowest level (drawn at the left).
	Rows, Cols []string
	// Class[r][c] styles the cell of row r, column c (CSS); Items[r][c] lists what lies there.
	Class [][]string
	Items [][][]Mark
	// Emphasis[r][c] draws the cell's border heavier (cells above what is tolerable).
	Emphasis [][]bool
}

// Heat map geometry, in SVG units.
const (
	hmCellW, hmCellH = 114.0, 52.0
	hmLeft           = 112.0 // row labels and axis name
	hmTop            = 26.0  // caption
	hmBottom         = 44.0  // column labels and axis name
	hmItemPx         = 10.0
	hmItemLines      = 3
)

// SVG draws the heat map.
func (h *Heatmap) SVG() string {
	var w writer
	nr, nc := len(h.Rows), len(h.Cols)
	width := hmLeft + float64(nc)*hmCellW + 8
	height := hmTop + float64(nr)*hmCellH + hmBottom
	w.open("svg", "class", "heatmap", "viewBox", "0 0 "+num(width)+" "+num(height), "role", "img")
	w.title(h.Title)
	w.element("text", h.Caption, "class", "heatmap-caption", "x", num(hmLeft), "y", "16")
	for r := 0; r < nr; r++ {
		y := hmTop + float64(nr-1-r)*hmCellH
		w.element("text", fit(h.Rows[r], hmLeft-26, 9.5, false), "class", "heatmap-label", "x", num(hmLeft-6), "y", num(y+hmCellH/2+3), "text-anchor", "end")
		w.element("text", strconv.Itoa(r+1), "class", "heatmap-level", "x", num(hmLeft-6), "y", num(y+hmCellH/2-9), "text-anchor", "end")
		for c := 0; c < nc; c++ {
			x := hmLeft + float64(c)*hmCellW
			cls := "cell " + at(h.Class, r, c)
			if atBool(h.Emphasis, r, c) {
				cls += " cell-over"
			}
			w.open("g", "class", cls)
			w.empty("rect", "x", num(x+1), "y", num(y+1), "width", num(hmCellW-2), "height", num(hmCellH-2), "rx", "3")
			items := atItems(h.Items, r, c)
			shown := len(items)
			if shown > hmItemLines {
				shown = hmItemLines - 1
			}
			top := y + hmCellH/2 - float64(min(len(items), hmItemLines)-1)*6 + 3
			for i := 0; i < shown; i++ {
				it := items[i]
				w.open("text", "class", "item", "x", num(x+hmCellW/2), "y", num(top+float64(i)*12), "text-anchor", "middle")
				w.title(it.Title)
				w.text(fit(it.Text, hmCellW-8, hmItemPx, true))
				w.close("text")
			}
			if shown < len(items) {
				w.element("text", "+"+strconv.Itoa(len(items)-shown)+" more", "class", "item item-more",
					"x", num(x+hmCellW/2), "y", num(top+float64(shown)*12), "text-anchor", "middle")
			}
			w.close("g")
		}
	}
	bottom := hmTop + float64(nr)*hmCellH
	for c := 0; c < nc; c++ {
		x := hmLeft + float64(c)*hmCellW + hmCellW/2
		w.element("text", strconv.Itoa(c+1)+" "+fit(h.Cols[c], hmCellW-14, 9.5, false), "class", "heatmap-label", "x", num(x), "y", num(bottom+14), "text-anchor", "middle")
	}
	w.element("text", h.ColAxis+" →", "class", "heatmap-axis", "x", num(hmLeft+float64(nc)*hmCellW/2), "y", num(bottom+34), "text-anchor", "middle")
	mid := hmTop + float64(nr)*hmCellH/2
	w.element("text", h.RowAxis+" →", "class", "heatmap-axis", "x", "14", "y", num(mid), "text-anchor", "middle",
		"transform", "rotate(-90 14 "+num(mid)+")")
	w.close("svg")
	return w.String()
}

func at(m [][]string, r, c int) string {
	if r < len(m) && c < len(m[r]) {
		return m[r][c]
	}
	return ""
}

func atBool(m [][]bool, r, c int) bool { return r < len(m) && c < len(m[r]) && m[r][c] }

func atItems(m [][][]Mark, r, c int) []Mark {
	if r < len(m) && c < len(m[r]) {
		return m[r][c]
	}
	return nil
}
