package handlers

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The forum's pages in a real browser: no WCAG 2.1 A/AA violations, the
// charts load as pictures, and the survey's page prints on A4.
func TestForumPagesInABrowser(t *testing.T) {
	tab := newTab(t)
	ta := newTestApp(t)
	admin := ta.member("admin")
	id := ta.fourVillageSurvey(admin.token)
	base := ta.serve()
	signInTab(t, tab, base, admin)

	scanURL(t, tab, base+"/forum", "the forum's dashboard")
	scanURL(t, tab, base+"/forum/surveys/"+id, "a survey's comparison")
	if h1 := eval[string](t, tab, `document.querySelector("h1").textContent`); h1 != "Bygdens prioriteringar" {
		t.Fatalf("got h1 %q; want the survey's title", h1)
	}
	t.Run("every chart loads as a picture of its stated size", func(t *testing.T) {
		waitFor(t, tab, "the charts", `[...document.images].every(i => i.complete)`, 10*time.Second)
		type img struct {
			Src            string
			Natural, Width int
		}
		imgs := eval[[]img](t, tab, `[...document.querySelectorAll("img.chart")].map(i => ({Src: i.src, Natural: i.naturalWidth, Width: i.width}))`)
		if len(imgs) != 3 {
			t.Fatalf("got %d charts; want 3", len(imgs))
		}
		for _, i := range imgs {
			if i.Natural == 0 {
				t.Errorf("%s did not load", i.Src)
			}
		}
	})
	t.Run("at 1280 px the charts are drawn to the column, at 360 px to the phone, and nothing is wider than the screen", func(t *testing.T) {
		tests := []struct {
			width, height int64
			wantWidth     int
		}{{1280, 900, chartColumnWidth}, {360, 740, 328}}
		for _, tt := range tests {
			mustDo(t, tab, chromedp.EmulateViewport(tt.width, tt.height), chromedp.Reload())
			waitFor(t, tab, "the charts", `[...document.images].every(i => i.complete && i.naturalWidth > 0)`, 10*time.Second)
			widths := eval[[]int](t, tab, `[...document.querySelectorAll("img.chart")].map(i => i.width)`)
			for _, w := range widths {
				if w != tt.wantWidth {
					t.Errorf("at %d px: got a chart %d px wide; want %d", tt.width, w, tt.wantWidth)
				}
			}
			if sw := eval[int](t, tab, `document.documentElement.scrollWidth`); sw > int(tt.width) {
				t.Errorf("at %d px: got scrollWidth %d; want at most %d", tt.width, sw, tt.width)
			}
		}
	})
	t.Run("the page prints on A4", func(t *testing.T) {
		yes := true
		res, err := chromedp.Call(tab, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
		if err != nil {
			t.Fatalf("print: %v", err)
		}
		pdf := res.Data
		if len(pdf) < 1000 {
			t.Fatalf("got a PDF of %d bytes", len(pdf))
		}
		if out := os.Getenv("FORANKRA_FORUM_PDF"); out != "" {
			_ = os.WriteFile(out, pdf, 0o644)
		}
	})
}
