package report

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/zonewarden/zonewarden/internal/assess"
)

// screenshotPNG is the picture of the report's first screens that the README shows,
// relative to the repository root; -update rewrites it.
const screenshotPNG = "docs/img/assessment-report.png"

var shotsDir = flag.String("shots", "", "write screenshots of every report section into this directory, for review")

// chromium finds a Chromium or Chrome binary, or returns "".
func chromium() string {
	if p := os.Getenv("ZONEWARDEN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// pageReport is what the page itself says about how the report rendered.
type pageReport struct {
	Width, Height float64
	Radars        []box
	RadarTargets  []box
	Zones         []box
	Conduits      []box
	Heatmaps      []box
	HeatmapItems  int
	Sections      []string
	Overflow      []string
	Overlaps      []string
	OpenDetails   int
}

type box struct {
	ID         string
	X, Y, W, H float64
}

// inspectJS measures the rendered charts in page coordinates, and lists text that
// spills out of its box: the SVG is laid out in Go with estimated font metrics, and
// this is where the estimate meets a real font.
const inspectJS = `(() => {
  const box = (el, id) => { const r = el.getBoundingClientRect();
    return {ID: id || "", X: r.left + scrollX, Y: r.top + scrollY, W: r.width, H: r.height}; };
  const inside = (b, r, slack) => b.x >= r.x - slack && b.y >= r.y - slack &&
    b.x + b.width <= r.x + r.width + slack && b.y + b.height <= r.y + r.height + slack;
  const out = {
    Width: document.documentElement.scrollWidth, Height: document.documentElement.scrollHeight,
    Radars: [...document.querySelectorAll("svg.radar")].map(s => box(s, s.closest("article").id)),
    RadarTargets: [...document.querySelectorAll("svg.radar .sl-t polygon")].map(p => box(p, p.closest("article").id)),
    Zones: [...document.querySelectorAll("svg.diagram g.zone")].map(g => box(g.querySelector("rect"), g.dataset.id)),
    Conduits: [...document.querySelectorAll("svg.diagram g.conduit")].map(g => box(g.querySelector("polyline.line"), g.dataset.id)),
    Heatmaps: [...document.querySelectorAll("svg.heatmap")].map(s => box(s)),
    HeatmapItems: document.querySelectorAll("svg.heatmap text.item").length,
    Sections: [...document.querySelectorAll("main > section")].map(s => s.id),
    Overflow: [], Overlaps: [],
    OpenDetails: document.querySelectorAll("details[open]").length,
  };
  document.querySelectorAll("svg.diagram g.zone").forEach(g => {
    const r = g.querySelector("rect").getBBox();
    g.querySelectorAll("text").forEach(t => { if (!inside(t.getBBox(), r, 0.5)) out.Overflow.push(g.dataset.id + ": " + t.textContent); });
  });
  document.querySelectorAll("svg.heatmap g.cell").forEach(g => {
    const r = g.querySelector("rect").getBBox();
    g.querySelectorAll("text").forEach(t => { if (!inside(t.getBBox(), r, 0.5)) out.Overflow.push("risk matrix: " + t.textContent); });
  });
  const labels = [...document.querySelectorAll("svg.diagram .conduit-labels text")];
  const rects = [...document.querySelectorAll("svg.diagram g.zone rect")].map(r => r.getBBox());
  labels.forEach((t, i) => {
    const b = t.getBBox();
    rects.forEach(r => { if (b.x < r.x + r.width && r.x < b.x + b.width && b.y < r.y + r.height && r.y < b.y + b.height)
      out.Overlaps.push("label " + t.textContent + " covers a zone"); });
    labels.slice(i + 1).forEach(u => { const c = u.getBBox();
      if (b.x < c.x + c.width && c.x < b.x + b.width && b.y < c.y + c.height && c.y < b.y + b.height)
        out.Overlaps.push("label " + t.textContent + " covers label " + u.textContent); });
  });
  return out;
})()`

// TestAssessmentHTMLInBrowser opens the example's report in headless Chromium, checks
// that the charts and the diagram render inside the page with no request leaving it,
// and takes screenshots. -update rewrites docs/img/assessment-report.png.
func TestAssessmentHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser: skipped with -short")
	}
	bin := chromium()
	if bin == "" {
		t.Skip("no Chromium found (install the chromium package, or set ZONEWARDEN_CHROMIUM)")
	}
	res := exampleResult(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, renderHTML(t, res), 0o644); err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // CI runs as root
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-device-scale-factor", "1"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(ctx); err != nil { // start the browser and open the tab
		t.Fatalf("starting %s: %v", bin, err)
	}

	var mu sync.Mutex
	var requests, problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
				requests = append(requests, u)
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, fmt.Sprintf("console %s", ev.Type))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS("svg.diagram"))); err != nil {
		t.Fatalf("opening the report: %v", err)
	}
	pr, err := chromedp.Run(ctx, chromedp.Evaluate[pageReport](inspectJS))
	if err != nil {
		t.Fatalf("inspecting the report: %v", err)
	}
	mu.Lock()
	if len(requests) > 0 {
		t.Errorf("the report made network requests: %v", requests)
	}
	if len(problems) > 0 {
		t.Errorf("the page reported problems: %v", problems)
	}
	mu.Unlock()

	wantSections := []string{"summary", "diagram", "levels", "risk", "derivation", "gaps", "plan", "findings", "countermeasures"}
	if len(capabilityLines(res)) > 0 {
		wantSections = append(wantSections, "capability")
	}
	if strings.Join(pr.Sections, " ") != strings.Join(wantSections, " ") {
		t.Errorf("sections %v, want %v", pr.Sections, wantSections)
	}
	checkBoxes(t, "radar chart", pr.Radars, len(res.Zones), pr.Width, pr.Height, false)
	checkBoxes(t, "diagram zone", pr.Zones, len(res.Zones), pr.Width, pr.Height, false)
	checkBoxes(t, "risk matrix", pr.Heatmaps, 2, pr.Width, pr.Height, false)
	edges := 0
	for _, c := range res.Conduits {
		edges += max(len(c.Zones)-1, 0)
	}
	checkBoxes(t, "conduit line", pr.Conduits, edges, pr.Width, pr.Height, true)
	// Every zone with a target has a visible SL-T outline on its radar.
	targets := 0
	for _, z := range res.Zones {
		if !z.Target.IsZero() {
			targets++
		}
	}
	visible := 0
	for _, b := range pr.RadarTargets {
		if b.W > 10 && b.H > 10 {
			visible++
		}
	}
	if visible != targets {
		t.Errorf("%d radars show an SL-T outline, want %d (zones with a target)", visible, targets)
	}
	for i, a := range pr.Zones {
		for _, b := range pr.Zones[i+1:] {
			if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
				t.Errorf("diagram boxes %s and %s overlap", a.ID, b.ID)
			}
		}
	}
	if want := heatmapItems(res); pr.HeatmapItems != want {
		t.Errorf("%d threat ids in the risk matrices, want %d", pr.HeatmapItems, want)
	}
	for _, o := range pr.Overflow {
		t.Errorf("text spills out of its box: %s", o)
	}
	for _, o := range pr.Overlaps {
		t.Errorf("diagram: %s", o)
	}
	if pr.OpenDetails != 0 {
		t.Errorf("%d sections open on screen, want all collapsed", pr.OpenDetails)
	}

	// Printing opens every collapsed section, so the paper copy is whole.
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground(), chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatalf("printing: %v", err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF") {
		t.Error("printing did not give a PDF")
	}
	closed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("details:not([open])").length`))
	if err != nil {
		t.Fatal(err)
	}
	if closed != 0 {
		t.Errorf("%d sections stay collapsed when printing", closed)
	}

	top := filepath.Join(dir, "assessment-report.png")
	if *update {
		top = screenshotPNG
	}
	if err := os.MkdirAll(filepath.Dir(top), 0o755); err != nil {
		t.Fatal(err)
	}
	// The top of the report: cover, executive summary and the diagram.
	if err := shoot(ctx, top, "#diagram", false); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(dir, "full.png")
	if err := shoot(ctx, full, "", false); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s, %s", top, full)
	if *shotsDir != "" {
		if err := os.MkdirAll(*shotsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		parts := append(pr.Sections, ".zone-card", ".conduit-table", "risk-matrix", ".plan-table tbody tr", ".gap-table", ".finding-table tbody tr")
		for _, s := range parts {
			sel, name := "#"+s, s
			if strings.HasPrefix(s, ".") {
				sel, name = s, strings.Trim(strings.Map(func(r rune) rune {
					if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
						return r
					}
					return '-'
				}, s), "-")
			}
			if err := shoot(ctx, filepath.Join(*shotsDir, name+".png"), sel, true); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(*shotsDir, "report.pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkBoxes checks that want elements were drawn, each with an area (a length for
// lines, which may be straight), inside the page.
func checkBoxes(t *testing.T, what string, got []box, want int, w, h float64, line bool) {
	t.Helper()
	if len(got) != want {
		t.Errorf("%d %ss, want %d", len(got), what, want)
	}
	for _, b := range got {
		if b.W <= 0 && b.H <= 0 || !line && (b.W <= 0 || b.H <= 0) {
			t.Errorf("%s %s has no area: %+v", what, b.ID, b)
		}
		if b.X < 0 || b.Y < 0 || b.X+b.W > w+0.5 || b.Y+b.H > h+0.5 {
			t.Errorf("%s %s lies outside the page (%gx%g): %+v", what, b.ID, w, h, b)
		}
	}
}

// heatmapItems counts the threat ids the two matrices write: every threat once in
// each, except that a crowded cell shows two and "+n more".
func heatmapItems(res *assess.Result) int {
	n := 0
	for _, after := range []bool{false, true} {
		cells := map[[2]int]int{}
		for _, t := range res.Risk.Threats {
			l, c := t.Likelihood, t.Consequence
			if after {
				l, c = t.ResidualLikelihood, t.ResidualConsequence
			}
			cells[[2]int{l, c}]++
		}
		for _, k := range cells {
			if k > 3 {
				k = 2
			}
			n += k
		}
	}
	return n
}

// shoot saves a PNG of part of the page: from the top of the page to the bottom of the
// element sel, or the element alone, or the whole page when sel is "".
func shoot(ctx context.Context, path, sel string, alone bool) error {
	js := `(() => { const d = document.documentElement; return {X: 0, Y: 0, W: d.scrollWidth, H: d.scrollHeight}; })()`
	switch {
	case sel != "" && alone:
		js = fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect();
		  return {X: r.left + scrollX - 12, Y: r.top + scrollY - 12, W: r.width + 24, H: r.height + 24}; })()`, sel)
	case sel != "":
		js = fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect();
		  return {X: 0, Y: 0, W: document.documentElement.scrollWidth, H: r.bottom + scrollY + 16}; })()`, sel)
	}
	clip, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ X, Y, W, H float64 }](js))
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	png, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		yes := true
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng, FromSurface: &yes, CaptureBeyondViewport: &yes,
			Clip: &page.Viewport{X: clip.X, Y: clip.Y, Width: clip.W, Height: clip.H, Scale: 1},
		})
		return r.Data, err
	})
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	return os.WriteFile(path, png, 0o644)
}
