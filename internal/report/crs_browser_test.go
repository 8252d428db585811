package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/zonewarden/zonewarden/internal/approval"
)

// crsPage is what the page says about how the specification rendered.
type crsPage struct {
	Width, Height float64
	Sections      []string
	Zones         []box
	Conduits      []box
	Overflow      []string
	Wide          []string
	Approval      string
}

const crsInspectJS = `(() => {
  const box = (el, id) => { const r = el.getBoundingClientRect();
    return {ID: id || "", X: r.left + scrollX, Y: r.top + scrollY, W: r.width, H: r.height}; };
  const inside = (b, r, slack) => b.x >= r.x - slack && b.y >= r.y - slack &&
    b.x + b.width <= r.x + r.width + slack && b.y + b.height <= r.y + r.height + slack;
  const doc = document.querySelector("main.doc").getBoundingClientRect();
  const out = {
    Width: document.documentElement.scrollWidth, Height: document.documentElement.scrollHeight,
    Sections: [...document.querySelectorAll("main > section")].map(s => s.id),
    Zones: [...document.querySelectorAll("svg.diagram g.zone")].map(g => box(g.querySelector("rect"), g.dataset.id)),
    Conduits: [...document.querySelectorAll("svg.diagram g.conduit")].map(g => box(g.querySelector("polyline.line"), g.dataset.id)),
    Overflow: [], Wide: [],
    Approval: document.querySelector("#approval-status").textContent,
  };
  document.querySelectorAll("svg.diagram g.zone").forEach(g => {
    const r = g.querySelector("rect").getBBox();
    g.querySelectorAll("text").forEach(t => { if (!inside(t.getBBox(), r, 0.5)) out.Overflow.push(g.dataset.id + ": " + t.textContent); });
  });
  // No table or drawing is wider than the document column.
  document.querySelectorAll("main table, main svg").forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.right > doc.right + 1) out.Wide.push(el.tagName + " " + (el.closest("section") || {}).id);
  });
  return out;
})()`

// TestCRSInBrowser opens the specification of the small plant in headless Chromium:
// every section renders, the drawing's boxes hold their text and lie inside the page,
// nothing is wider than the document, no request leaves the page, and it prints.
func TestCRSInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser: skipped with -short")
	}
	bin := chromium()
	if bin == "" {
		t.Skip("no Chromium found (install the chromium package, or set ZONEWARDEN_CHROMIUM)")
	}
	in := crsInput(t, crsPlant, crsStatus(approval.Void))
	dir := t.TempDir()
	file := filepath.Join(dir, "crs.html")
	if err := os.WriteFile(file, []byte(renderCRS(t, in, CRSHTML)), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
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
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	var mu sync.Mutex
	var requests, problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
				requests = append(requests, u)
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, ev.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS("svg.diagram"))); err != nil {
		t.Fatalf("opening the specification: %v", err)
	}
	pg, err := chromedp.Run(ctx, chromedp.Evaluate[crsPage](crsInspectJS))
	if err != nil {
		t.Fatalf("inspecting: %v", err)
	}
	mu.Lock()
	if len(requests) > 0 {
		t.Errorf("the document made network requests: %v", requests)
	}
	if len(problems) > 0 {
		t.Errorf("the page reported problems: %v", problems)
	}
	mu.Unlock()

	want := []string{"suc", "drawing", "targets", "environment", "risk", "requirements", "open", "approval"}
	if strings.Join(pg.Sections, " ") != strings.Join(want, " ") {
		t.Errorf("sections %v, want %v", pg.Sections, want)
	}
	checkBoxes(t, "diagram zone", pg.Zones, len(in.Model.Zones), pg.Width, pg.Height, false)
	checkBoxes(t, "conduit line", pg.Conduits, len(in.Model.Conduits), pg.Width, pg.Height, true)
	for i, a := range pg.Zones {
		for _, b := range pg.Zones[i+1:] {
			if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
				t.Errorf("diagram boxes %s and %s overlap", a.ID, b.ID)
			}
		}
	}
	for _, o := range pg.Overflow {
		t.Errorf("text spills out of its box: %s", o)
	}
	for _, w := range pg.Wide {
		t.Errorf("wider than the document: %s", w)
	}
	if !strings.Contains(pg.Approval, "is void: the model changed since") {
		t.Errorf("approval banner reads %q", pg.Approval)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground(), chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatalf("printing: %v", err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF") {
		t.Error("printing did not give a PDF")
	}
	full := filepath.Join(dir, "crs.png")
	if *shotsDir != "" {
		if err := os.MkdirAll(*shotsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		full = filepath.Join(*shotsDir, "crs.png")
		if err := os.WriteFile(filepath.Join(*shotsDir, "crs.pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, s := range pg.Sections {
			if err := shoot(ctx, filepath.Join(*shotsDir, "crs-"+s+".png"), "#"+s, true); err != nil {
				t.Fatal(err)
			}
		}
		if err := shoot(ctx, filepath.Join(*shotsDir, "crs-top.png"), "#suc", false); err != nil {
			t.Fatal(err)
		}
	}
	if err := shoot(ctx, full, "", false); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", full)
}
