package render

import (
	"cmp"
	"fmt"
	"html"
	"math"
	"slices"
	"strings"

	"github.com/zonewarden/zonewarden/internal/inventory"
)

// The communication map is drawn here as SVG: the assets in rows by Purdue level, the
// conversations between them as lines, thicker for more packets, solid for industrial
// protocols and dashed for the rest.

const (
	mapNodeGap   = 132 // horizontal distance between nodes
	mapLaneH     = 118 // height of a Purdue row
	mapLeft      = 150 // width of the row labels
	mapTop       = 24
	mapMaxInLane = 24 // nodes drawn per row; the rest are counted
	mapRadius    = 15
)

type mapLane struct {
	label string
	level int // -1: no level
}

var mapLanes = []mapLane{{"Level 4 · business", 4}, {"Level 3 · operations", 3}, {"Level 2 · supervisory", 2},
	{"Level 1 · control", 1}, {"No level guessed", -1}}

// roleMarks are the letter drawn in each node, so that roles read without colour.
var roleMarks = map[string]string{inventory.RoleController: "C", inventory.RoleEngineering: "E", inventory.RoleHMISCADA: "H",
	inventory.RoleHistorian: "D", inventory.RoleNetworkDevice: "N", inventory.RoleITHost: "I", inventory.RoleUnknown: "?"}

type mapNode struct {
	x, y  int
	asset *inventory.Asset
}

type mapEdge struct {
	a, b      string // asset ids, a < b
	protocols []string
	packets   uint64
	ot        bool
}

// commMap draws the communication map of inv as an SVG element.
func commMap(inv *inventory.Inventory) string {
	lanes := make([][]*inventory.Asset, len(mapLanes))
	for i := range inv.Assets {
		a := &inv.Assets[i]
		li := len(mapLanes) - 1
		if a.Purdue.Level != nil {
			for j, l := range mapLanes {
				if l.level == *a.Purdue.Level {
					li = j
				}
			}
		}
		lanes[li] = append(lanes[li], a)
	}
	traffic := func(a *inventory.Asset) uint64 { return a.Sent.Packets + a.Received.Packets }
	nodes := map[string]*mapNode{}
	var b strings.Builder
	width := mapLeft + mapNodeGap
	hidden := make([]int, len(lanes))
	for li, as := range lanes {
		if len(as) > mapMaxInLane {
			// Keep the busiest: a map of thousands of nodes helps no one.
			slices.SortStableFunc(as, func(x, y *inventory.Asset) int { return cmp.Compare(traffic(y), traffic(x)) })
			hidden[li] = len(as) - mapMaxInLane
			as = as[:mapMaxInLane]
			slices.SortStableFunc(as, func(x, y *inventory.Asset) int { return strings.Compare(x.ID, y.ID) })
			lanes[li] = as
		}
		for i, a := range as {
			nodes[a.ID] = &mapNode{x: mapLeft + mapNodeGap/2 + i*mapNodeGap, y: mapTop + li*mapLaneH + 40, asset: a}
		}
		width = max(width, mapLeft+len(as)*mapNodeGap+20)
	}
	height := mapTop + len(mapLanes)*mapLaneH
	fmt.Fprintf(&b, `<svg class="commap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="commap-title">`,
		width, height, width, height)
	b.WriteString(`<title id="commap-title">Communication map: assets by Purdue level and the conversations between them</title>`)
	for li, l := range mapLanes {
		y := mapTop + li*mapLaneH
		fmt.Fprintf(&b, `<rect class="lane lane%d" x="0" y="%d" width="%d" height="%d"/>`, li%2, y, width, mapLaneH)
		fmt.Fprintf(&b, `<text class="lane-label" x="10" y="%d">%s</text>`, y+22, html.EscapeString(l.label))
		if hidden[li] > 0 {
			fmt.Fprintf(&b, `<text class="lane-more" x="10" y="%d">+%d not drawn (least traffic)</text>`, y+40, hidden[li])
		}
	}
	for _, e := range mapEdges(inv, nodes) {
		p, q := nodes[e.a], nodes[e.b]
		w := 1 + math.Min(4, math.Log10(float64(e.packets)+1))
		class := "edge it"
		if e.ot {
			class = "edge ot"
		}
		title := fmt.Sprintf("%s ↔ %s: %s, %s packets", p.asset.Name, q.asset.Name, strings.Join(e.protocols, ", "), thousands(e.packets))
		path := fmt.Sprintf("M%d %d L%d %d", p.x, p.y, q.x, q.y)
		if p.y == q.y { // same row: bow the line so it does not run through the nodes between
			mid := (p.x + q.x) / 2
			bow := 22 + abs(q.x-p.x)/8
			path = fmt.Sprintf("M%d %d Q%d %d %d %d", p.x, p.y, mid, p.y-bow, q.x, q.y)
		}
		fmt.Fprintf(&b, `<path class="%s" d="%s" stroke-width="%.1f"><title>%s</title></path>`, class, path, w, html.EscapeString(title))
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range nodes {
			if !yield(id) {
				return
			}
		}
	})
	for _, id := range ids {
		n := nodes[id]
		a := n.asset
		addr := a.MAC
		if len(a.IPs) > 0 {
			addr = a.IPs[0].Address
		}
		title := fmt.Sprintf("%s (%s) — %s", a.Name, addr, a.Role.Name)
		fmt.Fprintf(&b, `<g class="node role-%s"><title>%s</title><a href="#%s">`, a.Role.Name, html.EscapeString(title), html.EscapeString(a.ID))
		fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d"/>`, n.x, n.y, mapRadius)
		fmt.Fprintf(&b, `<text class="mark" x="%d" y="%d">%s</text>`, n.x, n.y+5, roleMarks[a.Role.Name])
		fmt.Fprintf(&b, `<text class="name" x="%d" y="%d">%s</text>`, n.x, n.y+32, html.EscapeString(clip(a.Name, 18)))
		if addr != a.Name {
			fmt.Fprintf(&b, `<text class="addr" x="%d" y="%d">%s</text>`, n.x, n.y+46, html.EscapeString(clip(addr, 20)))
		}
		b.WriteString(`</a></g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// mapEdges joins the flows between each pair of drawn assets.
func mapEdges(inv *inventory.Inventory, nodes map[string]*mapNode) []*mapEdge {
	edges := map[[2]string]*mapEdge{}
	for i := range inv.Flows {
		f := &inv.Flows[i]
		a, b := f.Client.Asset, f.Server.Asset
		if a == "" || b == "" || a == b || nodes[a] == nil || nodes[b] == nil {
			continue
		}
		if b < a {
			a, b = b, a
		}
		e := edges[[2]string{a, b}]
		if e == nil {
			e = &mapEdge{a: a, b: b}
			edges[[2]string{a, b}] = e
		}
		if !slices.Contains(e.protocols, f.Protocol) {
			e.protocols = append(e.protocols, f.Protocol)
			slices.Sort(e.protocols)
		}
		e.packets += f.ToServer.Packets + f.ToClient.Packets
		e.ot = e.ot || inventory.Industrial(f.Protocol) // solid lines; the rest dashed
	}
	out := make([]*mapEdge, 0, len(edges))
	for _, e := range edges {
		out = append(out, e)
	}
	slices.SortFunc(out, func(x, y *mapEdge) int { return cmp.Or(strings.Compare(x.a, y.a), strings.Compare(x.b, y.b)) })
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
