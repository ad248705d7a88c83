package handlers

import (
	"context"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/forankra/forankra/survey"
)

// a4Content is the printable width of an A4 page with the stylesheet's
// 18 mm margins, in CSS pixels: (210 − 2·18) mm at 96 px an inch.
const a4Content = 657

// pdfPage counts the pages of a PDF Chromium wrote.
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestPlanPrintsOnA4InTheBrowser prints a plan from Chromium, as a group member editing
// the draft and as an official reading a submitted one: the PDF has pages,
// in print the header, menu and forms are gone, the plan's text and its
// actions are there, and nothing is wider than the A4 page.
func TestPlanPrintsOnA4InTheBrowser(t *testing.T) {
	tab := newTab(t)
	ta := plansApp(t)
	walkedPlan(t, ta)
	rep := ta.member(survey.RoleRepresentative, "bby")
	ta.mustDo("POST", "/api/v1/villages/bby/plans", rep.token, map[string]any{"year": 2026}, 201)
	ta.mustDo("PUT", "/api/v1/plans/bby-2026", rep.token, map[string]any{"version": 1, "summary": "Bby vill ha fiber till varenda gård, ocksåiandraändanavbyn.ochlångaordsomintebryts",
		"priorities": []map[string]any{{"focus_area": "bredband-och-mobiltackning", "rank": 1, "label": "Fiber till alla", "rationale": "Utan fiber flyttar barnfamiljerna.", "horizon": "long"}}}, 200)
	official := ta.member(survey.RoleOfficial)
	base := ta.serve()
	for _, tt := range []struct {
		name, path string
		who        member
		want       []string // texts the printed page shows
	}{
		{"a draft printed by its group", "/planer/bby-2026", rep, []string{"Fiber till alla", "Utan fiber flyttar barnfamiljerna."}},
		{"a submitted plan printed by an official", "/planer/aby-2026", official, []string{"Säker skolväg", "Mät trafiken vid skolan"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			signInTab(t, tab, base, tt.who)
			mustDo(t, tab, chromedp.Navigate(base+tt.path), chromedp.EmulateViewport(a4Content, 1000))
			media(t, tab, "print")
			defer media(t, tab, "")
			shown := eval[[]string](t, tab, `[...document.querySelectorAll('header, .top, nav, form, details')].filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 80))`)
			if len(shown) > 0 {
				t.Errorf("got a header, menu or form shown in print: %q; want none", shown)
			}
			for _, w := range tt.want {
				if !eval[bool](t, tab, `(() => { const r = document.createRange(); const w = `+jsString(w)+`;
					const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
					for (let n; (n = walk.nextNode());) { if (n.textContent.includes(w) && n.parentElement.offsetParent !== null) return true; }
					return false; })()`) {
					t.Errorf("got no visible %q in print; want it", w)
				}
			}
			if w := eval[int](t, tab, "document.documentElement.scrollWidth"); w > a4Content {
				t.Errorf("got %d px wide in print; want at most %d (A4 within its margins)", w, a4Content)
			}
			wide := eval[[]string](t, tab, `[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > `+"657.5"+`).map(e => e.tagName + '.' + e.className).slice(0, 5)`)
			if len(wide) > 0 {
				t.Errorf("got elements past the A4 page's edge in print: %v; want none", wide)
			}
			yes := true
			res, err := chromedp.Call(tab, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
			if err != nil {
				t.Fatalf("print to PDF: %v", err)
			}
			if n := len(pdfPage.FindAll(res.Data, -1)); n < 1 || n > 4 {
				t.Errorf("got a PDF of %d pages (%d bytes); want 1 to 4 A4 pages", n, len(res.Data))
			}
		})
	}
}

// media emulates a CSS media type in the tab ("" ends it).
func media(t *testing.T, tab context.Context, m string) {
	t.Helper()
	if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m}); err != nil {
		t.Fatalf("emulate %q media: %v", m, err)
	}
}

// jsString quotes s for a script.
func jsString(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		switch r {
		case '"', '\\':
			b = append(b, '\\', byte(r))
		default:
			b = append(b, string(r)...)
		}
	}
	return string(append(b, '"'))
}
